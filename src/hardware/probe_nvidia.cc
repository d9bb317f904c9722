// CUDA probes: NVML (libnvidia-ml.so.1) first, the CUDA driver API (libcuda.so.1) as fallback.
#include <fmt/format.h>

#include <cstdint>
#include <string>

#include "hardware/dl_library.h"
#include "hardware/probes.h"

namespace accelbench::hardware {

// NVML's opaque device type, declared where nvml_monitor.cc declares it (outside the anonymous
// namespace): both files may share one translation unit in the unity build.
struct nvmlDevice_st;

namespace {

// ---- the few NVML declarations we need (nvml.h is not required to build) ----
using nvmlReturn_t = int;  // NVML_SUCCESS = 0
using nvmlDevice_t = nvmlDevice_st*;
struct nvmlMemory_t {
  unsigned long long total, free, used;
};
using NvmlInitFn = nvmlReturn_t (*)();
using NvmlShutdownFn = nvmlReturn_t (*)();
using NvmlCountFn = nvmlReturn_t (*)(unsigned int*);
using NvmlHandleFn = nvmlReturn_t (*)(unsigned int, nvmlDevice_t*);
using NvmlNameFn = nvmlReturn_t (*)(nvmlDevice_t, char*, unsigned int);
using NvmlMemoryFn = nvmlReturn_t (*)(nvmlDevice_t, nvmlMemory_t*);
using NvmlCcFn = nvmlReturn_t (*)(nvmlDevice_t, int*, int*);
using NvmlDriverFn = nvmlReturn_t (*)(char*, unsigned int);
using NvmlCudaDriverFn = nvmlReturn_t (*)(int*);
using NvmlErrorStringFn = const char* (*)(nvmlReturn_t);
using NvmlEnergyFn = nvmlReturn_t (*)(nvmlDevice_t, unsigned long long*);
using NvmlPowerLimitFn = nvmlReturn_t (*)(nvmlDevice_t, unsigned int*);

// ---- CUDA driver API ----
using CUresult = int;  // CUDA_SUCCESS = 0
using CUdevice = int;
using CuInitFn = CUresult (*)(unsigned int);
using CuCountFn = CUresult (*)(int*);
using CuDeviceGetFn = CUresult (*)(CUdevice*, int);
using CuNameFn = CUresult (*)(char*, int, CUdevice);
using CuTotalMemFn = CUresult (*)(size_t*, CUdevice);
using CuAttributeFn = CUresult (*)(int*, int, CUdevice);
using CuDriverVersionFn = CUresult (*)(int*);
constexpr int kCuAttrCcMajor = 75;  // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR
constexpr int kCuAttrCcMinor = 76;

}  // namespace

nlohmann::json ProbeNvml(const std::string& library) {
  DlLibrary lib(library);
  if (!lib.ok()) return ProbeFailure(library, lib.error());
  std::string missing;
  auto init = lib.Required<NvmlInitFn>("nvmlInit_v2", missing);
  auto shutdown = lib.Required<NvmlShutdownFn>("nvmlShutdown", missing);
  auto count_fn = lib.Required<NvmlCountFn>("nvmlDeviceGetCount_v2", missing);
  auto handle_fn = lib.Required<NvmlHandleFn>("nvmlDeviceGetHandleByIndex_v2", missing);
  auto name_fn = lib.Required<NvmlNameFn>("nvmlDeviceGetName", missing);
  auto mem_fn = lib.Required<NvmlMemoryFn>("nvmlDeviceGetMemoryInfo", missing);
  auto cc_fn = lib.Required<NvmlCcFn>("nvmlDeviceGetCudaComputeCapability", missing);
  auto driver_fn = lib.Required<NvmlDriverFn>("nvmlSystemGetDriverVersion", missing);
  if (!missing.empty()) return ProbeFailure(library, "missing symbol " + missing);
  auto err_fn = lib.Symbol<NvmlErrorStringFn>("nvmlErrorString");
  auto cuda_driver_fn = lib.Symbol<NvmlCudaDriverFn>("nvmlSystemGetCudaDriverVersion_v2");
  auto energy_fn = lib.Symbol<NvmlEnergyFn>("nvmlDeviceGetTotalEnergyConsumption");
  auto power_limit_fn = lib.Symbol<NvmlPowerLimitFn>("nvmlDeviceGetPowerManagementLimit");
  auto describe = [&](nvmlReturn_t r) {
    const char* s = err_fn ? err_fn(r) : nullptr;
    return s ? fmt::format("{} (NVML error {})", s, r) : fmt::format("NVML error {}", r);
  };

  if (nvmlReturn_t r = init(); r != 0) {
    return ProbeFailure(library, "nvmlInit_v2 failed: " + describe(r));
  }
  struct Shutdown {
    NvmlShutdownFn fn;
    ~Shutdown() { fn(); }
  } guard{shutdown};

  nlohmann::json details;
  char driver[96] = {};
  if (driver_fn(driver, sizeof driver) == 0) details["driver_version"] = std::string(driver);
  int cuda_version = 0;
  if (cuda_driver_fn && cuda_driver_fn(&cuda_version) == 0 && cuda_version > 0) {
    details["cuda_driver_version"] =
        fmt::format("{}.{}", cuda_version / 1000, (cuda_version % 1000) / 10);
  }
  unsigned int count = 0;
  if (nvmlReturn_t r = count_fn(&count); r != 0) {
    return ProbeFailure(library, "nvmlDeviceGetCount_v2 failed: " + describe(r));
  }
  if (count == 0) return ProbeFailure(library, "NVML reports 0 devices");

  nlohmann::json devices = nlohmann::json::array();
  for (unsigned int i = 0; i < count; ++i) {
    nvmlDevice_t dev = nullptr;
    if (nvmlReturn_t r = handle_fn(i, &dev); r != 0) {
      return ProbeFailure(library, fmt::format("device {}: {}", i, describe(r)));
    }
    nlohmann::json d;
    d["instance"] = fmt::format("cuda:{}", i);
    char name[96] = {};
    d["name"] = name_fn(dev, name, sizeof name) == 0 ? std::string(name) : std::string();
    nlohmann::json det = details;
    det["probe"] = "nvml";
    nvmlMemory_t mem{};
    if (mem_fn(dev, &mem) == 0) {
      d["memory_bytes"] = static_cast<int64_t>(mem.total);
      det["memory_free_bytes"] = static_cast<int64_t>(mem.free);
    }
    int major = 0, minor = 0;
    if (cc_fn(dev, &major, &minor) == 0) {
      det["compute_capability"] = fmt::format("{}.{}", major, minor);
      det["compute_capability_major"] = major;
      det["compute_capability_minor"] = minor;
    }
    unsigned long long energy_mj = 0;
    det["energy_counter"] = energy_fn != nullptr && energy_fn(dev, &energy_mj) == 0;
    unsigned int limit_mw = 0;
    if (power_limit_fn && power_limit_fn(dev, &limit_mw) == 0)
      det["power_limit_w"] = limit_mw / 1000.0;
    d["details"] = std::move(det);
    devices.push_back(std::move(d));
  }
  return ProbeSuccess(library, std::move(devices), details);
}

nlohmann::json ProbeCudaDriver(const std::string& library) {
  DlLibrary lib(library);
  if (!lib.ok()) return ProbeFailure(library, lib.error());
  std::string missing;
  auto init = lib.Required<CuInitFn>("cuInit", missing);
  auto count_fn = lib.Required<CuCountFn>("cuDeviceGetCount", missing);
  auto get_fn = lib.Required<CuDeviceGetFn>("cuDeviceGet", missing);
  auto name_fn = lib.Required<CuNameFn>("cuDeviceGetName", missing);
  auto mem_fn = lib.Required<CuTotalMemFn>("cuDeviceTotalMem_v2", missing);
  auto attr_fn = lib.Required<CuAttributeFn>("cuDeviceGetAttribute", missing);
  if (!missing.empty()) return ProbeFailure(library, "missing symbol " + missing);
  auto version_fn = lib.Symbol<CuDriverVersionFn>("cuDriverGetVersion");
  if (CUresult r = init(0); r != 0) {
    return ProbeFailure(library, fmt::format("cuInit failed: CUDA error {}", r));
  }
  nlohmann::json details;
  int version = 0;
  if (version_fn && version_fn(&version) == 0 && version > 0) {
    details["cuda_driver_version"] = fmt::format("{}.{}", version / 1000, (version % 1000) / 10);
  }
  int count = 0;
  if (CUresult r = count_fn(&count); r != 0) {
    return ProbeFailure(library, fmt::format("cuDeviceGetCount failed: CUDA error {}", r));
  }
  if (count <= 0) return ProbeFailure(library, "the CUDA driver reports 0 devices");
  nlohmann::json devices = nlohmann::json::array();
  for (int i = 0; i < count; ++i) {
    CUdevice dev = 0;
    if (get_fn(&dev, i) != 0)
      return ProbeFailure(library, fmt::format("cuDeviceGet({}) failed", i));
    nlohmann::json d;
    d["instance"] = fmt::format("cuda:{}", i);
    char name[256] = {};
    d["name"] = name_fn(name, sizeof name, dev) == 0 ? std::string(name) : std::string();
    size_t total = 0;
    if (mem_fn(&total, dev) == 0) d["memory_bytes"] = static_cast<int64_t>(total);
    nlohmann::json det = details;
    det["probe"] = "cuda_driver";
    int major = 0, minor = 0;
    if (attr_fn(&major, kCuAttrCcMajor, dev) == 0 && attr_fn(&minor, kCuAttrCcMinor, dev) == 0) {
      det["compute_capability"] = fmt::format("{}.{}", major, minor);
      det["compute_capability_major"] = major;
      det["compute_capability_minor"] = minor;
    }
    d["details"] = std::move(det);
    devices.push_back(std::move(d));
  }
  return ProbeSuccess(library, std::move(devices), details);
}

}  // namespace accelbench::hardware
