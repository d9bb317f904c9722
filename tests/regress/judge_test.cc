// Verdicts on two samples (pure): seeded synthetic runs with realistic noise, the thresholds
// file and run selectors.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "core/errors.h"
#include "regress/regress.h"
#include "synthetic.h"

namespace accelbench::regress {
namespace {

using testing::RunSamples;

JudgeOptions Fast() {
  JudgeOptions o;
  o.resamples = 500;
  return o;
}

TEST(JudgeSamples, IdenticalDistributionsNoRegressionIn95Of100) {
  testing::Noise same;  // identical distributions: no run-to-run offset
  same.run_sigma = 0;
  int regressed = 0, unchanged = 0;
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    std::mt19937_64 rng(seed);
    const auto a = RunSamples(rng, 12.0, 200, same);
    const auto b = RunSamples(rng, 12.0, 200, same);
    const auto v = JudgeSamples(a, b, Fast());
    regressed += v.verdict == Verdict::kRegressed;
    unchanged += v.verdict == Verdict::kUnchanged;
  }
  EXPECT_GE(100 - regressed, 95);
  EXPECT_GE(unchanged, 90);  // and mostly a positive "unchanged", not "inconclusive"
}

TEST(JudgeSamples, RunToRunDriftAloneIsNotARegression) {
  int regressed = 0;
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    std::mt19937_64 rng(1000 + seed);
    const auto a = RunSamples(rng, 12.0, 200);  // ~1% run-level drift
    const auto b = RunSamples(rng, 12.0, 200);
    regressed += JudgeSamples(a, b, Fast()).verdict == Verdict::kRegressed;
  }
  EXPECT_GE(100 - regressed, 95);
}

TEST(JudgeSamples, TenPercentSlowerIsRegressed) {
  int regressed = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::mt19937_64 rng(seed);
    const auto a = RunSamples(rng, 12.0, 200);
    const auto b = RunSamples(rng, 13.2, 200);
    const auto v = JudgeSamples(a, b, Fast());
    regressed += v.verdict == Verdict::kRegressed;
    EXPECT_NEAR(v.change_pct, 10, 6);  // run-level drift of both runs
  }
  EXPECT_GE(regressed, 19);
}

TEST(JudgeSamples, FasterIsImprovedAndHigherIsBetterFlips) {
  std::mt19937_64 rng(3);
  const auto a = RunSamples(rng, 12.0, 300);
  const auto b = RunSamples(rng, 10.0, 300);
  const auto v = JudgeSamples(a, b, Fast());
  EXPECT_EQ(v.verdict, Verdict::kImproved) << v.reason;
  EXPECT_LT(v.ratio_ci_high, 1);
  auto o = Fast();
  o.higher_is_better = true;  // e.g. throughput samples
  EXPECT_EQ(JudgeSamples(a, b, o).verdict, Verdict::kRegressed);
}

TEST(JudgeSamples, NoisyOrTinyIsInconclusive) {
  std::mt19937_64 rng(5);
  testing::Noise noisy;
  noisy.within_sigma = 0.6;
  const auto a = RunSamples(rng, 12.0, 12, noisy);
  const auto b = RunSamples(rng, 12.0, 12, noisy);
  const auto v = JudgeSamples(a, b, Fast());
  EXPECT_EQ(v.verdict, Verdict::kInconclusive) << v.reason;
  EXPECT_NE(v.reason.find("re-run advised"), std::string::npos);
  const std::vector<double> few = {1, 2, 3};
  EXPECT_EQ(JudgeSamples(few, few, Fast()).verdict, Verdict::kInconclusive);
  EXPECT_EQ(JudgeSamples({}, few, Fast()).verdict, Verdict::kInconclusive);
}

TEST(JudgeSamples, SignificantButBelowThresholdIsUnchanged) {
  std::mt19937_64 rng(9);
  testing::Noise quiet;
  quiet.within_sigma = 0.005;
  quiet.run_sigma = 0;
  quiet.outlier_rate = 0;
  const auto a = RunSamples(rng, 10.0, 2000, quiet);
  const auto b = RunSamples(rng, 10.1, 2000, quiet);  // 1%: real, but below 3%
  const auto v = JudgeSamples(a, b, Fast());
  EXPECT_LT(v.p_value, 1e-6);
  EXPECT_EQ(v.verdict, Verdict::kUnchanged) << v.reason;
}

TEST(Thresholds, FileParsingAndErrors) {
  auto t = ParseThresholds(R"({"default_pct": 5, "metrics": {"latency_ms": 2}, "alpha": 0.01})");
  EXPECT_DOUBLE_EQ(t.default_pct, 5);
  EXPECT_DOUBLE_EQ(t.MinEffect("latency_ms"), 0.02);
  EXPECT_DOUBLE_EQ(t.MinEffect("other"), 0.05);
  EXPECT_DOUBLE_EQ(t.alpha, 0.01);
  EXPECT_DOUBLE_EQ(Thresholds{}.MinEffect("latency_ms"), 0.03);
  EXPECT_THROW(ParseThresholds("{"), UsageError);
  EXPECT_THROW(ParseThresholds("[1]"), UsageError);
  EXPECT_THROW(ParseThresholds(R"({"default": 3})"), UsageError);
  EXPECT_THROW(ParseThresholds(R"({"default_pct": -1})"), UsageError);
  EXPECT_THROW(ParseThresholds(R"({"default_pct": "3"})"), UsageError);
  EXPECT_THROW(ParseThresholds(R"({"metrics": {"speed": 3}})"), UsageError);
  EXPECT_THROW(ParseThresholds(R"({"alpha": 0.9})"), UsageError);
  EXPECT_THROW(LoadThresholds("/nonexistent/thresholds.json"), UsageError);
}

TEST(RunSelector, Parsing) {
  EXPECT_EQ(ParseRunSelector("abc-123").run_id, "abc-123");
  auto latest = ParseRunSelector("latest");
  EXPECT_TRUE(latest.run_id.empty());
  EXPECT_TRUE(latest.tags.empty());
  auto s = ParseRunSelector("branch=main,ci=github");
  EXPECT_EQ(s.tags.at("branch"), "main");
  EXPECT_EQ(s.tags.at("ci"), "github");
  EXPECT_EQ(s.Describe(), "branch=main,ci=github");
  EXPECT_THROW(ParseRunSelector(""), UsageError);
  EXPECT_THROW(ParseRunSelector("branch=main,oops"), UsageError);
  EXPECT_THROW(ParseRunSelector("=x"), UsageError);
}

}  // namespace
}  // namespace accelbench::regress
