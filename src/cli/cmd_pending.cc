// Subcommands whose issues have not landed yet: they parse and exit 2 with "not implemented yet".
#include <iostream>

#include "cli/command.h"
#include "core/errors.h"

namespace accelbench::cli {

void AddPendingCommands(CLI::App& app, Action& action) {
  struct Pending {
    const char* name;
    const char* help;
  };
  static const Pending kPending[] = {
      {"predict", "Predict performance of untested configurations"},
      {"recommend", "Recommend hardware, precision and batch size"},
      {"regress", "Detect performance regressions between runs"},
      {"serve", "Serve the performance dashboard"},
  };
  for (const auto& p : kPending) {
    auto* cmd = app.add_subcommand(p.name, std::string(p.help) + " (not implemented yet)");
    cmd->allow_extras();
    std::string name = p.name;
    cmd->callback([&action, name] {
      action = [name] {
        std::cerr << "accelbench " << name << ": not implemented yet\n";
        return static_cast<int>(ExitCode::kUsage);
      };
    });
  }
}

}  // namespace accelbench::cli
