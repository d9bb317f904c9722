#include "convert/tool_commands.h"

#include "core/errors.h"

namespace accelbench::convert {

namespace {
std::string Quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789_-./=:,+@%") == std::string::npos)
    return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string Dims(const std::vector<int64_t>& shape) {
  std::string s;
  for (auto d : shape) s += (s.empty() ? "" : ",") + std::to_string(d);
  return s;
}
}  // namespace

std::string ToolCommand::Render() const {
  std::string s = Quote(tool);
  for (const auto& a : args) s += " " + Quote(a);
  return s;
}

std::vector<ToolCommand> OpenVinoCommands(const OpenVinoJob& job) {
  ToolCommand c;
  c.tool = "ovc";
  c.purpose = "ONNX -> OpenVINO IR (" + std::string(ToString(job.precision)) + ")";
  c.args = {
      job.onnx, "--output_model", job.out_dir + "/" + job.name + ".xml",
      std::string("--compress_to_fp16=") + (job.precision == Precision::kFp16 ? "True" : "False")};
  return {c};
}

std::vector<ToolCommand> QnnCommands(const QnnJob& job) {
  const bool quantized = job.precision == Precision::kInt8 || job.precision == Precision::kInt4;
  if (job.precision == Precision::kBf16)
    throw UnsupportedError("bf16 for QNN (qnn-onnx-converter takes --float_bw 32 or 16)");
  if (quantized && job.input_list.empty())
    throw UsageError("QNN " + std::string(ToString(job.precision)) +
                     " needs a calibration input list");
  const std::string cpp = job.out_dir + "/" + job.name + ".cpp";
  ToolCommand conv;
  conv.tool = "qnn-onnx-converter";
  conv.purpose = "ONNX -> QNN model source (" + std::string(ToString(job.precision)) + ")";
  conv.args = {"--input_network", job.onnx, "--output_path", cpp};
  for (const auto& in : job.inputs) {
    conv.args.push_back("--input_dim");
    conv.args.push_back(in.name);
    conv.args.push_back(Dims(in.shape));
  }
  if (job.precision == Precision::kFp16) {
    conv.args.insert(conv.args.end(), {"--float_bw", "16"});
  } else if (quantized) {
    // int8: W8A8; int4: W4A16 (4-bit weights with 16-bit activations, the HTP LLM scheme).
    const bool w4 = job.precision == Precision::kInt4;
    conv.args.insert(conv.args.end(),
                     {"--input_list", job.input_list, "--act_bw", w4 ? "16" : "8", "--weight_bw",
                      w4 ? "4" : "8", "--bias_bw", "32", "--use_per_channel_quantization"});
  }
  ToolCommand lib;
  lib.tool = "qnn-model-lib-generator";
  lib.purpose = "QNN model source -> model library (" + job.target + ")";
  lib.args = {
      "-c", cpp,       "-b", job.out_dir + "/" + job.name + ".bin", "-o", job.out_dir + "/lib",
      "-t", job.target};
  ToolCommand ctx;
  ctx.tool = "qnn-context-binary-generator";
  ctx.purpose = "model library -> context binary (" + job.backend + ")";
  ctx.args = {"--backend",     job.backend,
              "--model",       job.out_dir + "/lib/" + job.target + "/lib" + job.name + ".so",
              "--binary_file", job.name,
              "--output_dir",  job.out_dir + "/context"};
  return {conv, lib, ctx};
}

}  // namespace accelbench::convert
