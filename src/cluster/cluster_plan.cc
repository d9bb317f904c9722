// PlanText: the launch commands for a cluster file (mpirun hostfile + command, sbatch + srun,
// sbatch job array), ending with the `db merge` of the shard databases.
#include <sstream>

#include "cluster/cluster_config.h"
#include "cluster/shard.h"

namespace accelbench::cluster {
namespace {

// Single-quotes a word for the shell unless it is plainly safe.
std::string Quote(const std::string& s) {
  const bool safe = !s.empty() && s.find_first_not_of(
                                      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                      "0123456789_-./:=,+{}") == std::string::npos;
  if (safe) return s;
  std::string out = "'";
  for (char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

std::string Replace(std::string s, const std::string& key, const std::string& value) {
  for (size_t at = 0; (at = s.find(key, at)) != std::string::npos; at += value.size())
    s.replace(at, key.size(), value);
  return s;
}

// The host rank i lands on when ranks fill each host's slots in order (mpirun --map-by slot with
// a hostfile; srun's block distribution).
std::string HostOfRank(const ClusterConfig& c, int64_t rank) {
  for (const auto& h : c.hosts) {
    if (rank < h.ranks) return h.name;
    rank -= h.ranks;
  }
  return c.hosts.back().name;
}

std::string RunCommand(const ClusterConfig& c, bool with_run_id) {
  std::string cmd = Quote(c.accelbench) + " run";
  if (!c.args.empty()) cmd += " " + c.args;
  if (with_run_id && !c.run_id.empty()) cmd += " --run-id " + Quote(c.run_id);
  return cmd + " --db " + Quote(c.db);
}

std::string MergeCommand(const ClusterConfig& c, bool known_hosts) {
  if (c.world_size < 2) return "# one shard: its database needs no merge";
  const std::string merged = Replace(Replace(c.db, "{shard}", "all"), "{host}", "all");
  std::string cmd = Quote(c.accelbench) + " db merge --db " + Quote(merged);
  for (int64_t i = 0; i < c.world_size; ++i) {
    ShardSpec s;
    s.index = i;
    s.count = c.world_size;
    cmd += " " + Quote(ShardDbPath(c.db, s, known_hosts ? HostOfRank(c, i) : "{host}"));
  }
  return cmd;
}

std::string Summary(const ClusterConfig& c) {
  std::ostringstream o;
  o << "# accelbench cluster plan: " << c.name << ", " << c.world_size << " rank(s) over "
    << c.hosts.size() << " host(s)";
  if (c.world_size < c.Slots()) o << " (" << c.Slots() << " slots)";
  o << "\n# each rank runs one shard of the sweep (balanced by estimated cost) into its own "
       "database;\n# all shards share one run id ("
    << (c.run_id.empty() ? "derived from the launcher's job id" : c.run_id) << ").\n";
  return o.str();
}

bool UniformRanks(const ClusterConfig& c) {
  for (const auto& h : c.hosts)
    if (h.ranks != c.hosts.front().ranks || h.devices != c.hosts.front().devices) return false;
  return true;
}

void SlurmHeader(const ClusterConfig& c, std::ostringstream& o) {
  o << "#!/bin/bash\n#SBATCH --job-name=" << c.name << "\n";
  if (!c.partition.empty()) o << "#SBATCH --partition=" << c.partition << "\n";
  if (!c.account.empty()) o << "#SBATCH --account=" << c.account << "\n";
  if (!c.time.empty()) o << "#SBATCH --time=" << c.time << "\n";
}

std::string MpirunPlan(const ClusterConfig& c) {
  std::ostringstream o;
  o << Summary(c);
  o << "\n# --- hostfile: save as accelbench-hostfile ---\n";
  for (const auto& h : c.hosts) o << h.name << " slots=" << h.ranks << "\n";
  o << "\n# --- launch (the shard comes from OMPI_COMM_WORLD_RANK/SIZE) ---\n";
  o << "mpirun --hostfile accelbench-hostfile -np " << c.world_size << " --map-by slot "
    << RunCommand(c, true) << "\n";
  o << "\n# --- afterwards, where every shard database is visible ---\n"
    << MergeCommand(c, true) << "\n";
  return o.str();
}

std::string SlurmPlan(const ClusterConfig& c) {
  std::ostringstream o;
  SlurmHeader(c, o);
  o << "#SBATCH --nodes=" << c.hosts.size() << "\n";
  std::string nodes;
  for (const auto& h : c.hosts) nodes += (nodes.empty() ? "" : ",") + h.name;
  o << "#SBATCH --nodelist=" << nodes << "\n";
  if (UniformRanks(c) && c.world_size == c.Slots()) {
    o << "#SBATCH --ntasks-per-node=" << c.hosts.front().ranks << "\n";
    if (c.hosts.front().devices > 0)
      o << "#SBATCH --gpus-per-node=" << c.hosts.front().devices << "\n";
  } else {
    o << "#SBATCH --ntasks=" << c.world_size << "\n";
  }
  o << Summary(c);
  o << "set -euo pipefail\n";
  o << "# the shard comes from SLURM_PROCID/SLURM_STEP_NUM_TASKS inside the srun step\n";
  o << "srun " << RunCommand(c, true) << "\n";
  o << MergeCommand(c, true) << "\n";
  return o.str();
}

std::string SlurmArrayPlan(const ClusterConfig& c) {
  std::ostringstream o;
  SlurmHeader(c, o);
  o << "#SBATCH --array=0-" << c.world_size - 1 << "\n#SBATCH --ntasks=1\n";
  if (c.hosts.front().devices > 0) o << "#SBATCH --gpus-per-task=1\n";
  std::string nodes;
  for (const auto& h : c.hosts) nodes += (nodes.empty() ? "" : ",") + h.name;
  o << "#SBATCH --nodelist=" << nodes << "\n";
  o << Summary(c);
  o << "set -euo pipefail\n";
  o << "# the shard comes from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT; the run id from "
       "SLURM_ARRAY_JOB_ID\n";
  o << RunCommand(c, true) << "\n";
  o << "# afterwards (e.g. sbatch --dependency=afterany:<array job id>):\n# "
    << MergeCommand(c, false) << "\n";
  return o.str();
}

}  // namespace

std::string PlanText(const ClusterConfig& c) {
  switch (c.launcher) {
    case Launcher::kMpirun:
      return MpirunPlan(c);
    case Launcher::kSlurm:
      return SlurmPlan(c);
    case Launcher::kSlurmArray:
      return SlurmArrayPlan(c);
  }
  return "";
}

}  // namespace accelbench::cluster
