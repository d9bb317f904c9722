// CompareRuns / AnalyzeHistory / ResolveRun over a temporary database of synthetic runs.
#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "../store/store_test_util.h"
#include "core/errors.h"
#include "regress/regress.h"
#include "stats/stats.h"
#include "synthetic.h"

namespace accelbench::regress {
namespace {

using store::testing::MakeResult;
using store::testing::MakeRun;
using store::testing::TempDir;

// A run at minute `minute` with one result per (key, median).
void AddRun(store::Database& db, const std::string& id, int minute,
            const std::map<std::string, std::string>& tags,
            const std::vector<std::pair<std::string, double>>& configs, std::mt19937_64& rng) {
  auto run = MakeRun(id);
  char ts[64];
  std::snprintf(ts, sizeof ts, "2026-11-27T%02d:%02d:00.000Z", 10 + minute / 60, minute % 60);
  run.started_utc = ts;
  run.tags = tags;
  db.InsertRun(run);
  for (const auto& [key, median] : configs) {
    auto r = MakeResult(id, key);
    r.started_utc = ts;
    auto s = testing::RunSamples(rng, median, 150);
    r.lat_p50_ms = stats::Median(s);
    r.iterations = static_cast<int64_t>(s.size());
    db.InsertResult(r, s);
  }
  db.FinishRun(id, "finished");
}

TEST(CompareRuns, FlagsTheSlowConfigurationOnly) {
  TempDir tmp;
  auto db = store::Database::Open(tmp.Path("r.duckdb"));
  std::mt19937_64 rng(11);
  AddRun(db, "base", 0, {{"branch", "main"}}, {{"k/a", 10}, {"k/b", 20}, {"k/old", 5}}, rng);
  AddRun(db, "cand", 1, {{"branch", "pr-1"}}, {{"k/a", 10}, {"k/b", 23}, {"k/new", 5}}, rng);
  const auto c = CompareRuns(db, "base", "cand");
  ASSERT_EQ(c.configs.size(), 2u);
  EXPECT_EQ(c.configs[0].config_key, "k/a");
  EXPECT_NE(c.configs[0].v.verdict, Verdict::kRegressed);
  EXPECT_EQ(c.configs[1].config_key, "k/b");
  EXPECT_EQ(c.configs[1].v.verdict, Verdict::kRegressed) << c.configs[1].v.reason;
  EXPECT_TRUE(c.HasRegression());
  EXPECT_EQ(c.only_baseline, std::vector<std::string>{"k/old"});
  EXPECT_EQ(c.only_candidate, std::vector<std::string>{"k/new"});
  EXPECT_EQ(c.candidate_tags.at("branch"), "pr-1");

  // A 20% threshold: the 15% slowdown no longer counts as a regression.
  CompareOptions loose;
  loose.thresholds.default_pct = 20;
  EXPECT_FALSE(CompareRuns(db, "base", "cand", loose).HasRegression());

  for (const char* fmt : {"table", "md", "json"}) {
    std::ostringstream out;
    WriteComparison(c, fmt, out);
    EXPECT_NE(out.str().find("regressed"), std::string::npos) << fmt;
  }
  std::ostringstream md;
  WriteComparison(c, "md", md);
  EXPECT_NE(md.str().find("| :red_circle: |"), std::string::npos) << md.str();
  std::ostringstream bad;
  EXPECT_THROW(WriteComparison(c, "xml", bad), UsageError);
}

TEST(CompareRuns, BadInput) {
  TempDir tmp;
  auto db = store::Database::Open(tmp.Path("r.duckdb"));
  std::mt19937_64 rng(1);
  AddRun(db, "a", 0, {}, {{"k/a", 10}}, rng);
  AddRun(db, "b", 1, {}, {{"k/b", 10}}, rng);
  EXPECT_THROW(CompareRuns(db, "a", "nope"), UsageError);
  EXPECT_THROW(CompareRuns(db, "a", "b"), UsageError);  // no common configuration
  CompareOptions one;
  one.config_key = "k/zzz";
  EXPECT_THROW(CompareRuns(db, "a", "a", one), UsageError);
}

TEST(ResolveRun, IdsTagsLatestAndPrevious) {
  TempDir tmp;
  auto db = store::Database::Open(tmp.Path("r.duckdb"));
  std::mt19937_64 rng(2);
  AddRun(db, "m1", 0, {{"branch", "main"}}, {{"k", 10}}, rng);
  AddRun(db, "m2", 1, {{"branch", "main"}, {"commit", "abc"}}, {{"k", 10}}, rng);
  AddRun(db, "p1", 2, {{"branch", "pr"}}, {{"k", 10}}, rng);
  EXPECT_EQ(ResolveRun(db, ParseRunSelector("latest")), "p1");
  EXPECT_EQ(ResolveRun(db, ParseRunSelector("branch=main")), "m2");
  EXPECT_EQ(ResolveRun(db, ParseRunSelector("branch=main"), "m2"), "m1");
  EXPECT_EQ(ResolveRun(db, ParseRunSelector("m1")), "m1");
  EXPECT_EQ(PreviousRun(db, "p1"), "m2");
  EXPECT_THROW(PreviousRun(db, "m1"), UsageError);
  EXPECT_THROW(ResolveRun(db, ParseRunSelector("nope")), UsageError);
  EXPECT_THROW(ResolveRun(db, ParseRunSelector("branch=dev")), UsageError);
}

TEST(AnalyzeHistory, StepReportedOnceAtTheCausingRun) {
  TempDir tmp;
  auto db = store::Database::Open(tmp.Path("h.duckdb"));
  std::mt19937_64 rng(21);
  for (int i = 0; i < 24; ++i) {
    const std::string id = "run-" + std::to_string(i);
    // k/step slows down 5% from run 14; k/flat stays; feature-branch runs are filtered out.
    AddRun(db, id, i, {{"branch", "main"}}, {{"k/step", i >= 14 ? 21.0 : 20.0}, {"k/flat", 8}},
           rng);
  }
  AddRun(db, "feature", 30, {{"branch", "feature"}}, {{"k/step", 40}, {"k/flat", 40}}, rng);
  HistoryOptions opt;
  opt.tags = {{"branch", "main"}};
  const auto h = AnalyzeHistory(db, opt);
  ASSERT_EQ(h.size(), 2u);
  const auto& flat = h[0].config_key == "k/flat" ? h[0] : h[1];
  const auto& step = h[0].config_key == "k/step" ? h[0] : h[1];
  EXPECT_EQ(step.points.size(), 24u);
  EXPECT_TRUE(flat.change_points.empty());
  ASSERT_EQ(step.change_points.size(), 1u);
  EXPECT_EQ(step.change_points[0].run_id, "run-14");
  EXPECT_EQ(step.change_points[0].verdict, Verdict::kRegressed);

  opt.config_key = "k/step";
  EXPECT_EQ(AnalyzeHistory(db, opt).size(), 1u);
  EXPECT_EQ(LoadHistory(db, "k/step").size(), 25u);  // every branch
  opt.config_key = "k/none";
  EXPECT_THROW(AnalyzeHistory(db, opt), UsageError);

  std::ostringstream out;
  WriteHistory(h, "table", out);
  EXPECT_NE(out.str().find("run-14"), std::string::npos) << out.str();
}

}  // namespace
}  // namespace accelbench::regress
