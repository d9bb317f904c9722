// DistributedTrainer: data-parallel training with a gloo all-reduce of the flattened gradients.
#include "backends/torch/distributed_train.h"

// Debian's libtorch is built with gloo; its c10d headers declare ProcessGroupGloo only when this
// is defined (not in the PCH: no other file sees c10d).
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO 1
#endif
#include <torch/torch.h>
#include <torch/version.h>
#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <chrono>

#include "backends/torch/torch_ops.h"
#include "backends/torch/torch_util.h"
#include "core/errors.h"
#include "models/inputs.h"
#include "models/lowering/meta_ops.h"

namespace accelbench::backends {
namespace {

using Clock = std::chrono::steady_clock;
double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

c10::intrusive_ptr<c10d::Store> MakeStore(const DistTrainJob& job) {
  const auto timeout = std::chrono::milliseconds(static_cast<int64_t>(job.timeout_s * 1000));
  if (job.rendezvous.rfind("file:", 0) == 0) {
    auto store = c10::make_intrusive<c10d::FileStore>(job.rendezvous.substr(5), job.world);
    store->setTimeout(timeout);
    return store;
  }
  if (job.rendezvous.rfind("tcp:", 0) == 0) {
    const std::string hp = job.rendezvous.substr(4);
    const auto colon = hp.rfind(':');
    if (colon == std::string::npos) throw UsageError("rendezvous tcp:HOST:PORT, got " + hp);
    c10d::TCPStoreOptions o;
    o.port = static_cast<std::uint16_t>(std::stoi(hp.substr(colon + 1)));
    o.isServer = job.rank == 0;
    o.numWorkers = job.world;
    o.timeout = timeout;
    return c10::make_intrusive<c10d::TCPStore>(hp.substr(0, colon), o);
  }
  throw UsageError("rendezvous must be file:PATH or tcp:HOST:PORT, got '" + job.rendezvous + "'");
}

}  // namespace

struct DistributedTrainer::Impl {
  DistTrainJob job;
  const models::Family* family = nullptr;
  models::Config cfg;
  std::unique_ptr<torch_backend::TorchOps> ops;
  std::unique_ptr<torch::optim::AdamW> optimizer;
  std::vector<models::InputDesc> descs;  // shapes of the whole rank batch
  c10::intrusive_ptr<c10d::ProcessGroupGloo> pg;
  std::vector<at::Tensor> params;
  int64_t grad_numel = 0;

  models::Inputs Inputs() {
    models::Inputs in;
    for (const auto& d : descs) in.emplace(d.name, ops->Input(d.name, d.dtype, d.dims));
    return in;
  }
};

DistributedTrainer::DistributedTrainer(const DistTrainJob& job) : impl_(std::make_unique<Impl>()) {
  auto& m = *impl_;
  m.job = job;
  if (job.world < 1 || job.rank < 0 || job.rank >= job.world)
    throw UsageError("rank " + std::to_string(job.rank) + " out of range for world size " +
                     std::to_string(job.world));
  torch::set_num_threads(std::max(1, job.threads));
  m.family = &models::FindFamily(job.family);
  m.cfg = m.family->FindPreset(job.preset.empty() ? m.family->Presets().front().name : job.preset)
              .config;
  for (const auto& a : job.sets) m.cfg.Override(a);

  std::vector<uint64_t> seeds = job.input_seeds;
  if (seeds.empty()) seeds.push_back(job.seed + 1 + static_cast<uint64_t>(job.rank));
  const auto micro = m.family->InputsFor(m.cfg, job.workload, Mode::kTraining);
  models::Workload whole = job.workload;
  whole.batch = job.workload.batch * static_cast<int64_t>(seeds.size());
  m.descs = m.family->InputsFor(m.cfg, whole, Mode::kTraining);

  m.ops =
      std::make_unique<torch_backend::TorchOps>(c10::Device(c10::kCPU), at::kFloat, job.seed, true);
  std::map<std::string, std::vector<at::Tensor>> parts;
  for (uint64_t s : seeds)
    for (const auto& [name, host] : models::GenerateInputs(micro, s))
      parts[name].push_back(torch_backend::ToTorch(host));
  for (auto& [name, ts] : parts) {
    if (seeds.size() > 1 && ts.front().dim() > 0 && ts.front().size(0) != job.workload.batch)
      throw UnsupportedError("input " + name + " is not batch-major: cannot concatenate batches");
    m.ops->BindInput(name, ts.size() == 1 ? ts.front() : at::cat(ts, 0));
  }
  // Materialise the parameters (seeded, identical on every rank) by tracing the shapes first.
  models::MetaOps meta;
  models::Inputs meta_in;
  for (const auto& d : m.descs) meta_in.emplace(d.name, meta.Input(d.name, d.dtype, d.dims));
  m.family->TrainingLoss(meta, m.cfg, meta_in);
  for (const auto& [name, spec] : meta.param_specs()) m.ops->Preload(name, spec.shape, spec.init);
  m.params = m.ops->Parameters();
  for (const auto& p : m.params) m.grad_numel += p.numel();
  m.optimizer = std::make_unique<torch::optim::AdamW>(m.params, torch::optim::AdamWOptions(job.lr));

  if (job.world > 1) {
    auto opts = c10d::ProcessGroupGloo::Options::create(
        std::chrono::milliseconds(static_cast<int64_t>(job.timeout_s * 1000)));
    opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(job.gloo_host));
    m.pg = c10::make_intrusive<c10d::ProcessGroupGloo>(MakeStore(job), job.rank, job.world, opts);
  }
}

DistributedTrainer::~DistributedTrainer() = default;

DistStepTiming DistributedTrainer::Step() {
  auto& m = *impl_;
  DistStepTiming t;
  const auto t0 = Clock::now();
  m.optimizer->zero_grad();
  at::Tensor loss =
      torch_backend::TorchOps::Unwrap(m.family->TrainingLoss(*m.ops, m.cfg, m.Inputs()));
  loss.backward();
  if (m.pg) {
    std::vector<at::Tensor> grads;
    for (const auto& p : m.params)
      grads.push_back(p.grad().defined() ? p.grad().reshape({-1}) : at::zeros({p.numel()}));
    std::vector<at::Tensor> flat{at::cat(grads)};
    const auto c0 = Clock::now();
    m.pg->allreduce(flat)->wait();
    t.comm_ms = Ms(c0, Clock::now());
    flat[0].div_(static_cast<double>(m.job.world));
    int64_t off = 0;
    for (auto& p : m.params) {
      const int64_t n = p.numel();
      if (p.grad().defined()) p.mutable_grad().copy_(flat[0].narrow(0, off, n).view_as(p));
      off += n;
    }
  }
  m.optimizer->step();
  t.step_ms = Ms(t0, Clock::now());
  return t;
}

bool DistributedTrainer::Agree(bool rank0_value) {
  auto& m = *impl_;
  if (!m.pg) return rank0_value;
  std::vector<at::Tensor> flag{at::full({1}, m.job.rank == 0 && rank0_value ? 1.0f : 0.0f)};
  m.pg->broadcast(flag)->wait();  // root 0
  return flag[0].item<float>() > 0.5f;
}

std::vector<float> DistributedTrainer::FlatParameters() const {
  std::vector<float> out;
  for (const auto& p : impl_->params) {
    at::Tensor c = p.detach().to(at::kFloat).contiguous().reshape({-1});
    out.insert(out.end(), c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  }
  return out;
}

int64_t DistributedTrainer::AllreduceBytes() const {
  return impl_->pg ? impl_->grad_numel * static_cast<int64_t>(sizeof(float)) : 0;
}

int64_t DistributedTrainer::ItemsPerStep() const {
  const auto& j = impl_->job;
  return j.workload.batch * static_cast<int64_t>(std::max<size_t>(j.input_seeds.size(), 1));
}

std::string DistributedTrainer::CommBackend() const {
  return impl_->pg ? "gloo (torch c10d)" : "none (1 process)";
}

int DistributedTrainer::Threads() const { return at::get_num_threads(); }

std::string DistributedTrainer::RuntimeVersion() const { return TORCH_VERSION; }

}  // namespace accelbench::backends
