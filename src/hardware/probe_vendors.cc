// ROCm (rocm-smi, HIP), OpenVINO (C API), Qualcomm QNN and Apple Metal probes.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "hardware/dl_library.h"
#include "hardware/probes.h"

namespace accelbench::hardware {
namespace {

// ---- rocm-smi ----
using rsmi_status_t = int;  // RSMI_STATUS_SUCCESS = 0
using RsmiInitFn = rsmi_status_t (*)(uint64_t);
using RsmiShutdownFn = rsmi_status_t (*)();
using RsmiCountFn = rsmi_status_t (*)(uint32_t*);
using RsmiNameFn = rsmi_status_t (*)(uint32_t, char*, size_t);
using RsmiMemTotalFn = rsmi_status_t (*)(uint32_t, int /*RSMI_MEM_TYPE_VRAM = 0*/, uint64_t*);

// ---- HIP ----
using hipError_t = int;  // hipSuccess = 0
using HipInitFn = hipError_t (*)(unsigned int);
using HipCountFn = hipError_t (*)(int*);
using HipNameFn = hipError_t (*)(char*, int, int);
using HipTotalMemFn = hipError_t (*)(size_t*, int);
using HipDriverVersionFn = hipError_t (*)(int*);

// ---- OpenVINO C API ----
using ov_status_e = int;  // OK = 0
struct ov_core_t;
struct ov_available_devices_t {
  char** devices;
  size_t size;
};
struct ov_version_t {
  const char* buildNumber;
  const char* description;
};
using OvCoreCreateFn = ov_status_e (*)(ov_core_t**);
using OvCoreFreeFn = void (*)(ov_core_t*);
using OvDevicesFn = ov_status_e (*)(const ov_core_t*, ov_available_devices_t*);
using OvDevicesFreeFn = void (*)(ov_available_devices_t*);
using OvGetPropertyFn = ov_status_e (*)(const ov_core_t*, const char*, const char*, char**);
using OvFreeFn = void (*)(const char*);
using OvVersionFn = ov_status_e (*)(ov_version_t*);
using OvVersionFreeFn = void (*)(ov_version_t*);

// ---- Qualcomm QNN (QnnInterface.h prefix) ----
using Qnn_ErrorHandle_t = uint64_t;  // QNN_SUCCESS = 0
struct Qnn_Version_t {
  uint32_t major, minor, patch;
};
struct QnnInterfacePrefix {  // leading members of QnnInterface_t; the function table follows
  uint32_t backendId;
  const char* providerName;
  Qnn_Version_t coreApiVersion;
  Qnn_Version_t backendApiVersion;
};
using QnnGetProvidersFn = Qnn_ErrorHandle_t (*)(const QnnInterfacePrefix***, uint32_t*);

}  // namespace

nlohmann::json ProbeRocmSmi(const std::string& library) {
  DlLibrary lib(library);
  if (!lib.ok()) return ProbeFailure(library, lib.error());
  std::string missing;
  auto init = lib.Required<RsmiInitFn>("rsmi_init", missing);
  auto shutdown = lib.Required<RsmiShutdownFn>("rsmi_shut_down", missing);
  auto count_fn = lib.Required<RsmiCountFn>("rsmi_num_monitor_devices", missing);
  auto name_fn = lib.Required<RsmiNameFn>("rsmi_dev_name_get", missing);
  auto mem_fn = lib.Required<RsmiMemTotalFn>("rsmi_dev_memory_total_get", missing);
  if (!missing.empty()) return ProbeFailure(library, "missing symbol " + missing);
  if (rsmi_status_t r = init(0); r != 0) {
    return ProbeFailure(library, fmt::format("rsmi_init failed: status {}", r));
  }
  struct Shutdown {
    RsmiShutdownFn fn;
    ~Shutdown() { fn(); }
  } guard{shutdown};
  uint32_t count = 0;
  if (count_fn(&count) != 0) return ProbeFailure(library, "rsmi_num_monitor_devices failed");
  if (count == 0) return ProbeFailure(library, "rocm-smi reports 0 devices");
  nlohmann::json devices = nlohmann::json::array();
  for (uint32_t i = 0; i < count; ++i) {
    nlohmann::json d;
    d["instance"] = fmt::format("rocm:{}", i);
    char name[256] = {};
    d["name"] = name_fn(i, name, sizeof name) == 0 ? std::string(name) : std::string();
    uint64_t total = 0;
    if (mem_fn(i, 0, &total) == 0) d["memory_bytes"] = static_cast<int64_t>(total);
    d["details"] = {{"probe", "rocm_smi"}};
    devices.push_back(std::move(d));
  }
  return ProbeSuccess(library, std::move(devices));
}

nlohmann::json ProbeHip(const std::string& library) {
  DlLibrary lib(library);
  if (!lib.ok()) return ProbeFailure(library, lib.error());
  std::string missing;
  auto init = lib.Required<HipInitFn>("hipInit", missing);
  auto count_fn = lib.Required<HipCountFn>("hipGetDeviceCount", missing);
  auto name_fn = lib.Required<HipNameFn>("hipDeviceGetName", missing);
  auto mem_fn = lib.Required<HipTotalMemFn>("hipDeviceTotalMem", missing);
  if (!missing.empty()) return ProbeFailure(library, "missing symbol " + missing);
  if (hipError_t r = init(0); r != 0) {
    return ProbeFailure(library, fmt::format("hipInit failed: HIP error {}", r));
  }
  nlohmann::json details = nlohmann::json::object();
  int version = 0;
  if (auto v = lib.Symbol<HipDriverVersionFn>("hipDriverGetVersion"); v && v(&version) == 0) {
    details["hip_driver_version"] = version;
  }
  int count = 0;
  if (count_fn(&count) != 0) return ProbeFailure(library, "hipGetDeviceCount failed");
  if (count <= 0) return ProbeFailure(library, "HIP reports 0 devices");
  nlohmann::json devices = nlohmann::json::array();
  for (int i = 0; i < count; ++i) {
    nlohmann::json d;
    d["instance"] = fmt::format("rocm:{}", i);
    char name[256] = {};
    d["name"] = name_fn(name, sizeof name, i) == 0 ? std::string(name) : std::string();
    size_t total = 0;
    if (mem_fn(&total, i) == 0) d["memory_bytes"] = static_cast<int64_t>(total);
    nlohmann::json det = details;
    det["probe"] = "hip";
    d["details"] = std::move(det);
    devices.push_back(std::move(d));
  }
  return ProbeSuccess(library, std::move(devices), details);
}

nlohmann::json ProbeOpenVino(const std::string& library) {
  DlLibrary lib(library);
  if (!lib.ok()) return ProbeFailure(library, lib.error());
  std::string missing;
  auto create = lib.Required<OvCoreCreateFn>("ov_core_create", missing);
  auto core_free = lib.Required<OvCoreFreeFn>("ov_core_free", missing);
  auto devices_fn = lib.Required<OvDevicesFn>("ov_core_get_available_devices", missing);
  auto devices_free = lib.Required<OvDevicesFreeFn>("ov_available_devices_free", missing);
  if (!missing.empty()) return ProbeFailure(library, "missing symbol " + missing);
  auto get_property = lib.Symbol<OvGetPropertyFn>("ov_core_get_property");
  auto ov_free = lib.Symbol<OvFreeFn>("ov_free");
  auto version_fn = lib.Symbol<OvVersionFn>("ov_get_openvino_version");
  auto version_free = lib.Symbol<OvVersionFreeFn>("ov_version_free");

  nlohmann::json details = nlohmann::json::object();
  ov_version_t version{};
  if (version_fn && version_fn(&version) == 0) {
    if (version.buildNumber) details["openvino_version"] = std::string(version.buildNumber);
    if (version_free) version_free(&version);
  }
  ov_core_t* core = nullptr;
  if (ov_status_e r = create(&core); r != 0 || core == nullptr) {
    return ProbeFailure(library, fmt::format("ov_core_create failed: status {}", r));
  }
  struct CoreGuard {
    OvCoreFreeFn fn;
    ov_core_t* core;
    ~CoreGuard() { fn(core); }
  } core_guard{core_free, core};
  ov_available_devices_t list{};
  if (ov_status_e r = devices_fn(core, &list); r != 0) {
    return ProbeFailure(library, fmt::format("ov_core_get_available_devices failed: status {}", r));
  }
  struct ListGuard {
    OvDevicesFreeFn fn;
    ov_available_devices_t* list;
    ~ListGuard() { fn(list); }
  } list_guard{devices_free, &list};
  if (list.size == 0 || list.devices == nullptr) {
    return ProbeFailure(library, "OpenVINO reports no available devices");
  }
  nlohmann::json devices = nlohmann::json::array();
  for (size_t i = 0; i < list.size; ++i) {
    if (!list.devices[i]) continue;
    std::string id = list.devices[i];
    nlohmann::json d;
    d["instance"] = "openvino:" + id;
    d["name"] = id;
    char* full = nullptr;
    if (get_property && get_property(core, id.c_str(), "FULL_DEVICE_NAME", &full) == 0 && full) {
      d["name"] = std::string(full);
      if (ov_free) ov_free(full);
    }
    nlohmann::json det = details;
    det["probe"] = "openvino";
    det["device_id"] = id;
    d["details"] = std::move(det);
    devices.push_back(std::move(d));
  }
  return ProbeSuccess(library, std::move(devices), details);
}

nlohmann::json ProbeQnn(const std::string& library, const std::string& backend) {
  DlLibrary lib(library);
  if (!lib.ok()) return ProbeFailure(library, lib.error());
  std::string missing;
  auto providers_fn = lib.Required<QnnGetProvidersFn>("QnnInterface_getProviders", missing);
  if (!missing.empty()) return ProbeFailure(library, "missing symbol " + missing);
  const QnnInterfacePrefix** providers = nullptr;
  uint32_t n = 0;
  if (Qnn_ErrorHandle_t r = providers_fn(&providers, &n); r != 0) {
    return ProbeFailure(library, fmt::format("QnnInterface_getProviders failed: error {}", r));
  }
  if (n == 0 || providers == nullptr || providers[0] == nullptr) {
    return ProbeFailure(library, "QnnInterface_getProviders returned no providers");
  }
  const QnnInterfacePrefix& p = *providers[0];
  nlohmann::json det;
  det["probe"] = "qnn";
  det["backend_id"] = p.backendId;
  det["provider"] = p.providerName ? std::string(p.providerName) : std::string();
  det["core_api_version"] = fmt::format("{}.{}.{}", p.coreApiVersion.major, p.coreApiVersion.minor,
                                        p.coreApiVersion.patch);
  det["backend_api_version"] = fmt::format("{}.{}.{}", p.backendApiVersion.major,
                                           p.backendApiVersion.minor, p.backendApiVersion.patch);
  if (backend == "htp") {
#if defined(__aarch64__)
    namespace fs = std::filesystem;
    std::error_code ec;
    bool dsp = fs::exists("/dev/fastrpc-cdsp", ec) || fs::exists("/dev/adsprpc-smd", ec) ||
               fs::exists("/dev/cdsprpc-smd", ec);
    if (!dsp) {
      return ProbeFailure(library,
                          "libQnnHtp.so loads but no Hexagon DSP device node "
                          "(/dev/fastrpc-cdsp, /dev/adsprpc-smd) is present");
    }
#else
    return ProbeFailure(library,
                        fmt::format("libQnnHtp.so loads (provider {}, API {}) but this "
                                    "is not an ARM host: it is a simulator, no Hexagon NPU",
                                    det["provider"].get<std::string>(),
                                    det["backend_api_version"].get<std::string>()));
#endif
  }
  nlohmann::json d;
  d["instance"] = "qnn:" + backend;
  d["name"] = backend == "htp" ? "Qualcomm Hexagon NPU (QNN HTP)" : "QNN CPU backend";
  d["details"] = det;
  nlohmann::json devices = nlohmann::json::array();
  devices.push_back(std::move(d));
  return ProbeSuccess(library, std::move(devices));
}

nlohmann::json ProbeMetal() {
#if defined(__APPLE__)
  const std::string path = "/System/Library/Frameworks/Metal.framework/Metal";
  DlLibrary lib(path);
  if (!lib.ok()) return ProbeFailure(path, lib.error());
  using CreateFn = void* (*)();
  auto create = lib.Symbol<CreateFn>("MTLCreateSystemDefaultDevice");
  if (!create) return ProbeFailure(path, "missing symbol MTLCreateSystemDefaultDevice");
  if (create() == nullptr) return ProbeFailure(path, "no Metal device");
  nlohmann::json d;
  d["instance"] = "mps";
  d["name"] = "Apple GPU (Metal)";
  d["details"] = {{"probe", "metal"}};
  nlohmann::json devices = nlohmann::json::array();
  devices.push_back(std::move(d));
  return ProbeSuccess(path, std::move(devices));
#else
  return ProbeFailure("", "not macOS");
#endif
}

nlohmann::json ProbeFailure(const std::string& library, const std::string& reason) {
  return {{"ok", false}, {"library", library}, {"reason", reason}};
}

nlohmann::json ProbeSuccess(const std::string& library, nlohmann::json devices,
                            nlohmann::json details) {
  return {{"ok", true},
          {"library", library},
          {"devices", std::move(devices)},
          {"details", std::move(details)}};
}

}  // namespace accelbench::hardware
