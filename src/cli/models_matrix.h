#pragma once
// The generated test matrix: family x platform x precision x mode, each "runs" here or
// "skipped" with the reason, from the capability matrix (hardware::WhyUnsupported) over a
// hardware report, plus the model layer's own rule (prefill/decode need a generative family).
// Printed by `accelbench models --matrix` (cmd_models_matrix.cc).
#include <optional>
#include <string>
#include <vector>

#include "core/enums.h"
#include "hardware/hardware.h"

namespace accelbench::cli {

struct ModelsMatrixRow {
  std::string family;
  PlatformKind platform = PlatformKind::kCpu;
  Precision precision = Precision::kFp32;
  Mode mode = Mode::kInference;
  std::optional<std::string> skip_reason;  // nullopt = runs here
};

struct ModelsMatrixFilter {  // empty = all
  std::vector<std::string> families;
  std::vector<PlatformKind> platforms;
  std::vector<Precision> precisions;
  std::vector<Mode> modes;
};

// Rows for every registered family (registry order) x platform kind x precision x mode that
// pass the filter. Unknown family names in the filter are a UsageError listing the valid ones.
std::vector<ModelsMatrixRow> BuildModelsMatrix(const hardware::HardwareReport& report,
                                               const ModelsMatrixFilter& filter = {});

// format: table, json, csv or md (UsageError otherwise).
std::string FormatModelsMatrix(const std::vector<ModelsMatrixRow>& rows, const std::string& format);

}  // namespace accelbench::cli
