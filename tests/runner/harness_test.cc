// The harness on the TEST DOUBLE (a backend with a known latency distribution) and the stop rule
// on synthetic series. Assertions are about behaviour (counts, statuses, which metrics exist),
// never about how fast anything ran.
#include <gtest/gtest.h>

#include <random>

#include "runner/harness.h"
#include "runner/test_double.h"

namespace accelbench::runner {
namespace {

HarnessOptions Fast() {
  HarnessOptions h;
  h.min_iterations = 10;
  h.min_time_s = 0.05;
  h.budget_s = 2.0;
  h.warmup_max_s = 1.0;
  h.idle_power_s = 0.0;
  h.ci_target = 0.05;
  return h;
}

PlannedConfig Config(std::map<std::string, std::string> opts) {
  PlannedConfig c;
  c.runtime = kTestDoubleRuntime;
  c.model = "m";
  c.preset = "tiny";
  c.platform = c.platform_kind = "cpu";
  c.batch = 4;
  c.seq_len = 16;
  c.backend_options = std::move(opts);
  c.config_key = MakeConfigKey(c);
  return c;
}

TEST(StopRule, ConvergesOnATightSeries) {
  std::vector<double> s(30, 10.0);
  HarnessOptions h = Fast();
  EXPECT_EQ(Decide(s, 1.0, h), StopDecision::kConverged);
}

TEST(StopRule, RespectsMinimumCountAndTime) {
  HarnessOptions h = Fast();
  h.min_iterations = 50;
  h.min_time_s = 1.0;
  h.budget_s = 100;
  std::vector<double> s(49, 10.0);
  EXPECT_EQ(Decide(s, 5.0, h), StopDecision::kContinue) << "below the minimum count";
  s.push_back(10.0);
  EXPECT_EQ(Decide(s, 0.5, h), StopDecision::kContinue) << "below the minimum time";
  EXPECT_EQ(Decide(s, 1.0, h), StopDecision::kConverged);
}

TEST(StopRule, NoisySeriesRunsOutOfBudget) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> noisy(0.0, 1.0);
  std::vector<double> s;
  for (int i = 0; i < 40; ++i) s.push_back(noisy(rng));
  HarnessOptions h = Fast();
  h.ci_target = 0.01;
  EXPECT_EQ(Decide(s, 0.5, h), StopDecision::kContinue);
  EXPECT_EQ(Decide(s, h.budget_s, h), StopDecision::kBudget);
}

TEST(Harness, MeasuresTheTestDoubleAndFillsMetrics) {
  TestDoubleBackend b;
  const auto m = Measure(b, Config({{"latency_ms", "2"}, {"jitter", "0.01"}, {"slow_steps", "8"}}),
                         Fast(), 1e12);
  const auto& r = m.record;
  EXPECT_EQ(r.status, ResultStatus::kOk) << r.reason;
  EXPECT_GE(r.iterations, 10);
  EXPECT_EQ(static_cast<size_t>(r.iterations), m.samples_ms.size());
  EXPECT_GE(r.warmup_iterations, 8) << "the slow steps are warm-up";
  ASSERT_TRUE(r.time_to_steady_ms);
  ASSERT_TRUE(r.load_ms && r.first_inference_ms && r.lat_p50_ms && r.lat_p999_ms);
  ASSERT_TRUE(r.lat_p50_ci_low_ms && r.lat_p50_ci_high_ms);
  EXPECT_LE(*r.lat_p50_ci_low_ms, *r.lat_p50_ms);
  EXPECT_GE(*r.lat_p50_ci_high_ms, *r.lat_p50_ms);
  // Sleeping never returns early: every sample is at least the drawn latency's floor.
  EXPECT_GE(*r.lat_min_ms, 2.0 * 0.9);
  ASSERT_TRUE(r.throughput);
  EXPECT_EQ(r.throughput_unit, "items/s");
  EXPECT_NEAR(*r.throughput, 4.0 / (*r.lat_mean_ms / 1000.0), 1e-6);
  ASSERT_TRUE(r.peak_rss_mb);
  EXPECT_GT(*r.peak_rss_mb, 0);
  EXPECT_FALSE(r.peak_device_mem_mb) << "the test double has no device memory";
  EXPECT_FALSE(r.flops_per_step) << "no FLOP count for the test double";
  EXPECT_EQ(r.runtime, "test-double");
}

TEST(Harness, NoisyBackendIsNotConverged) {
  TestDoubleBackend b;
  HarnessOptions h = Fast();
  h.ci_target = 0.001;
  h.budget_s = 0.3;
  const auto m = Measure(b, Config({{"latency_ms", "1"}, {"jitter", "0.5"}}), h, std::nullopt);
  EXPECT_EQ(m.record.status, ResultStatus::kNotConverged);
  EXPECT_NE(m.record.reason.find("not converged"), std::string::npos);
  EXPECT_NE(m.record.reason.find("high CV"), std::string::npos) << m.record.reason;
}

TEST(Harness, LlmModesReportTokens) {
  TestDoubleBackend b;
  auto c = Config({{"latency_ms", "1"}});
  c.mode = Mode::kPrefill;
  auto m = Measure(b, c, Fast(), std::nullopt);
  ASSERT_TRUE(m.record.ttft_ms && m.record.prefill_tokens_per_s);
  EXPECT_EQ(m.record.throughput_unit, "tokens/s");
  EXPECT_NEAR(*m.record.prefill_tokens_per_s, 64.0 / (*m.record.ttft_ms / 1000.0), 1e-6);
  c.mode = Mode::kDecode;
  m = Measure(b, c, Fast(), std::nullopt);
  ASSERT_TRUE(m.record.tpot_ms && m.record.decode_tokens_per_s);
}

// Issue 13: untimed per-step work (a decode KV cache re-filled at its end) runs in Prepare(),
// which the harness calls before every step -- first inference, warm-up and measured -- and
// keeps off the clock. Before the fix the libtorch decode step re-ran the prefill inside the
// timed step every decode_tokens steps.
TEST(Harness, PrepareRunsBeforeEveryStepAndOffTheClock) {
  TestDoubleBackend b;
  auto c = Config({{"latency_ms", "1"}, {"jitter", "0.01"}, {"prepare_ms", "40"}});
  c.mode = Mode::kDecode;
  const auto m = Measure(b, c, Fast(), std::nullopt);
  const auto facts = b.Facts();
  EXPECT_EQ(facts.details.at("steps_without_prepare"), "0");
  const int64_t steps = 1 + m.record.warmup_iterations + m.record.iterations;
  EXPECT_EQ(facts.details.at("prepares"), std::to_string(steps));
  // A 1 ms step whose 40 ms Prepare was timed would have a median of at least 40 ms.
  ASSERT_TRUE(m.record.lat_p50_ms);
  EXPECT_LT(*m.record.lat_p50_ms, 40.0);
}

TEST(Harness, AchievedFlopsAgainstCalibration) {
  TestDoubleBackend b;
  auto c = Config({{"latency_ms", "1"}});
  c.flops_per_step = 1e9;
  const auto m = Measure(b, c, Fast(), 2e12);
  ASSERT_TRUE(m.record.achieved_tflops && m.record.fraction_of_peak);
  EXPECT_NEAR(*m.record.fraction_of_peak, *m.record.achieved_tflops / 2.0, 1e-9);
}

}  // namespace
}  // namespace accelbench::runner
