#pragma once
// The parent side of a sweep: runs each model group in a child worker process with a time and
// a memory limit, stores every result the moment it arrives (through a ResultSink), records
// crashes, hangs and out-of-memory as failed results, and retries the rest of the group in a
// fresh child. Skipped configurations are stored with their reason.
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "runner/planner.h"
#include "runner/progress.h"
#include "runner/settings.h"

namespace accelbench::runner {

// Where results go (the DuckDB store in production, memory in tests). Each Store call must be
// durable when it returns: a kill afterwards must not lose it.
class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual void Store(const ResultRecord& r, std::span<const double> samples_ms) = 0;
  virtual std::optional<double> LookupCalibration(const std::string& platform, Precision p) = 0;
  virtual void StoreCalibration(const std::string& platform, Precision p,
                                const std::string& runtime, double flops) = 0;
};

struct RunnerOptions {
  HarnessOptions harness;
  double time_limit_s = 120;             // per configuration, from its start in the worker
  int64_t memory_limit_bytes = 0;        // RLIMIT_AS of the worker; 0 = none
  std::vector<std::string> worker_argv;  // default: /proc/self/exe run --worker
  std::string run_id, host;
};

// 90% of MemAvailable (0 when unreadable): the default worker memory limit.
int64_t DefaultMemoryLimitBytes();

// Set by SIGINT/SIGTERM while a sweep runs: the child is killed, the sweep stops.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  static bool Interrupted();
  static const volatile bool* Flag();
};

struct SweepOutcome {
  std::vector<ResultRecord> records;  // stored in this call, in order
  size_t already_done = 0;            // skipped because `completed` held them (resume)
  bool interrupted = false;
};

// Runs `plan` except the configuration keys in `completed`.
SweepOutcome RunSweep(const Plan& plan, const std::set<std::string>& completed, ResultSink& sink,
                      const RunnerOptions& opt, Progress& progress);

}  // namespace accelbench::runner
