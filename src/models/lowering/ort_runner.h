#pragma once
// Runs an exported ONNX model in ONNX Runtime native (onnxruntime-node, CPU) by writing a job
// for web/node/run_ort.mjs, spawning `node` and reading the outputs back. No torch, no ORT
// headers: the runtime lives in the Node child process.
#include <map>
#include <string>

#include "core/enums.h"
#include "models/inputs.h"

namespace accelbench::models {

struct OrtRunOptions {
  std::string node = "node";  // looked up in PATH
  std::string
      script;  // default: $ACCELBENCH_SOURCE_DIR or the build's source dir + web/node/run_ort.mjs
  // Precision the model was exported in: fp16 models take fp16 float inputs (converted here).
  Precision precision = Precision::kFp32;
  int intra_op_threads = 0;  // 0 = ORT's default
  // issue 6: the measurement protocol (web/harness/protocol.mjs keys, JSON); empty = one run.
  std::string protocol_json;
  std::map<std::string, std::string> backend_options;  // the run's --backend-option pairs
  bool placement = false;  // log ORT's node placement (a second, untimed session) into `log`
};

struct OrtRunResult {
  std::map<std::string, HostTensor> outputs;  // float outputs as fp32 (fp16 converted)
  double session_ms = 0;                      // as reported by the harness (session creation)
  double run_ms = 0;                          // one run
  std::string runtime_version;                // onnxruntime-node version, e.g. "1.30.0"
  std::string manifest_json;  // the child's whole answer (timings, samples, ...), no outputs
  std::string log;            // the child's stdout+stderr (ORT's verbose placement lines)
};

// Throws RuntimeError with the child's message when node, onnxruntime-node or the run fails.
OrtRunResult RunOnnxRuntimeNode(const std::string& model_path,
                                const std::map<std::string, HostTensor, std::less<>>& inputs,
                                const OrtRunOptions& opt = {});

// The script path RunOnnxRuntimeNode uses by default.
std::string DefaultOrtScript();

}  // namespace accelbench::models
