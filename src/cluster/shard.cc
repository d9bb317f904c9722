#include "cluster/shard.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <numeric>

#include "core/errors.h"

namespace accelbench::cluster {
namespace {

int64_t ParseIndex(const std::string& what, const std::string& s) {
  try {
    size_t used = 0;
    const long long v = std::stoll(s, &used);
    if (used != s.size()) throw std::invalid_argument(s);
    return v;
  } catch (const std::exception&) {
    throw UsageError(what + ": expected an integer, got '" + s + "'");
  }
}

void Check(const ShardSpec& s, const std::string& where) {
  if (s.count < 1)
    throw UsageError(where + ": shard count must be >= 1, got " + std::to_string(s.count));
  if (s.index < 0 || s.index >= s.count)
    throw UsageError(where + ": shard index " + std::to_string(s.index) + " out of range 0.." +
                     std::to_string(s.count - 1) + " (indices are 0-based)");
}

std::optional<ShardSpec> FromPair(const EnvLookup& env, const char* rank, const char* size,
                                  const char* source) {
  auto r = env(rank), n = env(size);
  if (!r || !n) return std::nullopt;
  ShardSpec s;
  s.index = ParseIndex(rank, *r);
  s.count = ParseIndex(size, *n);
  s.source = source;
  Check(s, std::string(rank) + "/" + size);
  return s;
}

}  // namespace

std::string ShardSpec::Label() const { return std::to_string(index) + "/" + std::to_string(count); }

ShardSpec ParseShard(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos)
    throw UsageError("--shard takes I/N (0-based index of N shards), got '" + text + "'");
  ShardSpec s;
  s.index = ParseIndex("--shard index", text.substr(0, slash));
  s.count = ParseIndex("--shard count", text.substr(slash + 1));
  s.source = "flag";
  Check(s, "--shard " + text);
  return s;
}

EnvLookup ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v || !*v) return std::nullopt;
    return std::string(v);
  };
}

std::optional<ShardSpec> DetectLauncherShard(const EnvLookup& env) {
  if (auto s = FromPair(env, "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "openmpi")) {
    s->job_id = env("OMPI_MCA_ess_base_jobid").value_or(env("PMIX_NAMESPACE").value_or(""));
    return s;
  }
  if (auto s = FromPair(env, "PMI_RANK", "PMI_SIZE", "pmi")) {
    s->job_id = env("SLURM_JOB_ID").value_or(env("PMI_JOBID").value_or(""));
    return s;
  }
  if (env("SLURM_STEP_ID")) {
    const char* size = env("SLURM_STEP_NUM_TASKS") ? "SLURM_STEP_NUM_TASKS" : "SLURM_NTASKS";
    if (auto s = FromPair(env, "SLURM_PROCID", size, "slurm")) {
      s->job_id = env("SLURM_JOB_ID").value_or("");
      return s;
    }
  }
  if (auto id = env("SLURM_ARRAY_TASK_ID")) {
    auto count = env("SLURM_ARRAY_TASK_COUNT");
    if (!count) return std::nullopt;
    ShardSpec s;
    const int64_t min = env("SLURM_ARRAY_TASK_MIN")
                            ? ParseIndex("SLURM_ARRAY_TASK_MIN", *env("SLURM_ARRAY_TASK_MIN"))
                            : 0;
    s.index = ParseIndex("SLURM_ARRAY_TASK_ID", *id) - min;
    s.count = ParseIndex("SLURM_ARRAY_TASK_COUNT", *count);
    s.source = "slurm-array";
    s.job_id = env("SLURM_ARRAY_JOB_ID").value_or("");
    Check(s, "SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN");
    return s;
  }
  return std::nullopt;
}

std::string SharedRunId(const std::string& flag, const ShardSpec& shard, const EnvLookup& env) {
  if (!flag.empty()) return flag;
  if (auto v = env("ACCELBENCH_RUN_ID")) return *v;
  if (shard.job_id.empty()) return "";
  const std::string prefix = shard.source == "slurm-array" ? "slurm" : shard.source;
  return prefix + "-" + shard.job_id;
}

double EstimatedCostSeconds(const runner::PlannedConfig& c, const runner::HarnessOptions& h) {
  const double rate = c.platform_kind == "cpu" ? 2e10 : 1e12;
  const double step = c.flops_per_step > 0 ? c.flops_per_step / rate : 0.0;
  const double weights_s = static_cast<double>(c.params) * 4 / 1e9;  // ~1 GB/s to materialise
  const double measured = std::max(static_cast<double>(h.min_iterations) * step, h.min_time_s);
  return weights_s + step * (1 + static_cast<double>(h.warmup_min)) + measured;
}

std::vector<int64_t> AssignLpt(const std::vector<double>& costs, int64_t shards) {
  std::vector<size_t> order(costs.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return costs[a] > costs[b]; });
  std::vector<double> load(static_cast<size_t>(std::max<int64_t>(shards, 1)), 0.0);
  std::vector<int64_t> out(costs.size(), 0);
  for (size_t i : order) {
    const auto least = std::min_element(load.begin(), load.end());  // first minimum: lowest shard
    out[i] = least - load.begin();
    *least += costs[i];
  }
  return out;
}

runner::Plan ShardPlan(const runner::Plan& plan, const ShardSpec& shard,
                       const runner::HarnessOptions& h) {
  if (!shard.Sharded()) return plan;
  std::vector<double> costs;
  for (const auto& c : plan.runnable) costs.push_back(EstimatedCostSeconds(c, h));
  const auto owner = AssignLpt(costs, shard.count);
  runner::Plan out;
  for (size_t i = 0; i < plan.runnable.size(); ++i)
    if (owner[i] == shard.index) out.runnable.push_back(plan.runnable[i]);
  for (size_t i = 0; i < plan.skipped.size(); ++i)
    if (static_cast<int64_t>(i % static_cast<size_t>(shard.count)) == shard.index)
      out.skipped.push_back(plan.skipped[i]);
  return out;
}

std::string ShardDbPath(const std::string& path, const ShardSpec& shard, const std::string& host) {
  std::string out = path;
  bool placeholder = false;
  const std::string tag = std::to_string(shard.index) + "-of-" + std::to_string(shard.count);
  for (const auto& [key, value] :
       {std::pair<std::string, std::string>{"{shard}", tag}, {"{host}", host}}) {
    for (size_t at = 0; (at = out.find(key, at)) != std::string::npos; at += value.size()) {
      out.replace(at, key.size(), value);
      placeholder = true;
    }
  }
  if (placeholder || !shard.Sharded()) return out;
  namespace fs = std::filesystem;
  fs::path p(out);
  const std::string ext = p.extension().string();
  p.replace_filename(p.stem().string() + ".shard-" + tag + ext);
  return p.string();
}

}  // namespace accelbench::cluster
