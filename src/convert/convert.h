#pragma once
// `accelbench convert MODEL --to onnx|openvino|qnn`: the ONNX from our lowering (fp32, fp16, or
// quantized by models/lowering/onnx_quant*), then the vendor tool invocations, run when the
// tools are found (tool_env.h) and otherwise reported "unavailable here: <reason>".
//
// Output directory layout (name = <family>-<preset>-<precision>):
//   <out>/<name>.onnx                      ONNX (every target; QNN: <family>-<preset>-fp32.onnx)
//   <out>/openvino/<name>.xml|.bin         ovc output
//   <out>/qnn/<name>.cpp|.bin, lib/, context/, calibration/input_list.txt + *.raw
//   <out>/convert.json                     what was done: commands, status, reasons, logs
//   <out>/logs/<step>-<tool>.log           each tool's stdout+stderr
// Exit status (ConvertOutcome::ExitCode): 0 everything ran (or --print-only), 1 a tool was
// unavailable here (the ONNX and the commands are written; nothing pretends to be converted),
// 3 a tool ran and failed.
#include <cstdint>
#include <string>
#include <vector>

#include "convert/tool_commands.h"
#include "convert/tool_env.h"

namespace accelbench::convert {

enum class Target { kOnnx, kOpenVino, kQnn };
std::string_view ToString(Target t);
Target ParseTarget(std::string_view s);  // throws UsageError

struct ConvertRequest {
  std::string family;
  std::string preset;  // empty = the family's reference preset
  std::vector<std::string> sets;
  Target target = Target::kOnnx;
  std::string precision = "fp32";  // fp32, fp16, int8, int4
  std::string plan;                // per-layer-group plan (ONNX / OpenVINO only)
  std::string activations = "dynamic";
  int64_t block_size = 0;  // int4 block size; 0 = the plan's
  std::string out_dir = ".";
  int64_t batch = 1;  // static input shapes (QNN --input_dim, calibration inputs)
  int64_t seq_len = 128;
  bool print_only = false;  // write the ONNX and print the commands; run nothing
  EnvFn env;                // default: the process environment
};

enum class StepStatus { kRan, kFailed, kUnavailable, kNotRun, kPrinted };
std::string_view ToString(StepStatus s);

struct ConvertStep {
  ToolCommand command;
  StepStatus status = StepStatus::kNotRun;
  std::string tool_path;  // where it was found
  std::string reason;     // unavailable / not run / failed: why
  int exit_code = 0;
  std::string log;  // log file of a run
};

struct ConvertOutcome {
  std::string onnx;     // the written ONNX model
  std::string summary;  // one line about the ONNX (nodes, bytes, quantization)
  std::vector<ConvertStep> steps;
  std::string manifest;  // convert.json
  int ExitCode() const;
};

ConvertOutcome Convert(const ConvertRequest& req);

}  // namespace accelbench::convert
