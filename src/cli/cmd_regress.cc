// accelbench regress: candidate run vs baseline run per configuration (Mann-Whitney U on the raw
// samples, bootstrap CI of the ratio of medians, minimum effect size), or change points over the
// history of each configuration (--history). Exit 1 when a regression is found.
#include <iostream>

#include "cli/command.h"
#include "core/errors.h"
#include "regress/regress.h"
#include "store/database.h"

namespace accelbench::cli {
namespace {

struct RegressFlags {
  std::string db = "accelbench.duckdb";
  double lock_timeout_s = 30;
  std::string baseline, candidate = "latest", format = "table", thresholds_file, config_key;
  std::vector<std::string> tags;
  bool history = false;
  int resamples = 2000, permutations = 199;
  size_t min_segment = 3;
  double threshold_pct = -1;
};

std::map<std::string, std::string> ParseTags(const std::vector<std::string>& items) {
  std::map<std::string, std::string> out;
  for (const auto& t : items) {
    const auto eq = t.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError("--tag expects key=value, got '" + t + "'");
    out[t.substr(0, eq)] = t.substr(eq + 1);
  }
  return out;
}

int RunRegress(const RegressFlags& f) {
  regress::Thresholds th;
  if (!f.thresholds_file.empty()) th = regress::LoadThresholds(f.thresholds_file);
  if (f.threshold_pct >= 0) th.default_pct = f.threshold_pct;
  // Parse everything before touching the database: bad input is exit 2 without waiting.
  const auto tags = ParseTags(f.tags);
  std::optional<regress::RunSelector> base_sel;
  if (!f.baseline.empty()) base_sel = regress::ParseRunSelector(f.baseline);
  const auto cand_sel = regress::ParseRunSelector(f.candidate);
  auto db = store::Database::Open(f.db, {.read_only = true, .lock_timeout_s = f.lock_timeout_s});
  if (f.history) {
    regress::HistoryOptions opt;
    opt.thresholds = th;
    if (!f.config_key.empty()) opt.config_key = f.config_key;
    opt.tags = tags;
    opt.permutations = f.permutations;
    opt.min_segment = f.min_segment;
    const auto h = regress::AnalyzeHistory(db, opt);
    if (h.empty()) throw UsageError("no results in " + f.db + " to build a history from");
    regress::WriteHistory(h, f.format, std::cout);
    for (const auto& c : h)
      for (const auto& cp : c.change_points)
        if (cp.verdict == regress::Verdict::kRegressed) return 1;
    return 0;
  }
  const std::string cand = regress::ResolveRun(db, cand_sel);
  const std::string base =
      base_sel ? regress::ResolveRun(db, *base_sel, cand) : regress::PreviousRun(db, cand);
  if (base == cand) throw UsageError("baseline and candidate are the same run " + cand);
  regress::CompareOptions opt;
  opt.thresholds = th;
  opt.resamples = f.resamples;
  if (!f.config_key.empty()) opt.config_key = f.config_key;
  const auto cmp = regress::CompareRuns(db, base, cand, opt);
  regress::WriteComparison(cmp, f.format, std::cout);
  return cmp.HasRegression() ? 1 : 0;
}

}  // namespace

void AddRegressCommand(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand(
      "regress",
      "Detect performance regressions: a candidate run vs a baseline run (exit 1 on a confirmed "
      "regression), or change points over each configuration's history (--history)");
  auto f = std::make_shared<RegressFlags>();
  cmd->add_option("--db", f->db, "Results database file")->default_val("accelbench.duckdb");
  cmd->add_option("--lock-timeout", f->lock_timeout_s,
                  "Seconds to wait for another accelbench process holding the database")
      ->default_val(30);
  cmd->add_option("--baseline", f->baseline,
                  "Baseline run: a run id, 'latest', or tags 'branch=main[,k=v]' (the newest run "
                  "with those tags, other than the candidate). Default: the run before the "
                  "candidate");
  cmd->add_option("--candidate", f->candidate,
                  "Candidate run: a run id, 'latest' or tags k=v[,k=v] (newest matching)")
      ->default_val("latest");
  cmd->add_flag("--history", f->history,
                "Change points over the history of each configuration (E-divisive means)");
  cmd->add_option("--config", f->config_key, "Only this configuration (config_key)");
  cmd->add_option("--tag", f->tags,
                  "--history: only runs with this tag (key=value; repeatable), e.g. branch=main");
  cmd->add_option("--thresholds", f->thresholds_file,
                  "JSON file of minimum effects: {\"default_pct\": 3, \"metrics\": "
                  "{\"latency_ms\": 5}, \"alpha\": 0.05, \"confidence\": 0.95}");
  cmd->add_option("--threshold", f->threshold_pct,
                  "Minimum effect in percent for every metric (overrides the file's default; "
                  "default 3)")
      ->check(FiniteRange(0.0, 1000.0));
  cmd->add_option("--resamples", f->resamples, "Bootstrap resamples of the ratio CI")
      ->default_val(2000)
      ->check(FiniteRange(100, 1000000));
  cmd->add_option("--permutations", f->permutations,
                  "--history: permutations of the change-point significance test")
      ->default_val(199)
      ->check(FiniteRange(19, 100000));
  cmd->add_option("--min-segment", f->min_segment, "--history: runs on each side of a change point")
      ->default_val(3)
      ->check(FiniteRange(1, 1000));
  cmd->add_option("--format", f->format, "Output format: table, md (PR comment) or json")
      ->default_val("table")
      ->check(CLI::IsMember({"table", "md", "json"}));
  cmd->callback([&action, f] { action = [f] { return RunRegress(*f); }; });
}

}  // namespace accelbench::cli
