#include "predict/predictor.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "core/errors.h"
#include "predict/metrics.h"
#include "stats/stats.h"

namespace accelbench::predict {

struct Predictor::Core {
  std::optional<Gbt> gbt;
  double log_scale = 0;  // roofline-scaled: median log(p50 / roofline)
};

std::string_view ToString(Method m) {
  return m == Method::kLearned ? "gradient-boosted trees" : "roofline x median efficiency";
}

namespace {

double Target(const Row& r) { return std::log(*r.p50_ms / r.roofline_ms); }

}  // namespace

Predictor::Core Predictor::FitCore(const std::vector<Row>& rows, const std::vector<size_t>& idx,
                                   const PredictorOptions& o) {
  Core c;
  std::vector<double> t;
  for (size_t i : idx) t.push_back(Target(rows[i]));
  c.log_scale = t.empty() ? 0 : stats::Median(t);
  if (o.method == Method::kLearned) {
    std::vector<float> x, y;
    for (size_t i : idx) {
      auto f = Features(rows[i]);
      x.insert(x.end(), f.begin(), f.end());
      y.push_back(static_cast<float>(Target(rows[i]) - c.log_scale));
    }
    c.gbt = Gbt::Fit(x, FeatureNames().size(), y, o.gbt);
  }
  return c;
}

double Predictor::PointLog(const Core& c, const Row& r) {
  double v = c.log_scale;
  if (c.gbt) {
    const auto f = Features(r);
    v += c.gbt->Predict(f)[0];
  }
  return v;
}

std::vector<float> Predictor::Z(const Row& r) const {
  auto f = Features(r);
  for (size_t k = 0; k < f.size(); ++k) f[k] = (f[k] - mean_[k]) / sd_[k];
  return f;
}

double Predictor::Sigma(const std::vector<float>& z, const std::vector<size_t>& among,
                        std::vector<Neighbour>* nearest) const {
  std::vector<Neighbour> d;
  for (size_t i : among) {
    double s = 0;
    for (size_t k = 0; k < z.size(); ++k) s += (z[k] - z_[i][k]) * (z[k] - z_[i][k]);
    d.push_back({i, std::sqrt(s)});
  }
  const size_t k = std::min<size_t>(3, d.size());
  std::partial_sort(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(k), d.end(),
                    [](const Neighbour& a, const Neighbour& b) {
                      return a.distance < b.distance ||
                             (a.distance == b.distance && a.index < b.index);
                    });
  double mean = 0;
  for (size_t i = 0; i < k; ++i) mean += d[i].distance;
  mean = k ? mean / static_cast<double>(k) : 1;
  if (nearest) nearest->assign(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(k));
  return 0.05 + mean;
}

Predictor Predictor::Fit(std::vector<Row> rows, const PredictorOptions& o) {
  std::erase_if(rows,
                [](const Row& r) { return r.roofline_ms <= 0 || !r.p50_ms || *r.p50_ms <= 0; });
  if (rows.size() < kMinRows)
    throw UsageError("too few measurements to fit a model: " + std::to_string(rows.size()) +
                     " configurations with a latency and a device peak, need at least " +
                     std::to_string(kMinRows) + " (run more configurations with `accelbench run`)");
  Predictor p;
  p.opt_ = o;
  p.rows_ = std::move(rows);
  const size_t n = p.rows_.size(), nf = FeatureNames().size();
  std::vector<std::vector<float>> f;
  for (const auto& r : p.rows_) f.push_back(Features(r));
  p.mean_.assign(nf, 0);
  p.sd_.assign(nf, 0);
  for (size_t k = 0; k < nf; ++k) {
    for (size_t i = 0; i < n; ++i) p.mean_[k] += f[i][k];
    p.mean_[k] /= static_cast<float>(n);
    for (size_t i = 0; i < n; ++i) p.sd_[k] += (f[i][k] - p.mean_[k]) * (f[i][k] - p.mean_[k]);
    p.sd_[k] = std::sqrt(p.sd_[k] / static_cast<float>(n));
    if (p.sd_[k] < 1e-6f) p.sd_[k] = 1;
  }
  for (size_t i = 0; i < n; ++i) {
    p.z_.push_back(f[i]);
    for (size_t k = 0; k < nf; ++k) p.z_[i][k] = (f[i][k] - p.mean_[k]) / p.sd_[k];
  }
  std::vector<size_t> all(n);
  std::iota(all.begin(), all.end(), 0);
  p.core_ = std::make_shared<const Core>(FitCore(p.rows_, all, o));
  // Cross-conformal scores: fold k's rows scored by the model fitted without them, normalised by
  // their difficulty among the rows of the other folds.
  const size_t folds = std::min<size_t>(static_cast<size_t>(std::max(o.folds, 2)), n);
  std::vector<double> scores;
  for (size_t k = 0; k < folds; ++k) {
    std::vector<size_t> train, test;
    for (size_t i = 0; i < n; ++i) (i % folds == k ? test : train).push_back(i);
    const Core c = FitCore(p.rows_, train, o);
    for (size_t i : test) {
      const double sigma = p.Sigma(p.z_[i], train, nullptr);
      scores.push_back(std::abs(Target(p.rows_[i]) - PointLog(c, p.rows_[i])) / sigma);
    }
  }
  p.q_ = ConformalQuantile(scores, o.alpha);
  if (!std::isfinite(p.q_)) p.q_ = *std::max_element(scores.begin(), scores.end());
  return p;
}

Prediction Predictor::Predict(const Row& q) const {
  if (q.roofline_ms <= 0)
    throw UsageError("no peak FLOP/s known for " + q.cfg.platform + " " + q.cfg.precision +
                     ": run `accelbench run` there once (GEMM calibration) or pass --device NAME "
                     "of a vendor-spec device");
  Prediction out;
  std::vector<size_t> all(rows_.size());
  std::iota(all.begin(), all.end(), 0);
  const double sigma = Sigma(Z(q), all, &out.neighbours);
  const double c = PointLog(*core_, q);
  const double half = q_ * sigma;
  out.roofline_ms = q.roofline_ms;
  out.p50_ms = q.roofline_ms * std::exp(c);
  out.low_ms = q.roofline_ms * std::exp(c - half);
  out.high_ms = q.roofline_ms * std::exp(c + half);
  out.log_width = 2 * half;
  return out;
}

}  // namespace accelbench::predict
