// Issue 6, own-clock runtimes without a browser: the JS protocol (web/harness/protocol.mjs, run
// under Node) takes the same decisions as the native harness (runner::Decide,
// stats::SteadyStateStart, stats::MedianCiRanks) on the same series; the runner's harness turns
// an own-clock measurement into a record (load = fetch + session creation, statistics from the
// raw samples, placement, notes); the planner gives web platforms the onnxruntime-web runtime;
// ORT's placement log is parsed. No timed assertions.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>

#include "backends/browser/own_clock.h"
#include "runner/harness.h"
#include "runner/planner.h"
#include "stats/stats.h"

namespace accelbench {
namespace {
using nlohmann::json;
namespace br = backends::browser;

std::pair<std::string, int> Shell(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return {"", -1};
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int st = pclose(p);
  return {out, WIFEXITED(st) ? WEXITSTATUS(st) : -1};
}

std::vector<std::vector<double>> Series() {
  std::vector<std::vector<double>> all;
  std::mt19937_64 rng(11);
  for (double sigma : {0.001, 0.01, 0.05, 0.3, 1.0}) {
    for (int n : {3, 9, 10, 25, 60, 200, 1200}) {
      std::lognormal_distribution<double> d(1.0, sigma);
      std::vector<double> s;
      for (int i = 0; i < n; ++i) s.push_back(d(rng));
      all.push_back(s);
    }
  }
  // Warm-up shaped: slow start, then steady.
  std::vector<double> w = {50, 30, 20, 12, 10, 10.2, 9.9, 10.1, 10, 10.05, 9.95, 10, 10.1};
  all.push_back(w);
  return all;
}

TEST(WebProtocol, JsRulesDecideLikeTheNativeHarness) {
  if (Shell("node --version >/dev/null 2>&1").second != 0) GTEST_SKIP() << "node missing";
  runner::HarnessOptions h;
  h.min_iterations = 10;
  h.min_time_s = 0.05;
  h.ci_target = 0.01;
  h.budget_s = 2;
  const auto series = Series();
  json cases = json::array();
  for (const auto& s : series) cases.push_back(s);
  const std::string script = std::string(ACCELBENCH_SOURCE_DIR) + "/web/harness/protocol.mjs";
  const std::string dir = testing::TempDir();
  const std::string in = dir + "/web_protocol_cases.json";
  {
    FILE* f = std::fopen(in.c_str(), "w");
    ASSERT_NE(f, nullptr);
    const std::string text = cases.dump();
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  // For each series: decide at elapsed 0.01 s, 1 s and 3 s; steady start (window 5, 5%); ranks.
  const std::string js =
      "import('" + script +
      "').then(async (p) => { const fs = await import('node:fs');"
      " const cases = JSON.parse(fs.readFileSync('" +
      in +
      "', 'utf8'));"
      " const q = p.normalizeProtocol({ min_iterations: 10, min_time_ms: 50, ci_target: 0.01,"
      "   budget_ms: 2000 });"
      " const out = cases.map((s) => ({ d: [10, 1000, 3000].map((e) => p.decide(s, e, q)),"
      "   steady: p.steadyStateStart(s, 5, 0.05), ranks: p.medianCiRanks(s.length, 0.95) }));"
      " console.log(JSON.stringify(out)); })";
  auto [out, rc] = Shell("node --input-type=module -e \"" + js + "\"");
  ASSERT_EQ(rc, 0) << out;
  const json got = json::parse(out);
  ASSERT_EQ(got.size(), series.size());
  const char* names[] = {"continue", "converged", "budget"};
  for (size_t i = 0; i < series.size(); ++i) {
    const auto& s = series[i];
    SCOPED_TRACE("series " + std::to_string(i) + " n=" + std::to_string(s.size()));
    const double elapsed[] = {0.01, 1.0, 3.0};
    for (int k = 0; k < 3; ++k) {
      const auto d = runner::Decide(s, elapsed[k], h);
      EXPECT_EQ(got[i]["d"][k].get<std::string>(), names[static_cast<int>(d)]) << "elapsed " << k;
    }
    const auto steady = stats::SteadyStateStart(s, 5, 0.05);
    if (steady)
      EXPECT_EQ(got[i]["steady"].get<size_t>(), *steady);
    else
      EXPECT_TRUE(got[i]["steady"].is_null());
    const auto ranks = stats::MedianCiRanks(s.size(), 0.95);
    if (ranks) {
      EXPECT_EQ(got[i]["ranks"]["lower"].get<size_t>(), ranks->lower_rank);
      EXPECT_EQ(got[i]["ranks"]["upper"].get<size_t>(), ranks->upper_rank);
    } else {
      EXPECT_TRUE(got[i]["ranks"].is_null());
    }
  }
}

TEST(WebProtocol, PlacementParsedFromOrtsVerboseLog) {
  const std::string all =
      "2026 [V:onnxruntime:, session_state.cc:1377 VerifyEachNodeIsAssignedToAnEp] Node "
      "placements\n"
      "2026 [V:onnxruntime:, session_state.cc:1380 VerifyEachNodeIsAssignedToAnEp]  All nodes "
      "placed on [CPUExecutionProvider]. Number of nodes: 83\n";
  auto p = br::ParsePlacement(all, "cpu");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->ep_nodes, 83);
  EXPECT_EQ(p->cpu_fallback_nodes, 0);
  const std::string split =
      " Node(s) placed on [WebGpuExecutionProvider]. Number of nodes: 70\n"
      "  Softmax (n1)\n"
      " Node(s) placed on [CPUExecutionProvider]. Number of nodes: 13\n";
  p = br::ParsePlacement(split, "webgpu");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->ep_nodes, 70);
  EXPECT_EQ(p->cpu_fallback_nodes, 13);
  EXPECT_FALSE(br::ParsePlacement("no placement here", "wasm"));
}

// An own-clock backend with a known answer.
class FakeOwnClock : public backends::Backend {
 public:
  explicit FakeOwnClock(bool converged) : converged_(converged) {}
  void Load(const backends::LoadRequest& req) override { batch_ = req.workload.batch; }
  std::optional<backends::OwnClockMeasurement> MeasureOwnClock(
      const backends::OwnClockProtocol& p) override {
    protocol = p;
    json answer = {{"first_ms", 40.0},
                   {"warmup_ms", {9.0, 8.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0}},
                   {"steady_index", 5},
                   {"samples_ms", {5.0, 5.1, 4.9, 5.0, 5.2, 4.8, 5.0, 5.0, 5.1, 4.9, 5.0, 5.0}},
                   {"stop", converged_ ? "converged" : "budget"},
                   {"timings", {{"fetch_ms", 3.0}, {"session_create_ms", 100.0}}}};
    auto m = br::OwnClockFromAnswer(answer);
    m.ep_nodes = 80;
    m.cpu_fallback_nodes = 3;
    m.notes.push_back("software WebGPU adapter (test)");
    return m;
  }
  void Step() override { ADD_FAILURE() << "the harness must not time an own-clock backend"; }
  int64_t ItemsPerStep() const override { return batch_; }
  backends::DeviceMemory Memory() override { return {}; }
  backends::RuntimeFacts Facts() const override {
    return {"onnxruntime-web", "1.30.0", "webgpu", 0, {{"software_adapter", "true"}}};
  }
  std::vector<float> LastOutput() override { return {}; }
  backends::OwnClockProtocol protocol;

 private:
  bool converged_;
  int64_t batch_ = 1;
};

runner::PlannedConfig WebConfig() {
  runner::PlannedConfig c;
  c.runtime = "onnxruntime-web";
  c.model = "bert";
  c.preset = "tiny";
  c.platform = "webgpu:swiftshader";
  c.platform_kind = "webgpu";
  c.batch = 2;
  c.seq_len = 8;
  c.config_key = runner::MakeConfigKey(c);
  return c;
}

TEST(WebProtocol, HarnessStoresTheOwnClockMeasurementLikeANativeOne) {
  runner::HarnessOptions h;
  h.min_iterations = 7;
  h.min_time_s = 0.25;
  h.budget_s = 3;
  h.idle_power_s = 0;
  FakeOwnClock b(true);
  const auto m = runner::Measure(b, WebConfig(), h, std::nullopt);
  EXPECT_EQ(b.protocol.min_iterations, 7);
  EXPECT_DOUBLE_EQ(b.protocol.min_time_ms, 250);
  EXPECT_DOUBLE_EQ(b.protocol.budget_ms, 3000);
  const auto& r = m.record;
  EXPECT_EQ(r.status, ResultStatus::kOk);
  EXPECT_DOUBLE_EQ(*r.load_ms, 103.0);
  EXPECT_DOUBLE_EQ(*r.fetch_ms, 3.0);
  EXPECT_DOUBLE_EQ(*r.session_create_ms, 100.0);
  EXPECT_DOUBLE_EQ(*r.first_inference_ms, 40.0);
  EXPECT_EQ(r.warmup_iterations, 10);
  EXPECT_DOUBLE_EQ(*r.time_to_steady_ms, 9 + 8 + 5 + 5 + 5);
  EXPECT_EQ(r.iterations, 12);
  EXPECT_EQ(m.samples_ms.size(), 12u);
  const auto sum = stats::Summarize(m.samples_ms, 0.95);
  EXPECT_DOUBLE_EQ(*r.lat_p50_ms, sum.p50);
  EXPECT_DOUBLE_EQ(*r.throughput, 2 / (sum.mean / 1000));
  EXPECT_EQ(*r.ep_nodes, 80);
  EXPECT_EQ(*r.cpu_fallback_nodes, 3);
  EXPECT_EQ(r.runtime, "onnxruntime-web");
  EXPECT_EQ(r.execution_provider, "webgpu");
  EXPECT_NE(r.reason.find("software WebGPU adapter"), std::string::npos) << r.reason;
  EXPECT_NE(r.options_json.find("software_adapter"), std::string::npos);
  EXPECT_FALSE(r.peak_rss_mb) << "the worker's RSS is not the browser's";
  EXPECT_NE(r.runtime_metrics_json.find("session_create_ms"), std::string::npos);

  FakeOwnClock nb(false);
  EXPECT_EQ(runner::Measure(nb, WebConfig(), h, std::nullopt).record.status,
            ResultStatus::kNotConverged);
}

TEST(WebProtocol, PlannerGivesWebPlatformsTheBrowserRuntime) {
  runner::Sweep s;
  s.runtime = "libtorch";
  s.models = {"bert"};
  s.platforms = {"cpu", "wasm", "webgpu", "webnn"};
  s.precisions = {Precision::kFp32};
  s.modes = {Mode::kInference};
  s.batches = {1};
  s.seq_lens = {8};
  s.preset = "tiny";
  runner::PlanContext ctx;
  ctx.platforms.push_back({PlatformKind::kCpu, "cpu", true, "", 0});
  ctx.platforms.push_back({PlatformKind::kWasm, "wasm", true, "", 0});
  ctx.platforms.push_back({PlatformKind::kWebGpu, "webgpu:swiftshader", true, "", 0});
  ctx.platforms.push_back(
      {PlatformKind::kWebNn, "webnn", false, "WebNN is not supported on this platform.", 0});
  auto plan = runner::MakePlan(s, ctx);
  ASSERT_EQ(plan.runnable.size(), 3u);
  for (const auto& c : plan.runnable)
    EXPECT_EQ(c.runtime, c.platform == "cpu" ? "libtorch" : "onnxruntime-web") << c.platform;
  ASSERT_EQ(plan.skipped.size(), 1u);
  EXPECT_EQ(plan.skipped[0].runtime, "onnxruntime-web");
  EXPECT_NE(plan.skipped[0].skip_reason.find("unavailable: WebNN is not supported"),
            std::string::npos)
      << plan.skipped[0].skip_reason;

  s.runtime = "onnxruntime";
  s.platforms = {"cpu", "wasm"};
  plan = runner::MakePlan(s, ctx);
  ASSERT_EQ(plan.runnable.size(), 2u);
  EXPECT_EQ(plan.runnable[0].runtime, "onnxruntime");
  EXPECT_EQ(plan.runnable[1].runtime, "onnxruntime-web");
}

}  // namespace
}  // namespace accelbench
