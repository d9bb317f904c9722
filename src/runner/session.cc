#include "runner/session.h"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "backends/browser/browser_probe.h"
#include "backends/registry.h"
#include "cluster/shard.h"
#include "core/errors.h"
#include "core/host.h"
#include "hardware/capabilities.h"
#include "hardware/hardware.h"
#include "report/html_report.h"
#include "report/reporter.h"
#include "runner/default_suite.h"
#include "runner/stream_triad.h"
#include "runner/test_double.h"
#include "runner/worker.h"
#include "store/database.h"

namespace accelbench::runner {
namespace {

using nlohmann::json;

class StoreSink : public ResultSink {
 public:
  StoreSink(store::Database& db, std::string host, std::string shard)
      : db_(db), host_(std::move(host)), shard_(std::move(shard)) {}
  void Store(const ResultRecord& r, std::span<const double> samples) override {
    if (shard_.empty()) {
      db_.InsertResult(r, samples);  // one transaction: committed when this returns
      return;
    }
    ResultRecord copy = r;
    copy.shard = shard_;
    db_.InsertResult(copy, samples);
  }
  std::optional<double> LookupCalibration(const std::string& platform, Precision p) override {
    return db_.LookupCalibration(Device(platform), std::string(ToString(p)));
  }
  void StoreCalibration(const std::string& platform, Precision p, const std::string& runtime,
                        double flops) override {
    (void)runtime;
    db_.StoreCalibration(Device(platform), std::string(ToString(p)), flops);
  }

 private:
  // A calibration belongs to one device of one host.
  std::string Device(const std::string& platform) const { return host_ + "/" + platform; }
  store::Database& db_;
  std::string host_;
  std::string shard_;  // "I/N" of a sharded run (issue 10), else empty
};

PlanContext ContextFrom(const hardware::HardwareReport& report, bool test_double) {
  PlanContext ctx;
  for (const auto& p : report.platforms) {
    PlatformAvailability a;
    a.kind = p.kind;
    a.instance = p.instance;
    a.available = p.available;
    a.reason = p.reason;
    a.memory_bytes = p.memory_bytes.value_or(0);
    if (p.kind == PlatformKind::kCpu && a.memory_bytes == 0)
      a.memory_bytes = report.cpu.memory_available_bytes.value_or(0);
    ctx.platforms.push_back(a);
  }
  if (!test_double) {
    ctx.why_unsupported = [&report](PlatformKind k, Precision p, Mode m, const std::string& f) {
      return hardware::WhyUnsupported(report, k, p, m, f);
    };
  }
  return ctx;
}

Plan Concat(std::vector<Plan> plans) {
  Plan all;
  for (auto& p : plans) {
    for (auto& c : p.runnable) all.runnable.push_back(std::move(c));
    for (auto& c : p.skipped) all.skipped.push_back(std::move(c));
  }
  return all;
}

std::vector<std::string> Keys(const Plan& p) {
  std::vector<std::string> keys;
  for (const auto& c : p.runnable) keys.push_back(c.config_key);
  for (const auto& c : p.skipped) keys.push_back(c.config_key);
  return keys;
}

// Web platforms (issue 6): the browser is probed only when a sweep asks for one (it starts
// Chromium); its statuses replace detection's "probe requires the browser backend" entries.
bool IsWebKind(PlatformKind k) {
  return k == PlatformKind::kWasm || k == PlatformKind::kWebGpu || k == PlatformKind::kWebNn;
}
// The browser(s) probed are the sweeps' `--backend-option browser=chromium|firefox` (default
// chromium; an unknown name is a usage error here, before anything runs).
void ProbeBrowserIfAsked(const std::vector<Sweep>& sweeps, hardware::HardwareReport& report) {
  using backends::browser::BrowserKind;
  std::vector<BrowserKind> browsers;
  for (const auto& s : sweeps) {
    if (s.runtime == kTestDoubleRuntime) continue;
    for (const auto& p : s.platforms) {
      const std::string kind = p.substr(0, p.find(':'));
      if (kind != "wasm" && kind != "webgpu" && kind != "webnn") continue;
      const auto it = s.backend_options.find("browser");
      const BrowserKind b = backends::browser::ParseBrowserKind(
          it == s.backend_options.end() ? "chromium" : it->second);
      if (std::find(browsers.begin(), browsers.end(), b) == browsers.end()) browsers.push_back(b);
    }
  }
  if (browsers.empty()) return;
  auto web = backends::browser::ProbeBrowsersPlatforms(std::chrono::milliseconds(60000), browsers);
  std::erase_if(report.platforms, [](const auto& p) { return IsWebKind(p.kind); });
  for (auto& s : web) report.platforms.push_back(std::move(s));
}

}  // namespace

int RunWorkerCommand() {
  return RunWorker([](const std::string& runtime) -> std::unique_ptr<backends::Backend> {
    if (runtime == kTestDoubleRuntime) return MakeTestDoubleBackend();
    return backends::MakeBackend(runtime);
  });
}

int RunCommand(const RunCommandOptions& opt) {
  // ---- settings: requested -> effective ----
  SweepRequest req = opt.request;
  HarnessOptions harness = opt.harness;
  std::vector<Sweep> sweeps;
  json stored_settings;
  double time_limit_s = opt.time_limit_s;
  int64_t memory_limit =
      opt.memory_limit_mb < 0 ? DefaultMemoryLimitBytes() : opt.memory_limit_mb * 1048576;
  std::string run_id = opt.resume_run_id;
  const std::string host = HostName();

  if (opt.default_suite && !opt.resume_run_id.empty())
    throw UsageError("--resume continues a stored run: do not combine it with --default-suite");
  // ---- sharding (issue 10): the shard, the run id all shards share, this shard's database ----
  const auto env = cluster::ProcessEnv();
  cluster::ShardSpec shard;
  if (!opt.shard.empty())
    shard = cluster::ParseShard(opt.shard);
  else if (auto s = cluster::DetectLauncherShard(env))
    shard = *s;
  const std::string shared_run_id = cluster::SharedRunId(opt.run_id, shard, env);
  if (shard.Sharded() && opt.default_suite)
    throw UsageError(
        "--default-suite cannot be sharded: its plan depends on each host's stored "
        "calibrations, so shards would not agree on it; use a sweep");
  if (shard.Sharded() && shared_run_id.empty() && opt.resume_run_id.empty())
    throw UsageError("shard " + shard.Label() +
                     " needs a run id shared by all shards: --run-id ID "
                     "(or ACCELBENCH_RUN_ID, or a launcher job id)");
  if (!opt.resume_run_id.empty() && !opt.run_id.empty())
    throw UsageError("--resume and --run-id: give one of them");
  if (opt.db_path.empty()) throw UsageError("run needs a database file: --db FILE");
  if (!(std::isfinite(opt.time_limit_s) && opt.time_limit_s > 0))
    throw UsageError("--time-limit must be a number of seconds > 0");
  if (!(std::isfinite(opt.lock_timeout_s) && opt.lock_timeout_s >= 0))
    throw UsageError("--lock-timeout must be a number of seconds >= 0");
  if (opt.memory_limit_mb < -1)
    throw UsageError("--memory-limit must be MiB >= 0 (0 = none), got " +
                     std::to_string(opt.memory_limit_mb));
  if (!opt.report_file.empty()) {  // checked before the sweep, not after it
    const auto dir = std::filesystem::path(opt.report_file).parent_path();
    std::error_code ec;
    if (!dir.empty() && !std::filesystem::is_directory(dir, ec))
      throw UsageError("--report " + opt.report_file + ": no directory " + dir.string());
  }
  // The flags and the sweep file are checked before the database is opened (or created): a usage
  // error leaves no file behind. A resumed run's settings come from the database.
  if (opt.resume_run_id.empty()) {
    SweepRequest r = opt.request;
    HarnessOptions h = opt.harness;
    if (!opt.default_suite) {
      if (!opt.sweep_file.empty()) LoadSweepFile(opt.sweep_file, r, h);
      Normalize(r);
    }
    ValidateHarness(h);
  }
  const std::string db_path = cluster::ShardDbPath(opt.db_path, shard, host);
  store::Database db = store::Database::Open(db_path, {false, opt.lock_timeout_s});
  if (!opt.report_file.empty()) db.RefuseAsOutput(opt.report_file, "--report");
  if (run_id.empty() && !shared_run_id.empty() && db.Run(shared_run_id))
    run_id = shared_run_id;  // a restarted shard continues its run

  hardware::HardwareReport report = hardware::Detect();
  if (!run_id.empty()) {
    const auto run = db.Run(run_id);
    if (!run) throw UsageError("no run '" + run_id + "' in " + db_path);
    stored_settings = json::parse(run->settings_json);
    if (!stored_settings.contains("sweeps"))
      throw UsageError("run '" + run_id + "' was not started by `accelbench run`; cannot resume");
    for (const auto& s : stored_settings.at("sweeps")) sweeps.push_back(SweepFromJson(s.dump()));
    harness = HarnessFromJson(stored_settings.at("harness").dump());
    time_limit_s = stored_settings.value("time_limit_s", time_limit_s);
    memory_limit = stored_settings.value("memory_limit_bytes", memory_limit);
    if (stored_settings.contains("shard")) {
      const auto& js = stored_settings.at("shard");
      cluster::ShardSpec stored;
      stored.index = js.value("index", int64_t{0});
      stored.count = js.value("count", int64_t{1});
      stored.source = js.value("source", std::string("flag"));
      if (shard.Sharded() && (shard.index != stored.index || shard.count != stored.count))
        throw UsageError("run '" + run_id + "' is shard " + stored.Label() + ", not " +
                         shard.Label());
      shard = stored;
    }
  } else if (opt.default_suite) {
    DefaultSuiteInputs in;
    in.ctx = ContextFrom(report, false);
    in.host_memory_bytes = report.cpu.memory_available_bytes.value_or(0);
    in.budget_s = opt.default_suite_budget_s;
    in.planning_flops = [&db, &host](const PlatformAvailability& p) {
      if (auto f = db.LookupCalibration(host + "/" + p.instance, "fp32")) return *f;
      // No stored calibration yet: a conservative planning guess (never stored or printed as
      // a measurement): 2e10 FLOP/s for CPUs, 1e12 for accelerators.
      return p.kind == PlatformKind::kCpu ? 2e10 : 1e12;
    };
    sweeps = DefaultSuite(in);
    if (sweeps.empty()) throw RuntimeError("default suite: no model families or no platform");
    if (!opt.harness_from_flags) harness = DefaultSuiteHarness();
    req.source = "default-suite";
  } else {
    if (!opt.sweep_file.empty()) LoadSweepFile(opt.sweep_file, req, harness);
    sweeps.push_back(Normalize(req));
  }
  ValidateHarness(harness);
  ProbeBrowserIfAsked(sweeps, report);

  std::vector<Plan> plans;
  for (const auto& s : sweeps) {
    const bool td = s.runtime == kTestDoubleRuntime;
    if (!td) backends::MakeBackend(s.runtime);  // unknown runtime: usage error before running
    plans.push_back(MakePlan(s, ContextFrom(report, td)));
  }
  const Plan full_plan = Concat(std::move(plans));
  const Plan plan = cluster::ShardPlan(full_plan, shard, harness);  // everything when unsharded

  // ---- the run row ----
  if (run_id.empty()) {
    json sweeps_json = json::array();
    for (const auto& s : sweeps) sweeps_json.push_back(json::parse(ToJson(s)));
    stored_settings = {{"sweeps", sweeps_json},
                       {"harness", json::parse(ToJson(harness))},
                       {"time_limit_s", time_limit_s},
                       {"memory_limit_bytes", memory_limit},
                       {"default_suite", opt.default_suite}};
    if (shard.Sharded())
      stored_settings["shard"] = {
          {"index", shard.index}, {"count", shard.count}, {"source", shard.source}};
    store::RunRecord run;
    run.run_id = shared_run_id.empty() ? store::NewUuid() : shared_run_id;
    run.tags = opt.tags;
    run.command = opt.command_line;
    run.requested_settings_json = ToJson(req);
    run.settings_json = stored_settings.dump();
    run.environment_json = report.ToJson().dump();
    run.host = host;
    // Every shard records the whole plan, so a merge reports what a dead shard left missing.
    run.planned_config_keys = Keys(full_plan);
    db.InsertRun(run);
    run_id = run.run_id;
  }
  const std::set<std::string> completed = db.CompletedConfigKeys(run_id);

  RunnerOptions ro;
  ro.harness = harness;
  ro.time_limit_s = time_limit_s;
  ro.memory_limit_bytes = memory_limit;
  ro.run_id = run_id;
  ro.host = host;
  std::cerr << "run " << run_id
            << (shard.Sharded() ? " shard " + shard.Label() + " (" + shard.source + ", " +
                                      std::to_string(full_plan.Total()) + " in the whole sweep)"
                                : std::string())
            << ": " << plan.Total() << " configurations (" << plan.skipped.size()
            << " skipped: platform absent or combination unsupported"
            << (completed.empty() ? "" : ", " + std::to_string(completed.size()) + " already done")
            << ") into " << db_path << "\n";
  // Memory bandwidth of this host's CPU (STREAM triad), once per host: the predictor's roofline
  // needs it next to the GEMM calibration (issue 8).
  if (harness.calibrate && !db.LookupMemoryBandwidth(host + "/cpu")) {
    bool cpu_planned = false;
    for (const auto& c : plan.runnable)
      cpu_planned |= c.platform == "cpu" && c.runtime != kTestDoubleRuntime;
    if (cpu_planned) {
      TriadOptions to;
      if (sweeps.front().threads > 0) to.threads = static_cast<int>(sweeps.front().threads);
      db.StoreMemoryBandwidth(host + "/cpu", MeasureTriadBandwidth(to));
    }
  }
  StoreSink sink(db, host, shard.Sharded() ? shard.Label() : std::string());
  Progress progress(stderr, opt.quiet_progress ? 0 : -1);
  SweepOutcome outcome;
  {
    InterruptGuard guard;
    outcome = RunSweep(plan, completed, sink, ro, progress);
  }
  db.FinishRun(run_id, outcome.interrupted ? "interrupted" : "finished");

  // ---- summary ----
  store::ResultFilter f;
  f.run_id = run_id;
  const auto records = db.Results(f);
  report::MakeReporter(opt.format)->Report(records, std::cout);
  std::cout.flush();
  std::cerr << "results: " << db_path << " (run " << run_id << ", " << records.size()
            << " results)\n";
  if (!opt.report_file.empty()) {
    if (records.empty()) {
      std::cerr << "report: no results in this run; " << opt.report_file << " not written\n";
    } else {
      report::WriteHtmlReport(db, f, opt.report_file);
      std::cerr << "report: " << opt.report_file << "\n";
    }
  }
  if (outcome.interrupted) {
    std::cerr << "interrupted: continue with `accelbench run --resume " << run_id << " --db "
              << db_path << "`\n";
    return 130;
  }
  // Absent hardware: one line per absent platform (its configurations are stored as skipped, with
  // the reason); when nothing asked for could run here, the run exits 3 (a mixed sweep, e.g.
  // cpu,rocm on a machine without ROCm, measures what is here and exits 0).
  std::map<std::string, int> absent;  // reason -> configurations
  for (const auto& r : records)
    if (r.status == ResultStatus::kSkipped && IsAbsentPlatformReason(r.reason)) ++absent[r.reason];
  int absent_rows = 0;
  for (const auto& [reason, n] : absent) {
    std::cerr << "accelbench: " << reason << " (" << n << " configuration" << (n == 1 ? "" : "s")
              << " stored as skipped)\n";
    absent_rows += n;
  }
  if (!records.empty() && absent_rows == static_cast<int>(records.size()))
    return static_cast<int>(ExitCode::kRuntime);
  return 0;
}

}  // namespace accelbench::runner
