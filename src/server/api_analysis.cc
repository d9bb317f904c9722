// Analysis endpoints: comparisons (as `accelbench compare` / `report`) and regressions (change
// points per configuration and run-vs-run verdicts from src/regress).
#include <nlohmann/json.hpp>

#include "analysis/compare.h"
#include "core/errors.h"
#include "server/api.h"
#include "server/api_util.h"
#if ACCELBENCH_HAVE_REGRESS
#include "regress/regress.h"
#endif

namespace accelbench::server {

using json = nlohmann::json;

namespace {

json FieldJson(const FieldValue& v) {
  if (auto* i = std::get_if<int64_t>(&v)) return *i;
  if (auto* d = std::get_if<double>(&v)) return std::isfinite(*d) ? json(*d) : json(nullptr);
  if (auto* t = std::get_if<std::string>(&v)) return *t;
  return nullptr;
}

}  // namespace

std::string ApiCompare(Session& s, const ResultQuery& q) {
  analysis::CompareOptions opt;
  try {
    opt.baseline = analysis::ParseBaseline(q.baseline.value_or(""));
  } catch (const UsageError& e) {
    throw BadRequest(std::string("parameter 'baseline': ") + e.what());
  }
  opt.resamples = 1000;
  // The same selection as `accelbench compare`: model/preset/platform/mode/run filters, newest
  // result per configuration unless latest=0; the other filters narrow the records afterwards.
  store::ResultFilter f;
  f.model = q.model;
  f.preset = q.preset;
  f.platform = q.platform;
  f.mode = q.mode;
  f.run_id = q.run_id;
  f.latest_only = true;
  auto all = s.db->Results(f);
  std::set<std::string> runs;
  if (!q.tags.empty())
    for (auto& id : detail::RunsWithTags(s, q)) runs.insert(id);
  std::vector<ResultRecord> results;
  for (auto& r : all) {
    if (q.batch && r.batch != *q.batch) continue;
    if (q.precision && r.precision != *q.precision && r.precision != "fp32") continue;
    if (q.runtime && r.runtime != *q.runtime && r.runtime != "libtorch") continue;
    if (q.from && r.started_utc < *q.from) continue;
    if (q.to && r.started_utc > (q.to->size() == 10 ? *q.to + "T99" : *q.to)) continue;
    if (!q.tags.empty() && !runs.count(r.run_id)) continue;
    results.push_back(std::move(r));
  }
  if (results.size() > 2000)
    throw BadRequest("too many results to compare (" + std::to_string(results.size()) +
                     "): narrow the filters");
  auto rows = analysis::Compare(
      results, [&s](const std::string& id) { return s.db->Samples(id); }, opt);
  json out = json::array();
  for (const auto& row : rows) {
    json o = json::object();
    for (const auto& f : analysis::ComparisonFields()) o[f.name] = FieldJson(f.get(row));
    out.push_back(std::move(o));
  }
  return json{
      {"baseline", opt.baseline.Describe()}, {"results", results.size()}, {"comparisons", out}}
      .dump();
}

#if ACCELBENCH_HAVE_REGRESS
namespace {

json ChangePointJson(const regress::ChangePoint& c, const std::vector<regress::HistoryPoint>& h) {
  return {{"index", c.index},
          {"run_id", c.run_id},
          {"previous_run_id", c.previous_run_id},
          {"started_utc", c.index < h.size() ? h[c.index].started_utc : ""},
          {"result_id", c.index < h.size() ? h[c.index].result_id : ""},
          {"before", c.before_median},
          {"after", c.after_median},
          {"change_pct", c.change_pct},
          {"p_value", c.p_value},
          {"verdict", std::string(regress::ToString(c.verdict))}};
}

json RunComparisonJson(const regress::RunComparison& c) {
  json configs = json::array();
  for (const auto& v : c.configs)
    configs.push_back({{"config_key", v.config_key},
                       {"model", v.model},
                       {"platform", v.platform},
                       {"runtime", v.runtime},
                       {"precision", v.precision},
                       {"mode", v.mode},
                       {"batch", v.batch},
                       {"baseline_median_ms", v.v.baseline_median},
                       {"candidate_median_ms", v.v.candidate_median},
                       {"ratio", v.v.ratio},
                       {"ratio_ci_low", v.v.ratio_ci_low},
                       {"ratio_ci_high", v.v.ratio_ci_high},
                       {"change_pct", v.v.change_pct},
                       {"p_value", v.v.p_value},
                       {"verdict", std::string(regress::ToString(v.v.verdict))},
                       {"reason", v.v.reason}});
  return {{"baseline_run_id", c.baseline_run_id},
          {"candidate_run_id", c.candidate_run_id},
          {"configs", configs},
          {"only_baseline", c.only_baseline},
          {"only_candidate", c.only_candidate}};
}

}  // namespace
#endif

std::string ApiRegressions(Session& s, const ResultQuery& q) {
#if ACCELBENCH_HAVE_REGRESS
  json out = {{"available", true}};
  if (q.base_run) {
    if (!q.run_id) throw BadRequest("'base_run' needs 'run' (the candidate run)");
    try {
      regress::CompareOptions co;
      co.config_key = q.config_key;
      out["comparison"] =
          RunComparisonJson(regress::CompareRuns(*s.db, *q.base_run, *q.run_id, co));
    } catch (const UsageError& e) {
      throw BadRequest(e.what());
    }
  }
  // Change points over each matching configuration's history (one point per run: its newest
  // ok/not_converged result's median latency), at most 100 configurations.
  std::string metric = q.metric.value_or("lat_p50_ms");
  ResultQuery hq = q;
  if (q.base_run) hq.run_id.reset();
  auto w = detail::ResultWhere(s, hq);
  w.AddRaw("r.status IN ('ok', 'not_converged')");
  std::string sql =
      "SELECT config_key, run_id, result_id, started_utc, value, model, platform, runtime, "
      "precision, mode, batch FROM (SELECT r.config_key, r.run_id, r.result_id, r.started_utc, " +
      detail::Col(s, metric) +
      " AS value, r.model, r.platform, r.runtime, r.precision, r.mode, r.batch, row_number() OVER "
      "(PARTITION BY r.config_key, r.run_id ORDER BY r.started_utc DESC) AS k FROM results r" +
      w.sql + ") WHERE k = 1 AND value IS NOT NULL ORDER BY config_key, started_utc, result_id";
  auto r = detail::Run(s, sql, w.values);
  json configs = json::array();
  size_t total_changes = 0;
  regress::ChangePointOptions opt;
  opt.higher_is_better = metric == "throughput";
  for (size_t i = 0; i < r.Rows() && configs.size() < 100;) {
    std::string key = r.String(0, i);
    std::vector<regress::HistoryPoint> h;
    size_t first = i;
    for (; i < r.Rows() && r.String(0, i) == key; ++i)
      h.push_back({r.String(1, i), r.String(2, i), r.String(3, i), r.Real(4, i), 1});
    auto cps = regress::DetectChangePoints(h, opt);
    json cj = json::array();
    for (const auto& c : cps) cj.push_back(ChangePointJson(c, h));
    total_changes += cps.size();
    configs.push_back({{"config_key", key},
                       {"model", r.String(5, first)},
                       {"platform", r.String(6, first)},
                       {"runtime", r.String(7, first)},
                       {"precision", r.String(8, first)},
                       {"mode", r.String(9, first)},
                       {"batch", r.Int(10, first)},
                       {"points", h.size()},
                       {"change_points", cj}});
  }
  out["metric"] = metric;
  out["configurations"] = configs;
  out["change_points"] = total_changes;
  return out.dump();
#else
  (void)s;
  (void)q;
  return json{{"available", false},
              {"reason", "this build has no regression library (src/regress)"},
              {"configurations", json::array()}}
      .dump();
#endif
}

}  // namespace accelbench::server
