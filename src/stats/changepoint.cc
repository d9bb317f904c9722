#include "stats/changepoint.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <random>
#include <stdexcept>

namespace accelbench::stats {
namespace {

struct Best {
  size_t tau = 0;  // relative to the segment
  double q = -1;
};

// Largest Q over tau in [min_seg, n - min_seg], in O(n^2) with running sums.
std::optional<Best> BestSplit(std::span<const double> x, size_t min_seg) {
  const size_t n = x.size();
  if (min_seg == 0) min_seg = 1;
  if (n < 2 * min_seg) return std::nullopt;
  // tau = 0: everything on the right.
  double within_left = 0, within_right = 0, cross = 0;
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j) within_right += std::abs(x[i] - x[j]);
  Best best;
  for (size_t tau = 1; tau + min_seg <= n; ++tau) {
    // move x[tau-1] from the right side to the left side
    const size_t v = tau - 1;
    double to_left = 0, to_right = 0;
    for (size_t i = 0; i < v; ++i) to_left += std::abs(x[v] - x[i]);
    for (size_t j = v + 1; j < n; ++j) to_right += std::abs(x[v] - x[j]);
    within_left += to_left;
    within_right -= to_right;
    cross += to_right - to_left;
    if (tau < min_seg) continue;
    const double m = static_cast<double>(tau), k = static_cast<double>(n - tau);
    const double wl = m > 1 ? within_left / (m * (m - 1) / 2) : 0;
    const double wr = k > 1 ? within_right / (k * (k - 1) / 2) : 0;
    const double q = m * k / (m + k) * (2 * cross / (m * k) - wl - wr);
    if (q > best.q) best = {tau, q};
  }
  if (best.tau == 0) return std::nullopt;
  return best;
}

}  // namespace

double EnergyStatistic(std::span<const double> x, size_t tau) {
  const size_t n = x.size();
  if (tau == 0 || tau >= n) throw std::invalid_argument("energy statistic: tau out of range");
  double cross = 0, wl = 0, wr = 0;
  for (size_t i = 0; i < tau; ++i)
    for (size_t j = tau; j < n; ++j) cross += std::abs(x[i] - x[j]);
  for (size_t i = 0; i < tau; ++i)
    for (size_t l = i + 1; l < tau; ++l) wl += std::abs(x[i] - x[l]);
  for (size_t j = tau; j < n; ++j)
    for (size_t l = j + 1; l < n; ++l) wr += std::abs(x[j] - x[l]);
  const double m = static_cast<double>(tau), k = static_cast<double>(n - tau);
  const double a = m > 1 ? wl / (m * (m - 1) / 2) : 0;
  const double b = k > 1 ? wr / (k * (k - 1) / 2) : 0;
  return m * k / (m + k) * (2 * cross / (m * k) - a - b);
}

std::vector<ChangePointSplit> EDivisive(std::span<const double> x, const ChangePointOptions& opt) {
  std::vector<ChangePointSplit> found;
  std::mt19937_64 rng(opt.seed);
  std::vector<size_t> bounds = {0, x.size()};  // sorted segment boundaries
  for (;;) {
    // the best split over all current segments
    std::optional<Best> best;
    size_t seg_begin = 0, seg_end = 0;
    for (size_t s = 0; s + 1 < bounds.size(); ++s) {
      auto seg = x.subspan(bounds[s], bounds[s + 1] - bounds[s]);
      auto b = BestSplit(seg, opt.min_segment);
      if (b && (!best || b->q > best->q)) {
        best = b;
        seg_begin = bounds[s];
        seg_end = bounds[s + 1];
      }
    }
    if (!best || best->q <= 0) break;
    // permutation test on that segment
    std::vector<double> perm(x.begin() + static_cast<std::ptrdiff_t>(seg_begin),
                             x.begin() + static_cast<std::ptrdiff_t>(seg_end));
    int at_least = 0;
    for (int p = 0; p < opt.permutations; ++p) {
      std::shuffle(perm.begin(), perm.end(), rng);
      auto b = BestSplit(perm, opt.min_segment);
      if (b && b->q >= best->q) ++at_least;
    }
    const double p_value = (1.0 + at_least) / (1.0 + opt.permutations);
    if (p_value >= opt.alpha) break;
    const size_t index = seg_begin + best->tau;
    found.push_back({index, best->q, p_value});
    bounds.insert(std::upper_bound(bounds.begin(), bounds.end(), index), index);
  }
  std::sort(found.begin(), found.end(),
            [](const ChangePointSplit& a, const ChangePointSplit& b) { return a.index < b.index; });
  return found;
}

}  // namespace accelbench::stats
