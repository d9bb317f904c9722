#pragma once
// Distributed data-parallel training benchmarks (issue 10): one rank's measurement loop and the
// scaling series behind `accelbench run --mode training --world-size 1,2,4`. Torch-free header.
#include <cstdint>
#include <iosfwd>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/result.h"
#include "runner/settings.h"

namespace accelbench::cluster {

// What one rank runs: the model, its share of the batch, the group, the stop rule.
struct RankJob {
  std::string family, preset;
  std::vector<std::string> sets;
  int64_t batch = 1, seq_len = 128;  // per rank
  int threads = 1;
  int rank = 0, world = 1;
  std::string rendezvous;  // file:PATH | tcp:HOST:PORT
  std::string gloo_host = "127.0.0.1";
  double lr = 1e-4;
  int64_t warmup_steps = 2;
  int64_t min_iterations = 5, max_iterations = 1000;
  double min_time_s = 1, budget_s = 20, timeout_s = 120;
  std::string dump_params;  // write the parameters after the run here (tests), raw fp32
};
std::string ToJson(const RankJob& j);
RankJob RankJobFromJson(const std::string& text);

// Runs one rank in this process; returns its measurements (rank 0's decide the stop).
nlohmann::json RunRank(const RankJob& job);

// `accelbench cluster rank`: reads a RankJob (JSON) on stdin, trains, writes one JSON line with
// its measurements on fd 3 (the runner's child protocol). Returns the exit code.
int RunRankCommand();

struct ScalingOptions {
  runner::SweepRequest request;  // models, preset, sets, batches (per rank), seq lens, threads
  std::vector<int64_t> world_sizes;
  runner::HarnessOptions harness;  // min iterations/time, budget, warm-up minimum
  std::string db_path = "accelbench.duckdb";
  std::string format = "table";
  std::map<std::string, std::string> tags;
  std::string command_line;
  double time_limit_s = 600;  // per world size
  double lock_timeout_s = 30;
};

// The scaling table (one row per model/batch/seq/world size: samples/s, step p50, share of the
// step in communication, efficiency, all-reduced MiB) and a text bar chart of samples/s, for
// results that carry a world size; `compare` prints it too. Writes nothing when none does.
void WriteScalingTable(const std::vector<ResultRecord>& results, std::ostream& out);

// Runs the scaling series (ranks spawned on loopback, or this process as one rank under mpirun),
// stores one result per (model, batch, seq, world size) and prints the scaling table.
int RunScalingSeries(const ScalingOptions& opt);

}  // namespace accelbench::cluster
