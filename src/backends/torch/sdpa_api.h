#pragma once
// Issue 13: the raw calls of libtorch's scaled-dot-product-attention API that exist only in
// newer releases (PyTorch >= 2.5). CMake compiles THIS FILE against the libtorch it found
// (src/backends/torch/CMakeLists.txt, check "ACCELBENCH_TORCH_SDPA_API") and includes it only
// when that succeeds, so a libtorch with another API builds with the fallbacks of
// sdpa_compat.cc instead of failing. Keep every use of those APIs here.
#include <ATen/ATen.h>
#include <ATen/Context.h>

#include <cstdint>

namespace accelbench::backends::torch_backend::sdpa_api {

// The backend number at::scaled_dot_product_attention would dispatch to for these arguments
// (at::SDPBackend: math 0, flash 1, efficient 2, cudnn 3, overrideable 4). Host-only: no kernel.
inline int64_t FusedChoice(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                           const c10::optional<at::Tensor>& mask, bool causal, double scale) {
  return at::_fused_sdp_choice(q, k, v, mask, 0.0, causal, c10::optional<double>(scale));
}

// libtorch's global switch for the cuDNN attention backend (torch.backends.cuda.enable_cudnn_sdp).
inline void SetCudnnSdp(bool on) { at::globalContext().setSDPUseCuDNN(on); }
inline bool CudnnSdp() { return at::globalContext().userEnabledCuDNNSDP(); }

}  // namespace accelbench::backends::torch_backend::sdpa_api
