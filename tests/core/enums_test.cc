#include "core/enums.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace accelbench {
namespace {

TEST(Enums, RoundTripsEveryName) {
  for (auto p : AllPrecisions()) EXPECT_EQ(ParsePrecision(ToString(p)), p);
  for (auto m : AllModes()) EXPECT_EQ(ParseMode(ToString(m)), m);
  for (auto k : AllPlatformKinds()) EXPECT_EQ(ParsePlatformKind(ToString(k)), k);
}

TEST(Enums, InstanceNamesParseToTheirKind) {
  EXPECT_EQ(ParsePlatformKind("cuda:1"), PlatformKind::kCuda);
  EXPECT_EQ(ParsePrecision("4bit"), Precision::kInt4);
}

TEST(Enums, UnknownNameListsValidValues) {
  try {
    ParsePrecision("fp64");
    FAIL() << "no exception";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(),
                 "unknown precision 'fp64'; valid values are: fp32, fp16, bf16, int8, int4");
  }
}

TEST(Enums, BytesPerElement) {
  EXPECT_EQ(BytesPerElement(Precision::kFp16), 2);
  EXPECT_EQ(BytesPerElement(Precision::kInt4), 0.5);
}

}  // namespace
}  // namespace accelbench
