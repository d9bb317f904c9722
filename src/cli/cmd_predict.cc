// accelbench predict (placeholder until its issue lands).
#include "cli/command.h"

namespace accelbench::cli {

void AddPredictCommand(CLI::App& app, Action& action) {
  AddPendingCommand(app, action, "predict", "Predict performance of untested configurations");
}

}  // namespace accelbench::cli
