// accelbench models export FAMILY --preset P [--set k=v]... -o f.onnx
//   [--precision fp32|fp16|int8|int4] [--plan group=prec,...] [--activations dynamic|static|
//   weight_only] [--block-size N] [--asymmetric]   (int8 / int4: models/lowering/onnx_quant.h)
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "core/errors.h"
#include "models/lowering/onnx_export.h"
#include "models/lowering/onnx_quant_export.h"
#include "quant/precision_plan.h"

namespace accelbench::cli {

namespace {
struct ExportArgs {
  std::string family;
  std::string preset;
  std::vector<std::string> sets;
  std::string output;
  std::string precision = "fp32";
  int64_t external_threshold = 1 << 20;
  std::string plan;  // issue 11: per-layer-group precision plan
  std::string activations = "dynamic";
  int64_t block_size = 0;  // 0 = the plan's int4 group size
  bool asymmetric = false;
  bool deviation = false;
  int64_t batch = 1, seq_len = 128;
};

// int8 / int4 (issue 11): the fp32 export rewritten by the quantized ONNX lowering.
int ExportQuantized(const ExportArgs& a, const models::Family& family,
                    const models::Preset& preset) {
  quant::PrecisionPlan plan;
  if (!a.plan.empty()) {
    plan = quant::PrecisionPlan::Parse(a.plan);
    if (a.precision != "fp32") plan.default_precision = ParsePrecision(a.precision);
  } else {
    plan = quant::PrecisionPlan::Uniform(ParsePrecision(a.precision));
  }
  if (a.block_size > 0) plan.int4_group_size = a.block_size;
  if (a.asymmetric) plan.int4_symmetric = false;
  models::QuantExportOptions opt;
  opt.base.external_data_threshold_bytes = a.external_threshold;
  opt.quant.precision_of = [plan](const std::string& param) {
    return plan.For(quant::GroupOfParam(param, /*linear=*/true));
  };
  opt.quant.embedding_precision_of = [plan](const std::string& param) {
    return plan.For(quant::GroupOfParam(param, /*linear=*/false));
  };
  opt.quant.activations = models::ParseActivationQuant(a.activations);
  opt.quant.int4_block_size = plan.int4_group_size;
  opt.quant.int4_symmetric = plan.int4_symmetric;
  opt.measure_deviation = a.deviation;
  models::Workload w;
  w.batch = a.batch;
  w.seq_len = a.seq_len;
  const auto r = models::ExportQuantizedOnnx(family, preset.config, w, a.output, opt);
  const auto& q = r.report;
  std::cout << "wrote " << r.file.path << ": " << family.Info().name << " " << preset.name
            << " plan " << plan.ToString() << " (activations " << a.activations << "), "
            << r.file.nodes << " nodes, " << r.file.bytes << " bytes (fp32 export " << r.fp32_bytes
            << ")" << (r.file.data_path.empty() ? "" : " (external data: " + r.file.data_path + ")")
            << "\nmatmuls: " << q.int8_matmuls << " int8, " << q.int4_matmuls << " int4, "
            << q.fp32_matmuls << " fp32, " << q.quantized_gathers
            << " quantized embedding lookups; quantized weights " << q.weight_bytes_before << " -> "
            << q.weight_bytes_after << " bytes";
  if (!q.tied.empty()) std::cout << "; fp32 copy kept for another use: " << JoinNames(q.tied);
  std::cout << "\n";
  for (const auto& [name, d] : r.deviation)
    std::cout << "deviation from fp32 (onnxruntime-node, batch " << a.batch << ", seq " << a.seq_len
              << ") " << name << ": max abs " << d.max_abs << ", relative L2 " << d.rel_l2
              << " (output max |fp32| " << d.ref_scale << ")\n";
  return static_cast<int>(ExitCode::kOk);
}
}  // namespace

void AddModelsExportSubcommand(CLI::App& models_cmd, Action& action) {
  auto args = std::make_shared<ExportArgs>();
  auto* cmd = models_cmd.add_subcommand(
      "export", "Export a family to ONNX (opset 17, seeded weights, dynamic batch/sequence)");
  cmd->add_option("family", args->family, "Model family (see `accelbench models`)")->required();
  cmd->add_option("--preset", args->preset, "Preset name (default: the reference preset)");
  cmd->add_option("--set", args->sets, "Override a config field: key=value (repeatable)");
  cmd->add_option("-o,--output", args->output, "Output .onnx file")->required();
  cmd->add_option("--precision", args->precision,
                  "fp32, fp16, int8 (QDQ, per-channel weights) or int4 (MatMulNBits)")
      ->default_val("fp32");
  cmd->add_option("--plan", args->plan,
                  "Per-layer-group precision plan, e.g. attention=int8,mlp=int4 (--precision "
                  "sets the default group)");
  cmd->add_option("--activations", args->activations,
                  "int8 activations: dynamic, static (calibrated in onnxruntime-node) or "
                  "weight_only")
      ->default_val("dynamic");
  cmd->add_option("--block-size", args->block_size, "int4 block size (power of two >= 16)");
  cmd->add_flag("--asymmetric", args->asymmetric, "int4 with per-block zero points");
  cmd->add_flag("--deviation", args->deviation,
                "int8/int4: run fp32 and quantized in onnxruntime-node, print the deviation");
  cmd->add_option("--batch", args->batch, "Inputs for calibration and --deviation: batch")
      ->default_val(1);
  cmd->add_option("--seq-len", args->seq_len, "... and sequence length")->default_val(128);
  cmd->add_option("--external-data-threshold", args->external_threshold,
                  "Initializers above this many bytes go to <output>.data")
      ->default_val(1 << 20);
  auto run = [args] {
    const auto& family = models::FindFamily(args->family);
    models::Preset preset =
        args->preset.empty() ? family.ReferencePreset() : family.FindPreset(args->preset);
    for (const auto& s : args->sets) preset.config.Override(s);
    if (args->precision == "int8" || args->precision == "int4" || !args->plan.empty())
      return ExportQuantized(*args, family, preset);
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
