// The runtime "onnxruntime-web" (issue 6): an exported model measured by the harness page in
// headless Chromium (or Firefox ESR: --backend-option browser=firefox) on EP wasm, webgpu or
// webnn. The page owns the clock and runs the runner's
// protocol (web/harness/protocol.mjs); the harness computes the statistics from its samples.
// One fresh browser per configuration: a crash or hang of the page is a failed result.
#include <algorithm>
#include <chrono>
#include <memory>

#include "backends/backend.h"
#include "backends/browser/browser_onnx.h"
#include "backends/browser/onnx_model_prep.h"
#include "backends/browser/own_clock.h"
#include "core/errors.h"

namespace accelbench::backends {
namespace {
using nlohmann::json;

class OrtWebBackend : public Backend {
 public:
  void Load(const LoadRequest& req) override {
    req_ = req;
    ep_ = req.platform.substr(0, req.platform.find(':'));
    if (ep_ != "wasm" && ep_ != "webgpu" && ep_ != "webnn")
      throw UnsupportedError("onnxruntime-web runs on the web platforms wasm, webgpu, webnn, not " +
                             req.platform);
    // issue 11: onnxruntime-web 1.30's webgpu EP gives wrong outputs for int8 activation Q/DQ
    // (measured: rel. L2 0.35-1.4 from the same file in onnxruntime-node); weight-only is right.
    const auto plan = req.options.find("precision_plan");
    const bool int8 = req.precision == Precision::kInt8 ||
                      (plan != req.options.end() && plan->second.find("int8") != std::string::npos);
    if (ep_ == "webgpu" && int8 && Option("activations", "dynamic") != "weight_only")
      throw UnsupportedError(
          "int8 activation Q/DQ on webgpu: onnxruntime-web 1.30 computes it wrongly (measured "
          "rel. L2 0.35-1.4 vs onnxruntime-node); use --backend-option activations=weight_only");
    model_.reset();
    model_ = std::make_unique<browser::ExportedModel>(req);
  }

  std::optional<OwnClockMeasurement> MeasureOwnClock(const OwnClockProtocol& p) override {
    if (!model_) throw RuntimeError("onnxruntime-web backend: measure before Load");
    browser::BrowserRunOptions o;
    o.ep = ep_;
    if (ep_ == "webnn") {
      const auto colon = req_.platform.find(':');
      std::string dev = colon == std::string::npos ? "cpu" : req_.platform.substr(colon + 1);
      o.webnn_device_type = dev.substr(0, dev.find(','));
      if (o.webnn_device_type.empty()) o.webnn_device_type = "cpu";
    }
    o.threads = req_.threads;
    o.browser = browser::ParseBrowserKind(Option("browser", "chromium"));
    o.protocol_json = browser::ProtocolJson(p);
    o.options = req_.options;
    o.precision = std::string(ToString(req_.precision));
    o.placement = Option("placement", "on") != "off";
    // Session creation and the first WebGPU inference (shader compilation) take minutes on a
    // busy 2-core machine with SwiftShader: a generous default, below nothing but the worker's
    // own --time-limit.
    const double default_s =
        (p.budget_ms + p.warmup_max_ms) / 1000.0 + (ep_ == "webgpu" ? 240 : 90);
    o.timeout = std::chrono::milliseconds(static_cast<int64_t>(
        std::stod(Option("page_timeout_s", std::to_string(default_s))) * 1000));
    browser::BrowserRunResult r;
    try {
      r = browser::RunOnnxInBrowser(model_->path(), model_->inputs(), o);
    } catch (const RuntimeError& e) {
      const std::string msg = e.what();
      const std::string tag = "unsupported: ";  // the page's prefix; UnsupportedError adds it
      if (const auto at = msg.find(tag); at != std::string::npos)
        throw UnsupportedError(msg.substr(at + tag.size()));
      throw;
    }
    meta_ = r.meta;
    last_ = browser::PickLastOutput(r.outputs);
    fields_ = model_->ResultFields(r.outputs);  // issue 11: weight bytes, deviation from fp32
    OwnClockMeasurement m = browser::OwnClockFromAnswer(r.body);
    json metrics = json::parse(m.metrics_json);
    metrics["onnx_export_ms"] = model_->export_ms();
    metrics["input_fetch_ms"] = meta_.value("input_fetch_ms", 0.0);
    m.metrics_json = metrics.dump();
    if (auto pl = browser::ParsePlacement(meta_.value("placement_log", std::string()), ep_)) {
      m.ep_nodes = pl->ep_nodes;
      m.cpu_fallback_nodes = pl->cpu_fallback_nodes + pl->other_nodes;
    }
    if (meta_.contains("adapter") && meta_["adapter"].value("software", false)) {
      std::string arch = meta_["adapter"].value("architecture", std::string());
      if (arch.empty()) arch = "fallback adapter, name not exposed";  // Firefox
      m.notes.push_back("software WebGPU adapter (" + arch +
                        ", CPU-emulated): not a GPU measurement");
    }
    if (ep_ == "wasm" && !meta_.value("cross_origin_isolated", false))
      m.notes.push_back("page not crossOriginIsolated: WASM ran single-threaded");
    return m;
  }

  void Step() override {
    throw RuntimeError("onnxruntime-web: the page owns the clock (MeasureOwnClock), no Step");
  }
  int64_t ItemsPerStep() const override { return req_.workload.batch; }
  DeviceMemory Memory() override { return {}; }
  std::vector<float> LastOutput() override { return last_; }

  RuntimeFacts Facts() const override {
    RuntimeFacts f;
    f.runtime = "onnxruntime-web";
    if (meta_.contains("ort_version") && meta_["ort_version"].is_string())
      f.runtime_version = meta_["ort_version"].get<std::string>();
    f.execution_provider = ep_;
    if (ep_ == "wasm") f.threads = meta_.value("wasm_threads", 0);
    f.details["browser"] = meta_.value("browser", std::string());
    f.details["user_agent"] = meta_.value("user_agent", std::string());
    f.details["cross_origin_isolated"] =
        meta_.value("cross_origin_isolated", false) ? "true" : "false";
    f.details["wasm_threads"] = std::to_string(meta_.value("wasm_threads", 0));
    if (meta_.contains("adapter")) {
      const json& a = meta_["adapter"];
      f.details["adapter"] = a.value("vendor", std::string()) + " " +
                             a.value("architecture", std::string()) + " " +
                             a.value("description", std::string());
      f.details["software_adapter"] = a.value("software", false) ? "true" : "false";
      f.details["shader_f16"] =
          a.contains("features") &&
                  std::count(a["features"].begin(), a["features"].end(), "shader-f16") > 0
              ? "true"
              : "false";
    }
    if (model_)
      for (const auto& [k, v] : model_->details()) f.details[k] = v;
    f.result_fields = fields_;
    return f;
  }

 private:
  std::string Option(const std::string& key, const std::string& fallback) const {
    auto it = req_.options.find(key);
    return it == req_.options.end() ? fallback : it->second;
  }

  LoadRequest req_;
  std::string ep_;
  std::unique_ptr<browser::ExportedModel> model_;
  json meta_ = json::object();
  std::vector<float> last_;
  std::map<std::string, double> fields_;
};

}  // namespace

std::unique_ptr<Backend> MakeOrtWebBackend() { return std::make_unique<OrtWebBackend>(); }

}  // namespace accelbench::backends
