// accelbench regress (placeholder until its issue lands).
#include "cli/command.h"

namespace accelbench::cli {

void AddRegressCommand(CLI::App& app, Action& action) {
  AddPendingCommand(app, action, "regress", "Detect performance regressions between runs");
}

}  // namespace accelbench::cli
