#include "runner/runner.h"

#include <signal.h>

#include <fstream>
#include <map>
#include <random>

#include "runner/child_process.h"
#include "runner/harness.h"
#include "runner/protocol.h"

namespace accelbench::runner {
namespace {

volatile bool g_interrupted = false;
void OnSignal(int) { g_interrupted = true; }

std::string NewResultId() {
  static std::mt19937_64 rng(std::random_device{}());
  const uint64_t a = rng(), b = rng();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

class Session {
 public:
  Session(ResultSink& sink, const RunnerOptions& opt, Progress& progress, SweepOutcome& out)
      : sink_(sink), opt_(opt), progress_(progress), out_(out) {}

  void Store(ResultRecord r, std::span<const double> samples) {
    r.run_id = opt_.run_id;
    r.host = opt_.host;
    if (r.result_id.empty()) r.result_id = NewResultId();
    if (r.started_utc.empty()) r.started_utc = UtcNow();
    sink_.Store(r, samples);
    progress_.Finished(r.config_key,
                       std::string(ToString(r.status)) +
                           (r.status == ResultStatus::kOk || r.status == ResultStatus::kNotConverged
                                ? ""
                                : ": " + r.reason));
    out_.records.push_back(std::move(r));
  }

  void Fail(const PlannedConfig& c, const std::string& reason, const std::string& started) {
    ResultRecord r = RecordFor(c);
    r.status = ResultStatus::kFailed;
    r.reason = reason;
    r.started_utc = started;
    Store(std::move(r), {});
  }

  // Runs one group, respawning a worker after each crash until every configuration has a result.
  void RunGroup(std::vector<PlannedConfig> pending) {
    while (!pending.empty() && !g_interrupted) {
      WorkerJob job;
      job.harness = opt_.harness;
      job.configs = pending;
      for (const auto& c : pending) {
        const auto key = CalibrationKey(c.platform, c.precision);
        if (job.calibrations.contains(key)) continue;
        if (auto f = sink_.LookupCalibration(c.platform, c.precision)) job.calibrations[key] = *f;
      }
      ChildProcess child(opt_.worker_argv, opt_.memory_limit_bytes);
      child.WriteStdinAndClose(JobToJson(job));
      std::string in_flight, started;
      auto deadline = std::chrono::steady_clock::now() + Limit();
      bool made_progress = false;
      std::string line;
      for (;;) {
        const auto rd = child.ReadLine(line, deadline, &g_interrupted);
        if (rd == ChildProcess::Read::kInterrupted) {
          child.Kill();
          child.Wait();
          return;
        }
        if (rd == ChildProcess::Read::kTimeout) {
          child.Kill();
          child.Wait();
          const auto* c = Find(pending, in_flight.empty() ? pending.front().config_key : in_flight);
          Fail(*c, "time limit " + FormatLimit() + " s exceeded", started);
          Erase(pending, c->config_key);
          break;
        }
        if (rd == ChildProcess::Read::kEof) {
          const ExitStatus st = child.Wait();
          if (!pending.empty() && (!in_flight.empty() || !made_progress)) {
            // The worker died during a configuration (or before starting any): that one fails.
            const auto* c =
                Find(pending, in_flight.empty() ? pending.front().config_key : in_flight);
            std::string why = "worker " + st.Describe();
            if (st.signaled && st.signal == SIGKILL && opt_.memory_limit_bytes > 0)
              why += " (out of memory?)";
            Fail(*c, why, started);
            Erase(pending, c->config_key);
          }
          break;
        }
        nlohmann::json msg;
        try {
          msg = nlohmann::json::parse(line);
        } catch (const std::exception&) {
          continue;  // not a protocol line
        }
        const std::string type = msg.value("type", "");
        if (type == "start") {
          in_flight = msg.at("config_key");
          started = msg.value("started_utc", "");
          deadline = std::chrono::steady_clock::now() + Limit();
          progress_.Started(in_flight);
        } else if (type == "result") {
          ResultRecord r = RecordFromJson(msg.at("record"));
          const auto samples = msg.at("samples").get<std::vector<double>>();
          Store(std::move(r), samples);
          Erase(pending, in_flight);
          in_flight.clear();
          made_progress = true;
        } else if (type == "calibration") {
          sink_.StoreCalibration(msg.at("platform"),
                                 ParsePrecision(msg.at("precision").get<std::string>()),
                                 msg.at("runtime"), msg.at("flops"));
        }
      }
    }
  }

 private:
  std::chrono::steady_clock::duration Limit() const {
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(opt_.time_limit_s));
  }
  std::string FormatLimit() const {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", opt_.time_limit_s);
    return buf;
  }
  static const PlannedConfig* Find(const std::vector<PlannedConfig>& v, const std::string& key) {
    for (const auto& c : v)
      if (c.config_key == key) return &c;
    return &v.front();
  }
  static void Erase(std::vector<PlannedConfig>& v, const std::string& key) {
    std::erase_if(v, [&](const PlannedConfig& c) { return c.config_key == key; });
  }

  ResultSink& sink_;
  const RunnerOptions& opt_;
  Progress& progress_;
  SweepOutcome& out_;
};

}  // namespace

int64_t DefaultMemoryLimitBytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  int64_t kib = 0;
  std::string unit;
  while (in >> key >> kib >> unit) {
    if (key == "MemAvailable:") return kib * 1024 / 10 * 9;
  }
  return 0;
}

InterruptGuard::InterruptGuard() {
  g_interrupted = false;
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

InterruptGuard::~InterruptGuard() {
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
}

bool InterruptGuard::Interrupted() { return g_interrupted; }
const volatile bool* InterruptGuard::Flag() { return &g_interrupted; }

SweepOutcome RunSweep(const Plan& plan, const std::set<std::string>& completed, ResultSink& sink,
                      const RunnerOptions& opt_in, Progress& progress) {
  RunnerOptions opt = opt_in;
  if (opt.worker_argv.empty()) opt.worker_argv = {"/proc/self/exe", "run", "--worker"};
  SweepOutcome out;
  size_t todo = 0;
  for (const auto& c : plan.skipped) todo += !completed.contains(c.config_key);
  for (const auto& c : plan.runnable) todo += !completed.contains(c.config_key);
  out.already_done = plan.Total() - todo;
  progress.Begin(todo);
  Session session(sink, opt, progress, out);
  for (const auto& c : plan.skipped) {
    if (completed.contains(c.config_key)) continue;
    session.Store(RecordFor(c), {});
  }
  for (const auto& group : Groups(plan.runnable)) {
    if (g_interrupted) break;
    std::vector<PlannedConfig> pending;
    for (const auto& c : group)
      if (!completed.contains(c.config_key)) pending.push_back(c);
    if (!pending.empty()) session.RunGroup(std::move(pending));
  }
  out.interrupted = g_interrupted;
  progress.End();
  return out;
}

}  // namespace accelbench::runner
