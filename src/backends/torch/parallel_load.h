#pragma once
// Native side of web optimization 3 (parallel model loading, issue 6): load the components of a
// multimodal family (models/components.h) on libtorch one after another or on one thread per
// component, and time it. "Load" is what TorchBackend::Load does for a model's weights: every
// parameter of the component generated from the seed and materialised as an at::Tensor in the
// run precision on the device (each component in its own TorchOps, so they share nothing).
// Torch-free header.
#include <cstdint>
#include <map>
#include <string>

#include "core/enums.h"
#include "models/family.h"
#include "models/weights.h"

namespace accelbench::backends {

struct ComponentLoad {
  double ms = 0;  // this component's own load (on its thread)
  int64_t params = 0;
  int64_t tensors = 0;
};

struct ParallelLoadResult {
  bool parallel = false;
  double total_ms = 0;                              // wall time until every component is loaded
  std::map<std::string, ComponentLoad> components;  // "vision", "text", ..., "shared"
};

// Parameters of no component (logit scales, fusion layers) load as component "shared".
// Throws UsageError when the family has no separable components.
ParallelLoadResult LoadComponents(const models::Family& family, const models::Config& cfg,
                                  const models::Workload& w, bool parallel,
                                  Precision precision = Precision::kFp32,
                                  uint64_t seed = models::kDefaultSeed);

}  // namespace accelbench::backends
