// accelbench cluster (placeholder until its issue lands).
#include "cli/command.h"

namespace accelbench::cli {

void AddClusterCommand(CLI::App& app, Action& action) {
  AddPendingCommand(app, action, "cluster", "Plan multi-node sweeps (mpirun / Slurm launch commands)");
}

}  // namespace accelbench::cli
