// accelbench convert (placeholder until its issue lands).
#include "cli/command.h"

namespace accelbench::cli {

void AddConvertCommand(CLI::App& app, Action& action) {
  AddPendingCommand(app, action, "convert", "Convert a model to ONNX, OpenVINO IR or Qualcomm QNN");
}

}  // namespace accelbench::cli
