// The worker -> runner result records (runner/protocol.h): what a worker wrote decodes back, and
// a record whose integer field is not an integer is refused (fuzz_record_decoder found 1e42
// converted to int64_t: undefined behaviour).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "runner/protocol.h"

namespace accelbench::runner {
namespace {

TEST(Protocol, RecordRoundTripsThroughJson) {
  ResultRecord r;
  r.model = "bert";
  r.batch = 64;
  r.lat_p50_ms = 1.5;
  const ResultRecord back = RecordFromJson(RecordToJson(r));
  EXPECT_EQ(back.model, "bert");
  EXPECT_EQ(back.batch, 64);
  EXPECT_EQ(back.lat_p50_ms, 1.5);
}

TEST(Protocol, NonIntegerInAnIntegerFieldIsRefused) {
  for (const char* text :
       {R"({"batch": 1e42})", R"({"batch": 2.5})", R"({"batch": 8.0})", R"({"batch": "eight"})"}) {
    try {
      RecordFromJson(nlohmann::json::parse(text));
      ADD_FAILURE() << text << " accepted";
    } catch (const UsageError& e) {
      EXPECT_STREQ(e.what(), "result record field 'batch' must be an integer") << text;
    }
  }
  EXPECT_EQ(RecordFromJson(nlohmann::json::parse(R"({"batch": 8})")).batch, 8);
}

}  // namespace
}  // namespace accelbench::runner
