#pragma once
// Runs an exported ONNX model in onnxruntime-web inside headless Chromium (EP wasm, webgpu or
// webnn) under the measurement protocol given here, and returns the page's raw samples, its
// metadata and the outputs of the last run.
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/inputs.h"

namespace accelbench::backends::browser {

// The protocol the page runs (the same rules as src/runner's harness).
struct MeasureProtocol {
  int warmup = 1;            // runs after the first inference, not in the samples
  int min_iterations = 3;    // measured runs at least ...
  double min_time_ms = 0;    // ... and at least this much measured time
  double budget_ms = 10000;  // stop anyway when the measured time reaches this
  int max_iterations = 1000;
  nlohmann::json ToJson() const;
};

struct BrowserRunOptions {
  std::string ep = "wasm";  // "wasm", "webgpu", "webnn"
  std::string webnn_device_type = "cpu";
  int threads = 0;  // wasm threads; 0 = navigator.hardwareConcurrency
  MeasureProtocol protocol;
  std::chrono::milliseconds timeout{120000};  // for the whole page (load, session, runs)
};

struct BrowserRunResult {
  std::map<std::string, models::HostTensor> outputs;  // float outputs as fp32
  std::vector<double> samples_ms;                     // measured runs, in order
  std::vector<double> warmup_ms;
  double first_ms = 0;    // first inference (WebGPU: includes shader compilation)
  double session_ms = 0;  // InferenceSession.create
  double fetch_ms = 0;    // model + input fetch
  std::string stop;       // "converged", "budget", "max"
  nlohmann::json meta;    // user agent, crossOriginIsolated, wasm threads, adapter, ...
};

// Throws RuntimeError with the page's (or the browser's) message on any failure, including
// "page did not answer within N ms"; the browser is gone when it returns or throws.
BrowserRunResult RunOnnxInBrowser(
    const std::string& model_path,
    const std::map<std::string, models::HostTensor, std::less<>>& inputs,
    const BrowserRunOptions& opt = {});

}  // namespace accelbench::backends::browser
