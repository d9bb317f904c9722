// accelbench models (placeholder until its issue lands).
#include <iostream>

#include "cli/command.h"
#include "core/errors.h"

namespace accelbench::cli {

void AddModelsCommand(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("models", "models (not implemented yet)");
  AddModelsExportSubcommand(*cmd, action);
  cmd->allow_extras();
  cmd->callback([&action] {
    action = [] {
      std::cerr << "accelbench models: not implemented yet\n";
      return static_cast<int>(ExitCode::kUsage);
    };
  });
}

}  // namespace accelbench::cli
