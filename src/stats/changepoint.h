#pragma once
// Change-point detection by E-divisive means (Matteson & James 2014, "A nonparametric approach
// for multiple change point analysis of multivariate data"; the method of MongoDB's signal
// processing and Apache Otava) on a univariate series: the energy statistic with alpha = 1,
// bisection of the segment with the largest statistic, each split kept only when a seeded
// permutation test finds it significant. Pure functions over spans.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace accelbench::stats {

// The scaled energy statistic Q of splitting x into x[0, tau) and x[tau, n):
//   Q = m k / (m + k) * ( 2/(m k) sum|a_i - b_j| - 1/C(m,2) sum_{i<l}|a_i - a_l|
//                                                - 1/C(k,2) sum_{j<l}|b_j - b_l| )
// with m = tau, k = n - tau (a within term is 0 for a one-value side). Throws
// std::invalid_argument unless 0 < tau < n.
double EnergyStatistic(std::span<const double> x, size_t tau);

struct ChangePointOptions {
  double alpha = 0.05;       // permutation-test significance
  int permutations = 199;    // p = (1 + #{Q_perm >= Q}) / (1 + permutations)
  size_t min_segment = 3;    // values on each side of every split
  uint64_t seed = 20261127;  // mt19937_64: deterministic for a seed
};

struct ChangePointSplit {
  size_t index = 0;  // first value of the new segment
  double q = 0;      // energy statistic of the split within its segment
  double p_value = 1;
};

// Change points sorted by index. Each round takes, over the current segments, the split with the
// largest Q; it is kept when its permutation p-value (values of that segment shuffled) is below
// alpha, otherwise the search stops.
std::vector<ChangePointSplit> EDivisive(std::span<const double> x,
                                        const ChangePointOptions& opt = {});

}  // namespace accelbench::stats
