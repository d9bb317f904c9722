#include "hardware/nvml_monitor.h"

#include <fmt/format.h>

#include <cstdlib>
#include <utility>

#include "hardware/dl_library.h"
#include "hardware/hardware.h"

namespace accelbench::hardware {

// NVML's opaque device type, declared outside the anonymous namespace: a type with internal
// linkage may not appear in the fields of NvmlMonitor::Impl (external linkage).
struct nvmlDevice_st;

namespace {

using nvmlReturn_t = int;  // NVML_SUCCESS = 0
using nvmlDevice_t = nvmlDevice_st*;
using InitFn = nvmlReturn_t (*)();
using ShutdownFn = nvmlReturn_t (*)();
using CountFn = nvmlReturn_t (*)(unsigned int*);
using HandleByIndexFn = nvmlReturn_t (*)(unsigned int, nvmlDevice_t*);
using HandleByBusFn = nvmlReturn_t (*)(const char*, nvmlDevice_t*);
using EnergyFn = nvmlReturn_t (*)(nvmlDevice_t, unsigned long long*);      // mJ
using ClockFn = nvmlReturn_t (*)(nvmlDevice_t, int, unsigned int*);        // type 1 = SM, MHz
using TemperatureFn = nvmlReturn_t (*)(nvmlDevice_t, int, unsigned int*);  // sensor 0 = GPU
using PowerFn = nvmlReturn_t (*)(nvmlDevice_t, unsigned int*);             // mW
using ReasonsFn = nvmlReturn_t (*)(nvmlDevice_t, unsigned long long*);
constexpr int kClockSm = 1;
constexpr int kTemperatureGpu = 0;

}  // namespace

struct NvmlMonitor::Impl {
  DlLibrary lib;
  ShutdownFn shutdown = nullptr;
  nvmlDevice_t dev = nullptr;
  EnergyFn energy = nullptr;
  ClockFn clock = nullptr, max_clock = nullptr;
  TemperatureFn temperature = nullptr;
  PowerFn power = nullptr;
  ReasonsFn reasons = nullptr;
  ~Impl() {
    if (shutdown) shutdown();
  }
};

std::string SlowdownReasons(uint64_t bits) {
  // nvml.h: nvmlClocksEventReason* (formerly nvmlClocksThrottleReason*).
  static constexpr std::pair<uint64_t, const char*> kSlowdowns[] = {
      {0x4, "sw_power_cap"},
      {0x8, "hw_slowdown"},
      {0x20, "sw_thermal_slowdown"},
      {0x40, "hw_thermal_slowdown"},
      {0x80, "hw_power_brake_slowdown"},
      {0x100, "display_clock_setting"}};
  std::string out;
  for (const auto& [bit, name] : kSlowdowns)
    if (bits & bit) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

std::string GpuSample::Text() const {
  std::string out;
  auto add = [&](const std::string& s) { out += (out.empty() ? "" : ", ") + s; };
  if (sm_mhz)
    add(max_sm_mhz ? fmt::format("SM {}/{} MHz", *sm_mhz, *max_sm_mhz)
                   : fmt::format("SM {} MHz", *sm_mhz));
  if (temperature_c) add(fmt::format("{} C", *temperature_c));
  if (power_w) add(fmt::format("{:.1f} W", *power_w));
  if (clock_limit_reasons) {
    const std::string why = SlowdownReasons(*clock_limit_reasons);
    if (!why.empty()) add("held down by: " + why);
  }
  return out.empty() ? "unknown (NVML gave no state)" : out;
}

NvmlMonitor::NvmlMonitor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NvmlMonitor::~NvmlMonitor() = default;

std::unique_ptr<NvmlMonitor> NvmlMonitor::Open(const std::string& pci_bus_id, std::string& why) {
  const char* env = std::getenv(ProbeLibraryEnvVar("nvml").c_str());
  const std::string path = env && *env ? env : "libnvidia-ml.so.1";
  auto impl = std::make_unique<Impl>();
  impl->lib = DlLibrary(path);
  if (!impl->lib.ok()) {
    why = "NVML not loadable (" + impl->lib.error() + ")";
    return nullptr;
  }
  const DlLibrary& lib = impl->lib;
  auto init = lib.Symbol<InitFn>("nvmlInit_v2");
  auto shutdown = lib.Symbol<ShutdownFn>("nvmlShutdown");
  if (!init || !shutdown) {
    why = "NVML lacks nvmlInit_v2 / nvmlShutdown";
    return nullptr;
  }
  if (nvmlReturn_t r = init(); r != 0) {
    why = fmt::format("nvmlInit_v2 failed (NVML error {})", r);
    return nullptr;
  }
  impl->shutdown = shutdown;
  if (!pci_bus_id.empty()) {
    auto by_bus = lib.Symbol<HandleByBusFn>("nvmlDeviceGetHandleByPciBusId_v2");
    if (!by_bus || by_bus(pci_bus_id.c_str(), &impl->dev) != 0) {
      why = "NVML has no GPU with PCI bus id " + pci_bus_id;
      return nullptr;
    }
  } else {
    auto count = lib.Symbol<CountFn>("nvmlDeviceGetCount_v2");
    auto by_index = lib.Symbol<HandleByIndexFn>("nvmlDeviceGetHandleByIndex_v2");
    unsigned n = 0;
    if (!count || !by_index || count(&n) != 0 || n != 1 || by_index(0, &impl->dev) != 0) {
      why = fmt::format("no PCI bus id to tell which of NVML's {} GPUs ran", n);
      return nullptr;
    }
  }
  impl->energy = lib.Symbol<EnergyFn>("nvmlDeviceGetTotalEnergyConsumption");
  impl->clock = lib.Symbol<ClockFn>("nvmlDeviceGetClockInfo");
  impl->max_clock = lib.Symbol<ClockFn>("nvmlDeviceGetMaxClockInfo");
  impl->temperature = lib.Symbol<TemperatureFn>("nvmlDeviceGetTemperature");
  impl->power = lib.Symbol<PowerFn>("nvmlDeviceGetPowerUsage");
  impl->reasons = lib.Symbol<ReasonsFn>("nvmlDeviceGetCurrentClocksEventReasons");
  if (!impl->reasons)
    impl->reasons = lib.Symbol<ReasonsFn>("nvmlDeviceGetCurrentClocksThrottleReasons");
  return std::unique_ptr<NvmlMonitor>(new NvmlMonitor(std::move(impl)));
}

std::optional<double> NvmlMonitor::EnergyJoules() {
  unsigned long long mj = 0;
  if (!impl_->energy || impl_->energy(impl_->dev, &mj) != 0) return std::nullopt;
  return static_cast<double>(mj) / 1000.0;
}

GpuSample NvmlMonitor::Sample() {
  GpuSample s;
  unsigned v = 0;
  nvmlDevice_t d = impl_->dev;
  if (impl_->clock && impl_->clock(d, kClockSm, &v) == 0) s.sm_mhz = v;
  if (impl_->max_clock && impl_->max_clock(d, kClockSm, &v) == 0) s.max_sm_mhz = v;
  if (impl_->temperature && impl_->temperature(d, kTemperatureGpu, &v) == 0) s.temperature_c = v;
  if (impl_->power && impl_->power(d, &v) == 0) s.power_w = v / 1000.0;
  unsigned long long bits = 0;
  if (impl_->reasons && impl_->reasons(d, &bits) == 0) s.clock_limit_reasons = bits;
  return s;
}

}  // namespace accelbench::hardware
