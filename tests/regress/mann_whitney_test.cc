// Mann-Whitney U against scipy.stats.mannwhitneyu 1.10.1 (Debian python3-scipy), default
// arguments (two-sided, method="auto", use_continuity=True); the values were printed by scipy.
#include <gtest/gtest.h>

#include <vector>

#include "stats/mann_whitney.h"

namespace accelbench::stats {
namespace {

TEST(MannWhitney, ScipyDocExampleExact) {
  // scipy's documentation example (males vs females): U = 17, exact p = 0.1111111111111111.
  const std::vector<double> males = {19, 22, 16, 29, 24}, females = {20, 11, 17, 12};
  const auto r = MannWhitneyU(males, females);
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.u_x, 17);
  EXPECT_DOUBLE_EQ(r.u_y, 3);
  EXPECT_NEAR(r.p_value, 0.1111111111111111, 1e-12);
  // Symmetric: the same p with the samples swapped, U of the other side.
  const auto s = MannWhitneyU(females, males);
  EXPECT_DOUBLE_EQ(s.u_x, 3);
  EXPECT_NEAR(s.p_value, r.p_value, 1e-12);
}

TEST(MannWhitney, ExactSmallVsLarger) {
  // scipy: statistic=3.0, pvalue=0.04895104895104895 (= 14/286, exact: min(n) = 3 <= 8)
  const std::vector<double> a = {1.1, 2.2, 3.3};
  const std::vector<double> b = {0.5, 4.4, 5.5, 6.6, 7.7, 8.8, 9.9, 10.1, 11.2, 12.3};
  const auto r = MannWhitneyU(a, b);
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.u_x, 3);
  EXPECT_NEAR(r.p_value, 0.04895104895104895, 1e-12);
}

TEST(MannWhitney, AsymptoticWithTies) {
  // Ties: normal approximation with tie-corrected variance. scipy: 19.5, 0.013289872075909306
  const std::vector<double> x = {1, 2, 2, 3, 4, 5, 5, 5, 6, 7};
  const std::vector<double> y = {3, 4, 4, 6, 7, 8, 8, 9, 10, 10, 11};
  const auto r = MannWhitneyU(x, y);
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.u_x, 19.5);
  EXPECT_NEAR(r.p_value, 0.013289872075909306, 1e-12);
}

TEST(MannWhitney, AsymptoticNoTiesLargerSamples) {
  // 12 vs 12, complete separation: scipy (asymptotic, min(n) > 8): 0.0, 3.6584553538971e-05
  std::vector<double> x, y;
  for (int i = 1; i <= 12; ++i) x.push_back(i);
  for (int i = 13; i <= 23; ++i) y.push_back(i);
  y.push_back(24.5);
  const auto r = MannWhitneyU(x, y);
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.u_x, 0);
  EXPECT_NEAR(r.p_value, 3.6584553538971e-05, 1e-15);
}

TEST(MannWhitney, AllEqualIsNoEvidence) {
  // scipy: statistic=4.5, pvalue=1.0
  const std::vector<double> x = {5, 5, 5}, y = {5, 5, 5};
  const auto r = MannWhitneyU(x, y);
  EXPECT_DOUBLE_EQ(r.u_x, 4.5);
  EXPECT_DOUBLE_EQ(r.p_value, 1.0);
}

TEST(MannWhitney, EmptyThrows) {
  const std::vector<double> x = {1}, none;
  EXPECT_THROW(MannWhitneyU(x, none), std::invalid_argument);
}

}  // namespace
}  // namespace accelbench::stats
