#pragma once
// The planner: expands a sweep into configurations (cartesian product), records the ones the
// capability matrix or the hardware rules out as skipped (with the reason), and orders the rest
// so each model (family+preset+overrides+platform+precision) is loaded in one group and its
// batch sizes and sequence lengths reuse it (llama-bench's ordering).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/enums.h"
#include "runner/settings.h"

namespace accelbench::runner {

// A platform instance as detection saw it (filled from hardware::Detect()).
struct PlatformAvailability {
  PlatformKind kind = PlatformKind::kCpu;
  std::string instance;  // "cpu", "cuda:0"
  bool available = false;
  std::string reason;        // why not available
  int64_t memory_bytes = 0;  // 0 = unknown
};

// nullopt when supported, else the reason (the hardware capability matrix).
using CapabilityCheck = std::function<std::optional<std::string>(PlatformKind, Precision, Mode,
                                                                 const std::string& family)>;

struct PlanContext {
  std::vector<PlatformAvailability> platforms;
  CapabilityCheck why_unsupported;  // may be empty: everything supported
};

struct PlannedConfig {
  std::string config_key;  // stable: same sweep entry -> same key (resume, history)
  std::string group_key;   // configurations sharing a loaded model
  std::string runtime, model, preset;
  std::vector<std::string> sets;
  std::string platform, platform_kind;
  Precision precision = Precision::kFp32;
  Mode mode = Mode::kInference;
  int64_t batch = 1, seq_len = 0, threads = 0;
  std::map<std::string, std::string> backend_options;
  int64_t params = 0;         // from the shapes-only lowering (0 when unknown)
  double flops_per_step = 0;  // from the shapes-only lowering (0 when unknown)
  std::string skip_reason;    // non-empty: recorded as skipped, never run
};

struct Plan {
  std::vector<PlannedConfig> runnable;  // ordered, groups contiguous
  std::vector<PlannedConfig> skipped;
  size_t Total() const { return runnable.size() + skipped.size(); }
};

std::string MakeConfigKey(const PlannedConfig& c);
Plan MakePlan(const Sweep& sweep, const PlanContext& ctx);
// Whether a skipped configuration's reason is MakePlan's for a requested platform that is absent
// here ("platform X unavailable: ..." / "platform X not detected on this machine").
bool IsAbsentPlatformReason(const std::string& reason);

// Splits the ordered runnable list into groups (contiguous runs of one group_key).
std::vector<std::vector<PlannedConfig>> Groups(const std::vector<PlannedConfig>& ordered);

}  // namespace accelbench::runner
