// accelbench serve (placeholder until its issue lands).
#include "cli/command.h"

namespace accelbench::cli {

void AddServeCommand(CLI::App& app, Action& action) {
  AddPendingCommand(app, action, "serve", "Serve the performance dashboard");
}

}  // namespace accelbench::cli
