#pragma once
// A multi-node configuration file (hosts, devices per host, ranks per host, launcher) and the
// launch commands `accelbench cluster plan FILE` prints for it: an mpirun hostfile + command, an
// sbatch script running srun, or an sbatch job array. Each rank runs one shard of the sweep
// (cluster/shard.h) into its own database; the plan ends with the `db merge` that combines them.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace accelbench::cluster {

enum class Launcher { kMpirun, kSlurm, kSlurmArray };

struct HostSpec {
  std::string name;
  int64_t devices = 0;  // accelerators on the host (0: CPU only)
  int64_t ranks = 1;    // processes on the host (default: devices, at least 1)
};

struct ClusterConfig {
  std::string name = "accelbench";
  Launcher launcher = Launcher::kMpirun;
  std::vector<HostSpec> hosts;
  int64_t world_size = 0;  // 0: every rank the hosts allow
  std::string run_id;      // "" : from the launcher's job id
  std::string db = "accelbench.duckdb";
  std::string args;  // `accelbench run` arguments (a sweep)
  std::string accelbench = "accelbench";
  std::string partition, time, account;  // Slurm only
  int64_t Slots() const;                 // sum of ranks over hosts
};

// Parses a YAML (or JSON) file. Throws UsageError "FILE: problem" (unknown keys, bad launcher,
// ranks < 1, ranks > devices on a host with devices, world size larger than the hosts allow).
ClusterConfig LoadClusterConfig(const std::string& path);
ClusterConfig ParseClusterConfig(const std::string& text, const std::string& origin);

// Resolves every host (getaddrinfo; no ping). Returns "" or the reason the first unreachable host
// fails. The resolver is injectable for tests.
using Resolver = std::function<std::optional<std::string>(const std::string& host)>;
Resolver SystemResolver();  // nullopt when the name resolves, else gai_strerror
void CheckHostsResolve(const ClusterConfig& c, const Resolver& resolve);  // throws UsageError

// The launch plan as text (golden-tested).
std::string PlanText(const ClusterConfig& c);

}  // namespace accelbench::cluster
