#pragma once
// The capability matrix: for each platform, which precisions, modes and model families can run
// there, each "no" with a reason. One table, consumed by the planner (runner), the test matrix
// and the recommender. Rules that depend on detected facts (CPU ISA, CUDA compute capability)
// read them from the HardwareReport; every rule lives in capabilities.cc.
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/enums.h"
#include "hardware/hardware.h"

namespace accelbench::hardware {

// nullopt = supported; otherwise why not.
using Verdict = std::optional<std::string>;

struct PlatformCapabilities {
  PlatformKind kind = PlatformKind::kCpu;
  std::string instance;
  std::map<Precision, Verdict> precisions;
  std::map<Mode, Verdict> modes;
  std::map<std::string, Verdict, std::less<>> families;

  nlohmann::json ToJson() const;
};

// The 13 model families, by name (bert t5 llama qwen2 clip vit clap whisper wav2vec2 xclip llava
// llava_next detr).
const std::vector<std::string>& KnownFamilies();

// What one platform instance can run, from its facts (ignores whether it is available).
PlatformCapabilities CapabilitiesOf(const HardwareReport& report, const PlatformStatus& platform);

// nullopt = this configuration can run on an available instance of `kind`; otherwise the reason
// it cannot (the platform's unavailability reason when no instance is available).
std::optional<std::string> WhyUnsupported(const HardwareReport& report, PlatformKind kind,
                                          Precision precision, Mode mode, std::string_view family);
// The same for one instance ("cuda:1").
std::optional<std::string> WhyUnsupported(const HardwareReport& report,
                                          const PlatformStatus& platform, Precision precision,
                                          Mode mode, std::string_view family);

// [{instance, kind, available, reason, precisions, modes, families}] for every platform status.
nlohmann::json CapabilityMatrixJson(const HardwareReport& report);

}  // namespace accelbench::hardware
