#pragma once
// Browser detection for the hardware module: opens the probe page in headless Chromium (or
// Firefox ESR) and turns its answer into webgpu / webnn / wasm PlatformStatus entries
// (hardware::DetectOptions::browser_probe). Browser missing -> all three unavailable with
// "install chromium" / "install firefox-esr".
#include <chrono>
#include <nlohmann/json.hpp>
#include <vector>

#include "backends/browser/chromium_process.h"
#include "hardware/hardware.h"

namespace accelbench::backends::browser {

// The probe page's raw answer ({user_agent, wasm, webgpu, webnn}); throws RuntimeError when
// Chromium is missing or the page fails.
nlohmann::json RunBrowserProbe(std::chrono::milliseconds timeout,
                               BrowserKind browser = BrowserKind::kChromium);

// Statuses from a probe answer (exposed for tests).
std::vector<hardware::PlatformStatus> StatusesFromProbe(const nlohmann::json& probe);

// The hook for DetectOptions::browser_probe: never throws; a failed probe makes all three
// platforms unavailable with the reason.
std::vector<hardware::PlatformStatus> ProbeBrowserPlatforms(std::chrono::milliseconds timeout);
// The same in one given browser (named differently so that ProbeBrowserPlatforms stays one
// function that converts to DetectOptions::browser_probe).
std::vector<hardware::PlatformStatus> ProbeOneBrowserPlatforms(std::chrono::milliseconds timeout,
                                                               BrowserKind browser);
// Several browsers: a platform is available when one of them offers it (its entry is kept);
// otherwise the first browser's entry, with every browser's reason joined.
std::vector<hardware::PlatformStatus> ProbeBrowsersPlatforms(
    std::chrono::milliseconds timeout, const std::vector<BrowserKind>& browsers);
// "Chromium 156.0.0.0" / "Firefox 153.0" from a user agent (the page's navigator.userAgent).
std::string BrowserNameFromUserAgent(const std::string& ua);

}  // namespace accelbench::backends::browser
