#pragma once
// The NVML counters of the GPU a backend names (RuntimeFacts::gpu_pci_bus_id), read by the
// harness around one configuration's measured loop: the idle draw (model loaded, nothing
// running), the energy over the loop, and the clock / temperature / power state before and
// after it. Numbers NVML does not give stay absent, with the reason in details().
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "hardware/nvml_monitor.h"

namespace accelbench::runner {

class GpuCounters {
 public:
  // Opens the GPU and measures its idle draw over max(idle_s, 0.5) s (the counter ticks coarsely).
  GpuCounters(const std::string& pci_bus_id, double idle_s);
  void Start();  // right before the measured loop
  void Stop();   // right after it
  // Energy per item above the idle draw over a loop of `elapsed_s`; nullopt when not measured.
  std::optional<double> EnergyPerItem(double elapsed_s, double items_per_step, size_t steps) const;
  // "GPU clocks held down during the measurement (...)" when the driver reported a slowdown at
  // the end or the SM clock fell by more than 10%; "" otherwise.
  std::string ThrottleNote() const;
  // gpu_idle_w, gpu_state_start, gpu_state_end, or gpu_energy = "absent: <why>".
  const std::map<std::string, std::string>& details() const { return details_; }

 private:
  std::unique_ptr<hardware::NvmlMonitor> nvml_;
  std::optional<double> idle_watts_, j0_, j1_;
  hardware::GpuSample start_, end_;
  std::map<std::string, std::string> details_;
};

}  // namespace accelbench::runner
