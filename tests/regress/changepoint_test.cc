// E-divisive change points: the energy statistic against a brute-force numpy computation, and
// synthetic histories with a known 5% step in realistic noise.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "regress/regress.h"
#include "stats/changepoint.h"
#include "stats/stats.h"
#include "synthetic.h"

namespace accelbench {
namespace {

TEST(EnergyStatistic, MatchesBruteForce) {
  // Reference values: numpy, Q(x, t) = m k/(m+k) (2 mean|a-b| - mean_{i!=l}|a_i-a_l|
  // - mean_{j!=l}|b_j-b_l|), printed with repr().
  const std::vector<double> x = {1.0, 1.2, 0.9, 1.1, 2.0, 2.1, 1.9, 2.2};
  const double expect[] = {0.5916666666666667, 0.79,  1.875,
                           3.333333333333333,  1.875, 0.7899999999999994,
                           0.7666666666666668};
  for (size_t t = 1; t < x.size(); ++t)
    EXPECT_NEAR(stats::EnergyStatistic(x, t), expect[t - 1], 1e-12) << "tau " << t;
  EXPECT_THROW(stats::EnergyStatistic(x, 0), std::invalid_argument);
  EXPECT_THROW(stats::EnergyStatistic(x, 8), std::invalid_argument);
}

TEST(EDivisive, CleanStepFoundAtItsIndex) {
  std::vector<double> x(20, 10.0);
  for (size_t i = 12; i < x.size(); ++i) x[i] = 10.5;
  x[3] = 10.01;  // not all equal on the left
  const auto cps = stats::EDivisive(x);
  ASSERT_EQ(cps.size(), 1u);
  EXPECT_EQ(cps[0].index, 12u);
  EXPECT_LT(cps[0].p_value, 0.05);
}

TEST(EDivisive, TooShortOrConstantHasNone) {
  EXPECT_TRUE(stats::EDivisive(std::vector<double>{1, 2, 3}).empty());
  EXPECT_TRUE(stats::EDivisive(std::vector<double>(30, 5.0)).empty());
}

// One history point per run: the median of that run's synthetic samples.
std::vector<regress::HistoryPoint> History(std::mt19937_64& rng, size_t runs, size_t step_at,
                                           double step) {
  std::vector<regress::HistoryPoint> h;
  for (size_t i = 0; i < runs; ++i) {
    const double level = 20.0 * (i >= step_at ? 1 + step : 1.0);
    auto s = regress::testing::RunSamples(rng, level, 200);
    h.push_back(
        {"run-" + std::to_string(i), "res-" + std::to_string(i), "", stats::Median(s), s.size()});
  }
  return h;
}

TEST(DetectChangePoints, FivePercentStepFoundAtTheRightRunOnce) {
  int found = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::mt19937_64 rng(seed);
    const auto h = History(rng, 40, 25, 0.05);
    const auto cps = regress::DetectChangePoints(h);
    ASSERT_EQ(cps.size(), 1u) << "seed " << seed;
    EXPECT_EQ(cps[0].index, 25u) << "seed " << seed;
    EXPECT_EQ(cps[0].run_id, "run-25");
    EXPECT_EQ(cps[0].previous_run_id, "run-24");
    EXPECT_EQ(cps[0].verdict, regress::Verdict::kRegressed);
    EXPECT_NEAR(cps[0].change_pct, 5.0, 1.5) << "seed " << seed;
    found += cps[0].index == 25;
  }
  EXPECT_EQ(found, 20);
}

TEST(DetectChangePoints, ImprovementAndTwoSteps) {
  std::mt19937_64 rng(7);
  auto h = History(rng, 45, 15, -0.08);                           // 8% faster from run 15 ...
  for (size_t i = 30; i < h.size(); ++i) h[i].median_ms *= 1.10;  // ... 10% slower from run 30
  const auto cps = regress::DetectChangePoints(h);
  ASSERT_EQ(cps.size(), 2u);
  EXPECT_EQ(cps[0].index, 15u);
  EXPECT_EQ(cps[0].verdict, regress::Verdict::kImproved);
  EXPECT_EQ(cps[1].index, 30u);
  EXPECT_EQ(cps[1].verdict, regress::Verdict::kRegressed);
}

TEST(DetectChangePoints, NoStepNoChangePointIn95Of100) {
  int clean = 0;
  for (uint64_t seed = 100; seed < 200; ++seed) {
    std::mt19937_64 rng(seed);
    const auto h = History(rng, 30, 30, 0);
    clean += regress::DetectChangePoints(h).empty();
  }
  EXPECT_GE(clean, 95);
}

TEST(DetectChangePoints, StepBelowMinimumEffectIsNotReported) {
  std::vector<regress::HistoryPoint> h;
  for (size_t i = 0; i < 20; ++i)
    h.push_back({"r" + std::to_string(i), "", "", i < 10 ? 10.0 + 0.001 * (i % 3) : 10.2, 100});
  EXPECT_TRUE(regress::DetectChangePoints(h).empty());  // 2% < 3%
  regress::ChangePointOptions opt;
  opt.min_effect = 0.01;
  ASSERT_EQ(regress::DetectChangePoints(h, opt).size(), 1u);
}

}  // namespace
}  // namespace accelbench
