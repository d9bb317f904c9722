// Harness overhead per iteration: runner::MeasureLoop (timing, sample storage, the stop rule's
// amortised checks) on a backend whose Step does nothing, against a bare timed loop that only
// reads the clock twice and stores the sample. Target: < 1 us per iteration (issue 5).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "backends/backend.h"
#include "runner/harness.h"

namespace {

using accelbench::backends::Backend;
using Clock = std::chrono::steady_clock;

class NoopBackend : public Backend {
 public:
  void Load(const accelbench::backends::LoadRequest&) override {}
  void Step() override { counter_ = counter_ + 1; }
  int64_t ItemsPerStep() const override { return 1; }
  accelbench::backends::DeviceMemory Memory() override { return {}; }
  accelbench::backends::RuntimeFacts Facts() const override { return {}; }
  std::vector<float> LastOutput() override { return {}; }

 private:
  volatile int64_t counter_ = 0;
};

double BareLoopNs(Backend& b, size_t n) {
  std::vector<double> samples;
  samples.reserve(1024);
  const auto start = Clock::now();
  for (size_t i = 0; i < n; ++i) {
    const auto t0 = Clock::now();
    b.Step();
    const auto t1 = Clock::now();
    samples.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  const auto end = Clock::now();
  if (samples.size() != n) std::abort();
  return std::chrono::duration<double, std::nano>(end - start).count() / static_cast<double>(n);
}

double HarnessLoopNs(Backend& b, size_t n) {
  accelbench::runner::HarnessOptions h;
  h.min_iterations = static_cast<int64_t>(n);
  h.min_time_s = 0;
  h.ci_target = 1e9;  // converges as soon as the minimum count is reached
  h.budget_s = 1e9;
  const auto start = Clock::now();
  const auto r = accelbench::runner::MeasureLoop(b, h);
  const auto end = Clock::now();
  return std::chrono::duration<double, std::nano>(end - start).count() /
         static_cast<double>(r.samples_ms.size());
}

}  // namespace

int main() {
  NoopBackend b;
  const size_t n = 2'000'000;
  std::vector<double> bare, harness;
  for (int rep = 0; rep < 5; ++rep) {
    bare.push_back(BareLoopNs(b, n));
    harness.push_back(HarnessLoopNs(b, n));
  }
  std::sort(bare.begin(), bare.end());
  std::sort(harness.begin(), harness.end());
  const double overhead = harness[2] - bare[2];
  std::printf("bare timed loop:   %.1f ns/iteration (median of 5 x %zu)\n", bare[2], n);
  std::printf("harness loop:      %.1f ns/iteration\n", harness[2]);
  std::printf("harness overhead:  %.1f ns/iteration (target < 1000 ns): %s\n", overhead,
              overhead < 1000 ? "ok" : "OVER TARGET");
  return overhead < 1000 ? 0 : 1;
}
