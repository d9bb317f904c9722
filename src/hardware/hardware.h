#pragma once
// Central hardware detection: the one place every other component asks what this machine has.
// CPU facts come from hwloc, libcpuinfo and /proc; vendor accelerators are probed by dlopen of
// their runtime libraries, each probe in a forked child with a time limit, so a missing, broken,
// crashing or hanging library yields "unavailable: <reason>" and never a crash or a wrong
// "available".
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/enums.h"

namespace accelbench::hardware {

struct CacheInfo {
  int level = 0;
  std::string type;  // "data", "instruction", "unified"
  int64_t size_bytes = 0;
  int count = 0;  // instances in the machine
};

struct CpuInfo {
  std::string vendor;        // "AMD", "Intel", ...
  std::string model_name;    // "AMD EPYC 7763 64-Core Processor"
  std::string architecture;  // uname machine: "x86_64", "aarch64"
  int sockets = 0;           // hwloc packages
  int cores = 0;             // hwloc cores (allowed to this process)
  int threads = 0;           // hwloc PUs (allowed to this process; = `nproc`)
  int online_cpus = 0;       // sysconf(_SC_NPROCESSORS_ONLN)
  int numa_nodes = 0;
  std::vector<CacheInfo> caches;
  // ISA features that matter for inference, by name: sse4_2, avx2, fma, f16c, avx512f,
  // avx512_bf16, avx512_vnni, avx512_fp16, amx_tile, amx_bf16, amx_int8, amx_fp16, neon, ...
  std::map<std::string, bool> isa;
  std::optional<int64_t> memory_total_bytes;      // /proc/meminfo MemTotal
  std::optional<int64_t> memory_available_bytes;  // /proc/meminfo MemAvailable
  std::optional<std::string> governor;            // cpufreq scaling_governor, where readable
  std::optional<int64_t> max_frequency_hz;

  bool Has(const std::string& feature) const;
  nlohmann::json ToJson() const;
};

struct PlatformStatus {
  PlatformKind kind = PlatformKind::kCpu;
  std::string instance;  // "cpu", "cuda:0", "openvino:CPU"; the bare kind name when unavailable
  bool available = false;
  std::string reason;                   // why unavailable; empty when available
  std::string name;                     // device name
  std::optional<int64_t> memory_bytes;  // device memory, when known (for "fits in memory")
  nlohmann::json details = nlohmann::json::object();  // vendor facts (compute capability, ...)

  nlohmann::json ToJson() const;
};

// The environment fingerprint stored with every run.
struct Environment {
  std::string hostname;
  std::string kernel;  // uname release + version
  std::string os;      // /etc/os-release PRETTY_NAME
  std::string architecture;
  std::string accelbench_version;
  std::string compiler;
  std::string build_type;
  std::string commit;
  std::string utc_time;                                 // ISO 8601, when detection ran
  nlohmann::json libraries = nlohmann::json::object();  // name -> version
  nlohmann::json blas = nlohmann::json::object();       // what BLAS is loaded / installed
  std::vector<std::string> warnings;                    // e.g. netlib BLAS

  nlohmann::json ToJson() const;
};

struct HardwareReport {
  CpuInfo cpu;
  std::vector<PlatformStatus> platforms;  // every kind appears at least once
  Environment env;

  // All statuses of a kind (at least one after Detect()).
  std::vector<const PlatformStatus*> OfKind(PlatformKind kind) const;
  // The first available instance of a kind, or nullptr.
  const PlatformStatus* FirstAvailable(PlatformKind kind) const;
  nlohmann::json ToJson() const;  // {cpu, platforms, environment, capabilities}
};

// Library selectors for the vendor probes. Each can be overridden by DetectOptions or by the
// environment variable ACCELBENCH_<KEY>_LIBRARY (e.g. ACCELBENCH_NVML_LIBRARY=/path/libfake.so),
// meant for test doubles. Once any library of a vendor is overridden, only the overridden
// libraries of that vendor are probed, so a test double's outcome is not masked by a real one.
//   nvml, cuda (libcuda), rocm_smi, hip, openvino, qnn_htp, qnn_cpu
const std::vector<std::string>& ProbeLibraryKeys();
std::string ProbeLibraryEnvVar(const std::string& key);  // "nvml" -> "ACCELBENCH_NVML_LIBRARY"

struct DetectOptions {
  std::chrono::milliseconds probe_timeout{5000};         // per probe (probes run in parallel)
  std::map<std::string, std::string> library_overrides;  // key (see above) -> path
  bool read_environment_overrides = true;   // honour ACCELBENCH_*_LIBRARY and QNN_SDK_ROOT
  std::optional<std::string> qnn_sdk_root;  // overrides $QNN_SDK_ROOT
  // Hook for the browser backend: returns webgpu/webnn/wasm statuses. Unset: those platforms
  // are reported unavailable with "probe requires the browser backend".
  std::function<std::vector<PlatformStatus>(std::chrono::milliseconds timeout)> browser_probe;
  bool probe_vendors = true;  // false: CPU + environment only (no child processes)
};

HardwareReport Detect(const DetectOptions& options = {});

CpuInfo DetectCpu();
Environment DetectEnvironment();

// A warning line when /proc/self/maps shows the reference (netlib) libblas.so.3 loaded, which
// makes libtorch fp32 ~40x slower (design.md pitfalls); nullopt otherwise. Call after loading
// the runtime.
std::optional<std::string> NetlibBlasWarning();

}  // namespace accelbench::hardware
