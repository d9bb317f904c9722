// Data endpoints: status, filters, runs, results, history, predictions.
#include "server/api.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "server/api_util.h"

namespace accelbench::server {

using detail::Col;
using detail::Run;
using json = nlohmann::json;

namespace {

// Columns returned by /api/results and /api/history (the dashboard's tables and charts).
const std::vector<std::string>& ResultColumns() {
  static const std::vector<std::string> c = {"result_id",
                                             "run_id",
                                             "config_key",
                                             "started_utc",
                                             "origin",
                                             "model",
                                             "preset",
                                             "platform",
                                             "runtime",
                                             "precision",
                                             "mode",
                                             "batch",
                                             "seq_len",
                                             "threads",
                                             "status",
                                             "reason",
                                             "iterations",
                                             "lat_p50_ms",
                                             "lat_p50_ci_low_ms",
                                             "lat_p50_ci_high_ms",
                                             "lat_p90_ms",
                                             "lat_p95_ms",
                                             "lat_p99_ms",
                                             "lat_mean_ms",
                                             "lat_cv",
                                             "throughput",
                                             "throughput_unit",
                                             "peak_rss_mb",
                                             "first_inference_ms",
                                             "energy_j_per_item"};
  return c;
}

std::string SelectList(Session& s, const std::vector<std::string>& cols) {
  std::string out;
  for (const auto& c : cols) out += (out.empty() ? "" : ", ") + Col(s, c);
  return out;
}

}  // namespace

std::string ApiStatus(Session& s, const StatusInfo& info) {
  std::string counts;
  {
    std::lock_guard lock(s.snap.cache_mu);
    counts = s.snap.status_json;
  }
  if (counts.empty()) {
    auto r = s.db->connection().Query(
        "SELECT (SELECT count(*) FROM results), (SELECT count(*) FROM runs), "
        "(SELECT max(started_utc) FROM results)");
    json j = {{"results", r.Int(0, 0)},
              {"runs", r.Int(1, 0)},
              {"newest_result_utc", r.IsNull(2, 0) ? json(nullptr) : json(r.String(2, 0))},
              {"schema_version", s.db->SchemaVersion()},
              {"predictions_available", !s.prediction_columns.empty()}};
    counts = j.dump();
    std::lock_guard lock(s.snap.cache_mu);
    s.snap.status_json = counts;
  }
  json j = json::parse(counts);
  j["generation"] = s.snap.generation;
  j["snapshot_utc"] = s.snap.taken_utc;
  j["database"] = std::filesystem::path(info.db_path).filename().string();
  j["last_refresh_error"] = info.last_error.empty() ? json(nullptr) : json(info.last_error);
  return j.dump();
}

// Computed once per snapshot: the server caches whole responses per snapshot (Snapshot::Cached).
std::string ApiFilters(Session& s) {
  json j = json::object();
  auto& c = s.db->connection();
  for (const char* col : {"model", "preset", "platform", "runtime", "precision", "mode", "batch"}) {
    auto r = c.Query(std::string("SELECT DISTINCT ") + col + " FROM results WHERE " + col +
                     " IS NOT NULL ORDER BY 1 LIMIT 1000");
    json vals = json::array();
    for (size_t i = 0; i < r.Rows(); ++i) vals.push_back(detail::CellJson(r, 0, i));
    j[col] = std::move(vals);
  }
  std::map<std::string, std::set<std::string>> tags;
  auto r = c.Query("SELECT tags FROM runs");
  for (size_t i = 0; i < r.Rows(); ++i) {
    auto t = json::parse(r.String(0, i), nullptr, false);
    if (!t.is_object()) continue;
    for (auto& [k, v] : t.items())
      if (v.is_string() && tags[k].size() < 200) tags[k].insert(v.get<std::string>());
  }
  j["tags"] = tags;
  auto range = c.Query("SELECT min(started_utc), max(started_utc) FROM results");
  j["first_utc"] = detail::CellJson(range, 0, 0);
  j["last_utc"] = detail::CellJson(range, 1, 0);
  return j.dump();
}

std::string ApiRuns(Session& s, const ResultQuery& q) {
  detail::Where w;
  if (q.from) w.Add("u.started_utc >= ?", *q.from);
  if (q.to) w.Add("u.started_utc <= ?", q.to->size() == 10 ? *q.to + "T99" : *q.to);
  if (!q.tags.empty()) {
    auto ids = detail::RunsWithTags(s, q);
    if (ids.empty()) w.AddRaw("FALSE");
    std::string in;
    for (auto& id : ids) {
      in += in.empty() ? "?" : ", ?";
      w.values.push_back(id);
    }
    if (!ids.empty()) w.AddRaw("u.run_id IN (" + in + ")");
  }
  std::string sql =
      "SELECT u.run_id, u.started_utc, u.finished_utc, u.status, u.tags, u.host, "
      "u.accelbench_version, u.accelbench_commit, "
      "(SELECT count(*) FROM results r WHERE r.run_id = u.run_id) AS results, "
      "(SELECT count(*) FROM results r WHERE r.run_id = u.run_id AND r.status = 'failed') "
      "AS failed FROM runs u" +
      w.sql + " ORDER BY u.started_utc DESC, u.run_id LIMIT ? OFFSET ?";
  w.values.push_back(q.limit);
  w.values.push_back(q.offset);
  auto r = Run(s, sql, w.values);
  json rows = detail::RowsJson(r);
  for (auto& row : rows) {  // tags as an object, not JSON text
    auto t = json::parse(row["tags"].is_string() ? row["tags"].get<std::string>() : "{}", nullptr,
                         false);
    row["tags"] = t.is_object() ? t : json::object();
  }
  return json{{"runs", rows}}.dump();
}

std::string ApiResults(Session& s, const ResultQuery& q) {
  auto w = detail::ResultWhere(s, q);
  std::string sql = "SELECT " + SelectList(s, ResultColumns()) + " FROM results r" + w.sql;
  if (q.latest)
    sql +=
        " QUALIFY row_number() OVER (PARTITION BY r.config_key ORDER BY r.started_utc DESC, "
        "r.result_id DESC) = 1";
  std::string count_sql = "SELECT count(*) FROM (" + sql + ")";
  sql += " ORDER BY r.started_utc DESC, r.result_id LIMIT ? OFFSET ?";
  auto total = Run(s, count_sql, w.values);
  int64_t n = total.Int(0, 0);
  w.values.push_back(q.limit);
  w.values.push_back(q.offset);
  auto r = Run(s, sql, w.values);
  return json{{"total", n}, {"offset", q.offset}, {"results", detail::RowsJson(r)}}.dump();
}

std::string ApiHistory(Session& s, const ResultQuery& q) {
  std::string metric = q.metric.value_or("lat_p50_ms");
  auto w = detail::ResultWhere(s, q);
  w.AddRaw("r.status IN ('ok', 'not_converged')");
  std::string ci_lo = metric == "lat_p50_ms" ? Col(s, "lat_p50_ci_low_ms") : "NULL";
  std::string ci_hi = metric == "lat_p50_ms" ? Col(s, "lat_p50_ci_high_ms") : "NULL";
  const std::string describe =
      "r.config_key, r.model, r.preset, r.platform, r.runtime, r.precision, r.mode, r.batch, "
      "r.seq_len";
  const std::string point = "r.run_id, r.result_id, r.started_utc, r.status, " + Col(s, metric) +
                            " AS value, " + ci_lo + " AS ci_low, " + ci_hi + " AS ci_high";
  // Newest `limit` points per configuration, returned oldest first. One configuration (the
  // dashboard's history view) needs no window: its newest rows (reversed below), and its
  // description once instead of on every row.
  const bool one_config = q.config_key.has_value();
  std::vector<FieldValue> values = w.values;
  values.push_back(q.limit);
  store::Result r, d;
  size_t p0 = 9;  // first point column in `r`
  if (one_config) {
    r = Run(s,
            "SELECT " + point + " FROM results r" + w.sql +
                " ORDER BY r.started_utc DESC, r.result_id DESC LIMIT ?",
            values);
    p0 = 0;
    if (r.Rows() > 0)
      d = Run(s, "SELECT " + describe + " FROM results r" + w.sql + " LIMIT 1", w.values);
  } else {
    r = Run(s,
            "SELECT * EXCLUDE (k) FROM (SELECT " + describe + ", " + point +
                ", row_number() OVER (PARTITION BY r.config_key ORDER BY r.started_utc DESC) AS k "
                "FROM results r" +
                w.sql + ") WHERE k <= ? ORDER BY config_key, started_utc, result_id",
            values);
  }
  static const char* kDescribe[] = {"model",     "preset", "platform", "runtime",
                                    "precision", "mode",   "batch",    "seq_len"};
  static const char* kPoint[] = {"run_id", "result_id", "started_utc", "status",
                                 "value",  "ci_low",    "ci_high"};
  std::string out = "{\"metric\":";
  detail::AppendJsonString(out, metric);
  out += ",\"series\":[";
  out.reserve(64 + r.Rows() * 160);
  const size_t n = r.Rows();
  size_t series = 0;
  std::string current;
  for (size_t k = 0; k < n; ++k) {
    const size_t i = one_config ? n - 1 - k : k;
    store::Result& dr = one_config ? d : r;
    const size_t di = one_config ? 0 : i;
    std::string key = one_config ? std::string() : r.String(0, i);
    if (k == 0 || (!one_config && key != current)) {
      if (series >= 50) break;  // at most 50 configurations per response
      if (series > 0) out += "]},";
      ++series;
      current = key;
      out += "{\"config_key\":";
      detail::AppendCellJson(out, dr, 0, di);
      for (size_t c = 0; c < 8; ++c) {
        out += ",\"";
        out += kDescribe[c];
        out += "\":";
        detail::AppendCellJson(out, dr, c + 1, di);
      }
      out += ",\"points\":[";
    } else {
      out += ',';
    }
    out += '{';
    for (size_t c = 0; c < 7; ++c) {
      if (c) out += ',';
      out += '"';
      out += kPoint[c];
      out += "\":";
      detail::AppendCellJson(out, r, p0 + c, i);
    }
    out += '}';
  }
  if (series > 0) out += "]}";
  out += "]}";
  return out;
}

std::string ApiPredictions(Session& s, const ResultQuery& q) {
  if (s.prediction_columns.empty())
    return json{{"available", false},
                {"reason", "this database has no predictions table (run `accelbench predict`)"},
                {"label", "predicted"},
                {"predictions", json::array()}}
        .dump();
  detail::Where w;
  auto text = [&](const char* col, const std::optional<std::string>& v) {
    if (!v) return;
    if (!s.prediction_columns.count(col))
      throw BadRequest(std::string("predictions have no '") + col + "' column");
    w.Add(std::string("p.") + col + " = ?", *v);
  };
  text("model", q.model);
  text("platform", q.platform);
  text("precision", q.precision);
  text("mode", q.mode);
  if (q.batch) {
    if (!s.prediction_columns.count("batch"))
      throw BadRequest("predictions have no 'batch' column");
    w.Add("p.batch = ?", *q.batch);
  }
  w.values.push_back(q.limit);
  w.values.push_back(q.offset);
  auto r = Run(s, "SELECT * FROM predictions p" + w.sql + " LIMIT ? OFFSET ?", w.values);
  json rows = detail::RowsJson(r);
  for (auto& row : rows) row["label"] = "predicted";
  return json{{"available", true}, {"label", "predicted"}, {"predictions", rows}}.dump();
}

}  // namespace accelbench::server
