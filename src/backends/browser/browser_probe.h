#pragma once
// Browser detection for the hardware module: opens the probe page in headless Chromium and
// turns its answer into webgpu / webnn / wasm PlatformStatus entries (hardware::DetectOptions::
// browser_probe). Chromium missing -> all three unavailable with "install chromium".
#include <chrono>
#include <nlohmann/json.hpp>
#include <vector>

#include "hardware/hardware.h"

namespace accelbench::backends::browser {

// The probe page's raw answer ({user_agent, wasm, webgpu, webnn}); throws RuntimeError when
// Chromium is missing or the page fails.
nlohmann::json RunBrowserProbe(std::chrono::milliseconds timeout);

// Statuses from a probe answer (exposed for tests).
std::vector<hardware::PlatformStatus> StatusesFromProbe(const nlohmann::json& probe);

// The hook for DetectOptions::browser_probe: never throws; a failed probe makes all three
// platforms unavailable with the reason.
std::vector<hardware::PlatformStatus> ProbeBrowserPlatforms(std::chrono::milliseconds timeout);

}  // namespace accelbench::backends::browser
