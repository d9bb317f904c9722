// Request parameter validation of the dashboard API (src/server/params.h).
#include "server/params.h"

#include <gtest/gtest.h>

namespace accelbench::server {
namespace {

using P = std::multimap<std::string, std::string>;

std::string Refusal(Endpoint e, const P& p) {
  try {
    ParseQuery(e, p);
  } catch (const BadRequest& ex) {
    return ex.what();
  }
  return "";
}

TEST(ServerParams, AcceptsValidFilters) {
  auto q = ParseQuery(Endpoint::kResults, {{"model", "bert"},
                                           {"platform", "webgpu:swiftshader"},
                                           {"batch", "8"},
                                           {"from", "2026-11-01"},
                                           {"to", "2026-11-27T23:59:59.123Z"},
                                           {"tag", "branch=main"},
                                           {"tag", "commit=abc123"},
                                           {"latest", "1"},
                                           {"limit", "20"}});
  EXPECT_EQ(*q.model, "bert");
  EXPECT_EQ(*q.platform, "webgpu:swiftshader");
  EXPECT_EQ(*q.batch, 8);
  EXPECT_TRUE(q.latest);
  EXPECT_EQ(q.limit, 20);
  ASSERT_EQ(q.tags.size(), 2u);
  EXPECT_EQ(q.tags[1].second, "abc123");
}

TEST(ServerParams, RefusesWithAMessage) {
  EXPECT_NE(Refusal(Endpoint::kResults, {{"nosuch", "1"}}).find("unknown parameter"),
            std::string::npos);
  EXPECT_NE(Refusal(Endpoint::kResults, {{"batch", "1x"}}).find("integer"), std::string::npos);
  EXPECT_NE(Refusal(Endpoint::kResults, {{"batch", "0"}}).find("between"), std::string::npos);
  EXPECT_NE(Refusal(Endpoint::kResults, {{"model", "a'b"}}).find("invalid"), std::string::npos);
  EXPECT_NE(Refusal(Endpoint::kResults, {{"model", ""}}).find("invalid"), std::string::npos);
  EXPECT_NE(Refusal(Endpoint::kResults, {{"batch", "1"}, {"batch", "2"}}).find("more than once"),
            std::string::npos);
  EXPECT_NE(Refusal(Endpoint::kResults, {{"from", "2026-02-30x"}}).find("ISO"), std::string::npos);
  EXPECT_NE(Refusal(Endpoint::kResults, {{"from", "2026-12-01"}, {"to", "2026-01-01"}}), "");
  EXPECT_NE(Refusal(Endpoint::kResults, {{"tag", "=x"}}), "");
  EXPECT_NE(Refusal(Endpoint::kResults, {{"limit", "5001"}}), "");
  EXPECT_NE(Refusal(Endpoint::kHistory, {{"model", "bert"}}).find("config_key"), std::string::npos);
  EXPECT_NE(Refusal(Endpoint::kHistory, {{"config_key", "k"}, {"metric", "secret"}}), "");
  EXPECT_NE(Refusal(Endpoint::kHistory, {{"config_key", "a\"b"}}), "");
  EXPECT_NE(Refusal(Endpoint::kStatus, {{"x", "1"}}), "");
  EXPECT_NE(Refusal(Endpoint::kRuns, {{"model", "bert"}}), "");
  EXPECT_NE(Refusal(Endpoint::kResults, {{"model", std::string(600, 'a')}}).find("too long"),
            std::string::npos);
}

TEST(ServerParams, TokenParameterIsNotAFilter) {
  EXPECT_EQ(Refusal(Endpoint::kStatus, {{"token", "x"}}), "");
}

TEST(ServerParams, IsoTimes) {
  for (const char* t : {"2026-11-27", "2026-11-27T18:03", "2026-11-27T18:03:39",
                        "2026-11-27T18:03:39.123Z", "2026-11-27T18:03:39Z"})
    EXPECT_TRUE(IsIsoTime(t)) << t;
  for (const char* t :
       {"", "2026", "2026-1-27", "2026-13-01", "2026-11-32", "2026-11-27 18:03", "2026-11-27T24:00",
        "2026-11-27T18:03:39.", "2026-11-27T18:03:39ZZ", "yesterday"})
    EXPECT_FALSE(IsIsoTime(t)) << t;
}

TEST(ServerParams, IdentifierValues) {
  EXPECT_TRUE(IsIdentifierValue("cuda:0"));
  EXPECT_TRUE(IsIdentifierValue("onnxruntime-web"));
  EXPECT_FALSE(IsIdentifierValue("a b"));
  EXPECT_FALSE(IsIdentifierValue("a;b"));
  EXPECT_FALSE(IsIdentifierValue(std::string(129, 'a')));
}

}  // namespace
}  // namespace accelbench::server
