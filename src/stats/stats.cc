#include "stats/stats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>

namespace accelbench::stats {

double Mean(std::span<const double> x) {
  if (x.empty()) return std::numeric_limits<double>::quiet_NaN();
  return std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
}

double Stddev(std::span<const double> x) {
  if (x.size() < 2) return 0.0;
  const double m = Mean(x);
  double ss = 0;
  for (double v : x) ss += (v - m) * (v - m);
  return std::sqrt(ss / static_cast<double>(x.size() - 1));
}

double Cv(std::span<const double> x) {
  const double m = Mean(x);
  return m == 0 ? 0.0 : Stddev(x) / m;
}

double Min(std::span<const double> x) {
  if (x.empty()) throw std::invalid_argument("Min of an empty series");
  return *std::min_element(x.begin(), x.end());
}

double Max(std::span<const double> x) {
  if (x.empty()) throw std::invalid_argument("Max of an empty series");
  return *std::max_element(x.begin(), x.end());
}

double PercentileSorted(std::span<const double> s, double p) {
  if (s.empty()) throw std::invalid_argument("percentile of an empty series");
  if (!(p >= 0 && p <= 100)) throw std::invalid_argument("percentile outside [0, 100]");
  const double h = static_cast<double>(s.size() - 1) * p / 100.0;
  const size_t lo = static_cast<size_t>(std::floor(h));
  if (lo + 1 >= s.size()) return s.back();
  return s[lo] + (h - static_cast<double>(lo)) * (s[lo + 1] - s[lo]);
}

double Percentile(std::span<const double> x, double p) {
  std::vector<double> s(x.begin(), x.end());
  std::sort(s.begin(), s.end());
  return PercentileSorted(s, p);
}

double Median(std::span<const double> x) { return Percentile(x, 50); }

namespace {

// P(B <= k) for B ~ Binomial(n, 1/2), summed in log space.
double BinomialHalfCdf(size_t n, size_t k) {
  const double log_half_n = static_cast<double>(n) * std::log(0.5);
  const double lg_n1 = std::lgamma(static_cast<double>(n) + 1);
  double sum = 0;
  for (size_t i = 0; i <= k && i <= n; ++i) {
    const double lc = lg_n1 - std::lgamma(static_cast<double>(i) + 1) -
                      std::lgamma(static_cast<double>(n - i) + 1);
    sum += std::exp(lc + log_half_n);
  }
  return std::min(sum, 1.0);
}

// Two-sided standard normal quantile for `confidence` (e.g. 0.95 -> 1.959964).
double NormalQuantileTwoSided(double confidence) {
  // Acklam's rational approximation of the inverse normal CDF (relative error < 1.2e-9).
  const double p = 0.5 + confidence / 2.0;
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                             1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  const double plow = 0.02425;
  if (p > 1 - plow) {
    const double q = std::sqrt(-2 * std::log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

}  // namespace

std::optional<MedianCi> MedianCiRanks(size_t n, double confidence) {
  if (n == 0 || !(confidence > 0 && confidence < 1)) return std::nullopt;
  const double alpha_half = (1.0 - confidence) / 2.0;
  MedianCi ci;
  if (n <= 1000) {
    // Largest k >= 1 with P(B <= k-1) <= alpha/2.
    size_t k = 0;
    double tail = 0;
    for (size_t cand = 1; cand <= n / 2; ++cand) {
      const double t = BinomialHalfCdf(n, cand - 1);
      if (t > alpha_half) break;
      k = cand;
      tail = t;
    }
    if (k == 0) return std::nullopt;
    ci.lower_rank = k;
    ci.upper_rank = n - k + 1;
    ci.coverage = 1.0 - 2.0 * tail;
  } else {
    const double z = NormalQuantileTwoSided(confidence);
    const double half = z * std::sqrt(static_cast<double>(n)) / 2.0;
    const auto lo = static_cast<size_t>(std::floor(static_cast<double>(n) / 2.0 - half));
    ci.lower_rank = std::max<size_t>(lo, 1);
    ci.upper_rank = n - ci.lower_rank + 1;
    ci.coverage = confidence;
  }
  return ci;
}

std::optional<MedianCi> MedianConfidenceIntervalSorted(std::span<const double> s,
                                                       double confidence) {
  auto ci = MedianCiRanks(s.size(), confidence);
  if (!ci) return std::nullopt;
  ci->low = s[ci->lower_rank - 1];
  ci->high = s[ci->upper_rank - 1];
  return ci;
}

std::optional<MedianCi> MedianConfidenceInterval(std::span<const double> x, double confidence) {
  std::vector<double> s(x.begin(), x.end());
  std::sort(s.begin(), s.end());
  return MedianConfidenceIntervalSorted(s, confidence);
}

RatioCi BootstrapMedianRatioCi(std::span<const double> a, std::span<const double> b,
                               double confidence, int resamples, uint64_t seed) {
  if (a.empty() || b.empty()) throw std::invalid_argument("bootstrap of an empty series");
  RatioCi out;
  out.ratio = Median(a) / Median(b);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<size_t> pick_a(0, a.size() - 1), pick_b(0, b.size() - 1);
  std::vector<double> ra(a.size()), rb(b.size()), ratios;
  ratios.reserve(static_cast<size_t>(std::max(resamples, 1)));
  for (int r = 0; r < resamples; ++r) {
    for (auto& v : ra) v = a[pick_a(rng)];
    for (auto& v : rb) v = b[pick_b(rng)];
    ratios.push_back(Median(ra) / Median(rb));
  }
  std::sort(ratios.begin(), ratios.end());
  out.low = PercentileSorted(ratios, 100.0 * (1.0 - confidence) / 2.0);
  out.high = PercentileSorted(ratios, 100.0 * (1.0 + confidence) / 2.0);
  return out;
}

std::optional<size_t> SteadyStateStart(std::span<const double> x, size_t window, double rel_tol) {
  if (window == 0 || x.size() < 2 * window) return std::nullopt;
  for (size_t i = window; i + window <= x.size(); ++i) {
    const double before = Median(x.subspan(i - window, window));
    const double after = Median(x.subspan(i, window));
    if (after > 0 ? std::abs(before - after) <= rel_tol * after : before == after) return i;
  }
  return std::nullopt;
}

Summary Summarize(std::span<const double> x, double confidence) {
  Summary s;
  s.n = x.size();
  if (x.empty()) return s;
  std::vector<double> v(x.begin(), x.end());
  std::sort(v.begin(), v.end());
  s.min = v.front();
  s.max = v.back();
  s.mean = Mean(x);
  s.stddev = Stddev(x);
  s.cv = s.mean == 0 ? 0 : s.stddev / s.mean;
  s.p50 = PercentileSorted(v, 50);
  s.p90 = PercentileSorted(v, 90);
  s.p95 = PercentileSorted(v, 95);
  s.p99 = PercentileSorted(v, 99);
  s.p999 = PercentileSorted(v, 99.9);
  s.median_ci = MedianConfidenceIntervalSorted(v, confidence);
  return s;
}

}  // namespace accelbench::stats
