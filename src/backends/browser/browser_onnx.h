#pragma once
// Runs an exported ONNX model in onnxruntime-web inside headless Chromium or Firefox (EP wasm,
// webgpu or webnn) under the measurement protocol given here, and returns the page's raw samples,
// its metadata and the outputs of the last run.
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "backends/browser/chromium_process.h"
#include "models/inputs.h"

namespace accelbench::backends::browser {

// The protocol the page runs (the same rules as src/runner's harness).
struct MeasureProtocol {
  int warmup = 1;            // runs after the first inference, not in the samples
  int min_iterations = 3;    // measured runs at least ...
  double min_time_ms = 0;    // ... and at least this much measured time
  double budget_ms = 10000;  // stop anyway when the measured time reaches this
  int max_iterations = 1000;
  double ci_target = 0;  // 0: no CI requirement (converged at min iterations and min time)
  nlohmann::json ToJson() const;
};

struct BrowserRunOptions {
  std::string ep = "wasm";  // "wasm", "webgpu", "webnn"
  std::string webnn_device_type = "cpu";
  int threads = 0;  // wasm threads; 0 = navigator.hardwareConcurrency
  MeasureProtocol protocol;
  // When set, replaces `protocol` (web/harness/protocol.mjs keys; the runner's full protocol).
  std::optional<nlohmann::json> protocol_json;
  std::map<std::string, std::string> options;  // --backend-option pairs: the page's `options`
  std::string precision = "fp32";              // fp16 on webgpu needs shader-f16
  bool placement = false;  // also report ORT's node placement (a second, untimed session)
  std::chrono::milliseconds timeout{120000};     // for the whole page (load, session, runs)
  BrowserKind browser = BrowserKind::kChromium;  // --backend-option browser=chromium|firefox
};

struct BrowserRunResult {
  std::map<std::string, models::HostTensor> outputs;  // float outputs as fp32
  std::vector<double> samples_ms;                     // measured runs, in order
  std::vector<double> warmup_ms;
  double first_ms = 0;    // first inference (WebGPU: includes shader compilation)
  double session_ms = 0;  // InferenceSession.create
  double fetch_ms = 0;    // model + input fetch
  std::string stop;       // "converged", "budget", "max"
  nlohmann::json meta;    // browser, user agent, crossOriginIsolated, wasm threads, adapter, ...
  nlohmann::json body;    // the page's whole answer (timings, steady_index, ...), no outputs
};

// Throws RuntimeError with the page's (or the browser's) message on any failure, including
// "page did not answer within N ms"; the browser is gone when it returns or throws.
BrowserRunResult RunOnnxInBrowser(
    const std::string& model_path,
    const std::map<std::string, models::HostTensor, std::less<>>& inputs,
    const BrowserRunOptions& opt = {});

// Many models in ONE browser (parity tests): each is created, run once and released in turn.
struct BatchItem {
  std::string name, model_path;
  std::map<std::string, models::HostTensor, std::less<>> inputs;
};
struct BatchItemResult {
  std::string name;
  bool ok = false;
  std::string error;  // the page's error for this model
  std::map<std::string, models::HostTensor> outputs;
  double session_ms = 0, run_ms = 0;
};
// Throws RuntimeError when the page as a whole fails (timeout, crash); per-model failures are
// in the results, in item order.
std::vector<BatchItemResult> RunOnnxBatchInBrowser(const std::vector<BatchItem>& items,
                                                   const BrowserRunOptions& opt);

}  // namespace accelbench::backends::browser
