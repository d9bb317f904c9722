// accelbench run: sweeps (flags or a YAML/JSON file), the default suite, --resume; and the hidden
// `run --worker` subcommand that the runner re-executes for process isolation.
#include <iostream>

#include "cli/command.h"
#include "cluster/distributed.h"
#include "core/errors.h"
#include "runner/session.h"
#include "runner/settings.h"

namespace accelbench::cli {
namespace {

struct RunFlags {
  runner::RunCommandOptions opt;
  std::string models, platforms, precisions, modes, batches, seqs;
  std::vector<std::string> sets, backend_options, tags;
  bool worker = false;
  std::string world_sizes;  // issue 10: data-parallel training scaling series
  int64_t threads = 0;
};

std::vector<int64_t> ParseInts(const std::string& flag, const std::string& s) {
  std::vector<int64_t> out;
  for (const auto& part : runner::SplitList(s)) {
    try {
      size_t used = 0;
      out.push_back(std::stoll(part, &used));
      if (used != part.size()) throw std::invalid_argument(part);
    } catch (const std::exception&) {
      throw UsageError(flag + " takes integers, got '" + part + "'");
    }
  }
  return out;
}

std::pair<std::string, std::string> KeyValue(const std::string& flag, const std::string& s) {
  const auto eq = s.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError(flag + " takes key=value, got '" + s + "'");
  return {s.substr(0, eq), s.substr(eq + 1)};
}

}  // namespace

void AddRunCommand(CLI::App& app, Action& action) {
  auto flags = std::make_shared<RunFlags>();
  auto& o = flags->opt;
  auto* cmd = app.add_subcommand("run", "Run a benchmark sweep and store the results");
  std::vector<CLI::Option*> sweep_defining;  // what --resume takes from the database instead
  auto sweep_flag = [&sweep_defining](CLI::Option* opt) {
    sweep_defining.push_back(opt);
    return opt;
  };
  sweep_flag(
      cmd->add_option("--models", flags->models, "Model families, comma-separated (bert,vit)"));
  sweep_flag(
      cmd->add_option("--platforms", flags->platforms, "Platforms: cpu,cuda,... (default cpu)"));
  sweep_flag(cmd->add_option("--precision", flags->precisions,
                             "Precisions: fp32,fp16,bf16,int8 (default fp32)"));
  sweep_flag(cmd->add_option("--mode", flags->modes, "Modes: inference,prefill,decode,training"));
  sweep_flag(
      cmd->add_option("--batch", flags->batches, "Batch sizes, comma-separated (default 1)"));
  sweep_flag(
      cmd->add_option("--seq", flags->seqs, "Sequence lengths for text models (default 128)"));
  sweep_flag(cmd->add_option("--preset", o.request.preset,
                             "Model preset (default: each family's reference)"));
  sweep_flag(cmd->add_option("--set", flags->sets, "Model config override key=value (repeatable)"));
  sweep_flag(cmd->add_option("--backend-option", flags->backend_options,
                             "Backend option key=value (repeatable), recorded with the results"));
  sweep_flag(cmd->add_option("--runtime", o.request.runtime, "Runtime (default libtorch)"));
  sweep_flag(cmd->add_option("--sweep", o.sweep_file, "YAML or JSON sweep file"));
  sweep_flag(
      cmd->add_option("--threads", flags->threads, "Threads per configuration (0 = all cores)"));
  cmd->add_option("--db", o.db_path, "Results database")->default_val("accelbench.duckdb");
  AddFormatOption(*cmd, o.format);
  cmd->add_option("--tag", flags->tags, "Run tag key=value (repeatable), stored in runs.tags");
  sweep_flag(cmd->add_option("--time-limit", o.time_limit_s,
                             "Seconds per configuration before the worker is killed")
                 ->default_val(120));
  sweep_flag(
      cmd->add_option("--memory-limit", o.memory_limit_mb,
                      "Worker address-space limit in MiB (default 90% of available memory; 0 = "
                      "none)"));
  auto* resume = cmd->add_option("--resume", o.resume_run_id,
                                 "Continue a run without repeating finished work");
  cmd->add_option("--shard", o.shard,
                  "Run shard I/N (0-based) of the sweep, balanced by estimated cost (default: "
                  "from mpirun/srun/Slurm array environment)");
  sweep_flag(
      cmd->add_option("--world-size", flags->world_sizes,
                      "Data-parallel training scaling series: process counts, e.g. 1,2,4 (ranks "
                      "spawned on loopback, or this process's launcher world under mpirun/srun)"));
  cmd->add_option(
      "--run-id", o.run_id,
      "Run id shared by all shards (default: ACCELBENCH_RUN_ID or the launcher job id)");
  sweep_flag(cmd->add_flag("--default-suite", o.default_suite,
                           "Run the default suite (what `make run` runs)"));
  cmd->add_option("--suite-budget", o.default_suite_budget_s,
                  "Default suite: planned measurement time in seconds")
      ->default_val(480);
  cmd->add_option("--report", o.report_file, "Write the HTML report of this run to FILE");
  cmd->add_option("--lock-timeout", o.lock_timeout_s, "Seconds to wait for the database lock")
      ->default_val(30);
  cmd->add_flag("--no-progress-bar", o.quiet_progress, "Plain progress lines even on a terminal");
  auto& h = o.harness;
  auto harness_opt = [&](const char* name, auto& var, const char* what) {
    sweep_flag(
        cmd->add_option(name, var, what)->capture_default_str()->each([flags](const std::string&) {
          flags->opt.harness_from_flags = true;
        }));
  };
  harness_opt("--min-iterations", h.min_iterations, "Stop rule: minimum measured iterations");
  harness_opt("--min-time", h.min_time_s, "Stop rule: minimum measured seconds");
  harness_opt("--ci-target", h.ci_target, "Stop rule: 95% CI half-width of the median / median");
  harness_opt("--budget", h.budget_s, "Per-configuration measurement budget in seconds");
  harness_opt("--warmup-min", h.warmup_min, "Minimum warm-up iterations");
  harness_opt("--warmup-max", h.warmup_max, "Warm-up cap (iterations)");
  harness_opt("--warmup-max-time", h.warmup_max_s, "Warm-up cap (seconds)");
  cmd->add_flag("--worker", flags->worker, "internal: isolation worker")->group("");
  // A resumed run keeps the sweep and settings it was started with (stored in the database): a
  // flag that would change them is a usage error, not silently ignored.
  for (auto* opt : sweep_defining) resume->excludes(opt);
  cmd->callback([flags, &action, &app] {
    action = [flags, &app] {
      if (flags->worker) return runner::RunWorkerCommand();
      auto& o = flags->opt;
      auto& r = o.request;
      r.source = "flags";
      r.models = runner::SplitList(flags->models);
      r.platforms = runner::SplitList(flags->platforms);
      r.precisions = runner::SplitList(flags->precisions);
      r.modes = runner::SplitList(flags->modes);
      r.batches = ParseInts("--batch", flags->batches);
      r.seq_lens = ParseInts("--seq", flags->seqs);
      r.sets = flags->sets;
      r.threads = flags->threads;
      for (const auto& kv : flags->backend_options)
        r.backend_options.insert(KeyValue("--backend-option", kv));
      for (const auto& kv : flags->tags) o.tags.insert(KeyValue("--tag", kv));
      o.command_line = "accelbench run";
      if (!flags->world_sizes.empty()) {
        cluster::ScalingOptions so;
        so.request = r;
        so.world_sizes = ParseInts("--world-size", flags->world_sizes);
        so.harness = o.harness;
        so.db_path = o.db_path;
        so.format = o.format;
        so.tags = o.tags;
        so.command_line = o.command_line;
        so.time_limit_s = o.time_limit_s;
        so.lock_timeout_s = o.lock_timeout_s;
        return cluster::RunScalingSeries(so);
      }
      (void)app;
      return runner::RunCommand(o);
    };
  });
}

}  // namespace accelbench::cli
