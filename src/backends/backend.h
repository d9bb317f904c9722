#pragma once
// The Backend interface (the "system under test"): load a model for a platform/precision,
// prepare inputs, run one step, report device memory. The harness in src/runner owns warm-up,
// timing, iteration counts and statistics; a backend never times itself.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/enums.h"
#include "models/config.h"
#include "models/family.h"

namespace accelbench::backends {

struct LoadRequest {
  std::string family;
  std::string preset;
  models::Config config;         // preset with overrides applied
  std::string platform = "cpu";  // instance: "cpu", "cuda:0", ...
  Precision precision = Precision::kFp32;
  Mode mode = Mode::kInference;
  models::Workload workload;
  int threads = 0;  // 0 = all cores
  uint64_t seed = 20261127;
  std::map<std::string, std::string> options;  // backend-specific switches, recorded with results
};

struct DeviceMemory {
  std::optional<int64_t> peak_bytes;  // allocator peak since the last reset
  std::optional<int64_t> current_bytes;
};

// Facts about the runtime, stored with each result.
struct RuntimeFacts {
  std::string runtime;             // "libtorch", "onnxruntime", "onnxruntime-web"
  std::string runtime_version;     // "1.13.1"
  std::string execution_provider;  // "", "wasm", "webgpu", ...
  int threads = 0;
  std::map<std::string, std::string> details;  // e.g. attention path, BLAS, adapter
  // issue 11: numbers the backend measured itself at load (quantized output deviation vs fp32,
  // weight bytes, KV-cache bytes per token), keyed by result field name; the harness stores them.
  std::map<std::string, double> result_fields;
  // The GPU the steps run on, as a PCI bus id ("0000:3b:00.0"); "" where none. The harness reads
  // that GPU's energy counter, clocks and temperature through NVML around the measured loop.
  std::string gpu_pci_bus_id;
};

// Runtimes that own their clock (a browser page, a Node child process: issue 6) run the
// harness's protocol themselves (the same warm-up and stop rules, web/harness/protocol.mjs) and
// hand back raw times; the harness computes every statistic from them.
struct OwnClockProtocol {
  int64_t min_iterations = 10;
  double min_time_ms = 1000, ci_target = 0.01, confidence = 0.95, budget_ms = 20000;
  int64_t warmup_min = 3, warmup_max = 200;
  double warmup_max_ms = 5000;
  int64_t warmup_window = 5;
  double warmup_tolerance = 0.05;
};
struct OwnClockMeasurement {
  double load_ms = 0;  // model fetch + session creation
  double first_inference_ms = 0;
  std::vector<double> warmup_ms;
  std::optional<size_t> steady_index;  // warm-up index where the steady state began
  std::vector<double> samples_ms;
  bool converged = false;  // false: the budget ran out first
  std::optional<double> fetch_ms, session_create_ms;
  std::optional<int64_t> ep_nodes, cpu_fallback_nodes;
  std::optional<double> peak_rss_mb;  // of the process that ran the model, when it tells
  std::string metrics_json;           // every timing the runtime reported (JSON object)
  std::vector<std::string> notes;     // e.g. "software adapter"
};

class Backend {
 public:
  virtual ~Backend() = default;
  // Loads weights and prepares inputs. Throws UnsupportedError for impossible requests.
  virtual void Load(const LoadRequest& req) = 0;
  // Untimed work the harness runs before each Step (outside the timer), e.g. re-prefilling a
  // decode KV cache that reached seq_len + decode_tokens. Step calls it itself if the harness
  // did not, so the work is then included in that step's time.
  virtual void Prepare() {}
  // One timed unit of work, complete on the device when it returns (the backend synchronises):
  // inference forward, training step (forward+backward+optimizer), prefill of the prompt, or one
  // decode token.
  virtual void Step() = 0;
  // Items processed by one Step (batch for inference; tokens for prefill/decode).
  virtual int64_t ItemsPerStep() const = 0;
  virtual DeviceMemory Memory() = 0;
  virtual void ResetPeakMemory() {}
  virtual RuntimeFacts Facts() const = 0;
  // The first output of the last step, on the host as fp32 (for deviation vs fp32).
  virtual std::vector<float> LastOutput() = 0;
  // Measures the device's dense GEMM rate (FLOP/s) at the loaded precision (the harness stores
  // it once per device and reports achieved/peak). nullopt where the backend cannot.
  virtual std::optional<double> CalibrateGemmFlops() { return std::nullopt; }
  // Own-clock runtimes measure the loaded model under `p` themselves (nullopt: the harness
  // times Step() as usual).
  virtual std::optional<OwnClockMeasurement> MeasureOwnClock(const OwnClockProtocol& p) {
    (void)p;
    return std::nullopt;
  }
};

using BackendFactory = std::function<std::unique_ptr<Backend>()>;

}  // namespace accelbench::backends
