#pragma once
// Issue 13: the GPU settings of the libtorch backend (TF32, cuDNN benchmark mode, allocator
// configuration, CUDA/cuDNN versions), recorded with every result, and the CUDA-graph capture
// and replay of one inference step. All CUDA-only code sits in torch_gpu.cc under
// ACCELBENCH_TORCH_CUDA; this header is the same on every build (the graph is behind a pimpl).
#include <torch/torch.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/enums.h"

namespace accelbench::backends::torch_backend {

// The backend options `tf32=on|off` (default off: precision fp32 means fp32 on Ampere+ too),
// `cudnn_benchmark=on|off` (default on; meaningful on CUDA only), `cuda_graph=on|off` (default on
// for CUDA inference and decode -- measured faster in every row on the H100 and, decode, on the
// H200 -- off otherwise: training and prefill are never captured), `sdpa_cudnn=on|off`
// (cuDNN attention allowed; default: off in decode mode, where the key length changes every token
// and cuDNN builds an execution plan per length, libtorch's own default (on) otherwise) and
// `kv_static=on|off` (decode: a preallocated KV cache, torch_static_kv.h, or one growing by
// concatenation; default on for CUDA, off elsewhere) and `fuse_linear=on|off` (projections reading
// one tensor run as one linear, TorchOps:: FuseLinearGroups; inference, prefill and decode with the
// non-quantizing lowering; default on for CUDA, off elsewhere).
struct GpuSettings {
  bool tf32 = false;
  bool cudnn_benchmark = true;
  std::optional<bool> cuda_graph;   // unset: the default above, resolved by ResolveDefaults
  std::optional<bool> sdpa_cudnn;   // unset: the default above, resolved by ResolveDefaults
  std::optional<bool> static_kv;    // unset: the default above, resolved by ResolveDefaults
  std::optional<bool> fuse_linear;  // unset: the default above, resolved by ResolveDefaults
  // `gemm_tune=on|off` (default off until measured on a GPU): the linear GEMMs through cuBLASLt
  // with the algorithm timed fastest per shape (torch_gemm_tune.h); CUDA inference only.
  bool gemm_tune = false;
  // `attention=sdpa|explicit` (default sdpa where libtorch has it): explicit = matmul, softmax,
  // matmul, e.g. to compare with the fused kernels at fp32 where they run without tensor cores.
  bool explicit_attention = false;
};

// Parses the options from the backend options (others are ignored). Throws UsageError
// ("<key> must be on or off, got '<value>'"; "attention must be sdpa or explicit, ...") for
// another value.
GpuSettings ParseGpuSettings(const std::map<std::string, std::string>& options);

// Fills the unset defaults for `device` and the run's mode.
void ResolveDefaults(GpuSettings& s, c10::Device device, Mode mode);

// Applies the settings to the process-wide ATen context when `device` is CUDA (the worker runs
// one configuration at a time); a no-op on other devices. Call ResolveDefaults first.
void ApplyGpuSettings(const GpuSettings& s, c10::Device device);

// What is in effect, read back from ATen, keyed for RuntimeFacts::details: tf32_matmul,
// tf32_cudnn, cudnn_benchmark, sdpa_cudnn, cuda_alloc_conf, cuda_runtime, cudnn_version, gpu.
// sdpa_cudnn is "unknown (no switch in this libtorch)" where libtorch has none. Values are
// "n/a (cpu)" (or the device type) where a setting means nothing on that device.
std::map<std::string, std::string> GpuSettingsDetails(c10::Device device);

// Issue 13: a captured graph is used only if its replay reproduces the eager step. Compares the
// two outputs of the same step (any device, any dtype; computed on eager's device in fp32, fp64
// for fp64): max |replay - eager| against
// tolerance * max(1, max |eager|), with tolerance 1e-3 in fp32 and 2e-2 in fp16/bf16 (the
// replay may round differently; a stale buffer or position is off by far more). Sets `check`
// to "max |replay - eager| = <d> (tolerance <t>)" and returns "" when within, else the reason
// ("replay differs from eager: ...").
std::string CompareReplay(const at::Tensor& eager, const at::Tensor& replay, std::string& check);

// One inference forward captured into an at::cuda::CUDAGraph and replayed. The forward must
// read only tensors whose storage outlives the graph (bound inputs, cached parameters) and be
// shape-static; its output tensor is static too (rewritten by every replay).
class CudaGraphStep {
 public:
  CudaGraphStep();
  ~CudaGraphStep();
  CudaGraphStep(const CudaGraphStep&) = delete;
  CudaGraphStep& operator=(const CudaGraphStep&) = delete;

  // Warms `forward` up `warmups` times on a side stream, captures one call, replays it once.
  // Returns "" when captured, else the reason it was not (never throws for a capture failure:
  // the caller records the reason and stays eager). On a non-CUDA device or a build without
  // CUDA it returns the reason at once without calling `forward`.
  std::string Capture(c10::Device device, const std::function<at::Tensor()>& forward,
                      int warmups = 3);
  bool captured() const;
  // Replays the graph (asynchronously: the caller synchronises) and returns the static output.
  const at::Tensor& Replay();
  void Reset();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace accelbench::backends::torch_backend
