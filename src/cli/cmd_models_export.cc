// accelbench models export FAMILY --preset P [--set k=v]... -o f.onnx [--precision fp32|fp16]
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "core/errors.h"
#include "models/lowering/onnx_export.h"

namespace accelbench::cli {

namespace {
struct ExportArgs {
  std::string family;
  std::string preset;
  std::vector<std::string> sets;
  std::string output;
  std::string precision = "fp32";
  int64_t external_threshold = 1 << 20;
};
}  // namespace

void AddModelsExportSubcommand(CLI::App& models_cmd, Action& action) {
  auto args = std::make_shared<ExportArgs>();
  auto* cmd = models_cmd.add_subcommand(
      "export", "Export a family to ONNX (opset 17, seeded weights, dynamic batch/sequence)");
  cmd->add_option("family", args->family, "Model family (see `accelbench models`)")->required();
  cmd->add_option("--preset", args->preset, "Preset name (default: the reference preset)");
  cmd->add_option("--set", args->sets, "Override a config field: key=value (repeatable)");
  cmd->add_option("-o,--output", args->output, "Output .onnx file")->required();
  cmd->add_option("--precision", args->precision, "fp32 or fp16")->default_val("fp32");
  cmd->add_option("--external-data-threshold", args->external_threshold,
                  "Initializers above this many bytes go to <output>.data")
      ->default_val(1 << 20);
  auto run = [args] {
    const auto& family = models::FindFamily(args->family);
    models::Preset preset =
        args->preset.empty() ? family.ReferencePreset() : family.FindPreset(args->preset);
    for (const auto& s : args->sets) preset.config.Override(s);
    models::ExportOptions opt;
    opt.precision = ParsePrecision(args->precision);
    opt.external_data_threshold_bytes = args->external_threshold;
    const auto r = models::ExportOnnx(family, preset.config, models::Workload{}, args->output, opt);
    std::cout << "wrote " << r.path << ": " << family.Info().name << " " << preset.name << " "
              << args->precision << ", " << r.nodes << " nodes, " << r.initializers
              << " initializers, " << r.bytes << " bytes"
              << (r.data_path.empty() ? "" : " (external data: " + r.data_path + ")") << "\n";
    return static_cast<int>(ExitCode::kOk);
  };
  // CLI11 runs the parent's (`models`) callback after this one, and it sets its own action; when
  // `export` was given, the export action must win, so the parent's callback is replaced here.
  cmd->callback([run, &models_cmd, &action] {
    action = run;
    models_cmd.callback([run, &action] { action = run; });
  });
}

}  // namespace accelbench::cli
