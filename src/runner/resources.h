#pragma once
// Host-side resource probes used by the harness: peak RSS from a side thread, RAPL energy
// counters, and the conditions that make a measurement unreliable (warnings).
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace accelbench::runner {

// Reads a "VmRSS"/"VmHWM"-style line of /proc/self/status in KiB; nullopt when unreadable.
std::optional<int64_t> ReadProcStatusKiB(const char* field);

// Polls VmRSS on a side thread until destroyed (RAII; joins its thread).
class RssPoller {
 public:
  explicit RssPoller(double period_ms);
  ~RssPoller();
  RssPoller(const RssPoller&) = delete;
  RssPoller& operator=(const RssPoller&) = delete;
  int64_t PeakKiB() const { return peak_kib_.load(); }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> peak_kib_{0};
  std::thread thread_;
};

// Sum of the top-level RAPL package counters (/sys/class/powercap/intel-rapl:N/energy_uj), in
// joules, with wrap-around handled. Available() is false when no counter is readable (VMs,
// unprivileged users): energy is then absent, never estimated.
class RaplCounter {
 public:
  RaplCounter();
  bool Available() const { return !domains_.empty(); }
  // Joules accumulated since construction (monotonic across wrap-arounds if read often enough).
  double Joules();

 private:
  struct Domain {
    std::string energy_path;
    double max_range_uj = 0;
    double last_uj = 0;
    double total_uj = 0;
  };
  std::vector<Domain> domains_;
};

// Energy per item above idle: (joules - idle_watts * elapsed_s) / (items_per_step * steps);
// nullopt when nothing is left above idle or there are no items (never a made-up number).
std::optional<double> EnergyAboveIdlePerItem(double joules, double idle_watts, double elapsed_s,
                                             double items_per_step, size_t steps);

// Warnings that hold for every configuration of this process: debug build, CPU frequency
// governor not "performance", reference (netlib) BLAS mapped.
std::vector<std::string> EnvironmentWarnings();

}  // namespace accelbench::runner
