// accelbench convert MODEL --to onnx|openvino|qnn [--precision P] [--plan ...] [--out DIR]
//   [--preset P] [--set k=v] [--batch N] [--seq-len N] [--print-only]
// See src/convert/convert.h for the output layout and the exit status.
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "convert/convert.h"
#include "core/errors.h"

namespace accelbench::cli {

namespace {
struct ConvertArgs {
  convert::ConvertRequest req;
  std::string target = "onnx";
};
}  // namespace

void AddConvertCommand(CLI::App& app, Action& action) {
  auto args = std::make_shared<ConvertArgs>();
  auto* cmd = app.add_subcommand(
      "convert",
      "Convert a model to ONNX, OpenVINO IR or Qualcomm QNN (vendor tools run when found)");
  auto& r = args->req;
  cmd->add_option("model", r.family, "Model family (see `accelbench models`)")->required();
  cmd->add_option("--to", args->target, "onnx, openvino or qnn")->default_val("onnx");
  cmd->add_option("--preset", r.preset, "Preset name (default: the reference preset)");
  cmd->add_option("--set", r.sets, "Override a config field: key=value (repeatable)");
  cmd->add_option("--precision", r.precision, "fp32, fp16, int8 or int4")->default_val("fp32");
  cmd->add_option("--plan", r.plan,
                  "Per-layer-group precision plan, e.g. attention=int8,mlp=int4 (onnx, openvino)");
  cmd->add_option("--activations", r.activations,
                  "int8 activations: dynamic, static or weight_only")
      ->default_val("dynamic");
  cmd->add_option("--block-size", r.block_size, "int4 block size (power of two >= 16)");
  cmd->add_option("--out", r.out_dir, "Output directory")->default_val(".");
  cmd->add_option("--batch", r.batch, "Static batch for QNN input dims and calibration")
      ->default_val(1);
  cmd->add_option("--seq-len", r.seq_len, "Static sequence length (QNN, calibration)")
      ->default_val(128);
  cmd->add_flag("--print-only", r.print_only,
                "Write the ONNX and print the vendor commands without running them (exit 0)");
  cmd->callback([args, &action] {
    action = [args] {
      args->req.target = convert::ParseTarget(args->target);
      const auto out = convert::Convert(args->req);
      std::cout << out.summary << "\n";
      for (size_t i = 0; i < out.steps.size(); ++i) {
        const auto& s = out.steps[i];
        std::cout << "[" << i + 1 << "/" << out.steps.size() << "] " << s.command.tool << ": "
                  << s.command.purpose << "\n$ " << s.command.Render() << "\n";
        if (s.status == convert::StepStatus::kRan)
          std::cout << "  ran " << s.tool_path << " (log: " << s.log << ")\n";
        else if (!s.reason.empty())
          std::cout << "  " << s.reason << "\n";
      }
      std::cout << "manifest: " << out.manifest << "\n";
      const int code = out.ExitCode();
      if (code == static_cast<int>(ExitCode::kFinding))
        std::cerr << "accelbench convert: " << convert::ToString(args->req.target)
                  << " conversion not completed: vendor tools unavailable here (ONNX and "
                     "commands written)\n";
      else if (code != 0)
        std::cerr << "accelbench convert: a vendor tool failed (see its log)\n";
      return code;
    };
  });
}

}  // namespace accelbench::cli
