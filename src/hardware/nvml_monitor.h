#pragma once
// GPU counters read through NVML (libnvidia-ml.so.1, dlopen'ed; ACCELBENCH_NVML_LIBRARY
// overrides the path, for test doubles) while a configuration is measured: the total energy
// counter (Volta and newer) and the device's state -- SM clock, its maximum, temperature, power
// draw, and the reasons the driver is holding the clocks down. Numbers NVML does not give are
// absent, never estimated.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace accelbench::hardware {

struct GpuSample {
  std::optional<unsigned> sm_mhz, max_sm_mhz, temperature_c;
  std::optional<double> power_w;
  std::optional<uint64_t> clock_limit_reasons;  // NVML's clocks-event / throttle-reason bits
  // "SM 1980/1980 MHz, 41 C, 118.5 W" (+ ", held down by: sw_power_cap"); parts NVML lacks left
  // out.
  std::string Text() const;
};

// The reasons in `bits` that slow the clocks down (power cap, thermal, hardware slowdown, ...),
// comma-separated, in NVML's bit order; "" when none (idle, application clocks and sync boost
// are not slowdowns).
std::string SlowdownReasons(uint64_t bits);

class NvmlMonitor {
 public:
  // The GPU with this PCI bus id ("0000:3b:00.0"), or "" for the only GPU when NVML sees
  // exactly one. nullptr with `why` set when NVML or the device is not there.
  static std::unique_ptr<NvmlMonitor> Open(const std::string& pci_bus_id, std::string& why);
  ~NvmlMonitor();
  NvmlMonitor(const NvmlMonitor&) = delete;
  NvmlMonitor& operator=(const NvmlMonitor&) = delete;

  // Energy consumed since the driver was loaded, in joules; nullopt where the counter is not
  // supported (pre-Volta) or a read fails.
  std::optional<double> EnergyJoules();
  GpuSample Sample();

 private:
  struct Impl;
  explicit NvmlMonitor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace accelbench::hardware
