// accelbench tune-precision MODEL --max-deviation X --objective latency|memory (issue 11):
// measures each layer group's sensitivity on libtorch (the plan lowering only that group to int8
// or int4), ranks the multi-group plans by the objective (predicted, additive), measures the best
// until one meets the deviation budget, then benchmarks it with the normal runner and stores it
// (the plan is the backend option precision_plan, recorded in options_json, plus tags).
#include <algorithm>
#include <chrono>
#include <iostream>

#include <fmt/format.h>

#include "backends/registry.h"
#include "cli/command.h"
#include "core/errors.h"
#include "models/family.h"
#include "quant/plan_search.h"
#include "quant/precision_plan.h"
#include "runner/session.h"

namespace accelbench::cli {
namespace {

struct TuneFlags {
  std::string model, preset, platform = "cpu", objective = "latency", db = "accelbench.duckdb";
  double max_deviation = -1;
  int64_t batch = 1, seq = 64, int4_group = 128, verify = 5, timed_steps = 5;
  runner::HarnessOptions harness;
  bool harness_from_flags = false;
};

struct Measured {
  quant::PlanMeasurement m;
  int64_t quantized_weights = 0;
};

Measured MeasurePlan(const TuneFlags& f, const quant::PrecisionPlan& plan) {
  Precision lowest = Precision::kFp32;
  for (Precision p : {Precision::kInt8, Precision::kInt4})
    if (plan.Uses(p)) lowest = p;
  const auto& family = models::FindFamily(f.model);
  backends::LoadRequest req;
  req.family = f.model;
  req.preset = f.preset;
  req.config = family.FindPreset(f.preset).config;
  req.platform = f.platform;
  req.precision = lowest;
  req.mode = Mode::kInference;
  req.workload.batch = f.batch;
  req.workload.seq_len = f.seq;
  if (lowest != Precision::kFp32) {
    req.options["precision_plan"] = plan.ToString();
    req.options["int4_group"] = std::to_string(f.int4_group);
  }
  auto backend = backends::MakeBackend("libtorch");
  backend->Load(req);
  const auto facts = backend->Facts();
  Measured out;
  auto field = [&](const char* k) {
    auto it = facts.result_fields.find(k);
    return it == facts.result_fields.end() ? 0.0 : it->second;
  };
  out.m.rel_dev = field("output_rel_dev");
  out.m.weight_bytes = field("weight_bytes");
  if (auto it = facts.details.find("quantized_weights"); it != facts.details.end())
    out.quantized_weights = std::stoll(it->second);
  using Clock = std::chrono::steady_clock;
  for (int i = 0; i < 2; ++i) backend->Step();  // warm-up
  std::vector<double> ms;
  for (int64_t i = 0; i < f.timed_steps; ++i) {
    const auto t0 = Clock::now();
    backend->Step();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::nth_element(ms.begin(), ms.begin() + ms.size() / 2, ms.end());
  out.m.latency_ms = ms[ms.size() / 2];
  return out;
}

std::string Row(const std::string& what, const quant::PlanMeasurement& m, const char* kind) {
  return fmt::format("  {:<44} {:>10.3e} {:>12.0f} {:>10.2f}  {}\n", what, m.rel_dev,
                     m.weight_bytes, m.latency_ms, kind);
}

int Tune(const TuneFlags& f) {
  if (f.max_deviation < 0) throw UsageError("--max-deviation must be >= 0");
  const auto objective = quant::ParseObjective(f.objective);
  if (f.timed_steps < 1 || f.verify < 1) throw UsageError("--steps and --verify must be >= 1");
  std::cout << fmt::format(
      "tune-precision {} (preset {}, {}, batch {}, seq {}): objective {}, max deviation {}\n",
      f.model, f.preset, f.platform, f.batch, f.seq, quant::ToString(objective), f.max_deviation);
  std::cout << fmt::format("  {:<44} {:>10} {:>12} {:>10}\n", "plan", "rel_dev", "weight_B",
                           "median_ms");
  const auto fp32 = MeasurePlan(f, quant::PrecisionPlan{});
  std::cout << Row("fp32", fp32.m, "measured");
  std::vector<quant::GroupSensitivity> sens;
  const quant::GroupSensitivity* least = nullptr;
  for (const auto& g : quant::LayerGroups()) {
    for (Precision p : {Precision::kInt8, Precision::kInt4}) {
      quant::PrecisionPlan plan;
      plan.int4_group_size = f.int4_group;
      plan.groups[g] = p;
      Measured m;
      try {
        m = MeasurePlan(f, plan);
      } catch (const UnsupportedError& e) {
        std::cout << fmt::format("  {:<44} {}\n", plan.ToString(), e.what());
        continue;
      }
      if (m.quantized_weights == 0) break;  // the model has no weights in this group
      sens.push_back({g, p, m.m});
      std::cout << Row(plan.ToString(), m.m, "measured (sensitivity)");
    }
  }
  for (const auto& s : sens)
    if (!least || s.m.rel_dev < least->m.rel_dev) least = &s;
  if (sens.empty()) throw FindingError("no layer group of " + f.model + " could be lowered");
  const auto ranked = quant::RankPlans(fp32.m, sens, f.max_deviation, objective, f.int4_group);
  const std::string none = fmt::format(
      "no plan lowering any layer group meets --max-deviation {} (least sensitive: {}={} at "
      "rel_dev {:.3e})",
      f.max_deviation, least->group, ToString(least->precision), least->m.rel_dev);
  if (ranked.empty()) throw FindingError(none);
  const quant::RankedPlan* chosen = nullptr;
  for (size_t i = 0; i < ranked.size() && i < static_cast<size_t>(f.verify); ++i) {
    std::cout << Row(ranked[i].plan.ToString(), ranked[i].predicted, "PREDICTED (additive)");
    const auto m = MeasurePlan(f, ranked[i].plan);
    const bool ok = m.m.rel_dev <= f.max_deviation;
    std::cout << Row(ranked[i].plan.ToString(), m.m,
                     ok ? "measured: meets the budget" : "measured: over the budget");
    if (ok) {
      chosen = &ranked[i];
      break;
    }
  }
  if (!chosen) throw FindingError(none + "; the best predicted plans measured over it");
  Precision lowest = Precision::kInt8;
  if (chosen->plan.Uses(Precision::kInt4)) lowest = Precision::kInt4;
  std::cout << "chosen plan: " << chosen->plan.ToString() << " (benchmarking with the runner)\n";

  runner::RunCommandOptions o;
  auto& r = o.request;
  r.source = "tune-precision";
  r.models = {f.model};
  r.platforms = {f.platform};
  r.precisions = {std::string(ToString(lowest))};
  r.modes = {"inference"};
  r.batches = {f.batch};
  r.seq_lens = {f.seq};
  r.preset = f.preset;
  r.backend_options["precision_plan"] = chosen->plan.ToString();
  r.backend_options["int4_group"] = std::to_string(f.int4_group);
  o.db_path = f.db;
  o.harness = f.harness;
  o.harness_from_flags = f.harness_from_flags;
  o.tags["tune_precision"] = chosen->plan.ToString();
  o.tags["tune_objective"] = std::string(quant::ToString(objective));
  o.tags["tune_max_deviation"] = fmt::format("{}", f.max_deviation);
  o.command_line = "accelbench tune-precision";
  return runner::RunCommand(o);
}

}  // namespace

void AddTunePrecisionCommand(CLI::App& app, Action& action) {
  auto f = std::make_shared<TuneFlags>();
  auto* cmd = app.add_subcommand("tune-precision",
                                 "Search a per-layer precision plan within a deviation budget");
  cmd->add_option("model", f->model, "Model family (e.g. bert, llama)")->required();
  cmd->add_option("--max-deviation", f->max_deviation,
                  "Budget: max output_rel_dev vs fp32 (max |dev| / max |fp32 output|)")
      ->required()
      ->check(Finite());
  cmd->add_option("--objective", f->objective, "latency (default) or memory");
  cmd->add_option("--preset", f->preset, "Model preset (default: the family's reference)");
  cmd->add_option("--platform", f->platform, "libtorch platform (default cpu)");
  // Checked at parsing: a bad size fails before the search, never inside a measurement.
  cmd->add_option("--batch", f->batch, "Batch size (default 1)")->check(AtLeast(1));
  cmd->add_option("--seq", f->seq, "Sequence length (default 64)")->check(AtLeast(1));
  cmd->add_option("--int4-group", f->int4_group, "int4 group size (default 128)")
      ->check(AtLeast(1));
  cmd->add_option("--steps", f->timed_steps, "Timed steps per search measurement (default 5)")
      ->check(AtLeast(1));
  cmd->add_option("--verify", f->verify, "Best predicted plans to measure (default 5)")
      ->check(AtLeast(1));
  cmd->add_option("--db", f->db, "Database for the benchmark of the chosen plan");
  auto harness_opt = [&](const char* name, auto& field, const char* help) {
    cmd->add_option(name, field, help)->each([f](const std::string&) {
      f->harness_from_flags = true;
    });
  };
  harness_opt("--min-time", f->harness.min_time_s, "Benchmark stop rule: minimum seconds");
  harness_opt("--budget", f->harness.budget_s, "Benchmark budget per configuration (s)");
  cmd->callback([f, &action] {
    action = [f] {
      if (f->preset.empty()) f->preset = models::FindFamily(f->model).ReferencePreset().name;
      return Tune(*f);
    };
  });
}

}  // namespace accelbench::cli
