// Placeholder for a subcommand whose issue has not landed yet: it parses and exits 2 with
// "not implemented yet". Each command's own file calls this until it is implemented.
#include <iostream>

#include "cli/command.h"
#include "core/errors.h"

namespace accelbench::cli {

void AddPendingCommand(CLI::App& app, Action& action, const std::string& name,
                       const std::string& help) {
  auto* cmd = app.add_subcommand(name, help + " (not implemented yet)");
  cmd->allow_extras();
  cmd->callback([&action, name] {
    action = [name] {
      std::cerr << "accelbench " << name << ": not implemented yet\n";
      return static_cast<int>(ExitCode::kUsage);
    };
  });
}

}  // namespace accelbench::cli
