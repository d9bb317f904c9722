#include "backends/torch/torch_gpu.h"

#include <ATen/detail/CUDAHooksInterface.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "backends/torch/sdpa_compat.h"
#include "core/errors.h"

#ifdef ACCELBENCH_TORCH_CUDA
#include <ATen/cuda/CUDAContext.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#endif

namespace accelbench::backends::torch_backend {
namespace {

bool OnOff(const std::map<std::string, std::string>& options, const std::string& key, bool def) {
  auto it = options.find(key);
  if (it == options.end()) return def;
  if (it->second == "on") return true;
  if (it->second == "off") return false;
  throw UsageError(key + " must be on or off, got '" + it->second + "'");
}

std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

std::string OnOffText(bool b) { return b ? "on" : "off"; }

// 13000 -> "13.0"; cuDNN 9 encodes major*10000 + minor*100 + patch, cuDNN 8 major*1000 + ...
std::string CudartText(long v) {
  return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
}
std::string CudnnText(long v) {
  const long major_unit = v >= 90000 ? 10000 : 1000;
  return std::to_string(v / major_unit) + "." + std::to_string((v % major_unit) / 100) + "." +
         std::to_string(v % 100);
}

}  // namespace

GpuSettings ParseGpuSettings(const std::map<std::string, std::string>& options) {
  GpuSettings s;
  s.tf32 = OnOff(options, "tf32", false);
  s.cudnn_benchmark = OnOff(options, "cudnn_benchmark", true);
  if (options.count("cuda_graph")) s.cuda_graph = OnOff(options, "cuda_graph", false);
  if (options.count("sdpa_cudnn")) s.sdpa_cudnn = OnOff(options, "sdpa_cudnn", true);
  if (options.count("kv_static")) s.static_kv = OnOff(options, "kv_static", false);
  if (options.count("fuse_linear")) s.fuse_linear = OnOff(options, "fuse_linear", false);
  s.gemm_tune = OnOff(options, "gemm_tune", false);
  if (auto it = options.find("attention"); it != options.end()) {
    if (it->second != "sdpa" && it->second != "explicit")
      throw UsageError("attention must be sdpa or explicit, got '" + it->second + "'");
    s.explicit_attention = it->second == "explicit";
  }
  return s;
}

void ResolveDefaults(GpuSettings& s, c10::Device device, Mode mode) {
  const bool decode = mode == Mode::kDecode;
  // Inference and decode steps captured on CUDA (measured: H100 session 2, inference; H200
  // session 6, TinyLlama decode 2.64 vs 8.25 ms per token). Prefill rebuilds its state every
  // step and training steps run backward + optimizer: both eager.
  if (!s.cuda_graph)
    s.cuda_graph = device.is_cuda() && (mode == Mode::kInference || mode == Mode::kDecode);
  if (!s.sdpa_cudnn) s.sdpa_cudnn = !decode;
  if (!s.static_kv) s.static_kv = device.is_cuda();
  if (!s.fuse_linear) s.fuse_linear = device.is_cuda();
}

void ApplyGpuSettings(const GpuSettings& s, c10::Device device) {
  if (!device.is_cuda()) return;
  auto& ctx = at::globalContext();
  // The legacy switches only (mixing them with PyTorch 2.9's fp32_precision API is refused).
  ctx.setAllowTF32CuBLAS(s.tf32);
  ctx.setAllowTF32CuDNN(s.tf32);  // libtorch's own default is on: set it either way
  ctx.setBenchmarkCuDNN(s.cudnn_benchmark);
  sdpa::SetCudnnAllowed(s.sdpa_cudnn.value_or(true));  // false: this libtorch has no switch
}

std::map<std::string, std::string> GpuSettingsDetails(c10::Device device) {
  std::map<std::string, std::string> d;
  if (!device.is_cuda()) {
    const std::string na = "n/a (" + device.str() + ")";
    for (const char* k : {"tf32_matmul", "tf32_cudnn", "cudnn_benchmark", "sdpa_cudnn",
                          "cuda_alloc_conf", "cuda_runtime", "cudnn_version"})
      d[k] = na;
    return d;
  }
  auto& ctx = at::globalContext();
  try {
    d["tf32_matmul"] = OnOffText(ctx.allowTF32CuBLAS());
    d["tf32_cudnn"] = OnOffText(ctx.allowTF32CuDNN());
  } catch (const std::exception& e) {
    d["tf32_matmul"] = d["tf32_cudnn"] = "unknown: " + FirstLine(e.what());
  }
  d["cudnn_benchmark"] = OnOffText(ctx.benchmarkCuDNN());
  const auto cudnn_sdpa = sdpa::CudnnAllowed();
  d["sdpa_cudnn"] = cudnn_sdpa ? OnOffText(*cudnn_sdpa) : "unknown (no switch in this libtorch)";
  const char* conf = std::getenv("PYTORCH_CUDA_ALLOC_CONF");
  if (!conf || !*conf) conf = std::getenv("PYTORCH_ALLOC_CONF");  // PyTorch >= 2.6 spelling
  d["cuda_alloc_conf"] = conf && *conf ? conf : "default";
  const auto& hooks = at::detail::getCUDAHooks();
  try {
    d["cuda_runtime"] = CudartText(hooks.versionCUDART());
  } catch (const std::exception& e) {
    d["cuda_runtime"] = "unknown: " + FirstLine(e.what());
  }
  try {
    d["cudnn_version"] = hooks.hasCuDNN() ? CudnnText(hooks.versionCuDNN()) : "none";
  } catch (const std::exception& e) {
    d["cudnn_version"] = "unknown: " + FirstLine(e.what());
  }
#ifdef ACCELBENCH_TORCH_CUDA
  try {
    const auto idx = device.has_index() ? device.index() : c10::cuda::current_device();
    const auto* prop = at::cuda::getDeviceProperties(idx);
    d["gpu"] = std::string(prop->name) + " (sm_" + std::to_string(prop->major) +
               std::to_string(prop->minor) + ")";
    char bus[32];  // NVML's "domain:bus:device.function" (the harness reads NVML counters by it)
    std::snprintf(bus, sizeof bus, "%04x:%02x:%02x.0", static_cast<unsigned>(prop->pciDomainID),
                  static_cast<unsigned>(prop->pciBusID), static_cast<unsigned>(prop->pciDeviceID));
    d["pci_bus_id"] = bus;
    int driver = 0;
    if (cudaDriverGetVersion(&driver) == cudaSuccess) d["cuda_driver"] = CudartText(driver);
  } catch (const std::exception& e) {
    d["gpu"] = "unknown: " + FirstLine(e.what());
  }
#endif
  return d;
}

// ---- CUDA graphs ----------------------------------------------------------------------------

std::string CompareReplay(const at::Tensor& eager, const at::Tensor& replay, std::string& check) {
  if (!eager.defined() || !replay.defined() || eager.sizes() != replay.sizes()) {
    check = "not comparable (different shapes)";
    return "replay differs from eager: " + check;
  }
  // On eager's device, in fp32 (fp64 for fp64): the GEMM tuner checks every candidate's output
  // this way, and a batch-64 output is hundreds of MB (whisper's fc1: 96000 x 1536 floats), too
  // much to copy to the host and widen to fp64 up to 48 times within a shape's 1.5 s.
  const auto t = eager.scalar_type() == at::kDouble ? at::kDouble : at::kFloat;
  const at::Tensor e = eager.detach().to(t);
  const at::Tensor r = replay.detach().to(eager.device(), t);
  const double diff = (e - r).abs().max().item<double>();
  const double scale = std::max(1.0, e.abs().max().item<double>());
  const double tol =
      (eager.scalar_type() == at::kFloat || eager.scalar_type() == at::kDouble) ? 1e-3 : 2e-2;
  std::ostringstream o;
  o.precision(3);
  o << "max |replay - eager| = " << diff << " (tolerance " << tol * scale << ")";
  check = o.str();
  if (!(diff <= tol * scale)) return "replay differs from eager: " + check;  // NaN fails too
  return "";
}

struct CudaGraphStep::Impl {
#ifdef ACCELBENCH_TORCH_CUDA
  at::cuda::CUDAGraph graph;
#endif
  at::Tensor output;
};

CudaGraphStep::CudaGraphStep() = default;
CudaGraphStep::~CudaGraphStep() = default;

bool CudaGraphStep::captured() const { return impl_ != nullptr; }

void CudaGraphStep::Reset() { impl_.reset(); }

const at::Tensor& CudaGraphStep::Replay() {
  if (!impl_) throw RuntimeError("CUDA graph: Replay before a successful Capture");
#ifdef ACCELBENCH_TORCH_CUDA
  impl_->graph.replay();
#endif
  return impl_->output;
}

std::string CudaGraphStep::Capture(c10::Device device, const std::function<at::Tensor()>& forward,
                                   int warmups) {
  impl_.reset();
  if (!device.is_cuda()) return "not a CUDA device";
#ifndef ACCELBENCH_TORCH_CUDA
  (void)forward;
  (void)warmups;
  return "this accelbench was built against a libtorch without CUDA";
#else
  auto impl = std::make_unique<Impl>();
  try {
    const auto idx = device.has_index() ? device.index() : c10::cuda::current_device();
    c10::cuda::CUDAGuard device_guard(idx);
    c10::cuda::device_synchronize();
    // Warm-up on the capture stream: lazy initialisation (cuBLAS handles and workspaces, cuDNN
    // benchmark searches, constants cached by the facade) must happen before the capture.
    auto side = c10::cuda::getStreamFromPool(false, idx);
    {
      c10::cuda::CUDAStreamGuard stream_guard(side);
      for (int i = 0; i < warmups; ++i) (void)forward();
      side.synchronize();
      bool capturing = false;
      try {
        impl->graph.capture_begin();
        capturing = true;
        impl->output = forward();
        capturing = false;
        impl->graph.capture_end();
      } catch (...) {
        if (capturing) {
          try {
            impl->graph.capture_end();  // ends the (invalidated) stream capture
          } catch (...) {
          }
        }
        (void)cudaGetLastError();  // capture errors must not surface at the next kernel launch
        throw;
      }
    }
    c10::cuda::device_synchronize();
    impl->graph.replay();  // proves the instantiated graph runs
    c10::cuda::device_synchronize();
  } catch (const std::exception& e) {
    (void)cudaGetLastError();
    return "capture failed: " + FirstLine(e.what());
  }
  impl_ = std::move(impl);
  return "";
#endif
}

}  // namespace accelbench::backends::torch_backend
