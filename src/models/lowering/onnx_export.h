#pragma once
// Exports a family's inference forward to an ONNX file (opset 17) with the seeded weights, so
// ONNX Runtime runs the same model as libtorch. Large initializers go to `<path>.data` next to
// the model. The model is checked (onnx::checker) and shape-inferred (strict) before it is
// reported written.
#include <cstdint>
#include <string>

#include "core/enums.h"
#include "models/family.h"
#include "models/weights.h"

namespace accelbench::models {

struct ExportOptions {
  Precision precision = Precision::kFp32;  // fp32 or fp16 (UnsupportedError otherwise)
  int opset = 17;                          // libonnx 1.12 knows opsets up to 17
  int64_t external_data_threshold_bytes = 1 << 20;
  uint64_t seed = kDefaultSeed;  // weight seed, as RunForward's
};

struct ExportResult {
  std::string path;
  int64_t nodes = 0;
  int64_t initializers = 0;
  int64_t bytes = 0;      // model file plus external data file
  std::string data_path;  // the external data file; empty when every initializer is inline
};

ExportResult ExportOnnx(const Family& family, const Config& cfg, const Workload& w,
                        const std::string& path, const ExportOptions& opt = {});

// Runs onnx::checker (with the model's directory, so external data is found) and strict shape
// inference on a written model; throws RuntimeError with the checker's message on failure.
void CheckOnnxFile(const std::string& path);

}  // namespace accelbench::models
