// CPU facts: hwloc (topology, caches, NUMA), libcpuinfo (name, vendor, ISA), /proc (memory,
// flags cpuinfo does not know yet such as AMX), sysfs (frequency governor).
#include <cpuinfo.h>
#include <hwloc.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "hardware/hardware.h"

namespace accelbench::hardware {
namespace {

struct TopologyDeleter {
  void operator()(hwloc_topology* t) const { hwloc_topology_destroy(t); }
};
using Topology = std::unique_ptr<hwloc_topology, TopologyDeleter>;

Topology LoadTopology() {
  hwloc_topology_t t = nullptr;
  if (hwloc_topology_init(&t) != 0) return nullptr;
  Topology topo(t);
  if (hwloc_topology_load(t) != 0) return nullptr;
  return topo;
}

int Count(const Topology& t, hwloc_obj_type_t type) {
  int n = hwloc_get_nbobjs_by_type(t.get(), type);
  return n < 0 ? 0 : n;
}

void AddCaches(const Topology& t, CpuInfo& cpu) {
  const hwloc_obj_type_t types[] = {HWLOC_OBJ_L1CACHE, HWLOC_OBJ_L1ICACHE, HWLOC_OBJ_L2CACHE,
                                    HWLOC_OBJ_L3CACHE, HWLOC_OBJ_L4CACHE};
  for (auto type : types) {
    int n = Count(t, type);
    if (n == 0) continue;
    hwloc_obj_t obj = hwloc_get_obj_by_type(t.get(), type, 0);
    if (!obj || !obj->attr) continue;
    CacheInfo c;
    c.level = static_cast<int>(obj->attr->cache.depth);
    switch (obj->attr->cache.type) {
      case HWLOC_OBJ_CACHE_DATA:
        c.type = "data";
        break;
      case HWLOC_OBJ_CACHE_INSTRUCTION:
        c.type = "instruction";
        break;
      default:
        c.type = "unified";
        break;
    }
    c.size_bytes = static_cast<int64_t>(obj->attr->cache.size);
    c.count = n;
    cpu.caches.push_back(c);
  }
}

// One "key: value kB" field of /proc/meminfo, in bytes.
std::optional<int64_t> MeminfoBytes(const std::string& key) {
  std::ifstream in("/proc/meminfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) != 0) continue;
    std::istringstream ss(line.substr(key.size() + 1));
    int64_t value = 0;
    std::string unit;
    if (!(ss >> value)) return std::nullopt;
    ss >> unit;
    return unit == "kB" ? value * 1024 : value;
  }
  return std::nullopt;
}

// First "key : value" line of /proc/cpuinfo.
std::string ProcCpuinfoField(const std::string& key) {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) != 0) continue;
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    auto v = line.substr(colon + 1);
    auto b = v.find_first_not_of(" \t");
    return b == std::string::npos ? std::string() : v.substr(b);
  }
  return {};
}

std::set<std::string> ProcCpuFlags() {
  std::istringstream ss(ProcCpuinfoField("flags"));
  std::set<std::string> flags;
  for (std::string f; ss >> f;) flags.insert(f);
  return flags;
}

std::optional<std::string> ReadFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line) || line.empty()) return std::nullopt;
  return line;
}

std::string VendorName(cpuinfo_vendor v) {
  switch (v) {
    case cpuinfo_vendor_intel:
      return "Intel";
    case cpuinfo_vendor_amd:
      return "AMD";
    case cpuinfo_vendor_arm:
      return "ARM";
    case cpuinfo_vendor_qualcomm:
      return "Qualcomm";
    case cpuinfo_vendor_apple:
      return "Apple";
    case cpuinfo_vendor_samsung:
      return "Samsung";
    case cpuinfo_vendor_nvidia:
      return "NVIDIA";
    case cpuinfo_vendor_cavium:
      return "Cavium";
    default:
      return "";
  }
}

void DetectIsa(CpuInfo& cpu, bool cpuinfo_ok) {
  auto& isa = cpu.isa;
#if CPUINFO_ARCH_X86 || CPUINFO_ARCH_X86_64
  const auto flags = ProcCpuFlags();
  auto flag = [&](const char* f) { return flags.count(f) > 0; };
  if (cpuinfo_ok) {
    isa["sse4_2"] = cpuinfo_has_x86_sse4_2();
    isa["avx"] = cpuinfo_has_x86_avx();
    isa["avx2"] = cpuinfo_has_x86_avx2();
    isa["fma"] = cpuinfo_has_x86_fma3();
    isa["f16c"] = cpuinfo_has_x86_f16c();
    isa["avx512f"] = cpuinfo_has_x86_avx512f();
    isa["avx512bw"] = cpuinfo_has_x86_avx512bw();
    isa["avx512_bf16"] = cpuinfo_has_x86_avx512bf16();
    isa["avx512_vnni"] = cpuinfo_has_x86_avx512vnni();
  } else {
    isa["sse4_2"] = flag("sse4_2");
    isa["avx"] = flag("avx");
    isa["avx2"] = flag("avx2");
    isa["fma"] = flag("fma");
    isa["f16c"] = flag("f16c");
    isa["avx512f"] = flag("avx512f");
    isa["avx512bw"] = flag("avx512bw");
    isa["avx512_bf16"] = flag("avx512_bf16");
    isa["avx512_vnni"] = flag("avx512_vnni");
  }
  // Not known to the packaged libcpuinfo (2022): read the kernel's flags.
  isa["avx512_fp16"] = flag("avx512_fp16");
  isa["avx_vnni"] = flag("avx_vnni");
  isa["amx_tile"] = flag("amx_tile");
  isa["amx_bf16"] = flag("amx_bf16");
  isa["amx_int8"] = flag("amx_int8");
  isa["amx_fp16"] = flag("amx_fp16");
#elif CPUINFO_ARCH_ARM64
  if (cpuinfo_ok) {
    isa["neon"] = cpuinfo_has_arm_neon();
    isa["neon_dot"] = cpuinfo_has_arm_neon_dot();
    isa["fp16_arith"] = cpuinfo_has_arm_fp16_arith();
    isa["bf16"] = cpuinfo_has_arm_bf16();
    isa["sve"] = cpuinfo_has_arm_sve();
    isa["sve2"] = cpuinfo_has_arm_sve2();
  }
#else
  (void)cpuinfo_ok;
#endif
}

}  // namespace

bool CpuInfo::Has(const std::string& feature) const {
  auto it = isa.find(feature);
  return it != isa.end() && it->second;
}

CpuInfo DetectCpu() {
  CpuInfo cpu;
  utsname u{};
  if (uname(&u) == 0) cpu.architecture = u.machine;
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  cpu.online_cpus = online > 0 ? static_cast<int>(online) : 0;

  if (Topology topo = LoadTopology()) {
    cpu.sockets = Count(topo, HWLOC_OBJ_PACKAGE);
    cpu.cores = Count(topo, HWLOC_OBJ_CORE);
    cpu.threads = Count(topo, HWLOC_OBJ_PU);
    cpu.numa_nodes = Count(topo, HWLOC_OBJ_NUMANODE);
    AddCaches(topo, cpu);
  }
  const bool cpuinfo_ok = cpuinfo_initialize();
  if (cpuinfo_ok) {
    if (const cpuinfo_package* p = cpuinfo_get_package(0)) cpu.model_name = p->name;
    if (const cpuinfo_core* c = cpuinfo_get_core(0)) cpu.vendor = VendorName(c->vendor);
    if (const cpuinfo_core* c = cpuinfo_get_core(0); c && c->frequency > 0) {
      cpu.max_frequency_hz = static_cast<int64_t>(c->frequency);
    }
  }
  // /proc/cpuinfo has the full brand string; libcpuinfo shortens it.
  if (auto brand = ProcCpuinfoField("model name"); !brand.empty()) cpu.model_name = brand;
  if (cpu.vendor.empty()) {
    auto id = ProcCpuinfoField("vendor_id");
    cpu.vendor = id == "GenuineIntel" ? "Intel" : id == "AuthenticAMD" ? "AMD" : id;
  }
  DetectIsa(cpu, cpuinfo_ok);
  if (!cpu.max_frequency_hz) {
    if (auto khz = ReadFirstLine("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq")) {
      try {
        cpu.max_frequency_hz = std::stoll(*khz) * 1000;
      } catch (...) {
      }
    }
  }
  cpu.memory_total_bytes = MeminfoBytes("MemTotal");
  cpu.memory_available_bytes = MeminfoBytes("MemAvailable");
  cpu.governor = ReadFirstLine("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
  return cpu;
}

nlohmann::json CpuInfo::ToJson() const {
  nlohmann::json j;
  j["vendor"] = vendor;
  j["model_name"] = model_name;
  j["architecture"] = architecture;
  j["sockets"] = sockets;
  j["cores"] = cores;
  j["threads"] = threads;
  j["online_cpus"] = online_cpus;
  j["numa_nodes"] = numa_nodes;
  j["caches"] = nlohmann::json::array();
  for (const auto& c : caches) {
    j["caches"].push_back(
        {{"level", c.level}, {"type", c.type}, {"size_bytes", c.size_bytes}, {"count", c.count}});
  }
  j["isa"] = isa;
  j["memory_total_bytes"] = memory_total_bytes ? nlohmann::json(*memory_total_bytes) : nullptr;
  j["memory_available_bytes"] =
      memory_available_bytes ? nlohmann::json(*memory_available_bytes) : nullptr;
  j["governor"] = governor ? nlohmann::json(*governor) : nullptr;
  j["max_frequency_hz"] = max_frequency_hz ? nlohmann::json(*max_frequency_hz) : nullptr;
  return j;
}

}  // namespace accelbench::hardware
