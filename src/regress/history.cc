// History mode: one point per (configuration, run), change points by E-divisive means.
#include <algorithm>
#include <cmath>
#include <map>

#include "core/errors.h"
#include "regress/regress.h"
#include "stats/changepoint.h"
#include "stats/stats.h"
#include "store/database.h"

namespace accelbench::regress {
namespace {

struct RunInfo {
  size_t order = 0;
  std::string started_utc;
};

// Runs in start order whose tags contain `tags`.
std::map<std::string, RunInfo> SelectedRuns(store::Database& db,
                                            const std::map<std::string, std::string>& tags) {
  std::map<std::string, RunInfo> out;
  size_t order = 0;
  for (const auto& s : db.Runs()) {  // oldest first
    bool match = true;
    for (const auto& [k, v] : tags) {
      auto it = s.run.tags.find(k);
      if (it == s.run.tags.end() || it->second != v) match = false;
    }
    if (match) out[s.run.run_id] = {order++, s.run.started_utc};
  }
  return out;
}

double MedianOf(std::span<const double> v) { return stats::Median(v); }

// Segment medians around each kept change point; drops steps below the minimum effect until
// every remaining one passes (dropping one merges two segments and changes their medians).
std::vector<ChangePoint> Describe(std::span<const HistoryPoint> h, std::vector<size_t> idx,
                                  const std::map<size_t, double>& p_values,
                                  const ChangePointOptions& opt) {
  std::vector<double> values;
  for (const auto& p : h) values.push_back(p.median_ms);
  for (;;) {
    std::vector<ChangePoint> out;
    size_t weakest = SIZE_MAX;
    double weakest_change = 0;
    for (size_t k = 0; k < idx.size(); ++k) {
      const size_t begin = k == 0 ? 0 : idx[k - 1];
      const size_t end = k + 1 < idx.size() ? idx[k + 1] : values.size();
      ChangePoint cp;
      cp.index = idx[k];
      cp.run_id = h[idx[k]].run_id;
      cp.previous_run_id = h[idx[k] - 1].run_id;
      cp.before_median = MedianOf(std::span<const double>(values).subspan(begin, idx[k] - begin));
      cp.after_median = MedianOf(std::span<const double>(values).subspan(idx[k], end - idx[k]));
      cp.change_pct = (cp.after_median / cp.before_median - 1) * 100;
      auto it = p_values.find(idx[k]);
      cp.p_value = it == p_values.end() ? 1 : it->second;
      const bool worse = opt.higher_is_better ? cp.change_pct < 0 : cp.change_pct > 0;
      cp.verdict = worse ? Verdict::kRegressed : Verdict::kImproved;
      const double mag = std::abs(cp.change_pct) / 100;
      if (mag <= opt.min_effect && (weakest == SIZE_MAX || mag < weakest_change)) {
        weakest = k;
        weakest_change = mag;
      }
      out.push_back(cp);
    }
    if (weakest == SIZE_MAX) return out;
    idx.erase(idx.begin() + static_cast<std::ptrdiff_t>(weakest));
  }
}

}  // namespace

std::vector<ChangePoint> DetectChangePoints(std::span<const HistoryPoint> history,
                                            const ChangePointOptions& opt) {
  std::vector<double> values;
  values.reserve(history.size());
  for (const auto& p : history) values.push_back(p.median_ms);
  stats::ChangePointOptions so;
  so.alpha = opt.alpha;
  so.permutations = opt.permutations;
  so.min_segment = std::max<size_t>(1, opt.min_segment);
  so.seed = opt.seed;
  const auto splits = stats::EDivisive(values, so);
  std::vector<size_t> idx;
  std::map<size_t, double> p_values;
  for (const auto& s : splits) {
    idx.push_back(s.index);
    p_values[s.index] = s.p_value;
  }
  return Describe(history, idx, p_values, opt);
}

std::vector<HistoryPoint> LoadHistory(store::Database& db, const std::string& config_key,
                                      const std::map<std::string, std::string>& tags) {
  HistoryOptions opt;
  opt.config_key = config_key;
  opt.tags = tags;
  opt.permutations = 0;
  auto h = AnalyzeHistory(db, opt);
  return h.empty() ? std::vector<HistoryPoint>{} : std::move(h.front().points);
}

std::vector<ConfigHistory> AnalyzeHistory(store::Database& db, const HistoryOptions& opt) {
  const auto runs = SelectedRuns(db, opt.tags);
  store::ResultFilter f;
  f.config_key = opt.config_key;
  std::map<std::string, ConfigHistory> by_key;
  // per config: run_id -> newest comparable result of that run
  std::map<std::string, std::map<std::string, ResultRecord>> newest;
  for (auto& r : db.Results(f)) {  // ordered by started_utc
    if (r.status != ResultStatus::kOk && r.status != ResultStatus::kNotConverged) continue;
    if (!runs.count(r.run_id)) continue;
    newest[r.config_key][r.run_id] = std::move(r);
  }
  if (opt.config_key && newest.empty())
    throw UsageError("no results for configuration '" + *opt.config_key + "'" +
                     (opt.tags.empty() ? "" : " in runs with the given tags"));
  ChangePointOptions co;
  co.min_effect = opt.thresholds.MinEffect("latency_ms");
  co.alpha = opt.thresholds.alpha;
  co.permutations = opt.permutations;
  co.min_segment = opt.min_segment;
  std::vector<ConfigHistory> out;
  for (auto& [key, per_run] : newest) {
    ConfigHistory h;
    h.config_key = key;
    const auto& any = per_run.begin()->second;
    h.model = any.model;
    h.preset = any.preset;
    h.platform = any.platform;
    h.runtime = any.runtime;
    h.precision = any.precision;
    h.mode = any.mode;
    h.batch = any.batch;
    h.seq_len = any.seq_len;
    std::vector<std::pair<size_t, HistoryPoint>> pts;
    for (const auto& [run_id, r] : per_run) {
      HistoryPoint p;
      p.run_id = run_id;
      p.result_id = r.result_id;
      p.started_utc = runs.at(run_id).started_utc;
      p.n = static_cast<size_t>(r.iterations);
      if (r.lat_p50_ms) {
        p.median_ms = *r.lat_p50_ms;
      } else {
        const auto s = db.Samples(r.result_id);
        if (s.empty()) continue;  // nothing to place on the series
        p.median_ms = stats::Median(s);
        p.n = s.size();
      }
      pts.emplace_back(runs.at(run_id).order, std::move(p));
    }
    std::sort(pts.begin(), pts.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [o, p] : pts) h.points.push_back(std::move(p));
    if (opt.permutations > 0) h.change_points = DetectChangePoints(h.points, co);
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace accelbench::regress
