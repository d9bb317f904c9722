#pragma once
// Each subcommand lives in its own file and registers itself on the app with an action that
// main() runs after parsing, inside the one place that turns exceptions into exit codes.
#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace accelbench::cli {

using Action = std::function<int()>;  // returns the exit code

// Adds `--format table|json|csv|md` to a command that prints tabular output.
void AddFormatOption(CLI::App& cmd, std::string& format);

// Registrars, one per command file.
void AddDetectCommand(CLI::App& app, Action& action);
void AddModelsCommand(CLI::App& app, Action& action);
void AddRunCommand(CLI::App& app, Action& action);
void AddDbCommand(CLI::App& app, Action& action);
void AddCompareCommand(CLI::App& app, Action& action);  // cmd_compare.cc
void AddReportCommand(CLI::App& app, Action& action);   // cmd_report.cc
// `models export` (ONNX lowering), attached to the `models` command by cmd_models.cc.
void AddModelsExportSubcommand(CLI::App& models_cmd, Action& action);
// `models --matrix` (cmd_models_matrix.cc): adds --matrix and its filters (--family, --platform,
// --precision; --mode, --format and the FAMILY positional are shared with `models` when present).
// Call after the models command's own options; call the returned hook first in the models
// callback: it sets `action` to print the test matrix and returns true when --matrix was given.
std::function<bool(Action&)> AddModelsMatrixOption(CLI::App& models_cmd);
// Commands that later issues fill in; they exit 2 with "not implemented yet".
void AddPendingCommands(CLI::App& app, Action& action);

}  // namespace accelbench::cli
