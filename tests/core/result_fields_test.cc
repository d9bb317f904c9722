#include <gtest/gtest.h>

#include <set>

#include "core/result.h"

namespace accelbench {
namespace {

TEST(ResultFields, NamesAreUniqueAndRoundTrip) {
  std::set<std::string> names;
  for (const auto& f : ResultFields()) EXPECT_TRUE(names.insert(f.name).second) << f.name;
  ResultRecord r;
  r.model = "bert";
  r.batch = 8;
  r.lat_p50_ms = 1.25;
  r.status = ResultStatus::kNotConverged;
  ResultRecord copy;
  for (const auto& f : ResultFields()) f.set(copy, f.get(r));
  EXPECT_EQ(copy.model, "bert");
  EXPECT_EQ(copy.batch, 8);
  EXPECT_EQ(copy.lat_p50_ms, 1.25);
  EXPECT_FALSE(copy.lat_p99_ms.has_value());
  EXPECT_EQ(copy.status, ResultStatus::kNotConverged);
}

TEST(ResultFields, FindsByName) {
  ASSERT_NE(FindResultField("lat_p99_ms"), nullptr);
  EXPECT_STREQ(FindResultField("lat_p99_ms")->unit, "ms");
  EXPECT_EQ(FindResultField("nope"), nullptr);
}

}  // namespace
}  // namespace accelbench
