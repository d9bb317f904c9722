#include "runner/harness.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "runner/gpu_counters.h"
#include "runner/resources.h"
#include "stats/stats.h"

namespace accelbench::runner {
namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point t0, Clock::time_point t1) {
  return std::chrono::duration<double, std::milli>(t1 - t0).count();
}

// TEST ONLY (issue 9): `--backend-option test_only_delay_ms=X` busy-waits X ms after every
// harness-timed step of any backend, so tests can inject a known slowdown.
double TestOnlyDelayMs(const PlannedConfig& c) {
  auto it = c.backend_options.find("test_only_delay_ms");
  return it == c.backend_options.end() ? 0 : std::max(0.0, std::stod(it->second));
}
void TestOnlyDelay(double ms) {
  if (ms <= 0) return;
  const auto until = Clock::now() + std::chrono::duration<double, std::milli>(ms);
  while (Clock::now() < until) {
  }
}

}  // namespace

backends::LoadRequest MakeLoadRequest(const PlannedConfig& c) {
  backends::LoadRequest req;
  req.family = c.model;
  req.preset = c.preset;
  if (c.runtime != kTestDoubleRuntime) {
    const auto& fam = models::FindFamily(c.model);
    req.config = fam.FindPreset(c.preset).config;
    for (const auto& a : c.sets) req.config.Override(a);
  }
  req.platform = c.platform;
  req.precision = c.precision;
  req.mode = c.mode;
  req.workload.batch = c.batch;
  if (c.seq_len > 0) req.workload.seq_len = c.seq_len;
  req.threads = static_cast<int>(c.threads);
  req.options = c.backend_options;
  return req;
}

ResultRecord RecordFor(const PlannedConfig& c) {
  ResultRecord r;
  r.config_key = c.config_key;
  r.model = c.model;
  r.preset = c.preset;
  r.params = c.params;
  r.platform = c.platform;
  r.platform_kind = c.platform_kind;
  r.runtime = c.runtime;
  r.precision = std::string(ToString(c.precision));
  r.mode = std::string(ToString(c.mode));
  r.batch = c.batch;
  r.seq_len = c.seq_len;
  r.threads = c.threads;
  // The test double sleeps for seeded draws: its timings are no measurement of anything, and
  // every reader (compare flags, the report's markers, chart tooltips) labels a record whose
  // origin is not "measured".
  if (c.runtime == kTestDoubleRuntime) {
    r.origin = kTestDoubleRuntime;
  } else {
    try {
      auto cfg = models::FindFamily(c.model).FindPreset(c.preset).config;
      for (const auto& a : c.sets) cfg.Override(a);
      r.config_json = cfg.ToJson();
    } catch (const std::exception&) {
    }
  }
  if (c.flops_per_step > 0) r.flops_per_step = c.flops_per_step;
  if (!c.skip_reason.empty()) {
    r.status = ResultStatus::kSkipped;
    r.reason = c.skip_reason;
  }
  return r;
}

StopDecision Decide(const std::vector<double>& s, double elapsed_s, const HarnessOptions& opt) {
  const bool enough =
      static_cast<int64_t>(s.size()) >= opt.min_iterations && elapsed_s >= opt.min_time_s;
  if (enough) {
    // Three selections instead of a sort: O(n), so checking stays cheap on long series.
    if (auto ranks = stats::MedianCiRanks(s.size(), opt.confidence)) {
      std::vector<double> v(s);
      const size_t n = v.size();
      auto nth = [&v](size_t k) {  // k: 0-based order statistic
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
        return v[k];
      };
      const double h = static_cast<double>(n - 1) * 0.5;
      const auto lo = static_cast<size_t>(h);
      double median = nth(lo);
      if (lo + 1 < n && h > static_cast<double>(lo))
        median +=
            (h - static_cast<double>(lo)) *
            (*std::min_element(v.begin() + static_cast<std::ptrdiff_t>(lo) + 1, v.end()) - median);
      const double low = nth(ranks->lower_rank - 1);
      const double high = nth(ranks->upper_rank - 1);
      const double half = std::max(median - low, high - median);
      if (half <= opt.ci_target * median) return StopDecision::kConverged;
    }
  }
  if (elapsed_s >= opt.budget_s) return StopDecision::kBudget;
  return StopDecision::kContinue;
}

LoopResult MeasureLoop(backends::Backend& backend, const HarnessOptions& opt,
                       double test_only_delay_ms) {
  LoopResult out;
  out.samples_ms.reserve(1024);
  const auto start = Clock::now();
  size_t next_check = 1;
  for (;;) {
    backend.Prepare();  // untimed (e.g. re-filling a decode KV cache)
    const auto t0 = Clock::now();
    backend.Step();
    TestOnlyDelay(test_only_delay_ms);
    const auto t1 = Clock::now();
    out.samples_ms.push_back(MsSince(t0, t1));
    if (out.samples_ms.size() < next_check) continue;
    // Checking sorts the samples: amortise it (every ~1/8 of the count) so the per-iteration
    // overhead stays constant; time checks are cheap and also bound the budget overrun.
    const double elapsed = std::chrono::duration<double>(t1 - start).count();
    out.stop = Decide(out.samples_ms, elapsed, opt);
    out.elapsed_s = elapsed;
    if (out.stop != StopDecision::kContinue) break;
    next_check = out.samples_ms.size() + std::max<size_t>(1, out.samples_ms.size() / 8);
    if (elapsed >= opt.min_time_s &&
        out.samples_ms.size() < static_cast<size_t>(opt.min_iterations))
      next_check = out.samples_ms.size() + 1;
  }
  return out;
}

Measured Measure(backends::Backend& backend, const PlannedConfig& c, const HarnessOptions& opt,
                 std::optional<double> peak_flops) {
  Measured m;
  ResultRecord& r = m.record;
  r = RecordFor(c);
  std::vector<std::string> notes;
  const double delay_ms = TestOnlyDelayMs(c);  // issue 9, tests only

  RaplCounter rapl;
  double idle_watts = 0;
  const bool energy = rapl.Available() && c.platform_kind == "cpu";
  if (energy) {
    const auto t0 = Clock::now();
    const double j0 = rapl.Joules();
    std::this_thread::sleep_for(std::chrono::duration<double>(opt.idle_power_s));
    idle_watts = (rapl.Joules() - j0) / std::chrono::duration<double>(Clock::now() - t0).count();
  }

  {
    std::ofstream clear("/proc/self/clear_refs");  // "5" resets VmHWM for this configuration
    clear << "5";
  }
  RssPoller rss(opt.rss_poll_ms);
  auto t0 = Clock::now();
  backend.Load(MakeLoadRequest(c));
  auto t1 = Clock::now();
  r.load_ms = MsSince(t0, t1);

  // Own-clock runtimes (browser page, Node child) run the protocol themselves (issue 6).
  backends::OwnClockProtocol own_protocol;
  own_protocol.min_iterations = opt.min_iterations;
  own_protocol.min_time_ms = opt.min_time_s * 1000;
  own_protocol.ci_target = opt.ci_target;
  own_protocol.confidence = opt.confidence;
  own_protocol.budget_ms = opt.budget_s * 1000;
  own_protocol.warmup_min = opt.warmup_min;
  own_protocol.warmup_max = opt.warmup_max;
  own_protocol.warmup_max_ms = opt.warmup_max_s * 1000;
  own_protocol.warmup_window = opt.warmup_window;
  own_protocol.warmup_tolerance = opt.warmup_tolerance;
  const auto own = backend.MeasureOwnClock(own_protocol);

  const auto facts = backend.Facts();
  r.runtime = facts.runtime.empty() ? c.runtime : facts.runtime;
  r.runtime_version = facts.runtime_version;
  r.execution_provider = facts.execution_provider;
  if (facts.threads > 0) r.threads = facts.threads;
  for (const auto& [name, value] : facts.result_fields)  // issue 11
    if (const auto* f = FindResultField(name)) f->set(r, value);

  // The GPU's counters through NVML, where the backend names its GPU (gpu_counters.h).
  std::optional<GpuCounters> gpu;
  if (!own && !facts.gpu_pci_bus_id.empty()) gpu.emplace(facts.gpu_pci_bus_id, opt.idle_power_s);

  std::vector<double> warm;
  std::optional<size_t> steady;
  if (!own) backend.Prepare();
  t0 = Clock::now();
  if (!own) backend.Step();
  if (!own) TestOnlyDelay(delay_ms);
  t1 = Clock::now();
  r.first_inference_ms = own ? own->first_inference_ms : MsSince(t0, t1);

  // Warm-up until two adjacent windows agree (steady state), with a minimum and caps.
  const auto warm_start = Clock::now();
  if (own) {
    r.load_ms = own->load_ms;
    warm = own->warmup_ms;
    steady = own->steady_index;
    r.fetch_ms = own->fetch_ms;
    r.session_create_ms = own->session_create_ms;
    r.ep_nodes = own->ep_nodes;
    r.cpu_fallback_nodes = own->cpu_fallback_nodes;
    r.runtime_metrics_json = own->metrics_json;
    for (const auto& n : own->notes) notes.push_back(n);
  }
  for (; !own;) {
    backend.Prepare();
    const auto a = Clock::now();
    backend.Step();
    TestOnlyDelay(delay_ms);
    const auto b = Clock::now();
    warm.push_back(MsSince(a, b));
    const auto n = static_cast<int64_t>(warm.size());
    if (n >= opt.warmup_min) {
      steady = stats::SteadyStateStart(warm, static_cast<size_t>(opt.warmup_window),
                                       opt.warmup_tolerance);
      if (steady) break;
    }
    if (n >= opt.warmup_max ||
        std::chrono::duration<double>(b - warm_start).count() >= opt.warmup_max_s)
      break;
  }
  r.warmup_iterations = static_cast<int64_t>(warm.size());
  if (steady) {
    double t = 0;
    for (size_t i = 0; i < *steady; ++i) t += warm[i];
    r.time_to_steady_ms = t;
  } else {
    notes.push_back("warm-up reached its cap before a steady state (" +
                    std::to_string(warm.size()) + " iterations)");
  }

  backend.ResetPeakMemory();
  const double e0 = energy && !own ? rapl.Joules() : 0;
  if (gpu) gpu->Start();
  LoopResult loop;
  if (own) {
    loop.samples_ms = own->samples_ms;
    loop.stop = own->converged ? StopDecision::kConverged : StopDecision::kBudget;
    for (double v : loop.samples_ms) loop.elapsed_s += v / 1000.0;
  } else {
    loop = MeasureLoop(backend, opt, delay_ms);
  }
  const double e1 = energy && !own ? rapl.Joules() : 0;
  if (gpu) {
    gpu->Stop();
    if (auto note = gpu->ThrottleNote(); !note.empty()) notes.push_back(note);
  }
  m.samples_ms = std::move(loop.samples_ms);
  const auto& s = m.samples_ms;
  r.iterations = static_cast<int64_t>(s.size());
  if (loop.stop == StopDecision::kBudget) {
    r.status = ResultStatus::kNotConverged;
    notes.push_back("not converged: 95% CI of the median not within " +
                    std::to_string(opt.ci_target * 100).substr(0, 4) + "% after the " +
                    std::to_string(opt.budget_s).substr(0, 5) + " s budget");
  }

  const auto sum = stats::Summarize(s, opt.confidence);
  r.lat_min_ms = sum.min;
  r.lat_mean_ms = sum.mean;
  r.lat_stddev_ms = sum.stddev;
  r.lat_cv = sum.cv;
  r.lat_p50_ms = sum.p50;
  r.lat_p90_ms = sum.p90;
  r.lat_p95_ms = sum.p95;
  r.lat_p99_ms = sum.p99;
  r.lat_p999_ms = sum.p999;
  if (sum.median_ci) {
    r.lat_p50_ci_low_ms = sum.median_ci->low;
    r.lat_p50_ci_high_ms = sum.median_ci->high;
  }
  if (sum.cv > 0.10)
    notes.push_back("warning: high CV (" + std::to_string(sum.cv * 100).substr(0, 4) + "%)");

  const double items = static_cast<double>(backend.ItemsPerStep());
  const double mean_s = sum.mean / 1000.0;
  if (mean_s > 0) r.throughput = items / mean_s;
  switch (c.mode) {
    case Mode::kInference:
      r.throughput_unit = "items/s";
      break;
    case Mode::kTraining:
      r.throughput_unit = "samples/s";
      break;
    case Mode::kPrefill:
      r.throughput_unit = "tokens/s";
      r.ttft_ms = sum.p50;
      if (sum.p50 > 0) r.prefill_tokens_per_s = items / (sum.p50 / 1000.0);
      break;
    case Mode::kDecode:
      r.throughput_unit = "tokens/s";
      r.tpot_ms = sum.p50;
      if (sum.p50 > 0) r.decode_tokens_per_s = items / (sum.p50 / 1000.0);
      break;
  }

  const int64_t peak_kib = std::max(rss.PeakKiB(), ReadProcStatusKiB("VmHWM").value_or(0));
  r.peak_rss_mb = static_cast<double>(peak_kib) / 1024.0;
  if (own) r.peak_rss_mb = own->peak_rss_mb;  // the child's, not this worker's (issue 6)
  if (auto dm = backend.Memory(); dm.peak_bytes)
    r.peak_device_mem_mb = static_cast<double>(*dm.peak_bytes) / 1048576.0;

  if (r.flops_per_step && sum.p50 > 0) {
    const double achieved = *r.flops_per_step / (sum.p50 / 1000.0);
    r.achieved_tflops = achieved / 1e12;
    if (peak_flops && *peak_flops > 0) r.fraction_of_peak = achieved / *peak_flops;
  }
  if (energy && !own && facts.gpu_pci_bus_id.empty())
    r.energy_j_per_item =
        EnergyAboveIdlePerItem(e1 - e0, idle_watts, loop.elapsed_s, items, s.size());
  if (gpu) r.energy_j_per_item = gpu->EnergyPerItem(loop.elapsed_s, items, s.size());

  nlohmann::json opts = nlohmann::json::parse(ToJson(opt));
  opts["backend"] = c.backend_options;
  opts["runtime_details"] = facts.details;
  if (gpu)
    for (const auto& [k, v] : gpu->details()) opts["runtime_details"][k] = v;
  r.options_json = opts.dump();
  if (delay_ms > 0)
    notes.push_back(own ? "TEST ONLY: test_only_delay_ms ignored (this runtime times itself)"
                        : "TEST ONLY: " + std::to_string(delay_ms).substr(0, 6) +
                              " ms busy-wait injected after every timed step");
  for (const auto& w : EnvironmentWarnings()) notes.push_back(w);
  for (const auto& n : notes) r.reason += (r.reason.empty() ? "" : "; ") + n;
  return m;
}

}  // namespace accelbench::runner
