#include "backends/browser/browser_onnx.h"

#include <cstring>
#include <filesystem>

#include "backends/browser/browser_probe.h"
#include "backends/browser/page_run.h"
#include "backends/browser/webopt_codec.h"
#include "core/errors.h"

namespace accelbench::backends::browser {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {
// Byte codecs shared with the web-optimization pages (webopt_codec.h).
using webopt::OutputTensor;
std::string InputBytes(const models::HostTensor& t, std::string& dtype) {
  return webopt::TensorBytes(t, dtype);
}
}  // namespace

json MeasureProtocol::ToJson() const {
  return {
      {"warmup", warmup},       {"min_iterations", min_iterations}, {"min_time_ms", min_time_ms},
      {"budget_ms", budget_ms}, {"max_iterations", max_iterations}, {"ci_target", ci_target}};
}

BrowserRunResult RunOnnxInBrowser(
    const std::string& model_path,
    const std::map<std::string, models::HostTensor, std::less<>>& inputs,
    const BrowserRunOptions& opt) {
  if (opt.ep != "wasm" && opt.ep != "webgpu" && opt.ep != "webnn")
    throw UsageError("browser execution provider '" + opt.ep +
                     "' is not one of wasm, webgpu, webnn");
  PageRequest req;
  req.content = HarnessContent();
  req.timeout = opt.timeout;
  req.browser = opt.browser;
  if (opt.ep == "webnn" && opt.browser == BrowserKind::kChromium)
    req.extra_flags.push_back("--enable-features=WebMachineLearningNeuralNetwork");
  const fs::path model = fs::absolute(model_path);
  if (!fs::exists(model)) throw RuntimeError("model file " + model.string() + " does not exist");
  req.content.files["/model/model.onnx"] = model.string();
  json job = {{"kind", "onnx"},
              {"model_url", "/model/model.onnx"},
              {"ep", opt.ep},
              {"webnn_device_type", opt.webnn_device_type},
              {"threads", opt.threads},
              {"protocol", opt.protocol_json ? *opt.protocol_json : opt.protocol.ToJson()},
              {"options", opt.options},
              {"precision", opt.precision},
              {"placement", opt.placement},
              {"external_data", json::array()},
              {"inputs", json::array()}};
  const fs::path data = model.string() + ".data";
  if (fs::exists(data)) {
    req.content.files["/model/model.onnx.data"] = data.string();
    job["external_data"].push_back(
        {{"path", data.filename().string()}, {"url", "/model/model.onnx.data"}});
  }
  int k = 0;
  for (const auto& [name, t] : inputs) {
    std::string dtype;
    const std::string url = "/input/" + std::to_string(k++) + ".bin";
    req.content.inline_content[url] = {InputBytes(t, dtype), "application/octet-stream"};
    job["inputs"].push_back({{"name", name}, {"dtype", dtype}, {"shape", t.shape}, {"url", url}});
  }
  req.job = job;
  const PageResult page = RunPage(req);
  if (!page.ok) throw RuntimeError("browser " + opt.ep + " run failed: " + page.error);
  BrowserRunResult r;
  const json& b = page.body;
  r.samples_ms = b.at("samples_ms").get<std::vector<double>>();
  r.warmup_ms = b.at("warmup_ms").get<std::vector<double>>();
  r.first_ms = b.value("first_ms", 0.0);
  r.stop = b.value("stop", std::string());
  r.meta = b.value("meta", json::object());
  // "Firefox 153.8.0" / "Chromium 156.0.8078.108" (BrowserVersion), else the user agent's.
  r.meta["browser"] = !page.browser_version.empty()
                          ? page.browser_version
                          : BrowserNameFromUserAgent(r.meta.value("user_agent", std::string()));
  r.session_ms = r.meta.value("session_ms", 0.0);
  r.fetch_ms = r.meta.value("fetch_ms", 0.0);
  for (const auto& o : b.at("outputs"))
    r.outputs[o.at("name").get<std::string>()] = OutputTensor(o);
  r.body = b;
  r.body.erase("outputs");
  return r;
}

std::vector<BatchItemResult> RunOnnxBatchInBrowser(const std::vector<BatchItem>& items,
                                                   const BrowserRunOptions& opt) {
  PageRequest req;
  req.content = HarnessContent();
  req.timeout = opt.timeout;
  req.browser = opt.browser;
  json job = {{"kind", "onnx_batch"},
              {"ep", opt.ep},
              {"threads", opt.threads},
              {"options", opt.options},
              {"items", json::array()}};
  for (size_t m = 0; m < items.size(); ++m) {
    const fs::path model = fs::absolute(items[m].model_path);
    const std::string base = "/model/" + std::to_string(m) + "/";
    req.content.files[base + "model.onnx"] = model.string();
    json item = {{"name", items[m].name},
                 {"model_url", base + "model.onnx"},
                 {"external_data", json::array()},
                 {"inputs", json::array()}};
    const fs::path data = model.string() + ".data";
    if (fs::exists(data)) {
      req.content.files[base + "model.onnx.data"] = data.string();
      item["external_data"].push_back(
          {{"path", data.filename().string()}, {"url", base + "model.onnx.data"}});
    }
    int k = 0;
    for (const auto& [name, t] : items[m].inputs) {
      std::string dtype;
      const std::string url = base + "input" + std::to_string(k++) + ".bin";
      req.content.inline_content[url] = {InputBytes(t, dtype), "application/octet-stream"};
      item["inputs"].push_back(
          {{"name", name}, {"dtype", dtype}, {"shape", t.shape}, {"url", url}});
    }
    job["items"].push_back(item);
  }
  req.job = job;
  const PageResult page = RunPage(req);
  if (!page.ok) throw RuntimeError("browser " + opt.ep + " batch failed: " + page.error);
  std::vector<BatchItemResult> out;
  for (const auto& r : page.body.at("results")) {
    BatchItemResult b;
    b.name = r.value("name", std::string());
    b.ok = r.value("ok", false);
    b.error = r.value("error", std::string());
    if (b.ok) {
      b.session_ms = r.value("timings", json::object()).value("session_create_ms", 0.0);
      b.run_ms = r.value("run_ms", 0.0);
      for (const auto& o : r.at("outputs"))
        b.outputs[o.at("name").get<std::string>()] = OutputTensor(o);
    }
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace accelbench::backends::browser
