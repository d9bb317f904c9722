// TorchBackend: the libtorch runtime behind backends::Backend (runtime name "libtorch").
#include <torch/torch.h>
#include <torch/version.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "backends/backend.h"
#include "backends/torch/torch_gpu.h"
#include "backends/torch/torch_ops.h"
#include "backends/torch/torch_profile.h"
#include "backends/torch/torch_quant.h"
#include "backends/torch/torch_quant_eval.h"
#include "backends/torch/torch_static_kv.h"
#include "backends/torch/torch_util.h"
#include "core/errors.h"
#include "models/inputs.h"
#include "models/lowering/meta_ops.h"

#if defined(ACCELBENCH_TORCH_CUDA) && __has_include(<c10/cuda/CUDACachingAllocator.h>)
#include <c10/cuda/CUDACachingAllocator.h>
#define ACCELBENCH_HAVE_CUDA_ALLOCATOR 1
#endif

namespace accelbench::backends {
namespace {

using torch_backend::TorchOps;

class TorchBackend : public Backend {
 public:
  void Load(const LoadRequest& req) override;
  void Prepare() override;
  void Step() override;
  int64_t ItemsPerStep() const override;
  DeviceMemory Memory() override;
  void ResetPeakMemory() override;
  RuntimeFacts Facts() const override;
  std::vector<float> LastOutput() override;
  std::optional<double> CalibrateGemmFlops() override;

 private:
  models::Inputs MakeInputs();
  at::Tensor InferenceForward();  // one eager forward; returns the output the step reports
  std::string SetUpCudaGraph();   // issue 13: the `cuda_graph` detail ("on" / "off: <why>")
  std::string SetUpGemmTuner(bool quant);  // issue 13: the `gemm_tune` detail
  std::string CaptureInferenceStep();      // issue 13: "" when captured (and checked), else why
  std::string CaptureDecodeStep();         // issue 13: "" when captured (and checked), else why
  void Prefill();
  std::string ProfileOps();  // the `op_profile` detail
  void LoadQuantized();      // issue 11: quantize per the plan and measure deviation / memory

  torch_backend::QuantEval quant_eval_;
  torch_backend::GpuSettings gpu_;  // issue 13: tf32, cudnn_benchmark, cuda_graph
  torch_backend::CudaGraphStep graph_;
  std::string graph_status_ = "off";
  std::string graph_check_;  // issue 13: replay vs eager of the captured step ("" if none)
  torch_backend::StaticKvTorchOps* static_kv_ = nullptr;  // issue 13: ops_ when kv_static=on
  std::string kv_static_status_;
  std::string fuse_linear_status_;  // issue 13: "on (N groups)" / "off" / "off (<why>)"
  std::string op_profile_;  // profile_ops=on: where an eager step's time goes ("" if not asked)
  std::string gemm_tune_status_ = "off";  // issue 13: gemm_tune=on, torch_gemm_tune.h
  at::Tensor graph_ids_;     // the captured decode step's input ids (rewritten by each replay)
  int64_t prefill_len_ = 0;  // cache length after the prefill (prompt + image tokens)

  LoadRequest req_;
  const models::Family* family_ = nullptr;
  models::Config cfg_;
  c10::Device device_{c10::kCPU};
  c10::ScalarType dtype_ = at::kFloat;
  std::vector<models::InputDesc> descs_;
  std::unique_ptr<TorchOps> ops_;
  std::unique_ptr<torch::optim::AdamW> optimizer_;
  models::DecodeState state_;
  at::Tensor next_ids_;
  bool need_prefill_ = true;
  at::Tensor last_;
};

models::Inputs TorchBackend::MakeInputs() {
  models::Inputs in;
  for (const auto& d : descs_) in.emplace(d.name, ops_->Input(d.name, d.dtype, d.dims));
  return in;
}

void TorchBackend::Load(const LoadRequest& req) {
  torch_backend::WarnIfNetlibBlas();
  req_ = req;
  family_ = &models::FindFamily(req.family);
  cfg_ = req.config.Fields().empty() ? family_->FindPreset(req.preset).config : req.config;
  device_ = torch_backend::ParseDevice(req.platform);
  gpu_ = torch_backend::ParseGpuSettings(req.options);  // UsageError for a value not on|off
  torch_backend::ResolveDefaults(gpu_, device_, req.mode);
  torch_backend::ApplyGpuSettings(gpu_, device_);
  graph_.Reset();
  graph_status_ = "off";
  graph_check_.clear();
  auto quant = torch_backend::QuantRequest(req);  // issue 11: int8/int4 weights, KV precision
  dtype_ = quant ? at::kFloat : torch_backend::ResolveDtype(req.precision, device_);
  const bool generative_mode = req.mode == Mode::kPrefill || req.mode == Mode::kDecode;
  if (generative_mode && !family_->Info().generative)
    throw UnsupportedError(family_->Info().name + " is not generative: no " +
                           std::string(ToString(req.mode)) + " mode");
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  torch::set_num_threads(req.threads > 0 ? req.threads : static_cast<int>(cores));

  const Mode input_mode = req.mode == Mode::kTraining ? Mode::kTraining : Mode::kInference;
  descs_ = family_->InputsFor(cfg_, req.workload, input_mode);
  const bool training = req.mode == Mode::kTraining;
  if (quant && training)
    throw UnsupportedError(std::string(ToString(req.precision)) +
                           " training: the libtorch lowering quantizes for inference only");
  static_kv_ = nullptr;
  kv_static_status_ =
      req.mode == Mode::kDecode ? "off" : "n/a (" + std::string(ToString(req.mode)) + ")";
  if (quant) {
    auto q =
        std::make_unique<torch_backend::QuantTorchOps>(device_, req.seed, quant->plan, quant->kv);
    q->set_kv_per_head(quant->kv_per_head);
    ops_ = std::move(q);
    if (req.mode == Mode::kDecode && *gpu_.static_kv)
      kv_static_status_ = "off (the quantizing lowering keeps its own KV cache)";
  } else if (req.mode == Mode::kDecode && *gpu_.static_kv) {
    auto s = std::make_unique<torch_backend::StaticKvTorchOps>(device_, dtype_, req.seed,
                                                               req.workload.decode_tokens);
    static_kv_ = s.get();
    ops_ = std::move(s);
    kv_static_status_ = "on";
  } else {
    ops_ = std::make_unique<TorchOps>(device_, dtype_, req.seed, training);
  }
  ops_->set_explicit_attention(gpu_.explicit_attention);
  for (const auto& [name, host] : models::GenerateInputs(descs_, req.seed))
    ops_->BindInput(name, torch_backend::ToTorch(host).to(device_));

  // Materialise every parameter now (outside timing): trace the same work on shapes first.
  models::MetaOps meta;
  models::Inputs meta_in;
  for (const auto& d : descs_) meta_in.emplace(d.name, meta.Input(d.name, d.dtype, d.dims));
  if (training) {
    family_->TrainingLoss(meta, cfg_, meta_in);
  } else if (generative_mode) {
    models::DecodeState st;
    family_->Prefill(meta, cfg_, meta_in, st);
  } else {
    family_->Forward(meta, cfg_, meta_in);
  }
  for (const auto& [name, spec] : meta.param_specs()) ops_->Preload(name, spec.shape, spec.init);
  if (!*gpu_.fuse_linear) {
    fuse_linear_status_ = "off";
  } else if (training) {
    fuse_linear_status_ = "off (training: the optimizer updates each parameter on its own)";
  } else if (quant) {
    fuse_linear_status_ = "off (the quantizing lowering keeps its own linear weights)";
  } else {
    const int n = ops_->FuseLinearGroups(models::SharedInputLinearGroups(meta.linear_calls()));
    fuse_linear_status_ = "on (" + std::to_string(n) + (n == 1 ? " group)" : " groups)");
  }

  if (training) {
    double lr = 1e-4;
    if (auto it = req.options.find("lr"); it != req.options.end()) lr = std::stod(it->second);
    optimizer_ =
        std::make_unique<torch::optim::AdamW>(ops_->Parameters(), torch::optim::AdamWOptions(lr));
  }
  quant_eval_ = {};
  if (quant) LoadQuantized();
  need_prefill_ = true;
  if (req.mode == Mode::kDecode) Prepare();
  gemm_tune_status_ = SetUpGemmTuner(quant.has_value());
  if (*gpu_.cuda_graph) graph_status_ = SetUpCudaGraph();  // untimed, like the rest of Load
  if (static_kv_)
    kv_static_status_ = "on (" + std::to_string(static_kv_->capacity()) + " positions)";
  op_profile_.clear();
  if (auto it = req.options.find("profile_ops"); it != req.options.end() && it->second == "on")
    op_profile_ = ProfileOps();
  torch_backend::WaitForDevice(device_);
}

// profile_ops=on: 5 eager forwards under libtorch's profiler after one unprofiled warm-up,
// untimed like the rest of Load (the measured steps run after it, the graph's replays too).
std::string TorchBackend::ProfileOps() {
  if (req_.mode != Mode::kInference) return "off (inference mode only)";
  c10::InferenceMode guard;
  InferenceForward();
  torch_backend::WaitForDevice(device_);
  return torch_backend::ProfileSteps([this] { InferenceForward(); }, 5, device_, 12);
}

// gemm_tune=on: a tuner for the linear GEMMs, and one eager forward now (untimed, like the rest
// of Load) in which each shape is tuned, so that neither the first measured step nor a graph
// capture pays for it. Returns the `gemm_tune` detail.
std::string TorchBackend::SetUpGemmTuner(bool quant) {
  if (!gpu_.gemm_tune) return "off";
  if (req_.mode != Mode::kInference) return "off (inference mode only)";
  if (quant) return "off (the quantizing lowering keeps its own linear weights)";
  std::string why;
  auto tuner = torch_backend::GemmTuner::Create(device_, gpu_.tf32, why);
  if (!tuner) return "off: " + why;
  const torch_backend::GemmTuner* t = tuner.get();
  ops_->SetGemmTuner(std::move(tuner));
  {
    c10::InferenceMode guard;
    InferenceForward();
    torch_backend::WaitForDevice(device_);
  }
  return t->Summary();
}

// Captures the inference step when asked; any reason it cannot is returned, and Step stays eager.
std::string TorchBackend::SetUpCudaGraph() {
  if (!device_.is_cuda()) return "off: not a CUDA device";
  std::string why;
  switch (req_.mode) {
    case Mode::kInference:
      why = CaptureInferenceStep();
      break;
    case Mode::kDecode:
      why = CaptureDecodeStep();
      break;
    case Mode::kTraining:
      return "off: training steps (backward + optimizer) are not captured";
    case Mode::kPrefill:
      return "off: prefill rebuilds the KV cache every step (a new DecodeState); not captured";
  }
  if (!why.empty()) std::cerr << "note: CUDA graph not used, eager instead: " << why << "\n";
  return why.empty() ? "on" : "off: " + why;
}

std::string TorchBackend::CaptureInferenceStep() {
  c10::InferenceMode guard;
  std::string why = graph_.Capture(device_, [this] {
    ops_->ForgetStepCache();  // the graph computes its own tables (torch_ops.h)
    return InferenceForward();
  });
  if (why.empty()) {  // the replay must reproduce an eager forward of the same inputs
    const at::Tensor eager = InferenceForward().clone();
    const at::Tensor replay = graph_.Replay().clone();
    why = torch_backend::CompareReplay(eager, replay, graph_check_);
    if (!why.empty()) graph_.Reset();
  }
  return why;
}

// Decode with a static KV cache: one step (forward + greedy next token written back into the
// step's own input) captured once and replayed for every token; only the device position changes
// between replays (set outside the graph).
std::string TorchBackend::CaptureDecodeStep() {
  if (!static_kv_)
    return kv_static_status_.rfind("off (", 0) == 0
               ? "the quantized KV cache grows by concatenation each token (no static buffers)"
               : "kv_static=off: the KV cache grows by concatenation each token, so one "
                 "captured step cannot be replayed";
  if (!state_.cross_k.empty())
    return "encoder-decoder decode: the cross-attention K/V are rebuilt by every re-prefill";
  c10::InferenceMode guard;
  const int64_t start = state_.length;
  static_kv_->SetPosition(start);
  graph_ids_ = next_ids_.clone();
  std::string why = graph_.Capture(device_, [this] {
    ops_->ForgetStepCache();  // the graph builds its own tables and masks from the device position
    at::Tensor logits =
        TorchOps::Unwrap(family_->Decode(*ops_, cfg_, TorchOps::Wrap(graph_ids_), state_));
    graph_ids_.copy_(at::argmax(logits.select(1, -1), -1).unsqueeze(1));
    return logits;
  });
  // The warm-ups, the capture and the test replay wrote keys at `start` and advanced the ids:
  // start again from a fresh prefill (into the same buffers the graph reads).
  state_.length = start;
  Prefill();
  if (!graph_.captured()) return why;
  // The replay must reproduce eager steps from the same state: two tokens, so that a position
  // baked into the graph (instead of read from the device) shows at the second one.
  const at::Tensor ids0 = next_ids_.clone();
  static_kv_->SetPosition(start);
  const at::Tensor eager0 =
      TorchOps::Unwrap(family_->Decode(*ops_, cfg_, TorchOps::Wrap(ids0), state_)).clone();
  const at::Tensor ids1 = at::argmax(eager0.select(1, -1), -1).unsqueeze(1);
  static_kv_->SetPosition(start + 1);
  const at::Tensor eager1 =
      TorchOps::Unwrap(family_->Decode(*ops_, cfg_, TorchOps::Wrap(ids1), state_)).clone();
  state_.length = start;
  std::string check0;
  graph_ids_.copy_(ids0);
  static_kv_->SetPosition(start);
  why = torch_backend::CompareReplay(eager0, graph_.Replay().clone(), check0);
  graph_ids_.copy_(ids1);  // the eager token, even where the replay's argmax differs
  static_kv_->SetPosition(start + 1);
  std::string check1;
  if (why.empty()) why = torch_backend::CompareReplay(eager1, graph_.Replay().clone(), check1);
  if (!why.empty()) graph_.Reset();
  graph_check_ = check1.empty() ? check0 : check0 + "; next token: " + check1;
  state_.length = start;
  Prefill();
  if (graph_.captured()) graph_ids_.copy_(next_ids_);
  return why;
}

at::Tensor TorchBackend::InferenceForward() {
  ops_->ClearOutputs();
  auto out = family_->Forward(*ops_, cfg_, MakeInputs());
  auto pick = out.find("logits");
  if (pick == out.end()) pick = out.find("last_hidden_state");
  if (pick == out.end()) pick = out.begin();
  return TorchOps::Unwrap(pick->second);
}

void TorchBackend::LoadQuantized() {
  auto& q = static_cast<torch_backend::QuantTorchOps&>(*ops_);
  const auto kv = q.kv_precision();
  q.set_kv_precision(torch_backend::KvPrecision::kCompute);
  auto forward = [&] {
    c10::InferenceMode guard;
    auto out = family_->Forward(*ops_, cfg_, MakeInputs());
    auto pick = out.find("logits");
    if (pick == out.end()) pick = out.find("last_hidden_state");
    if (pick == out.end()) pick = out.begin();
    return TorchOps::Unwrap(pick->second);
  };
  at::Tensor ids;  // the fixed synthetic sequence of the perplexity / top-1 comparison
  if (family_->Info().generative) {
    const auto host = models::GenerateInputs(descs_, req_.seed);
    if (auto it = host.find("input_ids"); it != host.end())
      ids = torch_backend::ToTorch(it->second);
  }
  quant_eval_ = torch_backend::QuantizeAndEvaluate(q, forward, ids);
  q.set_kv_precision(kv);
  if (kv == torch_backend::KvPrecision::kCompute) return;
  std::optional<int64_t> budget;
  if (auto it = req_.options.find("memory_budget"); it != req_.options.end())
    budget = torch_backend::ParseBytes(it->second);
  auto prefill = [&](models::DecodeState& st) {
    return TorchOps::Unwrap(family_->Prefill(*ops_, cfg_, MakeInputs(), st));
  };
  c10::InferenceMode guard;
  auto kv_eval = torch_backend::EvaluateKvCache(q, *family_, cfg_, prefill,
                                                std::min<int64_t>(req_.workload.decode_tokens, 16),
                                                req_.workload.batch, budget);
  for (auto& [k, v] : kv_eval.fields) quant_eval_.fields[k] = v;
  for (auto& [k, v] : kv_eval.details) quant_eval_.details[k] = v;
}

void TorchBackend::Prefill() {
  c10::InferenceMode guard;
  state_ = models::DecodeState{};
  if (static_kv_) static_kv_->SetPosition(0);
  auto in = MakeInputs();
  last_ = TorchOps::Unwrap(family_->Prefill(*ops_, cfg_, in, state_));
  next_ids_ = at::argmax(last_.select(1, -1), -1).unsqueeze(1);
  prefill_len_ = state_.length;
}

void TorchBackend::Prepare() {
  // Decode: (re)fill the KV cache outside the timed step when it is empty or full.
  if (req_.mode != Mode::kDecode) return;
  const auto& w = req_.workload;
  // Full after decode_tokens steps past the prefill (whose length includes image tokens).
  if (need_prefill_ || state_.length >= prefill_len_ + w.decode_tokens) {
    Prefill();
    // graph_ids_ is an inference tensor (made at capture): written inside InferenceMode only.
    c10::InferenceMode guard;
    if (graph_.captured()) graph_ids_.copy_(next_ids_);
    need_prefill_ = false;
    torch_backend::WaitForDevice(device_);
  }
}

void TorchBackend::Step() {
  if (!ops_) throw RuntimeError("libtorch backend: Step before Load");
  switch (req_.mode) {
    case Mode::kInference: {
      c10::InferenceMode guard;
      last_ = graph_.captured() ? graph_.Replay() : InferenceForward();
      break;
    }
    case Mode::kTraining: {
      optimizer_->zero_grad();
      at::Tensor loss = TorchOps::Unwrap(family_->TrainingLoss(*ops_, cfg_, MakeInputs()));
      loss.backward();
      optimizer_->step();
      last_ = loss.detach();
      break;
    }
    case Mode::kPrefill:
      Prefill();
      break;
    case Mode::kDecode: {
      Prepare();  // no-op when the harness already called it (then it stays untimed)
      c10::InferenceMode guard;
      if (static_kv_) static_kv_->SetPosition(state_.length);
      if (graph_.captured()) {  // the graph also writes the next token into its input
        last_ = graph_.Replay();
        state_.length += 1;
        break;
      }
      last_ = TorchOps::Unwrap(family_->Decode(*ops_, cfg_, TorchOps::Wrap(next_ids_), state_));
      next_ids_ = at::argmax(last_.select(1, -1), -1).unsqueeze(1);
      break;
    }
  }
  torch_backend::WaitForDevice(device_);
}

int64_t TorchBackend::ItemsPerStep() const {
  const auto& w = req_.workload;
  return req_.mode == Mode::kPrefill ? w.batch * w.seq_len : w.batch;
}

DeviceMemory TorchBackend::Memory() {
  DeviceMemory m;
#ifdef ACCELBENCH_HAVE_CUDA_ALLOCATOR
  if (device_.is_cuda()) {
    const auto idx = device_.has_index() ? device_.index() : 0;
    auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(idx);
    m.peak_bytes = stats.allocated_bytes[0].peak;
    m.current_bytes = stats.allocated_bytes[0].current;
  }
#endif
  return m;
}

void TorchBackend::ResetPeakMemory() {
#ifdef ACCELBENCH_HAVE_CUDA_ALLOCATOR
  if (device_.is_cuda())
    c10::cuda::CUDACachingAllocator::resetPeakStats(device_.has_index() ? device_.index() : 0);
#endif
}

RuntimeFacts TorchBackend::Facts() const {
  RuntimeFacts f;
  f.runtime = "libtorch";
  f.runtime_version = TORCH_VERSION;
  f.threads = at::get_num_threads();
  f.details["device"] = device_.str();
  f.details["dtype"] = std::string(c10::toString(dtype_));
  f.details["blas"] = torch_backend::MappedBlasLibrary();
  const std::string path = ops_ ? ops_->attention_path() : "";
  // The harness reads the facts before the first step: then the path libtorch's version picks.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
  const char* planned = "sdpa where the model has attention (libtorch >= 2.1)";
#else
  const char* planned = "explicit where the model has attention (libtorch < 2.1: no sdpa scale)";
#endif
  f.details["attention"] = gpu_.explicit_attention ? (path.empty() ? "explicit" : path) +
                                                         std::string(" (attention=explicit)")
                                                   : (path.empty() ? planned : path);
  if (auto it = req_.options.find("lr"); it != req_.options.end()) f.details["lr"] = it->second;
  for (auto& [k, v] : torch_backend::GpuSettingsDetails(device_)) f.details[k] = v;  // issue 13
  if (auto it = f.details.find("pci_bus_id"); it != f.details.end()) f.gpu_pci_bus_id = it->second;
  f.details["cuda_graph"] = graph_status_;
  if (!graph_check_.empty()) f.details["cuda_graph_check"] = graph_check_;
  f.details["kv_static"] = kv_static_status_;
  f.details["fuse_linear"] = fuse_linear_status_;
  f.details["gemm_tune"] = gemm_tune_status_;
  if (const torch_backend::GemmTuner* t = ops_ ? ops_->gemm_tuner() : nullptr) {
    f.details["gemm_tune"] = t->Summary();  // as of now: shapes met after Load count too
    f.details["gemm_tune_shapes"] = t->ShapesDetail();
  }
  if (!op_profile_.empty()) f.details["op_profile"] = op_profile_;
  f.result_fields = quant_eval_.fields;  // issue 11
  for (const auto& [k, v] : quant_eval_.details) f.details[k] = v;
  if (ops_ && !f.result_fields.count("weight_bytes")) {
    int64_t bytes = 0;
    for (const auto& [name, p] : ops_->params()) bytes += static_cast<int64_t>(p.nbytes());
    f.result_fields["weight_bytes"] = static_cast<double>(bytes);
  }
  if (!torch_backend::Int8Engine().empty() && req_.precision == Precision::kInt8)
    f.details["int8_engine"] = torch_backend::Int8Engine();
  return f;
}

std::vector<float> TorchBackend::LastOutput() {
  if (!last_.defined()) return {};
  at::Tensor c = last_.detach().to(at::kCPU, at::kFloat).contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

std::optional<double> TorchBackend::CalibrateGemmFlops() {
  if (!ops_) return std::nullopt;
  c10::InferenceMode guard;
  const int64_t n = device_.is_cpu() ? 1024 : 8192;
  auto opt = at::TensorOptions().device(device_).dtype(dtype_);
  at::Tensor a = at::randn({n, n}, opt), b = at::randn({n, n}, opt);
  at::Tensor c = at::matmul(a, b);  // warm-up
  torch_backend::WaitForDevice(device_);
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  int iters = 0;
  double secs = 0;
  do {
    c = at::matmul(a, b);
    torch_backend::WaitForDevice(device_);
    ++iters;
    secs = std::chrono::duration<double>(Clock::now() - start).count();
  } while (secs < 0.3 || iters < 3);
  return 2.0 * static_cast<double>(n) * n * n * iters / secs;
}

}  // namespace

std::unique_ptr<Backend> MakeTorchBackend() { return std::make_unique<TorchBackend>(); }

}  // namespace accelbench::backends
