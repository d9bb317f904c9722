#include "backends/torch/sdpa_compat.h"

#ifdef ACCELBENCH_TORCH_SDPA_API
#include "backends/torch/sdpa_api.h"
#endif

namespace accelbench::backends::torch_backend::sdpa {

std::string BackendName(int64_t n) {
  switch (n) {
    case 0:
      return "math";
    case 1:
      return "flash";
    case 2:
      return "efficient";
    case 3:
      return "cudnn";
    case 4:
      return "overrideable";
    default:
      return "backend " + std::to_string(n);
  }
}

std::optional<std::string> KernelFor(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                     const c10::optional<at::Tensor>& mask, bool causal,
                                     double scale) {
#ifdef ACCELBENCH_TORCH_SDPA_API
  try {
    return BackendName(sdpa_api::FusedChoice(q, k, v, mask, causal, scale));
  } catch (const std::exception&) {
    return std::nullopt;
  }
#else
  (void)q, (void)k, (void)v, (void)mask, (void)causal, (void)scale;
  return std::nullopt;
#endif
}

bool SetCudnnAllowed(bool allowed) {
#ifdef ACCELBENCH_TORCH_SDPA_API
  sdpa_api::SetCudnnSdp(allowed);
  return true;
#else
  (void)allowed;
  return false;
#endif
}

std::optional<bool> CudnnAllowed() {
#ifdef ACCELBENCH_TORCH_SDPA_API
  return sdpa_api::CudnnSdp();
#else
  return std::nullopt;
#endif
}

}  // namespace accelbench::backends::torch_backend::sdpa
