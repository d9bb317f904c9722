// The runtime "onnxruntime" (issue 6): onnxruntime-node in a Node child process measures the
// exported model under the runner's protocol (see README.md).
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "backends/backend.h"
#include "backends/browser/onnx_model_prep.h"
#include "backends/browser/own_clock.h"
#include "core/errors.h"
#include "models/lowering/ort_runner.h"

namespace accelbench::backends {
namespace {
using nlohmann::json;

class OrtNativeBackend : public Backend {
 public:
  void Load(const LoadRequest& req) override {
    req_ = req;
    if (req.platform != "cpu")
      throw UnsupportedError(
          "runtime onnxruntime runs on platform cpu here (onnxruntime-node CPU "
          "build), not " +
          req.platform);
    model_.reset();
    model_ = std::make_unique<browser::ExportedModel>(req);
  }

  std::optional<OwnClockMeasurement> MeasureOwnClock(const OwnClockProtocol& p) override {
    if (!model_) throw RuntimeError("onnxruntime backend: measure before Load");
    models::OrtRunOptions o;
    o.precision = req_.precision;
    o.intra_op_threads = req_.threads;
    o.protocol_json = browser::ProtocolJson(p).dump();
    o.backend_options = req_.options;
    auto it = req_.options.find("placement");
    o.placement = it == req_.options.end() || it->second != "off";
    const auto r = models::RunOnnxRuntimeNode(model_->path(), model_->inputs(), o);
    version_ = r.runtime_version;
    last_ = browser::PickLastOutput(r.outputs);
    fields_ = model_->ResultFields(r.outputs);  // issue 11: weight bytes, deviation from fp32
    OwnClockMeasurement m = browser::OwnClockFromAnswer(json::parse(r.manifest_json));
    json metrics = json::parse(m.metrics_json);
    metrics["onnx_export_ms"] = model_->export_ms();
    m.metrics_json = metrics.dump();
    if (auto pl = browser::ParsePlacement(r.log, "cpu")) {
      m.ep_nodes = pl->ep_nodes;
      m.cpu_fallback_nodes = pl->cpu_fallback_nodes + pl->other_nodes;
    }
    return m;
  }

  void Step() override {
    throw RuntimeError("onnxruntime: the Node child owns the clock (MeasureOwnClock), no Step");
  }
  int64_t ItemsPerStep() const override { return req_.workload.batch; }
  DeviceMemory Memory() override { return {}; }
  std::vector<float> LastOutput() override { return last_; }
  RuntimeFacts Facts() const override {
    RuntimeFacts f;
    f.runtime = "onnxruntime";
    f.runtime_version = version_;
    f.execution_provider = "cpu";
    f.threads = req_.threads > 0
                    ? req_.threads
                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    f.details["host"] = "onnxruntime-node (Node child process)";
    if (model_)
      for (const auto& [k, v] : model_->details()) f.details[k] = v;
    f.result_fields = fields_;
    return f;
  }

 private:
  LoadRequest req_;
  std::unique_ptr<browser::ExportedModel> model_;
  std::string version_;
  std::vector<float> last_;
  std::map<std::string, double> fields_;
};

}  // namespace

std::unique_ptr<Backend> MakeOrtNativeBackend() { return std::make_unique<OrtNativeBackend>(); }

}  // namespace accelbench::backends
