#pragma once
// The vendor tool invocations of `accelbench convert` as data (pure functions, golden-tested):
//   OpenVINO: `ovc MODEL.onnx --output_model DIR/MODEL.xml --compress_to_fp16=True|False`
//             (int8 QDQ and int4 MatMulNBits graphs are converted as they are: ovc keeps the
//             quantization of the ONNX graph);
//   QNN:      `qnn-onnx-converter` (fp32 ONNX in, static input dims; int8/int4: calibration
//             input list + activation/weight/bias bitwidths), `qnn-model-lib-generator`,
//             `qnn-context-binary-generator` (HTP backend).
#include <cstdint>
#include <string>
#include <vector>

#include "core/enums.h"

namespace accelbench::convert {

struct ToolCommand {
  std::string tool;               // executable name, looked up by FindTool
  std::vector<std::string> args;  // arguments (paths as given)
  std::string purpose;            // one line for humans
  std::string Render() const;     // "tool arg arg ..." with shell quoting where needed
};

struct StaticInput {
  std::string name;
  std::vector<int64_t> shape;
};

struct OpenVinoJob {
  std::string onnx;     // the model to convert
  std::string out_dir;  // IR goes to out_dir/<name>.xml (+ .bin)
  std::string name;     // model name
  Precision precision = Precision::kFp32;
};
std::vector<ToolCommand> OpenVinoCommands(const OpenVinoJob& job);

struct QnnJob {
  std::string onnx;     // an fp32 ONNX model (QNN quantizes itself)
  std::string out_dir;  // model.cpp/.bin, lib/, context/ below it
  std::string name;     // model name (library lib<name>.so, context <name>.bin)
  Precision precision = Precision::kFp32;
  std::vector<StaticInput> inputs;            // --input_dim for each (QNN graphs are static)
  std::string input_list;                     // int8/int4: calibration input list (required then)
  std::string target = "x86_64-linux-clang";  // model library target
  std::string backend = "libQnnHtp.so";       // context binary backend
};
// Throws UsageError when an int8/int4 job has no calibration input list, UnsupportedError for
// bf16 (QNN converters take 32- or 16-bit floats).
std::vector<ToolCommand> QnnCommands(const QnnJob& job);

}  // namespace accelbench::convert
