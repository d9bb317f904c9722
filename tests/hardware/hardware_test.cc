// CPU facts and environment fingerprint agree with the OS; vendor platforms this machine lacks
// are reported unavailable with a reason.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "hardware/hardware.h"
#include "test_util.h"

namespace accelbench::hardware {
namespace {

using testing::RunCommand;

int64_t MeminfoKb(const std::string& key) {
  std::ifstream in("/proc/meminfo");
  std::string k, unit;
  int64_t v = 0;
  while (in >> k >> v) {
    std::getline(in, unit);
    if (k == key + ":") return v;
  }
  return -1;
}

DetectOptions NoOverrides() {
  DetectOptions o;
  o.read_environment_overrides = false;
  o.qnn_sdk_root = "";
  return o;
}

TEST(Cpu, ThreadsAgreeWithNprocAndSysconf) {
  CpuInfo cpu = DetectCpu();
  auto nproc = RunCommand("nproc");
  ASSERT_EQ(nproc.exit_code, 0);
  EXPECT_EQ(cpu.threads, std::stoi(nproc.output));
  EXPECT_EQ(cpu.online_cpus, sysconf(_SC_NPROCESSORS_ONLN));
  EXPECT_GE(cpu.sockets, 1);
  EXPECT_GE(cpu.cores, cpu.sockets);
  EXPECT_LE(cpu.cores, cpu.threads);
  EXPECT_GE(cpu.numa_nodes, 1);
  EXPECT_FALSE(cpu.model_name.empty());
  EXPECT_FALSE(cpu.vendor.empty());
}

TEST(Cpu, MemoryAgreesWithProcMeminfo) {
  CpuInfo cpu = DetectCpu();
  ASSERT_TRUE(cpu.memory_total_bytes.has_value());
  EXPECT_EQ(*cpu.memory_total_bytes, MeminfoKb("MemTotal") * 1024);
  ASSERT_TRUE(cpu.memory_available_bytes.has_value());
  EXPECT_GT(*cpu.memory_available_bytes, 0);
  EXPECT_LE(*cpu.memory_available_bytes, *cpu.memory_total_bytes);
}

TEST(Cpu, CachesFromHwloc) {
  CpuInfo cpu = DetectCpu();
  ASSERT_FALSE(cpu.caches.empty());
  for (const auto& c : cpu.caches) {
    EXPECT_GE(c.level, 1);
    EXPECT_GT(c.size_bytes, 0);
    EXPECT_GE(c.count, 1);
  }
}

#if defined(__x86_64__)
TEST(Cpu, IsaAgreesWithKernelFlags) {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  std::set<std::string> flags;
  while (std::getline(in, line)) {
    if (line.rfind("flags", 0) != 0) continue;
    std::istringstream ss(line.substr(line.find(':') + 1));
    for (std::string f; ss >> f;) flags.insert(f);
    break;
  }
  ASSERT_FALSE(flags.empty());
  CpuInfo cpu = DetectCpu();
  // Our name -> the kernel's flag name.
  const std::pair<const char*, const char*> names[] = {{"sse4_2", "sse4_2"},
                                                       {"avx2", "avx2"},
                                                       {"fma", "fma"},
                                                       {"f16c", "f16c"},
                                                       {"avx512f", "avx512f"},
                                                       {"avx512_bf16", "avx512_bf16"},
                                                       {"avx512_vnni", "avx512_vnni"},
                                                       {"amx_bf16", "amx_bf16"},
                                                       {"amx_int8", "amx_int8"}};
  for (const auto& [ours, kernel] : names) {
    ASSERT_TRUE(cpu.isa.count(ours)) << ours;
    EXPECT_EQ(cpu.Has(ours), flags.count(kernel) > 0) << ours;
  }
}
#endif

TEST(Environment, Fingerprint) {
  Environment env = DetectEnvironment();
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  EXPECT_EQ(env.hostname, host);
  EXPECT_FALSE(env.kernel.empty());
  EXPECT_FALSE(env.os.empty());
  EXPECT_FALSE(env.commit.empty());
  EXPECT_FALSE(env.compiler.empty());
  EXPECT_TRUE(std::regex_match(env.utc_time, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << env.utc_time;
  EXPECT_TRUE(env.libraries.contains("hwloc_api"));
  EXPECT_TRUE(env.blas.contains("loaded"));
  // The test binary does not load a BLAS, so no netlib warning for a loaded one.
  EXPECT_FALSE(NetlibBlasWarning().has_value());
}

TEST(Detect, EveryPlatformKindAppears) {
  auto r = Detect(NoOverrides());
  for (PlatformKind k : AllPlatformKinds()) {
    auto s = r.OfKind(k);
    ASSERT_FALSE(s.empty()) << ToString(k);
    for (const auto* p : s) {
      if (!p->available) EXPECT_FALSE(p->reason.empty()) << p->instance;
    }
  }
  ASSERT_NE(r.FirstAvailable(PlatformKind::kCpu), nullptr);
  EXPECT_EQ(r.FirstAvailable(PlatformKind::kCpu)->instance, "cpu");
  for (PlatformKind k : {PlatformKind::kWebGpu, PlatformKind::kWebNn, PlatformKind::kWasm}) {
    EXPECT_EQ(r.OfKind(k).front()->reason, "probe requires the browser backend");
  }
#if !defined(__APPLE__)
  EXPECT_EQ(r.OfKind(PlatformKind::kMps).front()->reason, "not macOS");
#endif
}

// On a machine without the vendor library, the platform is unavailable and says so.
TEST(Detect, MissingVendorLibrariesAreUnavailableWithReason) {
  auto r = Detect(NoOverrides());
  const std::pair<PlatformKind, const char*> vendors[] = {
      {PlatformKind::kCuda, "libnvidia-ml.so.1"},
      {PlatformKind::kRocm, "librocm_smi64.so"},
      {PlatformKind::kOpenVino, "libopenvino_c.so"}};
  int checked = 0;
  for (const auto& [kind, lib] : vendors) {
    void* h = dlopen(lib, RTLD_LAZY | RTLD_LOCAL);
    if (h) {  // the vendor stack is installed here: nothing to assert about its absence
      dlclose(h);
      continue;
    }
    ++checked;
    auto s = r.OfKind(kind);
    ASSERT_EQ(s.size(), 1u) << ToString(kind);
    EXPECT_FALSE(s[0]->available);
    EXPECT_NE(s[0]->reason.find("cannot open shared object file"), std::string::npos)
        << s[0]->reason;
    EXPECT_TRUE(s[0]->details.contains("attempts"));
  }
  if (checked == 0) GTEST_SKIP() << "every vendor library is installed on this machine";
  for (const auto* q : r.OfKind(PlatformKind::kQnn)) {
    EXPECT_FALSE(q->available);
    EXPECT_EQ(q->reason, "QNN_SDK_ROOT is not set");
  }
}

TEST(Detect, QnnSdkRootWithoutLibraries) {
  DetectOptions o = NoOverrides();
  o.qnn_sdk_root = "/nonexistent/qnn-sdk";
  auto r = Detect(o);
  auto q = r.OfKind(PlatformKind::kQnn);
  ASSERT_EQ(q.size(), 2u);
  for (const auto* s : q) {
    EXPECT_FALSE(s->available);
    EXPECT_NE(s->reason.find("/nonexistent/qnn-sdk/lib"), std::string::npos) << s->reason;
  }
}

TEST(Detect, BrowserProbeHook) {
  DetectOptions o = NoOverrides();
  o.probe_vendors = false;
  o.browser_probe = [](std::chrono::milliseconds) {
    PlatformStatus s;
    s.kind = PlatformKind::kWebGpu;
    s.instance = "webgpu:0";
    s.available = true;
    s.name = "hook adapter";
    return std::vector<PlatformStatus>{s};
  };
  auto r = Detect(o);
  ASSERT_NE(r.FirstAvailable(PlatformKind::kWebGpu), nullptr);
  EXPECT_EQ(r.FirstAvailable(PlatformKind::kWebGpu)->name, "hook adapter");
  EXPECT_EQ(r.OfKind(PlatformKind::kWebNn).front()->reason, "probe requires the browser backend");
  EXPECT_EQ(r.OfKind(PlatformKind::kCuda).front()->reason, "vendor probes disabled");
}

TEST(Detect, JsonRecord) {
  auto r = Detect(NoOverrides());
  auto j = r.ToJson();
  ASSERT_TRUE(j.contains("cpu"));
  ASSERT_TRUE(j.contains("platforms"));
  ASSERT_TRUE(j.contains("environment"));
  ASSERT_TRUE(j.contains("capabilities"));
  EXPECT_EQ(j["platforms"].size(), r.platforms.size());
  EXPECT_EQ(j["capabilities"].size(), r.platforms.size());
  EXPECT_EQ(j["cpu"]["threads"], r.cpu.threads);
  EXPECT_EQ(j["platforms"][0]["instance"], "cpu");
  EXPECT_TRUE(j["platforms"][0]["available"].get<bool>());
}

TEST(Detect, LibraryEnvVarNames) {
  EXPECT_EQ(ProbeLibraryEnvVar("nvml"), "ACCELBENCH_NVML_LIBRARY");
  EXPECT_EQ(ProbeLibraryEnvVar("qnn_htp"), "ACCELBENCH_QNN_HTP_LIBRARY");
  EXPECT_EQ(ProbeLibraryKeys().size(), 7u);
}

}  // namespace
}  // namespace accelbench::hardware
