// The web optimizations of issue 6 in Debian's headless Chromium (SwiftShader WebGPU here):
//   - WGSL audio front end (whisper, clap log-mel; wav2vec2 normalisation) == the native
//     reference (log_mel.* on libtorch) on WebGPU and on the page's CPU path, every autotuner
//     workgroup shape runs and the autotuner's choice is stored and looked up in the database;
//   - component export of multimodal families: components run in order == the full model
//     (libtorch RunForward), in the browser with parallel_load off and on;
//   - shader_precompile on: the warm-up ran inside session creation, outputs unchanged;
//   - native libtorch component loading, sequential and threaded, loads every parameter once.
// Tolerances: log-mel dB |browser - native| <= 0.02 dB + 1e-4 * |native| (fp32 DFT sums of up to
// 1024 terms in another order); normalised wave 1e-4; model outputs 1e-4 * max(1, max|ref|)
// (wasm), 1e-3 (webgpu). No timing assertions (speed numbers go to the report, not to tests).
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>

#include "backends/browser/chromium_process.h"
#include "backends/browser/mel_browser.h"
#include "backends/browser/webopt_mel_reference.h"
#include "backends/browser/webopt_run.h"
#include "backends/browser/webopt_store.h"
#include "backends/torch/parallel_load.h"
#include "backends/torch/torch_run.h"
#include "core/errors.h"
#include "models/components.h"
#include "models/family.h"
#include "models/inputs.h"
#include "models/lowering/meta_ops.h"
#include "models/lowering/onnx_components.h"

namespace accelbench {
namespace {
namespace br = backends::browser;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

bool HaveChromium() { return !br::FindChromium().empty(); }

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/accelbench-webopt-test-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string operator/(const std::string& f) const { return path_ + "/" + f; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void ExpectClose(const std::map<std::string, models::HostTensor>& got,
                 const std::map<std::string, models::HostTensor>& ref, double tol,
                 const std::string& what) {
  for (const auto& [name, r] : ref) {
    if (r.dtype != models::DType::kFloat) continue;
    auto it = got.find(name);
    ASSERT_NE(it, got.end()) << what << ": no output " << name;
    ASSERT_EQ(it->second.f.size(), r.f.size()) << what << " " << name;
    double dev = 0, scale = 1;
    for (size_t i = 0; i < r.f.size(); ++i) {
      dev = std::max(dev, double(std::abs(it->second.f[i] - r.f[i])));
      scale = std::max(scale, double(std::abs(r.f[i])));
    }
    EXPECT_LE(dev, tol * scale) << what << " output " << name;
    std::printf("[%s] %s max |dev| %.3g\n", what.c_str(), name.c_str(), dev);
  }
}

// ---- audio front end ----
class MelFrontEnd : public testing::TestWithParam<std::string> {};

TEST_P(MelFrontEnd, WebGpuAndCpuPathMatchNativeReferenceOnEveryWorkgroupShape) {
  if (!HaveChromium()) GTEST_SKIP() << "chromium is not installed";
  br::MelJob job = br::MelJobFor(GetParam(), 2, 0.25);
  job.iters = 2;
  job.workgroup = "auto";  // every shape of the list runs once through the autotuner
  const auto r = br::RunMelInBrowser(job);
  const auto ref = br::NativeFrontEnd(job);
  ASSERT_EQ(r.frontends.size(), 2u);
  ASSERT_EQ(r.trials.size(), 5u);
  for (const auto& t : r.trials) EXPECT_TRUE(t.median_ms.has_value()) << t.workgroup << t.error;
  EXPECT_FALSE(r.best_workgroup.empty());
  for (const auto& [name, fe] : r.frontends) {
    ASSERT_EQ(fe.output.size(), ref.size()) << name;
    double worst = 0;
    for (size_t i = 0; i < ref.size(); ++i) {
      const double d = std::abs(double(fe.output[i]) - ref[i]);
      const double tol = job.front == "normalize" ? 1e-4 : 0.02 + 1e-4 * std::abs(ref[i]);
      worst = std::max(worst, d);
      if (d > tol) {
        ADD_FAILURE() << name << " value " << i << ": " << fe.output[i] << " vs " << ref[i];
        break;
      }
    }
    std::printf("[%s %s] median %.2f ms, max |dev| %.3g vs native (%zu values)\n",
                GetParam().c_str(), name.c_str(), fe.median_ms, worst, ref.size());
  }
  // A fixed shape (no autotuning) gives the same numbers.
  job.workgroup = "64x4x1";
  job.frontends = {"webgpu"};
  const auto fixed = br::RunMelInBrowser(job);
  EXPECT_TRUE(fixed.trials.empty());
  EXPECT_EQ(fixed.frontends.at("webgpu").workgroup, "64x4x1");
  const auto& a = fixed.frontends.at("webgpu").output;
  const auto& b = r.frontends.at("webgpu").output;
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a[i], b[i], 1e-3) << i;
}

INSTANTIATE_TEST_SUITE_P(Models, MelFrontEnd, testing::Values("whisper", "clap", "wav2vec2"));

TEST(MelFrontEnd, BadInputIsAUsageError) {
  EXPECT_THROW(br::MelJobFor("bert", 1, 1.0), UsageError);
  br::MelJob job = br::MelJobFor("whisper", 1, 0.1);
  job.frontends = {"cuda"};
  EXPECT_THROW(br::RunMelInBrowser(job), UsageError);
}

TEST(WebGpuAutotune, ChoiceIsStoredAndLookedUpPerBrowserAndAdapter) {
  TempDir dir;
  auto db = store::Database::Open(dir / "t.duckdb");
  const std::string run = br::BeginWebOptRun(db, "test", {});
  const nlohmann::json meta = {
      {"user_agent", "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/156.0.1.2 Safari/537.36"},
      {"adapter", {{"vendor", "google"}, {"architecture", "swiftshader"}, {"software", true}}}};
  std::vector<br::MelAutotuneTrial> trials = {
      {"64x1x1", 3.0, ""}, {"128x2x1", 2.0, ""}, {"256x1x1", std::nullopt, "too big"}};
  br::StoreAutotune(db, run, meta, "log_mel:whisper", "b1_n16000", trials, "128x2x1");
  EXPECT_EQ(
      br::LookupAutotune(db, "Chromium 156.0.1.2", "swiftshader", "log_mel:whisper", "b1_n16000"),
      "128x2x1");
  EXPECT_FALSE(
      br::LookupAutotune(db, "Chromium 156.0.1.2", "nvidia", "log_mel:whisper", "b1_n16000"));
  EXPECT_FALSE(
      br::LookupAutotune(db, "Chromium 156.0.1.2", "swiftshader", "log_mel:clap", "b1_n16000"));
  const auto q = db.Query("SELECT count(*), count(median_ms) FROM webgpu_autotune");
  EXPECT_EQ(store::ValueToString(q.rows[0][0]), "3");
  EXPECT_EQ(store::ValueToString(q.rows[0][1]), "2");
}

// ---- component export + parallel loading ----
class Components : public testing::TestWithParam<std::string> {};

TEST_P(Components, RunInOrderTheyEqualTheFullModelInTheBrowserSequentialAndParallel) {
  if (!HaveChromium()) GTEST_SKIP() << "chromium is not installed";
  const auto& family = models::FindFamily(GetParam());
  const auto cfg = family.FindPreset("tiny").config;
  models::Workload w;
  w.batch = 2;
  w.seq_len = 8;
  TempDir dir;
  const auto ex = models::ExportComponents(family, cfg, w, dir.path());
  ASSERT_GE(ex.components.size(), 2u);
  for (const auto& c : ex.components) {
    std::printf("[%s] component %s: %lld nodes, %lld initializers, inputs", GetParam().c_str(),
                c.name.c_str(), (long long)c.nodes, (long long)c.initializers);
    for (const auto& t : c.inputs) std::printf(" %s", t.name.c_str());
    std::printf("\n");
    EXPECT_GT(c.nodes, 0);
    if (c.name != "fusion")  // every non-fusion component reads graph inputs only
      for (const auto& t : c.inputs)
        for (const auto& o : ex.components)
          for (const auto& out : o.outputs) EXPECT_NE(t.name, out.name) << c.name;
  }
  const auto inputs = models::GenerateInputs(family.InputsFor(cfg, w, Mode::kInference), 5);
  const auto ref = backends::RunForward(family, cfg, inputs, Precision::kFp32);
  br::BrowserRunOptions o;
  o.ep = "wasm";
  o.threads = 2;
  o.protocol.min_iterations = 2;
  o.timeout = 240s;
  for (const std::string sw : {"off", "on"}) {
    const auto r =
        br::RunWebOptInBrowser(ex.components, ex.outputs, inputs, {{"parallel_load", sw}}, o);
    ExpectClose(r.outputs, ref, 1e-4, GetParam() + " parallel_load=" + sw);
    EXPECT_EQ(r.timings.at("parallel_load").get<bool>(), sw == "on");
    EXPECT_EQ(r.timings.at("components").size(), ex.components.size());
    EXPECT_GT(r.load_ms, 0);
    EXPECT_GT(r.first_output_ms, 0);
    std::printf("[%s parallel_load=%s] load %.1f ms, first output %.1f ms\n", GetParam().c_str(),
                sw.c_str(), r.load_ms, r.first_output_ms);
  }
}

INSTANTIATE_TEST_SUITE_P(Families, Components, testing::Values("clip", "clap"));

TEST(Components, FamiliesWithoutComponentsAreRefused) {
  const auto& bert = models::FindFamily("bert");
  TempDir dir;
  EXPECT_THROW(models::ExportComponents(bert, bert.FindPreset("tiny").config, {}, dir.path()),
               UsageError);
  EXPECT_EQ(models::ComponentOfParam("clip", "vision_model.embeddings.class_embedding"), "vision");
  EXPECT_EQ(models::ComponentOfParam("clip", "logit_scale"), "");
  EXPECT_EQ(models::ComponentOfParam("llava", "model.language_model.layers.0.mlp"),
            "language_model");
}

TEST(Components, XclipAndLlavaSplitAndLoad) {
  for (const std::string name : {"xclip", "llava"}) {
    const auto& family = models::FindFamily(name);
    const auto cfg = family.FindPreset("tiny").config;
    models::Workload w;
    w.seq_len = 8;
    TempDir dir;
    const auto ex = models::ExportComponents(family, cfg, w, dir.path());
    EXPECT_GE(ex.components.size(), 2u) << name;
    EXPECT_EQ(ex.components.back().name, "fusion") << name;
  }
}

// ---- native libtorch parallel load ----
TEST(NativeParallelLoad, SequentialAndThreadedLoadEveryParameterOnce) {
  for (const std::string name : {"clip", "clap", "xclip", "llava"}) {
    const auto& family = models::FindFamily(name);
    const auto cfg = family.FindPreset("tiny").config;
    models::Workload w;
    w.seq_len = 8;
    models::MetaOps meta;
    models::Inputs in;
    for (const auto& d : family.InputsFor(cfg, w, Mode::kInference))
      in.emplace(d.name, meta.Input(d.name, d.dtype, d.dims));
    family.Forward(meta, cfg, in);
    int64_t total = 0;
    for (const auto& [n, spec] : meta.param_specs()) total += models::Numel(spec.shape);
    for (const bool parallel : {false, true}) {
      const auto r = backends::LoadComponents(family, cfg, w, parallel);
      int64_t loaded = 0;
      for (const auto& [c, l] : r.components) loaded += l.params;
      EXPECT_EQ(loaded, total) << name << (parallel ? " parallel" : " sequential");
      EXPECT_GE(r.components.size(), 2u) << name;
      EXPECT_GT(r.total_ms, 0);
    }
  }
  EXPECT_THROW(
      backends::LoadComponents(models::FindFamily("bert"),
                               models::FindFamily("bert").FindPreset("tiny").config, {}, true),
      UsageError);
}

// ---- shader precompilation ----
TEST(ShaderPrecompile, WarmUpRunsInsideSessionCreationAndOutputsAreUnchanged) {
  if (!HaveChromium()) GTEST_SKIP() << "chromium is not installed";
  const auto& family = models::FindFamily("bert");
  const auto cfg = family.FindPreset("tiny").config;
  models::Workload w;
  w.seq_len = 8;
  TempDir dir;
  models::ExportOptions eo;
  eo.external_data_threshold_bytes = int64_t{1} << 40;
  models::ExportOnnx(family, cfg, w, dir / "bert.onnx", eo);
  const auto inputs = models::GenerateInputs(family.InputsFor(cfg, w, Mode::kInference), 3);
  const auto ref = backends::RunForward(family, cfg, inputs, Precision::kFp32);
  std::vector<std::string> outs;
  for (const auto& [n, t] : ref) outs.push_back(n);
  br::BrowserRunOptions o;
  o.ep = "webgpu";
  o.protocol.min_iterations = 2;
  o.timeout = 300s;
  for (const std::string sw : {"off", "on"}) {
    const auto r = br::RunWebOptInBrowser({br::SingleComponent(dir / "bert.onnx", inputs)}, outs,
                                          inputs, {{"shader_precompile", sw}}, o);
    ExpectClose(r.outputs, ref, 1e-3, "bert webgpu shader_precompile=" + sw);
    const auto& c = r.timings.at("components").at("model");
    EXPECT_EQ(c.contains("precompile_ms"), sw == "on");
    std::printf("[shader_precompile=%s] load %.1f ms (precompile %.1f), first inference %.1f ms\n",
                sw.c_str(), r.load_ms, c.value("precompile_ms", 0.0), r.first_ms);
  }
  EXPECT_THROW(br::RunWebOptInBrowser({br::SingleComponent(dir / "bert.onnx", inputs)}, outs,
                                      inputs, {{"shader_precompile", "maybe"}}, o),
               RuntimeError);
}

}  // namespace
}  // namespace accelbench
