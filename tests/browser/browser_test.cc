// The browser backend in real headless Chromium (Debian's, SwiftShader WebGPU): detection,
// pages that throw or hang (failed results within the time limit, no browser process left),
// and bert tiny on wasm and webgpu against libtorch RunForward on the same weights and inputs.
//
// Tolerance: max |browser - torch| <= tol * max(1, max |torch|) per float output, with
// tol = 1e-4 for wasm (as onnxruntime-node) and 1e-3 for webgpu (WGSL kernels reduce in a
// different order than the CPU kernels).
#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include "backends/browser/browser_onnx.h"
#include "backends/browser/browser_probe.h"
#include "backends/browser/chromium_process.h"
#include "backends/browser/page_run.h"
#include "core/errors.h"
#include "hardware/hardware.h"

#ifdef ACCELBENCH_BROWSER_PARITY
#include "backends/torch/torch_run.h"
#include "models/family.h"
#include "models/lowering/onnx_export.h"
#endif

namespace accelbench {
namespace {
namespace br = backends::browser;
using namespace std::chrono_literals;

bool HaveChromium() { return !br::FindChromium().empty(); }

// Processes whose command line contains `needle` (the profile dir is unique per browser).
int ProcessesWith(const std::string& needle) {
  int n = 0;
  DIR* d = opendir("/proc");
  if (!d) return -1;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::ifstream in(std::string("/proc/") + e->d_name + "/cmdline", std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    if (s.str().find(needle) != std::string::npos) ++n;
  }
  closedir(d);
  return n;
}

// Waits up to 3 s for orphaned renderer/GPU processes (already SIGKILLed) to be reaped by init.
int LeftoverProcesses(const std::string& profile_dir) {
  int n = 0;
  for (int i = 0; i < 30; ++i) {
    n = ProcessesWith(profile_dir);
    if (n == 0) break;
    std::this_thread::sleep_for(100ms);
  }
  return n;
}

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* v = std::getenv(name)) old_ = v, had_ = true;
    setenv(name, value, 1);
  }
  ~ScopedEnv() { had_ ? setenv(name_, old_.c_str(), 1) : unsetenv(name_); }

 private:
  const char* name_;
  std::string old_;
  bool had_ = false;
};

TEST(BrowserProbe, StatusesLabelSoftwareAdapterAndKeepWebNnReason) {
  const nlohmann::json probe = {
      {"user_agent", "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/156.0.1.2 Safari/537.36"},
      {"wasm", {{"available", true}, {"threads", true}, {"cross_origin_isolated", true}}},
      {"webgpu",
       {{"available", true},
        {"vendor", "google"},
        {"architecture", "swiftshader"},
        {"fallback", true},
        {"software", true},
        {"features", {"shader-f16"}}}},
      {"webnn",
       {{"available", false},
        {"reason", "WebNN is not supported on this platform."},
        {"devices",
         {{"cpu", {{"ok", false}, {"error", "WebNN is not supported on this platform."}}}}}}}};
  const auto st = br::StatusesFromProbe(probe);
  ASSERT_EQ(st.size(), 3u);
  EXPECT_EQ(st[0].kind, PlatformKind::kWebGpu);
  EXPECT_TRUE(st[0].available);
  EXPECT_EQ(st[0].instance, "webgpu:swiftshader");
  EXPECT_NE(st[0].name.find("software adapter"), std::string::npos) << st[0].name;
  EXPECT_TRUE(st[0].details.at("software_adapter").get<bool>());
  EXPECT_EQ(st[0].details.at("browser"), "Chromium 156.0.1.2");
  EXPECT_EQ(st[1].kind, PlatformKind::kWebNn);
  EXPECT_FALSE(st[1].available);
  EXPECT_EQ(st[1].reason, "WebNN is not supported on this platform.");
  EXPECT_EQ(st[2].kind, PlatformKind::kWasm);
  EXPECT_TRUE(st[2].available);
  EXPECT_NE(st[2].name.find("(threads)"), std::string::npos);
}

TEST(BrowserProbe, ChromiumMissingMeansInstallChromium) {
  ScopedEnv env("ACCELBENCH_CHROMIUM", "/nonexistent/chromium");
  hardware::DetectOptions o;
  o.probe_vendors = false;
  o.browser_probe = br::ProbeBrowserPlatforms;
  const auto t0 = std::chrono::steady_clock::now();
  const auto report = hardware::Detect(o);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
  for (PlatformKind k : {PlatformKind::kWebGpu, PlatformKind::kWebNn, PlatformKind::kWasm}) {
    const auto of = report.OfKind(k);
    ASSERT_EQ(of.size(), 1u);
    EXPECT_FALSE(of[0]->available);
    EXPECT_EQ(of[0]->reason, "install chromium");
  }
  br::PageRequest req;
  EXPECT_THROW(br::RunPage(req), RuntimeError);
}

TEST(BrowserProbe, ReportsWhatThisMachineHas) {
  if (!HaveChromium()) GTEST_SKIP() << "chromium is not installed";
  const auto probe = br::RunBrowserProbe(60s);
  std::printf("[probe] %s\n", probe.dump().c_str());
  // COOP/COEP from our server make the page cross-origin isolated: WASM threads work.
  EXPECT_TRUE(probe.at("wasm").at("cross_origin_isolated").get<bool>());
  EXPECT_TRUE(probe.at("wasm").at("threads").get<bool>());
  const auto& gpu = probe.at("webgpu");
  if (gpu.at("available").get<bool>()) {
    const std::string arch = gpu.at("architecture");
    if (arch.find("swiftshader") != std::string::npos)
      EXPECT_TRUE(gpu.at("software").get<bool>()) << "SwiftShader must be labelled software";
  } else {
    EXPECT_FALSE(gpu.at("reason").get<std::string>().empty());
  }
  const auto& nn = probe.at("webnn");
  for (const char* d : {"cpu", "gpu", "npu"}) {
    if (!nn.contains("devices") || nn.at("devices").empty()) break;  // no navigator.ml
    const auto& dev = nn.at("devices").at(d);
    if (!dev.at("ok").get<bool>()) EXPECT_FALSE(dev.at("error").get<std::string>().empty()) << d;
  }
  if (!nn.at("available").get<bool>()) EXPECT_FALSE(nn.at("reason").get<std::string>().empty());
  const auto st = br::StatusesFromProbe(probe);
  ASSERT_EQ(st.size(), 3u);
  EXPECT_TRUE(st[2].available);  // wasm
}

TEST(BrowserPage, ThrowingHarnessJobIsAFailureAndLeavesNoBrowser) {
  if (!HaveChromium()) GTEST_SKIP() << "chromium is not installed";
  br::PageRequest req;
  req.content = br::HarnessContent();
  req.content.inline_content["/model/bad.onnx"] = {"this is not an onnx model",
                                                   "application/octet-stream"};
  req.job = {{"kind", "onnx"},
             {"model_url", "/model/bad.onnx"},
             {"ep", "wasm"},
             {"threads", 1},
             {"inputs", nlohmann::json::array()}};
  req.timeout = 60s;
  const auto r = br::RunPage(req);
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.error.empty());
  EXPECT_EQ(r.error.find("did not answer"), std::string::npos)
      << "the page's own error, not a timeout: " << r.error;
  EXPECT_LT(r.wall_ms, 60000);
  std::printf("[throw] %.0f ms: %s\n", r.wall_ms, r.error.c_str());
  EXPECT_EQ(LeftoverProcesses(r.profile_dir), 0);
}

TEST(BrowserPage, PageThatThrowsOrHangsTimesOutAndLeavesNoBrowser) {
  if (!HaveChromium()) GTEST_SKIP() << "chromium is not installed";
  for (const char* script : {"throw new Error('boom');", "await new Promise(() => {});"}) {
    SCOPED_TRACE(script);
    br::PageRequest req;
    req.page = "/test.html";
    req.content.inline_content["/test.html"] = {
        std::string("<!doctype html><script type=\"module\">") + script + "</script>", "text/html"};
    req.timeout = 5s;
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = br::RunPage(req);
    const auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("did not answer within 5000 ms"), std::string::npos) << r.error;
    EXPECT_GE(took, 5s);
    EXPECT_LT(took, 10s);
    EXPECT_EQ(LeftoverProcesses(r.profile_dir), 0);
  }
}

// A fake browser (a shell script) stands for Chromium crashing at start, and for a browser whose
// child processes hang: the whole process group must be gone after RunPage.
TEST(BrowserPage, CrashingOrHangingBrowserProcessIsCleanedUp) {
  char tmpl[] = "/tmp/accelbench-fake-browser-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  const std::string crash = dir + "/crash.sh", hang = dir + "/hang.sh";
  std::ofstream(crash) << "#!/bin/sh\nexit 1\n";
  // The forked subshell keeps the script's argv (with --user-data-dir=...), so it is found in
  // /proc; it ignores SIGTERM, only SIGKILL to the group ends it.
  std::ofstream(hang)
      << "#!/bin/bash\ntrap '' TERM\n( trap '' TERM; while true; do sleep 0.2; done ) &\nwait\n";
  std::filesystem::permissions(crash, std::filesystem::perms::owner_all);
  std::filesystem::permissions(hang, std::filesystem::perms::owner_all);
  {
    br::PageRequest req;
    req.chromium = crash;
    req.timeout = 20s;
    const auto r = br::RunPage(req);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("browser exited before the page answered"), std::string::npos)
        << r.error;
    EXPECT_LT(r.wall_ms, 10000);
  }
  {
    br::PageRequest req;
    req.chromium = hang;
    req.timeout = 2s;
    const auto r = br::RunPage(req);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("did not answer within 2000 ms"), std::string::npos) << r.error;
    EXPECT_EQ(LeftoverProcesses(r.profile_dir), 0);
  }
  std::filesystem::remove_all(dir);
}

TEST(BrowserPage, RunOnnxReportsAFailedRunAsRuntimeError) {
  br::BrowserRunOptions o;
  o.ep = "cuda";
  EXPECT_THROW(br::RunOnnxInBrowser("/nonexistent.onnx", {}, o), UsageError);
}

// Runs a shell command, returning its stdout and exit code.
std::pair<std::string, int> Shell(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return {"", -1};
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int st = pclose(p);
  return {out, WIFEXITED(st) ? WEXITSTATUS(st) : -1};
}

TEST(BrowserCli, DetectBrowserShowsWebPlatforms) {
  const char* bin = std::getenv("ACCELBENCH_BIN");
  if (!bin || !*bin) GTEST_SKIP() << "ACCELBENCH_BIN not set (run under ctest)";
  if (!HaveChromium()) GTEST_SKIP() << "chromium is not installed";
  auto [out, rc] = Shell(std::string("'") + bin + "' detect --browser --format json 2>/dev/null");
  ASSERT_EQ(rc, 0) << out;
  const auto j = nlohmann::json::parse(out);
  std::map<std::string, nlohmann::json> web;
  for (const auto& p : j.at("platforms")) {
    const std::string kind = p.at("kind");
    if (kind == "webgpu" || kind == "webnn" || kind == "wasm") web[kind] = p;
  }
  ASSERT_EQ(web.size(), 3u) << out;
  for (const auto& [k, p] : web) {
    EXPECT_EQ(p.dump().find("probe requires the browser backend"), std::string::npos) << k;
    if (!p.at("available").get<bool>())
      EXPECT_FALSE(p.at("reason").get<std::string>().empty()) << k;
  }
  EXPECT_TRUE(web["wasm"].at("available").get<bool>());
  // Without Chromium: unavailable with "install chromium", and no hang.
  auto [out2, rc2] = Shell("ACCELBENCH_CHROMIUM=/nonexistent '" + std::string(bin) +
                           "' detect --browser --format csv 2>/dev/null");
  ASSERT_EQ(rc2, 0) << out2;
  int n = 0;
  for (size_t pos = 0; (pos = out2.find("install chromium", pos)) != std::string::npos; ++pos) ++n;
  EXPECT_EQ(n, 3) << out2;
}

#ifdef ACCELBENCH_BROWSER_PARITY
class BrowserParity : public testing::TestWithParam<std::string> {};

TEST_P(BrowserParity, BertTinyMatchesTorch) {
  if (!HaveChromium()) GTEST_SKIP() << "chromium is not installed";
  const std::string ep = GetParam();
  const auto& family = models::FindFamily("bert");
  const auto cfg = family.FindPreset("tiny").config;
  models::Workload w;
  w.batch = 1;
  w.seq_len = 8;
  char tmpl[] = "/tmp/accelbench-browser-test-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  const std::string path = dir + "/bert.onnx";
  models::ExportOnnx(family, cfg, w, path);
  const auto inputs = models::GenerateInputs(family.InputsFor(cfg, w, Mode::kInference), 11);
  const auto ref = backends::RunForward(family, cfg, inputs, Precision::kFp32);
  br::BrowserRunOptions o;
  o.ep = ep;
  o.threads = 2;
  o.protocol.warmup = 1;
  o.protocol.min_iterations = 3;
  o.protocol.budget_ms = 20000;
  o.timeout = 180s;
  const auto got = br::RunOnnxInBrowser(path, inputs, o);
  std::filesystem::remove_all(dir);
  std::printf(
      "[%s] meta %s\n[%s] fetch %.1f ms, session %.1f ms, first %.2f ms, samples:", ep.c_str(),
      got.meta.dump().c_str(), ep.c_str(), got.fetch_ms, got.session_ms, got.first_ms);
  for (double s : got.samples_ms) std::printf(" %.2f", s);
  std::printf(" (%s)\n", got.stop.c_str());
  EXPECT_GE(got.samples_ms.size(), 3u);
  EXPECT_EQ(got.warmup_ms.size(), 1u);
  EXPECT_GT(got.session_ms, 0);
  EXPECT_TRUE(got.meta.at("cross_origin_isolated").get<bool>());
  if (ep == "wasm") EXPECT_EQ(got.meta.at("wasm_threads").get<int>(), 2);
  if (ep == "webgpu") {
    ASSERT_TRUE(got.meta.contains("adapter"));
    if (got.meta["adapter"].value("architecture", "") == "swiftshader")
      EXPECT_TRUE(got.meta["adapter"].at("software").get<bool>());
  }
  const double tol = ep == "wasm" ? 1e-4 : 1e-3;
  ASSERT_EQ(got.outputs.size(), ref.size());
  for (const auto& [name, r] : ref) {
    auto it = got.outputs.find(name);
    ASSERT_NE(it, got.outputs.end()) << name;
    ASSERT_EQ(it->second.shape, r.shape) << name;
    double max_abs = 0, scale = 0;
    for (size_t i = 0; i < r.f.size(); ++i) {
      max_abs = std::max(max_abs, std::abs(double(r.f[i]) - it->second.f[i]));
      scale = std::max(scale, std::abs(double(r.f[i])));
    }
    std::printf("[%s] %s: max abs diff %.3g (scale %.3g)\n", ep.c_str(), name.c_str(), max_abs,
                scale);
    EXPECT_LE(max_abs, tol * std::max(1.0, scale)) << name;
  }
}

// A tiny exported bert with its inputs, for the protocol and WebNN tests.
struct TinyBert {
  std::string dir, path;
  std::map<std::string, models::HostTensor, std::less<>> inputs;
  TinyBert() {
    const auto& family = models::FindFamily("bert");
    const auto cfg = family.FindPreset("tiny").config;
    models::Workload w;
    w.batch = 1;
    w.seq_len = 4;
    char tmpl[] = "/tmp/accelbench-browser-test-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    dir = tmpl;
    path = dir + "/bert.onnx";
    models::ExportOnnx(family, cfg, w, path);
    inputs = models::GenerateInputs(family.InputsFor(cfg, w, Mode::kInference), 3);
  }
  ~TinyBert() { std::filesystem::remove_all(dir); }
};

TEST(BrowserProtocol, BudgetStopsTheLoop) {
  if (!HaveChromium()) GTEST_SKIP() << "chromium is not installed";
  TinyBert m;
  br::BrowserRunOptions o;
  o.ep = "wasm";
  o.threads = 1;
  o.protocol.warmup = 2;
  o.protocol.min_iterations = 1000000;
  o.protocol.max_iterations = 1000000;
  o.protocol.budget_ms = 300;
  o.timeout = 120s;
  const auto r = br::RunOnnxInBrowser(m.path, m.inputs, o);
  EXPECT_EQ(r.stop, "budget");
  EXPECT_EQ(r.warmup_ms.size(), 2u);
  ASSERT_FALSE(r.samples_ms.empty());
  EXPECT_GE(r.body.at("elapsed_ms").get<double>(), 300.0);
  EXPECT_LT(r.samples_ms.size(), 1000000u);
  EXPECT_EQ(r.meta.at("wasm_threads").get<int>(), 1);
}

TEST(BrowserProtocol, WebNnRunFailsWithTheBrowsersReasonWhereUnsupported) {
  if (!HaveChromium()) GTEST_SKIP() << "chromium is not installed";
  const auto probe = br::RunBrowserProbe(60s);
  TinyBert m;
  br::BrowserRunOptions o;
  o.ep = "webnn";
  o.webnn_device_type = "cpu";
  o.timeout = 60s;
  if (probe.at("webnn").at("available").get<bool>()) {
    const auto r = br::RunOnnxInBrowser(m.path, m.inputs, o);
    EXPECT_FALSE(r.samples_ms.empty());
    return;
  }
  try {
    br::RunOnnxInBrowser(m.path, m.inputs, o);
    ADD_FAILURE() << "a WebNN run succeeded although the probe found no WebNN context";
  } catch (const RuntimeError& e) {
    const std::string msg = e.what();
    std::printf("[webnn] %s\n", msg.c_str());
    EXPECT_NE(msg.find("webnn"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("did not answer"), std::string::npos) << msg;
  }
}

INSTANTIATE_TEST_SUITE_P(Eps, BrowserParity, testing::Values("wasm", "webgpu"));

// Every registered family (13, tiny presets, batch 1, seq 8) in ONE browser per EP against
// libtorch RunForward on the same weights and inputs. Tolerance as above: wasm 1e-4, webgpu 1e-3
// times max(1, max |torch|) per float output; integer outputs equal.
class BrowserParityAll : public testing::TestWithParam<std::string> {};

TEST_P(BrowserParityAll, EveryTinyFamilyMatchesTorch) {
  // "ep" (Chromium) or "firefox/ep" (Firefox ESR, issue 6).
  const std::string param = GetParam();
  const bool firefox = param.rfind("firefox/", 0) == 0;
  const std::string ep = firefox ? param.substr(8) : param;
  if (!firefox && !HaveChromium()) GTEST_SKIP() << "chromium is not installed";
  if (firefox && br::FindFirefox().empty()) GTEST_SKIP() << "firefox-esr is not installed";
  if (firefox && ep == "webgpu") {
    const auto probe = br::RunBrowserProbe(60s, br::BrowserKind::kFirefox);
    if (!probe.at("webgpu").value("available", false))
      GTEST_SKIP() << "Firefox offers no WebGPU adapter here: "
                   << probe.at("webgpu").value("reason", std::string());
  }
  char tmpl[] = "/tmp/accelbench-browser-parity-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  models::Workload w;
  w.batch = 1;
  w.seq_len = 8;
  std::vector<br::BatchItem> items;
  std::map<std::string, std::map<std::string, models::HostTensor>> refs;
  for (const auto& f : models::AllFamilies()) {
    const std::string name = f->Info().name;
    const auto cfg = f->FindPreset("tiny").config;
    br::BatchItem item;
    item.name = name;
    item.model_path = dir + "/" + name + ".onnx";
    models::ExportOnnx(*f, cfg, w, item.model_path);
    item.inputs = models::GenerateInputs(f->InputsFor(cfg, w, Mode::kInference), 11);
    refs[name] = backends::RunForward(*f, cfg, item.inputs, Precision::kFp32);
    items.push_back(std::move(item));
  }
  EXPECT_EQ(items.size(), 13u);
  br::BrowserRunOptions o;
  o.ep = ep;
  o.threads = 2;
  o.timeout = 200s;
  if (firefox) o.browser = br::BrowserKind::kFirefox;
  const auto results = br::RunOnnxBatchInBrowser(items, o);
  std::filesystem::remove_all(dir);
  ASSERT_EQ(results.size(), items.size());
  const double tol = ep == "wasm" ? 1e-4 : 1e-3;
  for (const auto& r : results) {
    SCOPED_TRACE(ep + " " + r.name);
    ASSERT_TRUE(r.ok) << r.error;
    const auto& ref = refs.at(r.name);
    ASSERT_EQ(r.outputs.size(), ref.size());
    for (const auto& [name, t] : ref) {
      auto it = r.outputs.find(name);
      ASSERT_NE(it, r.outputs.end()) << name;
      ASSERT_EQ(it->second.shape, t.shape) << name;
      if (t.dtype != models::DType::kFloat) {
        EXPECT_EQ(it->second.i, t.i) << name;
        continue;
      }
      double max_abs = 0, scale = 0;
      for (size_t i = 0; i < t.f.size(); ++i) {
        max_abs = std::max(max_abs, std::abs(double(t.f[i]) - it->second.f[i]));
        scale = std::max(scale, std::abs(double(t.f[i])));
      }
      std::printf("[%s] %-10s %-22s max abs diff %.3g (scale %.3g) session %.0f ms run %.1f ms\n",
                  ep.c_str(), r.name.c_str(), name.c_str(), max_abs, scale, r.session_ms, r.run_ms);
      EXPECT_LE(max_abs, tol * std::max(1.0, scale)) << name;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Eps, BrowserParityAll, testing::Values("wasm", "webgpu"));
// The same in Firefox ESR (webgpu: Mesa's lavapipe fallback adapter when installed).
INSTANTIATE_TEST_SUITE_P(Firefox, BrowserParityAll,
                         testing::Values("firefox/wasm", "firefox/webgpu"));
#endif

}  // namespace
}  // namespace accelbench
