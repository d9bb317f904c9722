// The harness on the TEST DOUBLE (a backend with a known latency distribution) and the stop rule
// on synthetic series. Assertions are about behaviour (counts, statuses, which metrics exist),
// never about how fast anything ran.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <nlohmann/json.hpp>
#include <random>

#include "runner/harness.h"
#include "runner/resources.h"
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

TEST(Energy, AboveIdlePerItemKnownValues) {
  // 50 J in 2 s at 10 W idle: 30 J above idle over 3 steps of 4 items.
  EXPECT_DOUBLE_EQ(*EnergyAboveIdlePerItem(50, 10, 2, 4, 3), 30.0 / 12);
  EXPECT_FALSE(EnergyAboveIdlePerItem(20, 10, 2, 4, 3)) << "nothing above idle: absent";
  EXPECT_FALSE(EnergyAboveIdlePerItem(50, 10, 2, 4, 0)) << "no steps";
  EXPECT_FALSE(EnergyAboveIdlePerItem(50, 10, 2, 0, 3)) << "no items";
}

#ifdef FAKE_NVML_HEALTHY
// A backend naming its GPU gets that GPU's NVML energy (above the idle draw measured after load)
// and its clocks / temperature before and after the loop, with a note when the clocks were held
// down. Against the NVML TEST DOUBLE: idle 0 W, 50 J over the loop, clocks 1980 -> 1410 MHz
// held down by power cap and thermal slowdown (fixtures, not measurements).
TEST(Harness, GpuEnergyAndClockStateFromNvml) {
  setenv("ACCELBENCH_NVML_LIBRARY", FAKE_NVML_HEALTHY, 1);
  TestDoubleBackend b;
  const auto m = Measure(b, Config({{"latency_ms", "1"}, {"pci_bus_id", "0000:01:00.0"}}), Fast(),
                         std::nullopt);
  const auto& r = m.record;
  ASSERT_TRUE(r.energy_j_per_item) << r.reason;
  EXPECT_DOUBLE_EQ(*r.energy_j_per_item, 50.0 / (4.0 * static_cast<double>(r.iterations)));
  const auto d = nlohmann::json::parse(r.options_json).at("runtime_details");
  EXPECT_EQ(d.at("gpu_state_start"), "SM 1980/1980 MHz, 41 C, 118.5 W");
  EXPECT_EQ(d.at("gpu_state_end"),
            "SM 1410/1980 MHz, 83 C, 700.0 W, held down by: sw_power_cap, hw_thermal_slowdown");
  EXPECT_EQ(std::stod(d.at("gpu_idle_w").get<std::string>()), 0.0);
  EXPECT_NE(r.reason.find("GPU clocks held down during the measurement (sw_power_cap, "
                          "hw_thermal_slowdown; SM 1980 -> 1410 MHz)"),
            std::string::npos)
      << r.reason;

  TestDoubleBackend other;  // a GPU NVML does not have: no energy, the reason recorded
  const auto n = Measure(other, Config({{"latency_ms", "1"}, {"pci_bus_id", "0000:09:00.0"}}),
                         Fast(), std::nullopt);
  EXPECT_FALSE(n.record.energy_j_per_item);
  EXPECT_EQ(nlohmann::json::parse(n.record.options_json).at("runtime_details").at("gpu_energy"),
            "absent: NVML has no GPU with PCI bus id 0000:09:00.0");
  unsetenv("ACCELBENCH_NVML_LIBRARY");
}
#endif

}  // namespace
}  // namespace accelbench::runner
