#pragma once
// Sharded sweeps (issue 10): which share of a planned sweep one process runs. The share is
// deterministic (every shard computes the same assignment from the same plan) and balanced by an
// estimated cost (greedy LPT over configurations), not by count. Under a launcher the shard comes
// from its environment (OpenMPI, PMI, srun, Slurm job arrays).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "runner/planner.h"
#include "runner/settings.h"

namespace accelbench::cluster {

struct ShardSpec {
  int64_t index = 0;  // 0-based
  int64_t count = 1;
  std::string source = "flag";  // "flag", "openmpi", "pmi", "slurm", "slurm-array"
  std::string job_id;           // the launcher's job id ("" when none)
  bool Sharded() const { return count > 1; }
  std::string Label() const;  // "1/3"
};

// Parses "I/N" (0 <= I < N). Throws UsageError with the valid range.
ShardSpec ParseShard(const std::string& text);

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup ProcessEnv();

// The shard a launcher assigned to this process, if any: OMPI_COMM_WORLD_RANK/SIZE (job id
// OMPI_MCA_ess_base_jobid / PMIX_NAMESPACE), PMI_RANK/PMI_SIZE, srun (SLURM_PROCID with
// SLURM_STEP_NUM_TASKS or SLURM_NTASKS, only inside a job step: SLURM_STEP_ID set, so the batch
// script itself is not taken for rank 0), Slurm arrays (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN
// of SLURM_ARRAY_TASK_COUNT, job id SLURM_ARRAY_JOB_ID). Malformed values: UsageError.
std::optional<ShardSpec> DetectLauncherShard(const EnvLookup& env);

// The run id shared by all shards: explicit (--run-id or ACCELBENCH_RUN_ID) or derived from the
// launcher's job id ("slurm-<id>", "openmpi-<id>", ...). Empty when neither exists.
std::string SharedRunId(const std::string& flag, const ShardSpec& shard, const EnvLookup& env);

// Estimated seconds one configuration takes, for balancing only (never stored or printed as a
// measurement): load + first step + warm-up + max(min_iterations steps, min_time), with the step
// time from the planner's FLOPs at a fixed planning rate (2e10 FLOP/s CPU, 1e12 accelerators).
// The rate is fixed, not calibrated, so shards on different hosts compute the same assignment.
double EstimatedCostSeconds(const runner::PlannedConfig& c, const runner::HarnessOptions& h);

// Greedy LPT: items sorted by cost (descending; ties by index), each to the least loaded shard
// (ties: lowest shard). Returns the shard of each item.
std::vector<int64_t> AssignLpt(const std::vector<double>& costs, int64_t shards);

// The share of `plan` that `shard` runs: runnable configurations by LPT on EstimatedCostSeconds,
// skipped ones round-robin (they cost nothing but must be recorded exactly once). Planner order
// is kept inside the share, so model groups stay contiguous.
runner::Plan ShardPlan(const runner::Plan& plan, const ShardSpec& shard,
                       const runner::HarnessOptions& h);

// The database of one shard: "{shard}" in the path becomes "I-of-N" and "{host}" the host name;
// a sharded run without a placeholder gets ".shard-I-of-N" before the extension.
std::string ShardDbPath(const std::string& path, const ShardSpec& shard, const std::string& host);

}  // namespace accelbench::cluster
