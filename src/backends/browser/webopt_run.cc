#include "backends/browser/webopt_run.h"

#include <filesystem>

#include "backends/browser/page_run.h"
#include "backends/browser/webopt_codec.h"
#include "core/errors.h"

namespace accelbench::backends::browser {
namespace fs = std::filesystem;
using nlohmann::json;

models::ComponentModel SingleComponent(
    const std::string& model_path,
    const std::map<std::string, models::HostTensor, std::less<>>& inputs) {
  models::ComponentModel c;
  c.name = "model";
  c.path = model_path;
  for (const auto& [name, t] : inputs) {
    std::string dtype;
    webopt::TensorBytes(t, dtype);
    c.inputs.push_back({name, dtype, t.shape});
  }
  return c;
}

WebOptResult RunWebOptInBrowser(
    const std::vector<models::ComponentModel>& components, const std::vector<std::string>& outputs,
    const std::map<std::string, models::HostTensor, std::less<>>& inputs,
    const std::map<std::string, std::string>& options, const BrowserRunOptions& opt) {
  if (opt.ep != "wasm" && opt.ep != "webgpu")
    throw UsageError("web optimizations run on wasm or webgpu, not '" + opt.ep + "'");
  if (components.empty()) throw UsageError("web optimizations: no model to run");
  PageRequest req;
  req.content = HarnessContent();
  req.page = "/harness/webopt_page.html";
  req.timeout = opt.timeout;
  json opts = json::object();
  for (const auto& [k, v] : options) opts[k] = v;
  json job = {{"kind", "webopt"},        {"ep", opt.ep},
              {"threads", opt.threads},  {"protocol", opt.protocol.ToJson()},
              {"options", opts},         {"components", json::array()},
              {"inputs", json::array()}, {"outputs", outputs}};
  int k = 0;
  for (const auto& c : components) {
    const fs::path p = fs::absolute(c.path);
    if (!fs::exists(p)) throw RuntimeError("model file " + p.string() + " does not exist");
    if (fs::exists(p.string() + ".data"))
      throw UnsupportedError("web optimizations: " + p.string() +
                             " has external data (export the components inline)");
    const std::string url = "/model/" + std::to_string(k++) + ".onnx";
    req.content.files[url] = p.string();
    json ins = json::array();
    for (const auto& t : c.inputs)
      ins.push_back({{"name", t.name}, {"dtype", t.dtype}, {"shape", t.shape}});
    json outs = json::array();
    for (const auto& t : c.outputs) outs.push_back(t.name);
    job["components"].push_back(
        {{"name", c.name}, {"model_url", url}, {"inputs", ins}, {"outputs", outs}});
  }
  k = 0;
  for (const auto& [name, t] : inputs) {
    std::string dtype;
    const std::string url = "/input/" + std::to_string(k++) + ".bin";
    req.content.inline_content[url] = {webopt::TensorBytes(t, dtype), "application/octet-stream"};
    job["inputs"].push_back({{"name", name}, {"dtype", dtype}, {"shape", t.shape}, {"url", url}});
  }
  req.job = job;
  const PageResult page = RunPage(req);
  if (!page.ok) throw RuntimeError("browser " + opt.ep + " run failed: " + page.error);
  const json& b = page.body;
  WebOptResult r;
  r.samples_ms = b.at("samples_ms").get<std::vector<double>>();
  r.warmup_ms = b.at("warmup_ms").get<std::vector<double>>();
  r.first_ms = b.value("first_ms", 0.0);
  r.stop = b.value("stop", std::string());
  r.meta = b.value("meta", json::object());
  r.timings = b.value("timings", json::object());
  r.fetch_ms = r.meta.value("fetch_ms", 0.0);
  r.load_ms = r.timings.value("load_ms", 0.0);
  r.first_output_ms = r.timings.value("first_pipeline_ms", 0.0);
  for (const auto& o : b.at("outputs"))
    r.outputs[o.at("name").get<std::string>()] = webopt::OutputTensor(o);
  return r;
}

}  // namespace accelbench::backends::browser
