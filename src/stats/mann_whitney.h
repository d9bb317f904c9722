#pragma once
// Mann-Whitney U test (Wilcoxon rank-sum) of two independent samples. Pure function over spans;
// the same conventions as scipy.stats.mannwhitneyu(x, y, alternative="two-sided",
// method="auto", use_continuity=True), so its values are the reference in tests/regress/.
#include <cstddef>
#include <span>

namespace accelbench::stats {

struct MannWhitneyResult {
  double u_x = 0;      // U of x: pairs (x_i, y_j) with x_i > y_j, ties counting 1/2
  double u_y = 0;      // n_x * n_y - u_x
  double z = 0;        // normal score (asymptotic method; 0 when exact)
  double p_value = 1;  // two-sided
  bool exact = false;  // exact null distribution (no ties and min(n_x, n_y) <= 8)
};

// Ranks with ties averaged. Exact p-value when there are no ties and the smaller sample has at
// most 8 values (scipy's "auto"): p = 2 P(U >= max(u_x, u_y)), capped at 1. Otherwise the normal
// approximation with the tie correction of the variance and a continuity correction of 1/2.
// Throws std::invalid_argument when either sample is empty.
MannWhitneyResult MannWhitneyU(std::span<const double> x, std::span<const double> y);

}  // namespace accelbench::stats
