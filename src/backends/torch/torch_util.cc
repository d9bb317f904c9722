#include "backends/torch/torch_util.h"

#include <fstream>
#include <iostream>
#include <map>
#include <mutex>

#include "backends/torch/torch_ops.h"
#include "core/errors.h"

namespace accelbench::backends::torch_backend {

c10::Device ParseDevice(const std::string& platform) {
  c10::optional<c10::Device> d;
  try {
    d = c10::Device(platform);
  } catch (const std::exception&) {
    throw UsageError("unknown platform '" + platform +
                     "' for libtorch; use cpu, cuda, cuda:N, mps");
  }
  if (d->is_cuda()) {
    if (!torch::cuda::is_available())
      throw UnsupportedError("platform " + platform +
                             ": this libtorch was built without CUDA or sees no CUDA device");
    if (d->has_index() && d->index() >= static_cast<int>(torch::cuda::device_count()))
      throw UnsupportedError("platform " + platform + ": only " +
                             std::to_string(torch::cuda::device_count()) + " CUDA device(s)");
  } else if (!d->is_cpu()) {
    try {
      (void)at::zeros({1}, at::TensorOptions().device(*d));
    } catch (const std::exception& e) {
      std::string msg = e.what();
      throw UnsupportedError("platform " + platform + ": " + msg.substr(0, msg.find('\n')));
    }
  }
  return *d;
}

c10::ScalarType ResolveDtype(Precision p, c10::Device device) {
  c10::ScalarType dt;
  switch (p) {
    case Precision::kFp32:
      return at::kFloat;
    case Precision::kFp16:
      dt = at::kHalf;
      break;
    case Precision::kBf16:
      dt = at::kBFloat16;
      break;
    default:
      throw UnsupportedError(std::string(ToString(p)) +
                             " is not implemented by the libtorch eager lowering");
  }
  static std::mutex mu;
  static std::map<std::string, std::string> cache;  // "device/dtype" -> failing op ("" = ok)
  std::lock_guard lock(mu);
  const std::string key = device.str() + "/" + std::string(ToString(p));
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, FirstFailingOp(device, dt)).first;
  if (!it->second.empty())
    throw UnsupportedError(std::string(ToString(p)) + " on " + device.str() + " with libtorch " +
                           TORCH_VERSION + ": no kernel for " + it->second);
  return dt;
}

at::Tensor ToTorch(const models::HostTensor& h) {
  if (h.dtype == models::DType::kFloat) {
    at::Tensor t = at::empty(h.shape, at::TensorOptions().dtype(at::kFloat));
    std::copy(h.f.begin(), h.f.end(), t.data_ptr<float>());
    return t;
  }
  at::Tensor t = at::empty(h.shape, at::TensorOptions().dtype(at::kLong));
  std::copy(h.i.begin(), h.i.end(), t.data_ptr<int64_t>());
  return h.dtype == models::DType::kBool ? t.to(at::kBool) : t;
}

models::HostTensor ToHost(const at::Tensor& t) {
  models::HostTensor h;
  at::Tensor c = t.detach().to(at::kCPU).contiguous();
  h.shape.assign(c.sizes().begin(), c.sizes().end());
  if (c.is_floating_point()) {
    c = c.to(at::kFloat);
    h.dtype = models::DType::kFloat;
    h.f.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  } else {
    c = c.to(at::kLong);
    h.dtype = models::DType::kInt64;
    h.i.assign(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
  }
  return h;
}

void WaitForDevice(c10::Device device) {
  if (device.is_cuda()) torch::cuda::synchronize(device.has_index() ? device.index() : -1);
}

std::string MappedBlasLibrary() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    const auto slash = line.rfind('/');
    if (slash == std::string::npos) continue;
    const std::string path = line.substr(line.find('/'));
    const std::string file = line.substr(slash + 1);
    if (file.find("openblas") != std::string::npos || file.find("libmkl") != std::string::npos ||
        file.find("libblis") != std::string::npos)
      return file;
    if (file.rfind("libblas.so", 0) == 0) {
      // Debian's alternatives: .../blas/libblas.so.3 is the netlib reference implementation;
      // OpenBLAS installs .../openblas-<flavour>/libblas.so.3.
      return path.find("openblas") != std::string::npos ? "openblas (" + path + ")"
                                                        : "netlib reference BLAS (" + path + ")";
    }
  }
  return "none mapped";
}

void WarnIfNetlibBlas() {
  static std::once_flag once;
  std::call_once(once, [] {
    const std::string blas = MappedBlasLibrary();
    if (blas.rfind("netlib", 0) == 0)
      std::cerr << "warning: libtorch is using the " << blas
                << "; fp32 runs ~40x slower. Install libopenblas0-openmp (scripts/setup).\n";
  });
}

}  // namespace accelbench::backends::torch_backend
