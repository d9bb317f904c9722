#pragma once
// Pure statistics over latency series. No I/O, no clocks: every function takes a span and
// returns a value, so each one is unit-tested against known values (tests/stats/).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace accelbench::stats {

// Arithmetic mean; NaN for an empty series.
double Mean(std::span<const double> x);
// Sample standard deviation (divisor n-1); 0 for fewer than two values.
double Stddev(std::span<const double> x);
// Coefficient of variation: sample stddev / mean (0 when the mean is 0).
double Cv(std::span<const double> x);
double Min(std::span<const double> x);
double Max(std::span<const double> x);

// Percentile p in [0, 100] by linear interpolation between order statistics, numpy's default
// ("linear", Hyndman & Fan type 7): with the values sorted, h = (n-1)*p/100 and the result is
// x[floor(h)] + (h - floor(h)) * (x[floor(h)+1] - x[floor(h)]). Throws std::invalid_argument on
// an empty series or p outside [0, 100].
double Percentile(std::span<const double> x, double p);
// The same on an already sorted series (no copy).
double PercentileSorted(std::span<const double> sorted, double p);
double Median(std::span<const double> x);

// Distribution-free confidence interval of the median from order statistics. The number of
// values below the true median is Binomial(n, 1/2); the interval is [x_(k), x_(n-k+1)] (1-based
// order statistics) with the largest k such that P(B <= k-1) <= (1-confidence)/2, so its
// coverage 1 - 2 P(B <= k-1) is at least `confidence`. Exact binomial for n <= 1000, normal
// approximation above. nullopt when n is too small for any interval to reach the confidence
// (n < 6 at 95%).
struct MedianCi {
  double low = 0, high = 0;
  size_t lower_rank = 0, upper_rank = 0;  // 1-based order statistics
  double coverage = 0;                    // exact coverage (approximate for large n)
};
std::optional<MedianCi> MedianConfidenceInterval(std::span<const double> x,
                                                 double confidence = 0.95);
// Only the ranks and coverage (depend on n alone; low/high left 0).
std::optional<MedianCi> MedianCiRanks(size_t n, double confidence = 0.95);
// The same on an already sorted series.
std::optional<MedianCi> MedianConfidenceIntervalSorted(std::span<const double> sorted,
                                                       double confidence = 0.95);

// Percentile bootstrap confidence interval of median(a) / median(b): `resamples` resamples of
// each series with replacement from a seeded mt19937_64; the interval is the (1-c)/2 and
// (1+c)/2 percentiles of the resampled ratios. Deterministic for a given seed.
struct RatioCi {
  double ratio = 0, low = 0, high = 0;
};
RatioCi BootstrapMedianRatioCi(std::span<const double> a, std::span<const double> b,
                               double confidence = 0.95, int resamples = 2000,
                               uint64_t seed = 20261127);

// Steady-state detection: the first index i >= window such that the medians of the two adjacent
// windows x[i-window, i) and x[i, i+window) differ by at most rel_tol of the later one; the
// series is taken to be steady from i on. nullopt when no such i exists (not yet steady).
std::optional<size_t> SteadyStateStart(std::span<const double> x, size_t window = 5,
                                       double rel_tol = 0.05);

// Summary of a series in one pass over a sorted copy.
struct Summary {
  size_t n = 0;
  double min = 0, max = 0, mean = 0, stddev = 0, cv = 0;
  double p50 = 0, p90 = 0, p95 = 0, p99 = 0, p999 = 0;
  std::optional<MedianCi> median_ci;
};
Summary Summarize(std::span<const double> x, double confidence = 0.95);

}  // namespace accelbench::stats
