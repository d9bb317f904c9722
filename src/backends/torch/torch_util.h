#pragma once
// Internal helpers of the libtorch backend: precision -> dtype (with the support probe), host
// tensors <-> at::Tensor, device parsing, BLAS detection.
#include <torch/torch.h>

#include <string>

#include "core/enums.h"
#include "models/inputs.h"

namespace accelbench::backends::torch_backend {

// "cpu", "cuda", "cuda:1", "mps"... Throws UsageError for a malformed name and UnsupportedError
// when this libtorch cannot reach the device.
c10::Device ParseDevice(const std::string& platform);

// The dtype for a precision on a device. Throws UnsupportedError ("unsupported: <why>") when the
// device/libtorch cannot run it, naming the first facade op that fails (probed once, cached).
c10::ScalarType ResolveDtype(Precision p, c10::Device device);

at::Tensor ToTorch(const models::HostTensor& h);
models::HostTensor ToHost(const at::Tensor& t);  // floats as fp32, integers/bools as int64

void WaitForDevice(c10::Device device);  // torch::cuda::synchronize on CUDA, no-op elsewhere

// The BLAS library mapped into this process (from /proc/self/maps), e.g. "libopenblasp-r0.3.21.so".
std::string MappedBlasLibrary();
// Prints a one-line warning to stderr, once per process, when the netlib reference BLAS is mapped
// (libtorch 1.13 from Debian then runs fp32 matmuls ~40x slower).
void WarnIfNetlibBlas();

}  // namespace accelbench::backends::torch_backend
