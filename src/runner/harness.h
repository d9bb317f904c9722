#pragma once
// The measurement harness: it, never the backend, owns timing (std::chrono::steady_clock),
// warm-up, the stop rule and the statistics. One call measures one configuration.
#include <optional>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "core/result.h"
#include "runner/planner.h"
#include "runner/settings.h"

namespace accelbench::runner {

struct Measured {
  ResultRecord record;
  std::vector<double> samples_ms;  // every measured iteration, in order
};

// The load request a planned configuration stands for.
backends::LoadRequest MakeLoadRequest(const PlannedConfig& c);

// A record with the configuration's identity fields filled (status ok, nothing measured).
ResultRecord RecordFor(const PlannedConfig& c);

// The stop rule, as a pure function over the samples so far (exposed for tests):
// kContinue until min count AND min time are met AND the CI half-width is within target;
// kBudget when the measured time reached the budget first.
enum class StopDecision { kContinue, kConverged, kBudget };
StopDecision Decide(const std::vector<double>& samples_ms, double elapsed_s,
                    const HarnessOptions& opt);

// Loads the backend for `c`, measures it and fills every metric. `peak_flops` is the stored
// GEMM calibration for the device+precision (nullopt: fraction of peak stays empty).
// Backend exceptions propagate (the worker records them as failures).
Measured Measure(backends::Backend& backend, const PlannedConfig& c, const HarnessOptions& opt,
                 std::optional<double> peak_flops);

// The measurement loop alone on an already loaded backend (exposed for the overhead benchmark).
struct LoopResult {
  std::vector<double> samples_ms;
  StopDecision stop = StopDecision::kContinue;
  double elapsed_s = 0;
};
// test_only_delay_ms: busy-wait after every step (tests only, issue 9).
LoopResult MeasureLoop(backends::Backend& backend, const HarnessOptions& opt,
                       double test_only_delay_ms = 0);

}  // namespace accelbench::runner
