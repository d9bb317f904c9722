#pragma once
// `accelbench run` end to end: hardware detection -> plan -> isolated workers -> DuckDB store
// -> summary. Links the store, hardware, report and backend registry (library
// accelbench_run_session); the core runner library stays free of them.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "runner/runner.h"
#include "runner/settings.h"

namespace accelbench::runner {

struct RunCommandOptions {
  SweepRequest request;
  std::string sweep_file;
  HarnessOptions harness;
  bool harness_from_flags = false;  // a harness flag was given (overrides the default suite's)
  std::string db_path = "accelbench.duckdb";
  std::string format = "table";
  std::map<std::string, std::string> tags;
  double time_limit_s = 120;
  int64_t memory_limit_mb = -1;  // -1: 90% of available memory; 0: none
  std::string resume_run_id;
  // Sharded sweeps (issue 10): "I/N" from --shard (else the launcher's environment), and the run
  // id shared by all shards (--run-id; else ACCELBENCH_RUN_ID or the launcher's job id).
  std::string shard;
  std::string run_id;
  bool default_suite = false;
  double default_suite_budget_s = 480;  // the suite's planned measurement time
  std::string report_file;
  double lock_timeout_s = 30;
  std::string command_line;
  bool quiet_progress = false;
};

// Returns the process exit code (0: sweep finished; 3: interrupted).
int RunCommand(const RunCommandOptions& opt);

// The hidden worker subcommand: the real backends plus the test double.
int RunWorkerCommand();

}  // namespace accelbench::runner
