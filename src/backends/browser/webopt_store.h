#pragma once
// Storing the web optimizations' measurements (issue 6): each switch setting as its own result
// row (options_json carries the switch, so ON and OFF sit side by side in `results`), and the
// WebGPU autotuner's trials and choice in table webgpu_autotune (schema v4).
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "backends/browser/mel_browser.h"
#include "core/result.h"
#include "store/database.h"

namespace accelbench::backends::browser {

// "Chromium 156.0.1.2" from the page's user agent ("browser" when unknown).
std::string BrowserName(const nlohmann::json& meta);
// "webgpu:<architecture>" (software adapters as the probe names them), or "wasm".
std::string WebPlatform(const std::string& ep, const nlohmann::json& meta);

// A run row for one `accelbench web-opt ...` invocation; returns its run id.
std::string BeginWebOptRun(store::Database& db, const std::string& command,
                           const std::map<std::string, std::string>& tags);
void FinishWebOptRun(store::Database& db, const std::string& run_id, bool ok);

// The common fields of a web-optimization result: ids, model, platform from the page's meta
// (software adapters labelled in `reason`), options_json = the switches + `effective`, the
// latency statistics of `samples_ms` (none when empty: a load-only measurement).
ResultRecord WebOptRecord(const std::string& run_id, const std::string& model,
                          const std::string& preset, const std::string& runtime,
                          const std::string& ep, const nlohmann::json& meta,
                          const std::map<std::string, std::string>& switches,
                          const nlohmann::json& effective, int64_t batch,
                          const std::vector<double>& samples_ms);

// The autotuner's trials for `kernel` (e.g. "log_mel:whisper") on the page's browser + adapter.
void StoreAutotune(store::Database& db, const std::string& run_id, const nlohmann::json& meta,
                   const std::string& kernel, const std::string& problem,
                   const std::vector<MelAutotuneTrial>& trials, const std::string& best);
// The newest chosen workgroup for this browser + adapter + kernel + problem, if tuned before.
std::optional<std::string> LookupAutotune(store::Database& db, const std::string& browser,
                                          const std::string& adapter_architecture,
                                          const std::string& kernel, const std::string& problem);

}  // namespace accelbench::backends::browser
