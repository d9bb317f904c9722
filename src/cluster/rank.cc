// One rank of a data-parallel training benchmark: warm-up, then the measured steps, in lockstep
// with the other ranks (rank 0 decides when to stop and broadcasts it).
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "backends/torch/distributed_train.h"
#include "cluster/distributed.h"
#include "core/errors.h"

namespace accelbench::cluster {

using nlohmann::json;

namespace {

void WriteLine(const json& j) {
  const std::string line = j.dump() + "\n";
  size_t off = 0;
  while (off < line.size()) {
    const ssize_t n = write(3, line.data() + off, line.size() - off);
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

}  // namespace

json RunRank(const RankJob& job) {
  using Clock = std::chrono::steady_clock;
  backends::DistTrainJob dj;
  dj.family = job.family;
  dj.preset = job.preset;
  dj.sets = job.sets;
  dj.workload.batch = job.batch;
  dj.workload.seq_len = job.seq_len;
  dj.threads = job.threads;
  dj.lr = job.lr;
  dj.rank = job.rank;
  dj.world = job.world;
  dj.rendezvous = job.rendezvous;
  dj.gloo_host = job.gloo_host;
  dj.timeout_s = job.timeout_s;
  const auto l0 = Clock::now();
  backends::DistributedTrainer trainer(dj);
  const double load_ms = std::chrono::duration<double, std::milli>(Clock::now() - l0).count();
  std::vector<double> warm;
  for (int64_t i = 0; i < job.warmup_steps; ++i) warm.push_back(trainer.Step().step_ms);
  std::vector<double> step_ms, comm_ms;
  const auto start = Clock::now();
  for (;;) {
    const auto t = trainer.Step();
    step_ms.push_back(t.step_ms);
    comm_ms.push_back(t.comm_ms);
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    const auto n = static_cast<int64_t>(step_ms.size());
    const bool done = (n >= job.min_iterations && elapsed >= job.min_time_s) ||
                      elapsed >= job.budget_s || n >= job.max_iterations;
    if (!trainer.Agree(!done)) break;  // rank 0 decides for everyone
  }
  const auto params = trainer.FlatParameters();
  if (!job.dump_params.empty()) {
    std::ofstream out(job.dump_params, std::ios::binary);
    out.write(reinterpret_cast<const char*>(params.data()),
              static_cast<std::streamsize>(params.size() * sizeof(float)));
  }
  return {{"rank", job.rank},
          {"ok", true},
          {"load_ms", load_ms},
          {"warmup_ms", warm},
          {"step_ms", step_ms},
          {"comm_ms", comm_ms},
          {"items_per_step", trainer.ItemsPerStep()},
          {"allreduce_bytes", trainer.AllreduceBytes()},
          {"comm_backend", trainer.CommBackend()},
          {"threads", trainer.Threads()},
          {"runtime_version", trainer.RuntimeVersion()},
          {"params", static_cast<int64_t>(params.size())}};
}

int RunRankCommand() {
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  RankJob job;
  try {
    job = RankJobFromJson(text);
    WriteLine(RunRank(job));
    return 0;
  } catch (const std::exception& e) {
    WriteLine({{"rank", job.rank}, {"ok", false}, {"error", e.what()}});
    std::cerr << "rank " << job.rank << ": " << e.what() << "\n";
    return 3;
  }
}

}  // namespace accelbench::cluster
