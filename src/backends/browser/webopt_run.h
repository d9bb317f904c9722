#pragma once
// Runs one model, or the component models of a multimodal model, in onnxruntime-web inside
// headless Chromium with the web-optimization switches (web/harness/web_optimizations.mjs):
//   shader_precompile=on|off  warm-up on dummy inputs inside session creation (+ graph_capture)
//   parallel_load=on|off      components' sessions created concurrently, inference started as
//                             soon as a component is ready
// and returns load time, first inference, time to first output and the measured samples.
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "backends/browser/browser_onnx.h"
#include "models/lowering/onnx_components.h"

namespace accelbench::backends::browser {

struct WebOptResult {
  std::map<std::string, models::HostTensor> outputs;
  std::vector<double> samples_ms, warmup_ms;
  double fetch_ms = 0;
  double load_ms = 0;          // every session created (+ warm-up when precompiling)
  double first_ms = 0;         // first real inference (pipeline) after loading
  double first_output_ms = 0;  // from the start of loading until the first outputs exist
  std::string stop;
  nlohmann::json timings;  // per component: create_ms, precompile_ms, ready_ms
  nlohmann::json meta;     // user agent, adapter, wasm threads, ...
};

// `components` in run order (ExportComponents' order; a single model is one component reading
// the graph inputs). `options` are the switches, stored as given. Throws RuntimeError on any
// page or browser failure (the browser is gone when it returns or throws).
WebOptResult RunWebOptInBrowser(
    const std::vector<models::ComponentModel>& components, const std::vector<std::string>& outputs,
    const std::map<std::string, models::HostTensor, std::less<>>& inputs,
    const std::map<std::string, std::string>& options, const BrowserRunOptions& opt = {});

// One whole model as a single component (its inputs from `inputs`, every output returned).
models::ComponentModel SingleComponent(
    const std::string& model_path,
    const std::map<std::string, models::HostTensor, std::less<>>& inputs);

}  // namespace accelbench::backends::browser
