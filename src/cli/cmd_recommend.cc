// accelbench recommend (placeholder until its issue lands).
#include "cli/command.h"

namespace accelbench::cli {

void AddRecommendCommand(CLI::App& app, Action& action) {
  AddPendingCommand(app, action, "recommend", "Recommend hardware, precision and batch size");
}

}  // namespace accelbench::cli
