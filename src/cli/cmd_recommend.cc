// accelbench recommend: the platform, precision and batch size to pick for one model under an
// objective and constraints, with the Pareto front and whether each number was measured or
// predicted.
#include <unistd.h>

#include <fmt/format.h>
#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "core/errors.h"
#include "core/host.h"
#include "hardware/hardware.h"
#include "predict/recommend.h"
#include "store/database.h"

namespace accelbench::cli {
namespace {

using nlohmann::json;

struct RecommendFlags {
  std::string db = "accelbench.duckdb";
  double lock_timeout_s = 30;
  std::string model, preset, mode = "inference", objective = "throughput", platforms, precisions,
                             slo_percentile = "p99", device, format = "table", batches;
  std::vector<std::string> prices;
  int64_t seq = -1;
  std::optional<double> slo_ms, memory_mb, max_dev;
  bool no_predict = false;
  int top = 15;
};

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  size_t a = 0;
  while (a <= s.size()) {
    size_t b = s.find(',', a);
    if (b == std::string::npos) b = s.size();
    if (b > a) out.push_back(s.substr(a, b - a));
    a = b + 1;
  }
  return out;
}

// "cuda=2.5/h" or "cuda=2.5" -> price per hour.
std::pair<std::string, double> ParsePrice(const std::string& s) {
  const auto eq = s.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError("--price takes PLATFORM=PRICE/h, e.g. cuda=2.5/h; got '" + s + "'");
  std::string v = s.substr(eq + 1);
  if (v.ends_with("/h")) v.resize(v.size() - 2);
  try {
    size_t used = 0;
    const double d = std::stod(v, &used);
    if (used != v.size()) throw std::invalid_argument(v);
    return {s.substr(0, eq), d};
  } catch (const std::exception&) {
    throw UsageError("--price: '" + s + "' is not PLATFORM=PRICE/h");
  }
}

std::string Opt(const std::optional<double>& v, const char* f = "{:.4g}") {
  return v ? fmt::format(fmt::runtime(f), *v) : "-";
}
json J(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

int Run(const RecommendFlags& f) {
  predict::RecommendRequest req;
  if (f.model.empty()) throw UsageError("recommend: --model is required");
  req.model = f.model;
  req.preset = f.preset;
  req.mode = f.mode;
  req.seq_len = f.seq;
  req.objective = predict::ParseObjective(f.objective);
  req.slo_ms = f.slo_ms;
  req.slo_percentile = f.slo_percentile;
  req.memory_budget_mb = f.memory_mb;
  req.max_deviation = f.max_dev;
  req.precisions = Split(f.precisions);
  req.device_name = f.device;
  req.host = HostName();
  for (const auto& p : f.prices) {
    for (const auto& one : Split(p)) {
      auto [k, v] = ParsePrice(one);
      req.price_per_hour[k] = v;
    }
  }
  if (f.no_predict) {
    req.predict_batches.clear();
  } else if (!f.batches.empty()) {
    req.predict_batches.clear();
    for (const auto& b : Split(f.batches)) {
      try {
        req.predict_batches.push_back(std::stoll(b));
      } catch (const std::exception&) {
        throw UsageError("--batches: '" + b + "' is not an integer");
      }
    }
  }
  std::string platform_origin = "given";
  if (!f.platforms.empty()) {
    req.platforms = Split(f.platforms);
  } else {
    hardware::DetectOptions d;
    d.probe_timeout = std::chrono::milliseconds(3000);
    for (const auto& p : hardware::Detect(d).platforms)
      if (p.available && p.kind != PlatformKind::kWebGpu && p.kind != PlatformKind::kWebNn &&
          p.kind != PlatformKind::kWasm)
        req.platforms.push_back(p.instance);
    platform_origin = "detected";
  }
  auto db = store::Database::Open(f.db, {.read_only = true, .lock_timeout_s = f.lock_timeout_s});
  const auto rec = predict::Recommend(db, req);

  if (f.format == "json") {
    json rows = json::array();
    for (size_t i = 0; i < rec.candidates.size(); ++i) {
      const auto& c = rec.candidates[i];
      json r = {{"platform", c.row.cfg.platform},
                {"precision", c.row.cfg.precision},
                {"batch", c.row.cfg.batch},
                {"source", c.predicted ? "predicted" : "measured"},
                {"throughput", c.throughput},
                {"p50_ms", c.p50_ms},
                {"p99_ms", c.p99_ms},
                {"memory_mb", J(c.memory_mb)},
                {"energy_j_per_item", J(c.energy_j_per_item)},
                {"cost_per_million", J(c.cost_per_million)},
                {"deviation", J(c.deviation)},
                {"feasible", c.feasible},
                {"why_not", c.why_not},
                {"pareto", c.pareto},
                {"chosen", rec.chosen && *rec.chosen == i}};
      if (c.prediction) {
        r["p50_interval_ms"] = {c.prediction->low_ms, c.prediction->high_ms};
        r["peaks"] = c.row.peaks.Describe();
      } else {
        r["result_id"] = c.row.result_id;
      }
      rows.push_back(r);
    }
    json out = {{"model", rec.model},
                {"preset", rec.preset},
                {"mode", rec.mode},
                {"seq_len", rec.seq_len},
                {"objective", std::string(predict::ToString(req.objective))},
                {"platforms", req.platforms},
                {"candidates", rows},
                {"rests_on_prediction", rec.RestsOnPrediction()},
                {"predictions_note", rec.predictions_note}};
    if (rec.chosen)
      out["recommended"] = rows[*rec.chosen];
    else
      out["none_reason"] = rec.none_reason;
    std::cout << out.dump(2) << "\n";
  } else {
    std::string plats;
    for (const auto& p : req.platforms) plats += (plats.empty() ? "" : ",") + p;
    std::cout << "recommend " << rec.model << "/" << rec.preset << " " << rec.mode
              << (rec.seq_len > 0 ? " seq " + std::to_string(rec.seq_len) : "") << ", objective "
              << predict::ToString(req.objective) << ", platforms " << plats << " ("
              << platform_origin << ")\n";
    if (rec.chosen) {
      const auto& c = rec.candidates[*rec.chosen];
      std::cout << fmt::format(
          "recommended: {} {} batch {} ({}): throughput {:.4g} items/s, p50 {:.4g} ms, "
          "p99 {:.4g} ms, memory {} MB, energy {} J/item, cost {} per million items\n",
          c.row.cfg.platform, c.row.cfg.precision, c.row.cfg.batch,
          c.predicted ? "PREDICTED" : "measured", c.throughput, c.p50_ms, c.p99_ms,
          Opt(c.memory_mb), Opt(c.energy_j_per_item), Opt(c.cost_per_million));
      if (rec.RestsOnPrediction())
        std::cout << "this recommendation rests on predictions (not measured): "
                  << c.row.peaks.Describe()
                  << "; measure it with `accelbench run` before "
                     "relying on it\n";
    }
    if (!rec.predictions_note.empty()) std::cout << rec.predictions_note << "\n";
    std::cout << fmt::format(
        "\n{:<10} {:<6} {:>5} {:<9} {:>11} {:>9} {:>9} {:>9} {:>8} {:>9} {:>7}  {}\n", "platform",
        "prec", "batch", "source", "items/s", "p50 ms", "p99 ms", "mem MB", "J/item", "$/M items",
        "pareto", "note");
    int shown = 0;
    for (size_t i = 0; i < rec.candidates.size(); ++i) {
      const auto& c = rec.candidates[i];
      if (!c.feasible && shown >= f.top) break;
      if (shown++ >= f.top && !c.pareto) continue;
      std::cout << fmt::format(
          "{:<10} {:<6} {:>5} {:<9} {:>11.4g} {:>9.4g} {:>9.4g} {:>9} {:>8} {:>9} {:>7}  {}\n",
          c.row.cfg.platform, c.row.cfg.precision, c.row.cfg.batch,
          c.predicted ? "predicted" : "measured", c.throughput, c.p50_ms, c.p99_ms,
          Opt(c.memory_mb, "{:.0f}"), Opt(c.energy_j_per_item), Opt(c.cost_per_million),
          c.pareto ? "*" : "", rec.chosen && *rec.chosen == i ? "<- recommended" : c.why_not);
    }
    std::cout << "(* = on the Pareto front: throughput up, latency " << req.slo_percentile
              << " down, memory down; predicted rows: p99 = predicted p50 x the measured median "
                 "p99/p50, memory fitted over measured batch sizes)\n";
  }
  if (!rec.chosen) throw FindingError(rec.none_reason);
  return 0;
}

}  // namespace

void AddRecommendCommand(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("recommend", "Recommend hardware, precision and batch size");
  auto f = std::make_shared<RecommendFlags>();
  cmd->add_option("--db", f->db, "Results database file")->default_val("accelbench.duckdb");
  cmd->add_option("--lock-timeout", f->lock_timeout_s, "Seconds to wait for the database lock")
      ->default_val(30);
  cmd->add_option("--model", f->model, "Model family")->required();
  cmd->add_option("--preset", f->preset, "Preset (default: the measured one)");
  cmd->add_option("--mode", f->mode, "Mode")->default_val("inference");
  cmd->add_option("--seq", f->seq, "Sequence length (default: the most measured one)");
  cmd->add_option("--objective", f->objective,
                  "throughput, latency-p50, latency-p99, memory, energy or cost")
      ->default_val("throughput");
  cmd->add_option("--slo-ms", f->slo_ms, "Latency SLO in ms (at --slo-percentile)");
  cmd->add_option("--slo-percentile", f->slo_percentile, "p50 or p99")->default_val("p99");
  cmd->add_option("--memory-budget-mb", f->memory_mb, "Peak memory budget in MB");
  cmd->add_option("--platforms", f->platforms, "Allowed platforms (default: the detected ones)");
  cmd->add_option("--precisions", f->precisions, "Allowed precisions (default: any)");
  cmd->add_option("--max-deviation", f->max_dev,
                  "Maximum output deviation (relative, vs fp32) allowed for lower precisions")
      ->check(FiniteRange(0.0, 1e9));
  cmd->add_option("--price", f->prices, "Price per hour: cuda=2.5/h (repeatable or comma list)");
  cmd->add_option("--batches", f->batches,
                  "Batch sizes to predict where unmeasured (default 1..64)");
  cmd->add_flag("--no-predict", f->no_predict, "Measured configurations only");
  cmd->add_option("--device", f->device, "Vendor-spec device for never-calibrated platforms");
  cmd->add_option("--top", f->top, "Rows shown besides the Pareto front")
      ->default_val(15)
      ->check(AtLeast(0));
  cmd->add_option("--format", f->format, "table or json")
      ->default_val("table")
      ->check(CLI::IsMember({"table", "json"}));
  cmd->callback([&action, f] { action = [f] { return Run(*f); }; });
}

}  // namespace accelbench::cli
