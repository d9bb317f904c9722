#include "predict/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "core/errors.h"

namespace accelbench::predict {
namespace {

void CheckSizes(size_t a, size_t b) {
  if (a != b) throw RuntimeError("metrics: sizes differ");
}

std::vector<double> Ranks(std::span<const double> x) {
  std::vector<size_t> idx(x.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return x[a] < x[b]; });
  std::vector<double> r(x.size());
  for (size_t i = 0; i < idx.size();) {
    size_t j = i;
    while (j + 1 < idx.size() && x[idx[j + 1]] == x[idx[i]]) ++j;
    const double avg = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
    for (size_t k = i; k <= j; ++k) r[idx[k]] = avg;
    i = j + 1;
  }
  return r;
}

}  // namespace

double MeanAbsPercentageError(std::span<const double> pred, std::span<const double> meas) {
  CheckSizes(pred.size(), meas.size());
  if (pred.empty()) return std::numeric_limits<double>::quiet_NaN();
  double s = 0;
  for (size_t i = 0; i < pred.size(); ++i) s += std::abs(pred[i] - meas[i]) / meas[i];
  return s / static_cast<double>(pred.size());
}

double ShareWithin(std::span<const double> pred, std::span<const double> meas, double tolerance) {
  CheckSizes(pred.size(), meas.size());
  if (pred.empty()) return std::numeric_limits<double>::quiet_NaN();
  size_t n = 0;
  for (size_t i = 0; i < pred.size(); ++i)
    if (std::abs(pred[i] - meas[i]) <= tolerance * meas[i] * (1 + 1e-12)) ++n;
  return static_cast<double>(n) / static_cast<double>(pred.size());
}

double Spearman(std::span<const double> a, std::span<const double> b) {
  CheckSizes(a.size(), b.size());
  const size_t n = a.size();
  if (n < 2) return std::numeric_limits<double>::quiet_NaN();
  const auto ra = Ranks(a), rb = Ranks(b);
  const double ma = std::accumulate(ra.begin(), ra.end(), 0.0) / static_cast<double>(n);
  const double mb = std::accumulate(rb.begin(), rb.end(), 0.0) / static_cast<double>(n);
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < n; ++i) {
    sab += (ra[i] - ma) * (rb[i] - mb);
    saa += (ra[i] - ma) * (ra[i] - ma);
    sbb += (rb[i] - mb) * (rb[i] - mb);
  }
  if (saa == 0 || sbb == 0) return std::numeric_limits<double>::quiet_NaN();
  return sab / std::sqrt(saa * sbb);
}

double Coverage(std::span<const double> low, std::span<const double> high,
                std::span<const double> meas) {
  CheckSizes(low.size(), meas.size());
  CheckSizes(high.size(), meas.size());
  if (meas.empty()) return std::numeric_limits<double>::quiet_NaN();
  size_t n = 0;
  for (size_t i = 0; i < meas.size(); ++i)
    if (meas[i] >= low[i] && meas[i] <= high[i]) ++n;
  return static_cast<double>(n) / static_cast<double>(meas.size());
}

double ConformalQuantile(std::span<const double> abs_residuals, double alpha) {
  const size_t n = abs_residuals.size();
  const auto k = static_cast<size_t>(std::ceil((static_cast<double>(n) + 1) * (1 - alpha)));
  if (n == 0 || k > n) return std::numeric_limits<double>::infinity();
  std::vector<double> r(abs_residuals.begin(), abs_residuals.end());
  std::nth_element(r.begin(), r.begin() + static_cast<std::ptrdiff_t>(k - 1), r.end());
  return r[k - 1];
}

}  // namespace accelbench::predict
