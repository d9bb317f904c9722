// accelbench cluster: `plan FILE` prints the launch commands for a multi-node configuration
// (mpirun hostfile + command, sbatch + srun, sbatch job array) after checking it; the hidden
// `rank` subcommand is one process of a data-parallel training benchmark (issue 10).
#include <iostream>

#include "cli/command.h"
#include "cluster/cluster_config.h"
#include "cluster/distributed.h"

namespace accelbench::cli {
namespace {

struct ClusterFlags {
  std::string file;
  bool no_resolve = false;
};

}  // namespace

void AddClusterCommand(CLI::App& app, Action& action) {
  auto flags = std::make_shared<ClusterFlags>();
  auto* cmd = app.add_subcommand(
      "cluster", "Plan multi-node sweeps (mpirun hostfile + command, Slurm sbatch scripts)");
  cmd->require_subcommand(1);
  auto* plan = cmd->add_subcommand(
      "plan",
      "Check a cluster file (hosts, devices and ranks per host, launcher) and print its "
      "launch commands");
  plan->add_option("file", flags->file, "Cluster file (YAML or JSON)")->required();
  plan->add_flag("--no-resolve", flags->no_resolve,
                 "Skip the check that every host name resolves (getaddrinfo)");
  plan->callback([&action, flags] {
    action = [flags] {
      const auto config = cluster::LoadClusterConfig(flags->file);
      if (!flags->no_resolve) cluster::CheckHostsResolve(config, cluster::SystemResolver());
      std::cout << cluster::PlanText(config);
      return 0;
    };
  });
  auto* rank = cmd->add_subcommand("rank", "internal: one rank of a data-parallel benchmark");
  rank->group("");
  rank->callback([&action] { action = [] { return cluster::RunRankCommand(); }; });
}

}  // namespace accelbench::cli
