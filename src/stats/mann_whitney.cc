#include "stats/mann_whitney.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

namespace accelbench::stats {
namespace {

// Number of arrangements of m x-values and n y-values with U_x == u, for u in [0, m*n], by the
// recursion f(m, n, u) = f(m-1, n, u-n) + f(m, n-1, u); returned as probabilities.
std::vector<double> ExactUDistribution(size_t m, size_t n) {
  // dp[j][u] for the current m (rows over n' = 0..n)
  std::vector<std::vector<double>> prev(n + 1), cur(n + 1);
  for (size_t j = 0; j <= n; ++j) prev[j] = {1.0};  // m = 0: U = 0 only
  for (size_t i = 1; i <= m; ++i) {
    cur[0] = {1.0};  // n' = 0: U = 0 only
    for (size_t j = 1; j <= n; ++j) {
      std::vector<double> f(i * j + 1, 0.0);
      // f(i, j, u) = f(i-1, j, u-j) + f(i, j-1, u)
      for (size_t u = 0; u < prev[j].size(); ++u) f[u + j] += prev[j][u];
      for (size_t u = 0; u < cur[j - 1].size(); ++u) f[u] += cur[j - 1][u];
      cur[j] = std::move(f);
    }
    std::swap(prev, cur);
  }
  std::vector<double> dist = prev[n];
  const double total = std::accumulate(dist.begin(), dist.end(), 0.0);
  for (auto& v : dist) v /= total;
  return dist;
}

double NormalSf(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

}  // namespace

MannWhitneyResult MannWhitneyU(std::span<const double> x, std::span<const double> y) {
  if (x.empty() || y.empty()) throw std::invalid_argument("Mann-Whitney U of an empty sample");
  const size_t nx = x.size(), ny = y.size(), n = nx + ny;
  struct Item {
    double v;
    bool is_x;
  };
  std::vector<Item> all;
  all.reserve(n);
  for (double v : x) all.push_back({v, true});
  for (double v : y) all.push_back({v, false});
  std::sort(all.begin(), all.end(), [](const Item& a, const Item& b) { return a.v < b.v; });

  double rank_sum_x = 0, tie_term = 0;
  bool ties = false;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && all[j].v == all[i].v) ++j;
    const double t = static_cast<double>(j - i);
    const double avg_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (size_t k = i; k < j; ++k)
      if (all[k].is_x) rank_sum_x += avg_rank;
    if (j - i > 1) {
      ties = true;
      tie_term += t * t * t - t;
    }
    i = j;
  }

  MannWhitneyResult r;
  const double dnx = static_cast<double>(nx), dny = static_cast<double>(ny);
  r.u_x = rank_sum_x - dnx * (dnx + 1) / 2.0;
  r.u_y = dnx * dny - r.u_x;
  const double u_max = std::max(r.u_x, r.u_y);

  if (!ties && std::min(nx, ny) <= 8) {
    r.exact = true;
    const auto dist = ExactUDistribution(nx, ny);
    const auto from = static_cast<size_t>(std::llround(u_max));
    double sf = 0;  // P(U >= u_max)
    for (size_t u = from; u < dist.size(); ++u) sf += dist[u];
    r.p_value = std::min(1.0, 2.0 * sf);
    return r;
  }
  const double dn = static_cast<double>(n);
  const double mu = dnx * dny / 2.0;
  const double var = dnx * dny / 12.0 * ((dn + 1) - tie_term / (dn * (dn - 1)));
  if (var <= 0) {  // every value equal: no evidence of a difference
    r.p_value = 1;
    return r;
  }
  r.z = (u_max - mu - 0.5) / std::sqrt(var);
  r.p_value = std::min(1.0, 2.0 * NormalSf(r.z));
  return r;
}

}  // namespace accelbench::stats
