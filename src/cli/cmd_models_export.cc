// accelbench models export (placeholder until the ONNX lowering lands).
#include <iostream>

#include "cli/command.h"
#include "core/errors.h"

namespace accelbench::cli {

void AddModelsExportSubcommand(CLI::App& models_cmd, Action& action) {
  auto* cmd = models_cmd.add_subcommand("export", "Export a family to ONNX (not implemented yet)");
  cmd->allow_extras();
  cmd->callback([&action] {
    action = [] {
      std::cerr << "accelbench models export: not implemented yet\n";
      return static_cast<int>(ExitCode::kUsage);
    };
  });
}

}  // namespace accelbench::cli
