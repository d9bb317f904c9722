#include "runner/gpu_counters.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "runner/resources.h"

namespace accelbench::runner {

GpuCounters::GpuCounters(const std::string& pci_bus_id, double idle_s) {
  std::string why;
  nvml_ = hardware::NvmlMonitor::Open(pci_bus_id, why);
  if (!nvml_) {
    details_["gpu_energy"] = "absent: " + why;
    return;
  }
  const auto j0 = nvml_->EnergyJoules();
  if (!j0) {
    details_["gpu_energy"] = "absent: NVML has no energy counter for this GPU (pre-Volta?)";
    return;
  }
  const auto a = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(std::max(idle_s, 0.5)));
  if (const auto j1 = nvml_->EnergyJoules())
    idle_watts_ =
        (*j1 - *j0) / std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
  details_["gpu_idle_w"] = idle_watts_ ? std::to_string(*idle_watts_) : "unknown";
}

void GpuCounters::Start() {
  if (!nvml_) return;
  start_ = nvml_->Sample();
  j0_ = nvml_->EnergyJoules();
}

void GpuCounters::Stop() {
  if (!nvml_) return;
  j1_ = nvml_->EnergyJoules();
  end_ = nvml_->Sample();
  details_["gpu_state_start"] = start_.Text();
  details_["gpu_state_end"] = end_.Text();
}

std::optional<double> GpuCounters::EnergyPerItem(double elapsed_s, double items_per_step,
                                                 size_t steps) const {
  if (!j0_ || !j1_ || !idle_watts_) return std::nullopt;
  return EnergyAboveIdlePerItem(*j1_ - *j0_, *idle_watts_, elapsed_s, items_per_step, steps);
}

std::string GpuCounters::ThrottleNote() const {
  const std::string held = hardware::SlowdownReasons(end_.clock_limit_reasons.value_or(0));
  const bool both = start_.sm_mhz && end_.sm_mhz;
  const bool dropped = both && *end_.sm_mhz < 0.9 * *start_.sm_mhz;
  if (held.empty() && !dropped) return "";
  return "GPU clocks held down during the measurement (" +
         (held.empty() ? std::string("no reason given") : held) +
         (both ? "; SM " + std::to_string(*start_.sm_mhz) + " -> " + std::to_string(*end_.sm_mhz) +
                     " MHz"
               : std::string()) +
         ")";
}

}  // namespace accelbench::runner
