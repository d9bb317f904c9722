#include "backends/browser/webopt_store.h"

#include <unistd.h>
#include <regex>

#include "core/host.h"
#include "stats/stats.h"

namespace accelbench::backends::browser {
using nlohmann::json;

namespace {

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

}  // namespace

std::string BrowserName(const json& meta) {
  const std::string ua = meta.value("user_agent", std::string());
  std::smatch m;
  if (std::regex_search(ua, m, std::regex(R"((HeadlessChrome|Chrome|Firefox)/([0-9.]+))")))
    return std::string(m[1] == "Firefox" ? "Firefox " : "Chromium ") + m[2].str();
  return "browser";
}

std::string WebPlatform(const std::string& ep, const json& meta) {
  if (ep != "webgpu") return ep;
  const json a = meta.value("adapter", json::object());
  std::string arch = a.value("architecture", std::string());
  if (arch.empty()) arch = a.value("vendor", std::string("unknown"));
  return "webgpu:" + arch;
}

std::string BeginWebOptRun(store::Database& db, const std::string& command,
                           const std::map<std::string, std::string>& tags) {
  store::RunRecord run;
  run.run_id = store::NewUuid();
  run.command = command;
  run.tags = tags;
  run.tags["issue"] = "6";
  run.host = HostName();
  db.InsertRun(run);
  return run.run_id;
}

void FinishWebOptRun(store::Database& db, const std::string& run_id, bool ok) {
  db.FinishRun(run_id, ok ? "finished" : "failed");
}

ResultRecord WebOptRecord(const std::string& run_id, const std::string& model,
                          const std::string& preset, const std::string& runtime,
                          const std::string& ep, const json& meta,
                          const std::map<std::string, std::string>& switches, const json& effective,
                          int64_t batch, const std::vector<double>& samples_ms) {
  ResultRecord r;
  r.result_id = store::NewUuid();
  r.run_id = run_id;
  r.host = HostName();
  r.started_utc = store::NowUtc();
  r.model = model;
  r.preset = preset;
  r.runtime = runtime;
  r.execution_provider = ep;
  r.platform = runtime == "libtorch" ? "cpu" : WebPlatform(ep, meta);
  r.platform_kind = runtime == "libtorch" ? "cpu" : ep;
  r.runtime_version = meta.value("ort_version", json()).is_string()
                          ? meta.at("ort_version").get<std::string>()
                          : std::string();
  r.precision = "fp32";
  r.mode = "inference";
  r.batch = batch;
  r.threads = meta.value("wasm_threads", int64_t{0});
  json opts = json::object();
  for (const auto& [k, v] : switches) opts[k] = v;
  opts["effective"] = effective;
  if (meta.contains("user_agent")) opts["browser"] = BrowserName(meta);
  if (meta.contains("adapter")) opts["adapter"] = meta.at("adapter");
  r.options_json = opts.dump();
  std::string key = runtime + "|" + model + "|" + preset + "|" + r.platform + "|fp32|inference|b" +
                    std::to_string(batch);
  for (const auto& [k, v] : switches) key += "|" + k + "=" + v;
  r.config_key = key;
  if (meta.contains("adapter") && meta.at("adapter").value("software", false))
    r.reason = "software WebGPU adapter (" + WebPlatform(ep, meta) +
               "): CPU-emulated, not a GPU's numbers";
  if (!samples_ms.empty()) {
    const auto s = stats::Summarize(samples_ms);
    r.iterations = static_cast<int64_t>(samples_ms.size());
    r.lat_min_ms = s.min;
    r.lat_mean_ms = s.mean;
    r.lat_stddev_ms = s.stddev;
    r.lat_cv = s.cv;
    r.lat_p50_ms = s.p50;
    r.lat_p90_ms = s.p90;
    r.lat_p95_ms = s.p95;
    r.lat_p99_ms = s.p99;
    r.lat_p999_ms = s.p999;
    if (s.median_ci) {
      r.lat_p50_ci_low_ms = s.median_ci->low;
      r.lat_p50_ci_high_ms = s.median_ci->high;
    }
    if (s.mean > 0) r.throughput = static_cast<double>(batch) / (s.mean / 1000.0);
    r.throughput_unit = "items/s";
  }
  return r;
}

void StoreAutotune(store::Database& db, const std::string& run_id, const json& meta,
                   const std::string& kernel, const std::string& problem,
                   const std::vector<MelAutotuneTrial>& trials, const std::string& best) {
  const json a = meta.value("adapter", json::object());
  const std::string prefix = "INSERT INTO webgpu_autotune VALUES (" + Quote(run_id) + ", " +
                             Quote(BrowserName(meta)) + ", " +
                             Quote(a.value("vendor", std::string())) + ", " +
                             Quote(a.value("architecture", std::string())) + ", " +
                             (a.value("software", false) ? "true" : "false") + ", " +
                             Quote(kernel) + ", " + Quote(problem) + ", ";
  for (const auto& t : trials) {
    db.Query(prefix + Quote(t.workgroup) + ", " +
             (t.median_ms ? std::to_string(*t.median_ms) : std::string("NULL")) + ", " +
             (t.error.empty() ? std::string("NULL") : Quote(t.error)) + ", " +
             (t.workgroup == best ? "true" : "false") + ", " + Quote(store::NowUtc()) + ")");
  }
}

std::optional<std::string> LookupAutotune(store::Database& db, const std::string& browser,
                                          const std::string& adapter_architecture,
                                          const std::string& kernel, const std::string& problem) {
  const auto q = db.Query(
      "SELECT workgroup FROM webgpu_autotune WHERE chosen AND browser = " + Quote(browser) +
      " AND adapter_architecture = " + Quote(adapter_architecture) + " AND kernel = " +
      Quote(kernel) + " AND problem = " + Quote(problem) + " ORDER BY measured_utc DESC LIMIT 1");
  if (q.rows.empty()) return std::nullopt;
  return store::ValueToString(q.rows[0][0]);
}

}  // namespace accelbench::backends::browser
