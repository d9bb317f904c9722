// accelbench compare: speedups vs a baseline (bootstrap CI), precision gains, batch scaling
// efficiency and training vs inference cost, from the results database.
#include <iostream>

#include "analysis/compare.h"
#include "cli/command.h"
#include "cluster/distributed.h"
#include "core/errors.h"
#include "store/database.h"

namespace accelbench::cli {
namespace {

struct CompareFlags {
  std::string db = "accelbench.duckdb";
  double lock_timeout_s = 30;
  std::string format = "table", baseline, run, model, preset, platform, mode;
  bool all = false;
  int resamples = 2000;
};

}  // namespace

// Shared by compare and report: the result filters.
void AddResultFilterOptions(CLI::App& cmd, store::ResultFilter& f, std::string& db,
                            double& lock_timeout_s);

void AddResultFilterOptions(CLI::App& cmd, store::ResultFilter& f, std::string& db,
                            double& lock_timeout_s) {
  cmd.add_option("--db", db, "Results database file")->default_val("accelbench.duckdb");
  cmd.add_option("--lock-timeout", lock_timeout_s,
                 "Seconds to wait for another accelbench process holding the database")
      ->default_val(30);
  cmd.add_option("--run", f.run_id, "Only results of this run id");
  cmd.add_option("--model", f.model, "Only this model family");
  cmd.add_option("--preset", f.preset, "Only this preset");
  cmd.add_option("--platform", f.platform, "Only this platform instance");
  cmd.add_option("--mode", f.mode, "Only this mode");
}

void AddCompareCommand(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand(
      "compare", "Compare platforms, precisions and batch sizes (speedup vs a baseline)");
  auto flags = std::make_shared<CompareFlags>();
  auto filter = std::make_shared<store::ResultFilter>();
  AddResultFilterOptions(*cmd, *filter, flags->db, flags->lock_timeout_s);
  cmd->add_option("--baseline", flags->baseline,
                  "Reference configuration, e.g. platform=cpu,runtime=libtorch,precision=fp32 "
                  "(the default); keys left out must match the compared configuration");
  cmd->add_option("--resamples", flags->resamples, "Bootstrap resamples for the CIs")
      ->default_val(2000)
      ->check(FiniteRange(100, 1000000));
  cmd->add_flag("--all", flags->all,
                "Use every stored result, not only the newest per configuration");
  cmd->add_option("--format", flags->format, "Output format: table, json, jsonl, csv or md")
      ->default_val("table")
      ->check(CLI::IsMember({"table", "json", "jsonl", "csv", "md"}));
  cmd->callback([&action, flags, filter] {
    action = [flags, filter] {
      analysis::CompareOptions opt;
      opt.baseline = analysis::ParseBaseline(flags->baseline);
      opt.resamples = flags->resamples;
      auto db = store::Database::Open(flags->db,
                                      {.read_only = true, .lock_timeout_s = flags->lock_timeout_s});
      store::ResultFilter f = *filter;
      f.latest_only = !flags->all;
      auto results = db.Results(f);
      if (results.empty()) throw FindingError("no results in " + flags->db + " match the filters");
      auto rows = analysis::Compare(
          results, [&db](const std::string& id) { return db.Samples(id); }, opt);
      if (rows.empty())
        std::cerr << "compare: " << results.size()
                  << " result(s), nothing to compare (only baseline configurations)\n";
      analysis::WriteComparisons(rows, flags->format, std::cout);
      // Data-parallel training results (issue 10): the scaling table and chart.
      if (flags->format == "table") cluster::WriteScalingTable(results, std::cout);
      return 0;
    };
  });
}

}  // namespace accelbench::cli
