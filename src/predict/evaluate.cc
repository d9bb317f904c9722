#include "predict/evaluate.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "core/errors.h"
#include "predict/metrics.h"

namespace accelbench::predict {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Collected {
  std::vector<double> pred, meas, low, high;
};

std::string PlatformKey(const Row& r) { return r.cfg.host + "/" + r.cfg.platform; }

// Fits on `train`, predicts `test`, for both the learned and the scaled-roofline method.
void FitAndPredict(const std::vector<Row>& train, const std::vector<Row>& test,
                   const PredictorOptions& o, Collected& learned, Collected& scaled,
                   Collected& raw) {
  PredictorOptions lo = o, so = o;
  lo.method = Method::kLearned;
  so.method = Method::kRooflineScaled;
  const auto pl = Predictor::Fit(train, lo);
  const auto ps = Predictor::Fit(train, so);
  for (const auto& r : test) {
    const auto a = pl.Predict(r), b = ps.Predict(r);
    learned.pred.push_back(a.p50_ms);
    learned.low.push_back(a.low_ms);
    learned.high.push_back(a.high_ms);
    learned.meas.push_back(*r.p50_ms);
    scaled.pred.push_back(b.p50_ms);
    scaled.low.push_back(b.low_ms);
    scaled.high.push_back(b.high_ms);
    scaled.meas.push_back(*r.p50_ms);
    raw.pred.push_back(r.roofline_ms);
    raw.meas.push_back(*r.p50_ms);
  }
}

std::vector<Row> Usable(const std::vector<Row>& rows) {
  std::vector<Row> u;
  for (const auto& r : rows)
    if (r.roofline_ms > 0 && r.p50_ms && *r.p50_ms > 0) u.push_back(r);
  return u;
}

Evaluation Finish(Evaluation e, const Collected& l, const Collected& s, const Collected& r) {
  e.scores.push_back(Score(std::string(ToString(Method::kLearned)), l.pred, l.meas, l.low, l.high));
  e.scores.push_back(
      Score(std::string(ToString(Method::kRooflineScaled)), s.pred, s.meas, s.low, s.high));
  e.scores.push_back(Score("roofline (raw)", r.pred, r.meas, {}, {}));
  return e;
}

}  // namespace

Scores Score(const std::string& method, const std::vector<double>& pred,
             const std::vector<double>& meas, const std::vector<double>& low,
             const std::vector<double>& high) {
  Scores s;
  s.method = method;
  s.n = pred.size();
  s.mape = MeanAbsPercentageError(pred, meas);
  s.within10 = ShareWithin(pred, meas, 0.10);
  s.within25 = ShareWithin(pred, meas, 0.25);
  s.spearman = Spearman(pred, meas);
  s.coverage = low.empty() ? kNaN : Coverage(low, high, meas);
  return s;
}

Evaluation LeaveOneConfigurationOut(const std::vector<Row>& rows, const PredictorOptions& o) {
  const auto u = Usable(rows);
  Evaluation e;
  e.scheme = "leave-one-configuration-out";
  e.rows = e.groups = u.size();
  if (u.size() < Predictor::kMinRows + 1)
    throw UsageError("too few measurements to evaluate: " + std::to_string(u.size()) +
                     " configurations with a latency and a device peak, need at least " +
                     std::to_string(Predictor::kMinRows + 1));
  Collected l, s, r;
  for (size_t i = 0; i < u.size(); ++i) {
    std::vector<Row> train;
    for (size_t j = 0; j < u.size(); ++j)
      if (j != i) train.push_back(u[j]);
    FitAndPredict(train, {u[i]}, o, l, s, r);
  }
  return Finish(std::move(e), l, s, r);
}

Evaluation LeaveOnePlatformOut(const std::vector<Row>& rows, const PredictorOptions& o) {
  const auto u = Usable(rows);
  Evaluation e;
  e.scheme = "leave-one-platform-out";
  e.rows = u.size();
  std::map<std::string, std::vector<Row>> by;
  for (const auto& r : u) by[PlatformKey(r)].push_back(r);
  e.groups = by.size();
  Collected l, s, r;
  std::vector<std::string> skipped;
  for (const auto& [key, test] : by) {
    std::vector<Row> train;
    for (const auto& x : u)
      if (PlatformKey(x) != key) train.push_back(x);
    if (train.size() < Predictor::kMinRows) {
      skipped.push_back(key);
      continue;
    }
    FitAndPredict(train, test, o, l, s, r);
  }
  if (by.size() < 2)
    e.note = "only one platform measured (" +
             (by.empty() ? std::string("none") : by.begin()->first) + "): nothing to hold out";
  else if (!skipped.empty())
    e.note = std::to_string(skipped.size()) +
             " platform(s) not held out: fewer than the minimum rows would remain to fit";
  return Finish(std::move(e), l, s, r);
}

std::vector<Suggestion> Suggest(store::Database& db, const Predictor& p, size_t count) {
  std::set<std::string> measured;
  for (const auto& r : p.rows()) measured.insert(r.cfg.Label() + "|" + r.cfg.host);
  std::set<int64_t> batches = {1, 2, 4, 8, 16, 32, 64};
  std::map<std::string, std::set<std::string>> precisions;  // platform -> measured precisions
  for (const auto& r : p.rows()) {
    batches.insert(r.cfg.batch);
    precisions[r.cfg.host + "\n" + r.cfg.platform + "\n" + r.cfg.runtime].insert(r.cfg.precision);
  }
  std::map<std::string, ConfigSpec> models;  // model identity without batch/platform/precision
  for (const auto& r : p.rows()) {
    auto c = r.cfg;
    c.batch = 0;
    c.platform.clear();
    c.precision.clear();
    models.emplace(c.model + "|" + c.preset + "|" + c.config_json + "|" + c.mode + "|" +
                       std::to_string(c.seq_len),
                   c);
  }
  std::vector<Suggestion> out;
  for (const auto& [pk, precs] : precisions) {
    const auto a = pk.find('\n'), b = pk.rfind('\n');
    for (const auto& [mk, base] : models) {
      for (const auto& prec : precs) {
        for (int64_t batch : batches) {
          Row row;
          row.cfg = base;
          row.cfg.host = pk.substr(0, a);
          row.cfg.platform = pk.substr(a + 1, b - a - 1);
          row.cfg.runtime = pk.substr(b + 1);
          row.cfg.precision = prec;
          row.cfg.batch = batch;
          if (measured.count(row.cfg.Label() + "|" + row.cfg.host)) continue;
          try {
            Complete(db, row);
            if (row.roofline_ms <= 0) continue;
            out.push_back({row, p.Predict(row)});
          } catch (const std::exception&) {
            continue;
          }
        }
      }
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Suggestion& x, const Suggestion& y) {
    return x.prediction.log_width > y.prediction.log_width;
  });
  if (out.size() > count) out.resize(count);
  return out;
}

}  // namespace accelbench::predict
