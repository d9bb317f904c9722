#pragma once
// TEST DOUBLE: a Backend with a known latency distribution, runtime "test-double". It measures
// nothing real; it exists to test the harness and the isolation, and is never part of the default
// suite or of the runtime listings. Options (LoadRequest::options, `--backend-option k=v`):
//   latency_ms=1.0   mean step latency (sleeps until the drawn deadline)
//   jitter=0.02      relative standard deviation of the normal draws
//   slow_steps=0     the first N steps take 5x longer (a warm-up to detect)
//   prepare_ms=0     Prepare() sleeps this long (untimed work the harness must keep off the clock);
//                    Facts().details count "prepares" and "steps_without_prepare"
//   seed=1           seed of the draws
//   pci_bus_id=ID    Facts() name this GPU: the harness reads NVML's counters for it (tests point
//                    ACCELBENCH_NVML_LIBRARY at the NVML test double)
//   crash_on=MODEL:BATCH  raise SIGSEGV in Step for that model and batch ("*" matches any)
//   hang_on=MODEL:BATCH   sleep forever in Step
//   oom_on=MODEL:BATCH    allocate and touch memory until allocation fails
//   throw_on=MODEL:BATCH  throw RuntimeError from Load
//   unsupported_on=MODEL:BATCH  throw UnsupportedError from Load (recorded as skipped)
#include <memory>
#include <random>

#include "backends/backend.h"

namespace accelbench::runner {

class TestDoubleBackend : public backends::Backend {
 public:
  void Load(const backends::LoadRequest& req) override;
  void Prepare() override;
  void Step() override;
  int64_t ItemsPerStep() const override;
  backends::DeviceMemory Memory() override { return {}; }
  backends::RuntimeFacts Facts() const override;
  std::vector<float> LastOutput() override { return {}; }

 private:
  enum class Fault { kNone, kCrash, kHang, kOom };
  backends::LoadRequest req_;
  double latency_ms_ = 1.0, jitter_ = 0.02;
  int64_t slow_steps_ = 0, steps_ = 0;
  double prepare_ms_ = 0;
  bool prepared_ = false;
  int64_t prepares_ = 0, unprepared_steps_ = 0;
  Fault fault_ = Fault::kNone;
  std::mt19937_64 rng_;
};

std::unique_ptr<backends::Backend> MakeTestDoubleBackend();

}  // namespace accelbench::runner
