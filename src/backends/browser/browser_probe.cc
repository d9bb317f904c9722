#include "backends/browser/browser_probe.h"

#include <algorithm>
#include <exception>

#include "backends/browser/chromium_process.h"
#include "backends/browser/page_run.h"
#include "core/errors.h"

namespace accelbench::backends::browser {
using hardware::PlatformStatus;
using nlohmann::json;

std::string BrowserNameFromUserAgent(const std::string& ua) {
  // "Mozilla/5.0 ... HeadlessChrome/156.0.7000.0 Safari/537.36" -> "Chromium 156.0.7000.0"
  for (const char* key : {"HeadlessChrome/", "Chrome/", "Firefox/"}) {
    const auto p = ua.find(key);
    if (p == std::string::npos) continue;
    const auto start = p + std::string(key).size();
    const auto end = ua.find(' ', start);
    const std::string name = std::string(key) == "Firefox/" ? "Firefox" : "Chromium";
    return name + " " + ua.substr(start, end == std::string::npos ? end : end - start);
  }
  return ua;
}

namespace {

PlatformStatus Unavailable(PlatformKind kind, const std::string& reason) {
  PlatformStatus s;
  s.kind = kind;
  s.instance = std::string(ToString(kind));
  s.reason = reason;
  return s;
}

}  // namespace

json RunBrowserProbe(std::chrono::milliseconds timeout, BrowserKind browser) {
  PageRequest req;
  req.content = HarnessContent();
  req.timeout = timeout;
  req.browser = browser;
  if (browser == BrowserKind::kChromium)
    req.extra_flags.push_back("--enable-features=WebMachineLearningNeuralNetwork");
  req.job = {{"kind", "probe"}, {"webnn_device_types", {"cpu", "gpu", "npu"}}};
  const PageResult r = RunPage(req);
  if (!r.ok) throw RuntimeError("browser probe failed: " + r.error);
  json probe = r.body.at("probe");
  if (!r.browser_version.empty()) probe["browser_version"] = r.browser_version;
  return probe;
}

std::vector<PlatformStatus> StatusesFromProbe(const json& probe) {
  const std::string browser =
      probe.contains("browser_version")
          ? probe["browser_version"].get<std::string>()
          : BrowserNameFromUserAgent(probe.value("user_agent", std::string()));
  std::vector<PlatformStatus> out;

  const json gpu = probe.value("webgpu", json::object());
  PlatformStatus g = Unavailable(PlatformKind::kWebGpu, gpu.value("reason", std::string()));
  if (gpu.value("available", false)) {
    g.available = true;
    g.reason.clear();
    // Firefox exposes no adapter names (empty vendor/architecture): "fallback" / "adapter".
    std::string arch = gpu.value("architecture", std::string());
    if (arch.empty()) arch = gpu.value("fallback", false) ? "fallback" : "adapter";
    g.instance = "webgpu:" + arch;
    const bool software = gpu.value("software", false);
    const std::string vendor = gpu.value("vendor", std::string());
    g.name = vendor.empty() ? browser + " " + arch : vendor + " " + arch;
    if (software) g.name += " (software adapter, CPU-emulated)";
  }
  g.details = {{"browser", browser}, {"adapter", gpu}};
  g.details["software_adapter"] = gpu.value("software", false);
  out.push_back(g);

  const json nn = probe.value("webnn", json::object());
  PlatformStatus n = Unavailable(PlatformKind::kWebNn, nn.value("reason", std::string()));
  if (nn.value("available", false)) {
    n.available = true;
    n.reason.clear();
    std::string devs;
    for (const auto& [d, v] : nn.value("devices", json::object()).items())
      if (v.value("ok", false)) devs += (devs.empty() ? "" : ",") + d;
    n.instance = "webnn:" + devs;
    n.name = browser + " WebNN";
  }
  n.details = {{"browser", browser}, {"devices", nn.value("devices", json::object())}};
  out.push_back(n);

  const json wasm = probe.value("wasm", json::object());
  PlatformStatus w = Unavailable(PlatformKind::kWasm, "WebAssembly is missing");
  if (wasm.value("available", false)) {
    w.available = true;
    w.reason.clear();
    w.instance = "wasm";
    w.name = browser + " WebAssembly" +
             (wasm.value("threads", false) ? " (threads)" : " (single-threaded)");
  }
  w.details = {{"browser", browser}, {"wasm", wasm}};
  out.push_back(w);
  return out;
}

std::vector<PlatformStatus> ProbeBrowserPlatforms(std::chrono::milliseconds timeout) {
  return ProbeOneBrowserPlatforms(timeout, BrowserKind::kChromium);
}

std::vector<PlatformStatus> ProbeBrowsersPlatforms(std::chrono::milliseconds timeout,
                                                   const std::vector<BrowserKind>& browsers) {
  std::vector<PlatformStatus> out;
  for (const BrowserKind b : browsers) {
    auto one = ProbeOneBrowserPlatforms(timeout, b);
    if (out.empty()) {
      out = std::move(one);
      continue;
    }
    for (auto& s : one) {
      auto it =
          std::find_if(out.begin(), out.end(), [&](const auto& o) { return o.kind == s.kind; });
      if (it == out.end()) {
        out.push_back(std::move(s));
      } else if (!it->available && s.available) {
        *it = std::move(s);
      } else if (!it->available) {
        it->reason += "; " + std::string(ToString(b)) + ": " + s.reason;
      }
    }
  }
  return out;
}

std::vector<PlatformStatus> ProbeOneBrowserPlatforms(std::chrono::milliseconds timeout,
                                                     BrowserKind browser) {
  std::string reason;
  if (FindBrowser(browser).empty()) {
    reason = InstallHint(browser);
  } else {
    try {
      // The browser needs seconds to start; the per-probe detection timeout is for libraries.
      return StatusesFromProbe(
          RunBrowserProbe(std::max(timeout, std::chrono::milliseconds(30000)), browser));
    } catch (const std::exception& e) {
      reason = e.what();
    }
  }
  std::vector<PlatformStatus> out;
  for (PlatformKind k : {PlatformKind::kWebGpu, PlatformKind::kWebNn, PlatformKind::kWasm})
    out.push_back(Unavailable(k, reason));
  return out;
}

}  // namespace accelbench::backends::browser
