#pragma once
// Data-parallel training on libtorch (issue 10): every rank runs forward/backward on its own
// batch, the flattened gradients are all-reduced with torch c10d's gloo backend (Debian's
// libtorch 1.13 exports ProcessGroupGloo) and averaged, then each rank takes the same AdamW
// step. Torch-free header: src/cluster drives it without seeing torch headers.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/family.h"
#include "models/weights.h"

namespace accelbench::backends {

struct DistTrainJob {
  std::string family, preset;
  std::vector<std::string> sets;         // config overrides key=value
  models::Workload workload;             // per micro-batch (batch = samples per micro-batch)
  int threads = 1;                       // intra-op threads of this rank
  uint64_t seed = models::kDefaultSeed;  // weights (identical on every rank)
  // One seeded micro-batch per entry; the rank's batch is their concatenation along dim 0.
  // Empty: one micro-batch seeded seed + 1 + rank (every rank sees different data).
  std::vector<uint64_t> input_seeds;
  double lr = 1e-4;
  int rank = 0, world = 1;
  // "file:PATH" (c10d FileStore on a shared path) or "tcp:HOST:PORT" (TCPStore served by rank 0).
  std::string rendezvous;
  std::string gloo_host = "127.0.0.1";  // address gloo binds (this host's name across nodes)
  double timeout_s = 120;
};

struct DistStepTiming {
  double step_ms = 0;  // zero_grad .. optimizer step, the all-reduce included
  double comm_ms = 0;  // the gradient all-reduce alone (0 with one process)
};

class DistributedTrainer {
 public:
  explicit DistributedTrainer(const DistTrainJob& job);  // loads weights, joins the group
  ~DistributedTrainer();
  DistributedTrainer(const DistributedTrainer&) = delete;
  DistributedTrainer& operator=(const DistributedTrainer&) = delete;

  DistStepTiming Step();
  // Rank 0's decision, broadcast to every rank (untimed; keeps the ranks in lockstep).
  bool Agree(bool rank0_value);
  std::vector<float> FlatParameters() const;  // every parameter, in name order, fp32
  int64_t AllreduceBytes() const;             // gradient payload per step (bytes)
  int64_t ItemsPerStep() const;               // samples this rank processes per step
  std::string CommBackend() const;            // "gloo (torch c10d)" or "none (1 process)"
  int Threads() const;
  std::string RuntimeVersion() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace accelbench::backends
