// accelbench tune-precision (placeholder until its issue lands).
#include "cli/command.h"

namespace accelbench::cli {

void AddTunePrecisionCommand(CLI::App& app, Action& action) {
  AddPendingCommand(app, action, "tune-precision", "Search a per-layer precision plan within a deviation budget");
}

}  // namespace accelbench::cli
