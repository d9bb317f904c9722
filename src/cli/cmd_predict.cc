// accelbench predict: predicted latency of a configuration nobody measured (gradient-boosted
// trees over the database's measurements, roofline baseline, conformal interval), --evaluate
// (held-out accuracy vs the roofline) and --suggest (what to measure next). Every output says
// "predicted"; predictions are stored in the predictions table, never in results.
#include <unistd.h>

#include <fmt/format.h>
#include <cmath>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "core/enums.h"
#include "core/errors.h"
#include "core/host.h"
#include "models/family.h"
#include "predict/evaluate.h"
#include "predict/prediction_store.h"
#include "predict/predictor.h"
#include "store/database.h"

namespace accelbench::cli {
namespace {

using nlohmann::json;

struct PredictFlags {
  std::string db = "accelbench.duckdb";
  double lock_timeout_s = 30;
  std::string model, preset, platform = "cpu", runtime = "libtorch", precision = "fp32",
                             mode = "inference", device, format = "table", method = "learned";
  int64_t batch = 1, seq = -1;
  bool evaluate = false, no_store = false;
  int suggest = 0;
  double level = 0.9;
};

std::string Pct(double v) { return std::isnan(v) ? "n/a" : fmt::format("{:.1f}%", 100 * v); }
std::string Num(double v) { return std::isnan(v) ? "n/a" : fmt::format("{:.3f}", v); }
json J(double v) { return std::isnan(v) ? json(nullptr) : json(v); }

predict::PredictorOptions Options(const PredictFlags& f) {
  predict::PredictorOptions o;
  o.alpha = 1 - f.level;
  if (f.method == "roofline") o.method = predict::Method::kRooflineScaled;
  return o;
}

bool TakesText(const models::Family& fam) {
  for (const auto& d : fam.InputsFor(fam.ReferencePreset().config, {}, Mode::kInference))
    if (d.kind == models::InputKind::kTokenIds) return true;
  return false;
}

int Evaluate(store::Database& db, const PredictFlags& f) {
  const auto rows = predict::LoadMeasured(db);
  const auto o = Options(f);
  std::vector<predict::Evaluation> evals = {predict::LeaveOneConfigurationOut(rows, o),
                                            predict::LeaveOnePlatformOut(rows, o)};
  if (f.format == "json") {
    json out = {{"predicted", true}, {"interval_level", f.level}, {"schemes", json::array()}};
    for (const auto& e : evals) {
      json s = {{"scheme", e.scheme}, {"rows", e.rows}, {"groups", e.groups}, {"note", e.note}};
      for (const auto& sc : e.scores)
        s["methods"].push_back({{"method", sc.method},
                                {"n", sc.n},
                                {"mape", J(sc.mape)},
                                {"within_10pct", J(sc.within10)},
                                {"within_25pct", J(sc.within25)},
                                {"spearman", J(sc.spearman)},
                                {"interval_coverage", J(sc.coverage)}});
      out["schemes"].push_back(s);
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::cout << "predict --evaluate: held-out accuracy of predicted p50 latency over "
            << evals[0].rows << " measured configurations (latest result each); " << Pct(f.level)
            << " intervals\n";
  for (const auto& e : evals) {
    std::cout << "\n" << e.scheme << " (" << e.groups << " group(s))";
    if (!e.note.empty()) std::cout << ": " << e.note;
    std::cout << "\n";
    if (e.scores.empty() || e.scores[0].n == 0) continue;
    std::cout << fmt::format("  {:<30} {:>5} {:>8} {:>10} {:>10} {:>9} {:>9}\n", "method", "n",
                             "MAPE", "<=+-10%", "<=+-25%", "Spearman", "coverage");
    for (const auto& s : e.scores)
      std::cout << fmt::format("  {:<30} {:>5} {:>8} {:>10} {:>10} {:>9} {:>9}\n", s.method, s.n,
                               Pct(s.mape), Pct(s.within10), Pct(s.within25), Num(s.spearman),
                               std::isnan(s.coverage) ? "-" : Pct(s.coverage));
  }
  std::cout << "\nanchor: nn-Meter reports 99% of latency predictions within +-10% on mobile "
               "CPUs/GPUs (83% on a VPU)\n";
  return 0;
}

int Suggest(store::Database& db, const PredictFlags& f) {
  const auto p = predict::Predictor::Fit(predict::LoadMeasured(db), Options(f));
  const auto s = predict::Suggest(db, p, static_cast<size_t>(f.suggest));
  if (f.format == "json") {
    json out = json::array();
    for (const auto& x : s)
      out.push_back({{"predicted", true},
                     {"config", x.row.cfg.Label()},
                     {"predicted_p50_ms", x.prediction.p50_ms},
                     {"interval_low_ms", x.prediction.low_ms},
                     {"interval_high_ms", x.prediction.high_ms},
                     {"log_width", x.prediction.log_width}});
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::cout << "measure next (widest predicted intervals first; measuring them shrinks the "
               "uncertainty most):\n";
  for (const auto& x : s)
    std::cout << fmt::format("  {:<55} predicted p50 {:.4g} ms ({:.4g} - {:.4g} ms, x{:.2f})\n",
                             x.row.cfg.Label(), x.prediction.p50_ms, x.prediction.low_ms,
                             x.prediction.high_ms, std::exp(x.prediction.log_width));
  if (s.empty()) std::cout << "  nothing: every neighbouring configuration is measured\n";
  return 0;
}

int PredictOne(store::Database& db, const PredictFlags& f) {
  if (f.model.empty()) throw UsageError("predict: --model is required (or --evaluate/--suggest)");
  const auto& fam = models::FindFamily(f.model);
  ParsePlatformKind(f.platform.substr(0, f.platform.find(':')));
  ParsePrecision(f.precision);
  ParseMode(f.mode);
  if (f.batch <= 0) throw UsageError("--batch must be positive");
  if (!f.device.empty() && !predict::FindVendorSpec(f.device)) {
    std::string list;
    for (const auto& s : predict::VendorSpecs())
      list += (list.empty() ? "" : ", ") + std::string(s.name);
    throw UsageError("unknown --device '" + f.device + "' (vendor spec table: " + list + ")");
  }
  const auto rows = predict::LoadMeasured(db);
  const auto p = predict::Predictor::Fit(rows, Options(f));

  predict::Row q;
  q.cfg.model = f.model;
  q.cfg.preset = f.preset.empty() ? fam.ReferencePreset().name : fam.FindPreset(f.preset).name;
  q.cfg.platform = f.platform;
  q.cfg.runtime = f.runtime;
  q.cfg.precision = f.precision;
  q.cfg.mode = f.mode;
  q.cfg.batch = f.batch;
  q.cfg.host = HostName();
  std::map<int64_t, int> seqs, threads;
  for (const auto& r : p.rows()) {
    if (r.cfg.model == f.model) seqs[r.cfg.seq_len]++;
    if (r.cfg.platform == f.platform) threads[r.cfg.threads]++;
  }
  q.cfg.seq_len = f.seq;
  if (q.cfg.seq_len < 0) {
    q.cfg.seq_len = TakesText(fam) ? 128 : 0;
    int best = 0;
    for (auto [s, n] : seqs)
      if (n > best) best = n, q.cfg.seq_len = s;
  }
  for (int best = 0; auto [t, n] : threads)
    if (n > best) best = n, q.cfg.threads = t;
  predict::Complete(db, q, f.device);
  const auto pr = p.Predict(q);
  const predict::Row* same = nullptr;
  for (const auto& r : p.rows())
    if (r.cfg.Label() == q.cfg.Label()) same = &r;
  std::string id;
  if (!f.no_store) id = predict::StorePrediction(db, q, pr, p);

  const double items = static_cast<double>(f.batch);
  if (f.format == "json") {
    json nb = json::array();
    for (const auto& n : pr.neighbours) {
      const auto& r = p.rows()[n.index];
      nb.push_back({{"config", r.cfg.Label()},
                    {"result_id", r.result_id},
                    {"measured_p50_ms", *r.p50_ms},
                    {"distance", n.distance}});
    }
    json out = {{"predicted", true},
                {"config", q.cfg.Label()},
                {"predicted_p50_ms", pr.p50_ms},
                {"interval_low_ms", pr.low_ms},
                {"interval_high_ms", pr.high_ms},
                {"interval_level", f.level},
                {"predicted_throughput_items_per_s", items * 1e3 / pr.p50_ms},
                {"roofline_ms", pr.roofline_ms},
                {"flops_per_step", q.cost.flops},
                {"bytes_per_step", q.cost.bytes},
                {"peaks", q.peaks.Describe()},
                {"vendor_spec", q.peaks.vendor_spec},
                {"predictor", std::string(predict::ToString(p.options().method))},
                {"training_rows", p.rows().size()},
                {"neighbours", nb},
                {"prediction_id", id}};
    if (same) out["measured_p50_ms"] = *same->p50_ms;
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::cout << "predicted (not measured): " << q.cfg.Label() << "\n";
  std::cout << fmt::format(
      "  predicted p50 latency   {:.4g} ms   ({} interval {:.4g} - {:.4g} ms)\n", pr.p50_ms,
      Pct(f.level), pr.low_ms, pr.high_ms);
  std::cout << fmt::format("  predicted throughput    {:.4g} items/s\n", items * 1e3 / pr.p50_ms);
  std::cout << fmt::format(
      "  roofline estimate       {:.4g} ms ({:.3g} GFLOP, {:.3g} MB moved per step)\n",
      pr.roofline_ms, q.cost.flops / 1e9, q.cost.bytes / 1e6);
  std::cout << "  device peaks            " << q.peaks.Describe() << "\n";
  std::cout << "  predictor               " << predict::ToString(p.options().method)
            << " on log(p50 / roofline), " << p.rows().size()
            << " measured configurations, cross-conformal interval\n";
  std::cout << "  leaned on (most similar measured configurations):\n";
  for (const auto& n : pr.neighbours) {
    const auto& r = p.rows()[n.index];
    std::cout << fmt::format("    {:<55} measured p50 {:.4g} ms  (distance {:.2f})\n",
                             r.cfg.Label(), *r.p50_ms, n.distance);
  }
  if (same)
    std::cout << fmt::format("  this configuration is measured: p50 {:.4g} ms (result {})\n",
                             *same->p50_ms, same->result_id);
  if (!id.empty()) std::cout << "  stored as prediction " << id << " (table predictions)\n";
  return 0;
}

}  // namespace

void AddPredictCommand(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand(
      "predict", "Predict performance of untested configurations (labelled predicted)");
  auto f = std::make_shared<PredictFlags>();
  cmd->add_option("--db", f->db, "Results database file")->default_val("accelbench.duckdb");
  cmd->add_option("--lock-timeout", f->lock_timeout_s, "Seconds to wait for the database lock")
      ->default_val(30);
  cmd->add_option("--model", f->model, "Model family");
  cmd->add_option("--preset", f->preset, "Preset (default: the reference preset)");
  cmd->add_option("--platform", f->platform, "Platform kind or instance: cpu, cuda, cuda:0, rocm")
      ->default_val("cpu");
  cmd->add_option("--runtime", f->runtime, "Runtime")->default_val("libtorch");
  cmd->add_option("--precision", f->precision, "Precision")->default_val("fp32");
  cmd->add_option("--mode", f->mode, "Mode")->default_val("inference");
  cmd->add_option("--batch", f->batch, "Batch size")->default_val(1);
  cmd->add_option("--seq", f->seq, "Sequence length (default: the most measured one, else 128)");
  cmd->add_option(
      "--device", f->device,
      "Vendor-spec device for a platform never calibrated here (H100, A100, MI300X...)");
  cmd->add_option("--method", f->method, "learned (gradient-boosted trees) or roofline")
      ->default_val("learned")
      ->check(CLI::IsMember({"learned", "roofline"}));
  cmd->add_option("--level", f->level, "Interval level")
      ->default_val(0.9)
      ->check(FiniteRange(0.5, 0.99));
  cmd->add_flag("--evaluate", f->evaluate,
                "Leave-one-configuration-out and leave-one-platform-out accuracy vs the roofline");
  cmd->add_option("--suggest", f->suggest, "List the N configurations to measure next")
      ->expected(0, 1)
      ->default_str("10");
  cmd->add_flag("--no-store", f->no_store, "Do not store the prediction");
  cmd->add_option("--format", f->format, "table or json")
      ->default_val("table")
      ->check(CLI::IsMember({"table", "json"}));
  cmd->callback([&action, f, cmd] {
    if (cmd->count("--suggest") && f->suggest <= 0) f->suggest = 10;
    action = [f] {
      auto db =
          store::Database::Open(f->db, {.read_only = false, .lock_timeout_s = f->lock_timeout_s});
      if (f->evaluate) return Evaluate(db, *f);
      if (f->suggest > 0) return Suggest(db, *f);
      return PredictOne(db, *f);
    };
  });
}

}  // namespace accelbench::cli
