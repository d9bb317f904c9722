#pragma once
// The default suite (`accelbench run --default-suite`, what `make run` runs): every registered
// family at the largest preset that fits memory and the time budget, on every available
// platform, fp32 plus the fastest supported lower precision, batch 1 and 8, inference.
#include <optional>
#include <string>
#include <vector>

#include "runner/planner.h"
#include "runner/settings.h"

namespace accelbench::runner {

struct DefaultSuiteInputs {
  PlanContext ctx;
  int64_t host_memory_bytes = 0;  // available memory
  // Planning-only FLOP rate of each platform at fp32 (a stored GEMM calibration when there is
  // one, else a deliberately conservative guess); never stored as a measurement.
  std::function<double(const PlatformAvailability&)> planning_flops;
  double budget_s = 480;  // total wall time the suite may plan for
  std::string runtime = "libtorch";
};

// One Sweep per family/platform (each with its own preset and precisions).
std::vector<Sweep> DefaultSuite(const DefaultSuiteInputs& in);

// The harness settings the default suite uses (short: dozens of configurations in minutes).
HarnessOptions DefaultSuiteHarness();

}  // namespace accelbench::runner
