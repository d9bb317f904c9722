// Statistics against known values. Expected constants were computed by hand / with Python's
// math.comb and statistics modules (percentiles match numpy's default "linear" method, which
// equals statistics.quantiles(method="inclusive")).
#include "stats/stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace accelbench::stats {
namespace {

const std::vector<double> kX = {12.0, 3.0, 7.5, 9.0, 1.0, 4.0, 15.0, 8.0, 6.0, 10.0};

TEST(Stats, MeanStddevCv) {
  EXPECT_DOUBLE_EQ(Mean(kX), 7.55);
  EXPECT_NEAR(Stddev(kX), 4.245585943070756, 1e-12);
  EXPECT_NEAR(Cv(kX), 4.245585943070756 / 7.55, 1e-12);
  EXPECT_EQ(Min(kX), 1.0);
  EXPECT_EQ(Max(kX), 15.0);
  EXPECT_EQ(Stddev(std::vector<double>{5.0}), 0.0);
  EXPECT_TRUE(std::isnan(Mean(std::vector<double>{})));
}

TEST(Stats, PercentilesLinearInterpolation) {
  EXPECT_DOUBLE_EQ(Percentile(kX, 0), 1.0);
  EXPECT_DOUBLE_EQ(Percentile(kX, 25), 4.5);
  EXPECT_DOUBLE_EQ(Percentile(kX, 50), 7.75);
  EXPECT_NEAR(Percentile(kX, 90), 12.3, 1e-12);
  EXPECT_NEAR(Percentile(kX, 95), 13.65, 1e-12);
  EXPECT_NEAR(Percentile(kX, 99), 14.73, 1e-12);
  EXPECT_NEAR(Percentile(kX, 99.9), 14.973, 1e-12);
  EXPECT_DOUBLE_EQ(Percentile(kX, 100), 15.0);
  EXPECT_DOUBLE_EQ(Median(std::vector<double>{3, 1, 2}), 2.0);
  EXPECT_THROW(Percentile(std::vector<double>{}, 50), std::invalid_argument);
  EXPECT_THROW(Percentile(kX, 101), std::invalid_argument);
}

std::vector<double> Iota(size_t n) {
  std::vector<double> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<double>(n - i);  // unsorted on purpose
  return v;
}

TEST(Stats, MedianCiExactBinomial) {
  // n=10: k=2, coverage 1 - 2*11/1024.
  auto ci = MedianConfidenceInterval(Iota(10));
  ASSERT_TRUE(ci);
  EXPECT_EQ(ci->lower_rank, 2u);
  EXPECT_EQ(ci->upper_rank, 9u);
  EXPECT_DOUBLE_EQ(ci->low, 2.0);
  EXPECT_DOUBLE_EQ(ci->high, 9.0);
  EXPECT_NEAR(ci->coverage, 0.978515625, 1e-12);
  // n=100: ranks 40 and 61, coverage 0.9648.
  ci = MedianConfidenceInterval(Iota(100));
  ASSERT_TRUE(ci);
  EXPECT_EQ(ci->lower_rank, 40u);
  EXPECT_EQ(ci->upper_rank, 61u);
  EXPECT_NEAR(ci->coverage, 0.9647997997822952, 1e-9);
  // n=6 is the smallest n with a 95% interval: [min, max], coverage 1 - 2/64.
  ci = MedianConfidenceInterval(Iota(6));
  ASSERT_TRUE(ci);
  EXPECT_EQ(ci->lower_rank, 1u);
  EXPECT_NEAR(ci->coverage, 0.96875, 1e-12);
  EXPECT_FALSE(MedianConfidenceInterval(Iota(5)));
  EXPECT_FALSE(MedianConfidenceInterval(std::vector<double>{}));
}

TEST(Stats, MedianCiNormalApproximation) {
  // n=1000 exact: ranks 469/532; n=1001 normal: floor(500.5 - 1.959964*sqrt(1001)/2) = 469.
  auto exact = MedianConfidenceInterval(Iota(1000));
  ASSERT_TRUE(exact);
  EXPECT_EQ(exact->lower_rank, 469u);
  EXPECT_EQ(exact->upper_rank, 532u);
  auto approx = MedianConfidenceInterval(Iota(1001));
  ASSERT_TRUE(approx);
  EXPECT_EQ(approx->lower_rank, 469u);
  EXPECT_EQ(approx->upper_rank, 533u);
  EXPECT_DOUBLE_EQ(approx->low, 469.0);
}

TEST(Stats, BootstrapRatioIsSeededAndBracketsTheRatio) {
  std::vector<double> a, b;
  for (int i = 0; i < 50; ++i) {
    a.push_back(20.0 + (i % 7) * 0.5);
    b.push_back(10.0 + (i % 5) * 0.25);
  }
  const auto r1 = BootstrapMedianRatioCi(a, b, 0.95, 500, 42);
  const auto r2 = BootstrapMedianRatioCi(a, b, 0.95, 500, 42);
  EXPECT_DOUBLE_EQ(r1.ratio, Median(a) / Median(b));
  EXPECT_DOUBLE_EQ(r1.low, r2.low);
  EXPECT_DOUBLE_EQ(r1.high, r2.high);
  EXPECT_LE(r1.low, r1.ratio);
  EXPECT_GE(r1.high, r1.ratio);
  EXPECT_GT(r1.low, 1.5);
  EXPECT_LT(r1.high, 2.5);
  // Identical constant series: a degenerate interval at exactly 1.
  std::vector<double> c(20, 3.0);
  const auto r3 = BootstrapMedianRatioCi(c, c, 0.95, 100, 1);
  EXPECT_DOUBLE_EQ(r3.low, 1.0);
  EXPECT_DOUBLE_EQ(r3.high, 1.0);
}

TEST(Stats, SteadyStateDetection) {
  // Decaying warm-up then flat at 10: windows of 3 agree once both sit on the plateau.
  std::vector<double> x = {50, 30, 20, 15, 10, 10, 10, 10, 10, 10};
  auto s = SteadyStateStart(x, 3, 0.05);
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, 6u);  // medians (15,10,10)=10 and (10,10,10)=10
  std::vector<double> rising = {1, 2, 4, 8, 16, 32, 64, 128};
  EXPECT_FALSE(SteadyStateStart(rising, 2, 0.05));
  EXPECT_FALSE(SteadyStateStart(std::vector<double>{1, 1, 1}, 2, 0.05));  // too short
}

TEST(Stats, Summarize) {
  const auto s = Summarize(kX);
  EXPECT_EQ(s.n, 10u);
  EXPECT_DOUBLE_EQ(s.p50, 7.75);
  EXPECT_DOUBLE_EQ(s.min, 1.0);
  EXPECT_NEAR(s.p99, 14.73, 1e-12);
  ASSERT_TRUE(s.median_ci);
  EXPECT_DOUBLE_EQ(s.median_ci->low, 3.0);    // x_(2)
  EXPECT_DOUBLE_EQ(s.median_ci->high, 12.0);  // x_(9)
}

}  // namespace
}  // namespace accelbench::stats
