#include "backends/browser/browser_onnx.h"

#include <cstring>
#include <filesystem>

#include "backends/browser/page_run.h"
#include "core/errors.h"

namespace accelbench::backends::browser {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string DecodeBase64(const std::string& in) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  int table[256];
  for (int& t : table) t = -1;
  for (size_t i = 0; i < kAlphabet.size(); ++i) table[static_cast<uint8_t>(kAlphabet[i])] = int(i);
  std::string out;
  out.reserve(in.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    const int v = table[static_cast<uint8_t>(c)];
    if (v < 0) throw RuntimeError("browser page returned invalid base64");
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(char((acc >> bits) & 0xff));
    }
  }
  return out;
}

std::string InputBytes(const models::HostTensor& t, std::string& dtype) {
  std::string b;
  if (t.dtype == models::DType::kFloat) {
    dtype = "float32";
    b.assign(reinterpret_cast<const char*>(t.f.data()), t.f.size() * 4);
  } else if (t.dtype == models::DType::kInt64) {
    dtype = "int64";
    b.assign(reinterpret_cast<const char*>(t.i.data()), t.i.size() * 8);
  } else {
    dtype = "bool";
    for (int64_t v : t.i) b.push_back(v != 0 ? 1 : 0);
  }
  return b;
}

float HalfToFloat(uint16_t h) {
  const uint32_t sign = uint32_t(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff;
  uint32_t bits;
  if (exp == 0) {
    if (man == 0) {
      bits = sign;
    } else {  // subnormal
      int e = -1;
      uint32_t m = man;
      do {
        ++e;
        m <<= 1;
      } while ((m & 0x400) == 0);
      bits = sign | uint32_t(127 - 15 - e) << 23 | (m & 0x3ff) << 13;
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000 | man << 13;
  } else {
    bits = sign | (exp + 127 - 15) << 23 | man << 13;
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

models::HostTensor OutputTensor(const json& o) {
  models::HostTensor t;
  t.shape = o.at("shape").get<std::vector<int64_t>>();
  const std::string bytes = DecodeBase64(o.at("data_base64").get<std::string>());
  const std::string dtype = o.at("dtype");
  size_t n = 1;
  for (int64_t d : t.shape) n *= static_cast<size_t>(d);
  auto need = [&](size_t elem) {
    if (bytes.size() != n * elem)
      throw RuntimeError("browser output '" + o.at("name").get<std::string>() +
                         "' has the wrong size");
  };
  if (dtype == "float32") {
    need(4);
    t.f.resize(n);
    std::memcpy(t.f.data(), bytes.data(), bytes.size());
  } else if (dtype == "float16") {
    need(2);
    t.f.resize(n);
    for (size_t i = 0; i < n; ++i) {
      uint16_t h;
      std::memcpy(&h, bytes.data() + 2 * i, 2);
      t.f[i] = HalfToFloat(h);
    }
  } else if (dtype == "int64") {
    need(8);
    t.dtype = models::DType::kInt64;
    t.i.resize(n);
    std::memcpy(t.i.data(), bytes.data(), bytes.size());
  } else if (dtype == "bool") {
    need(1);
    t.dtype = models::DType::kBool;
    t.i.assign(bytes.begin(), bytes.end());
  } else {
    throw RuntimeError("browser output dtype '" + dtype + "' is not supported");
  }
  return t;
}

}  // namespace

json MeasureProtocol::ToJson() const {
  return {{"warmup", warmup},
          {"min_iterations", min_iterations},
          {"min_time_ms", min_time_ms},
          {"budget_ms", budget_ms},
          {"max_iterations", max_iterations},
          {"ci_target", ci_target}};
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
  if (opt.ep == "webnn")
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
