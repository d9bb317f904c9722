#pragma once
// Issue 13: which attention kernel libtorch picks, and the cuDNN-attention switch, behind one
// signature on every libtorch version (sdpa_api.h where this libtorch has the API, otherwise
// "unknown" answers). Nothing here changes what is computed.
#include <ATen/ATen.h>

#include <optional>
#include <string>

namespace accelbench::backends::torch_backend::sdpa {

// The kernel at::scaled_dot_product_attention would run for these arguments: "flash",
// "efficient", "cudnn", "math", "overrideable" or "backend <n>"; nullopt where this libtorch
// cannot tell (no _fused_sdp_choice, or it threw).
std::optional<std::string> KernelFor(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                     const c10::optional<at::Tensor>& mask, bool causal,
                                     double scale);

// Allows or forbids the cuDNN attention backend (process-wide). Returns false when this
// libtorch has no such switch (nothing changed).
bool SetCudnnAllowed(bool allowed);
// The switch's state; nullopt when this libtorch has no such switch.
std::optional<bool> CudnnAllowed();

// The backend name for at::SDPBackend's number (the mapping KernelFor uses).
std::string BackendName(int64_t n);

}  // namespace accelbench::backends::torch_backend::sdpa
