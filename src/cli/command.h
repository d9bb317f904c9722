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
// CLI::Range(lo, hi) that also refuses nan and inf (CLI::Range lets NaN through: every
// comparison with it is false).
CLI::Validator FiniteRange(double lo, double hi);
// Refuses nan and inf in a number option without a range.
CLI::Validator Finite();
// An integer option's lower bound: "must be >= lo, got X".
CLI::Validator AtLeast(int64_t lo);

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
// One file per command (cmd_<name>.cc).
void AddPredictCommand(CLI::App& app, Action& action);        // cmd_predict.cc
void AddRecommendCommand(CLI::App& app, Action& action);      // cmd_recommend.cc
void AddRegressCommand(CLI::App& app, Action& action);        // cmd_regress.cc
void AddServeCommand(CLI::App& app, Action& action);          // cmd_serve.cc
void AddClusterCommand(CLI::App& app, Action& action);        // cmd_cluster.cc
void AddConvertCommand(CLI::App& app, Action& action);        // cmd_convert.cc
void AddTunePrecisionCommand(CLI::App& app, Action& action);  // cmd_tune_precision.cc
void AddWebOptCommand(CLI::App& app, Action& action);         // cmd_web.cc (issue 6)
// A command whose issue has not landed: parses, exits 2 with "not implemented yet".
void AddPendingCommand(CLI::App& app, Action& action, const std::string& name,
                       const std::string& help);

}  // namespace accelbench::cli
