#pragma once
// Quantized export: the fp32 export (onnx_export.h) rewritten by QuantizeOnnxModel
// (onnx_quant.h), written with external data above a threshold and checked (onnx::checker;
// com.microsoft nodes are outside its registry and skipped by it). Static int8 activations are
// calibrated by running the fp32 model in onnxruntime-node on seeded inputs of the workload.
#include <cstdint>
#include <map>
#include <string>

#include "models/lowering/onnx_export.h"
#include "models/lowering/onnx_quant.h"
#include "models/lowering/ort_runner.h"

namespace onnx {
class ModelProto;
}

namespace accelbench::models {

struct QuantExportOptions {
  ExportOptions base;  // base.precision must be fp32 (the quantized graph computes in fp32)
  OnnxQuantOptions quant;
  uint64_t calibration_seed = 11;  // static activations: seeded inputs of the export workload
  int calibration_batches = 2;     // ... this many batches (seeds calibration_seed + i)
  OrtRunOptions ort;               // the onnxruntime-node used for calibration / deviation
  // Also run the fp32 and the quantized model in onnxruntime-node on seeded inputs of the
  // workload (seed deviation_seed) and report the output deviation.
  bool measure_deviation = false;
  uint64_t deviation_seed = 5;
  // Keep the fp32 export at this path (default: a temporary next to `path`, removed at return).
  std::string fp32_path;
};

struct QuantExportResult {
  ExportResult file;
  OnnxQuantReport report;
  int64_t fp32_bytes = 0;  // the fp32 export's bytes (model + external data), for comparison
  std::map<std::string, OutputDeviation> deviation;  // float outputs (measure_deviation)
};

QuantExportResult ExportQuantizedOnnx(const Family& family, const Config& cfg, const Workload& w,
                                      const std::string& path, const QuantExportOptions& opt);

// Reads a model and pulls its external initializers inline (data_location DEFAULT).
onnx::ModelProto LoadOnnxModel(const std::string& path);
// Writes `model` to `path`; initializers above `threshold` bytes go to `<path>.data` (removed
// when none does). Returns the written sizes; does not run the checker.
ExportResult SaveOnnxModel(onnx::ModelProto& model, const std::string& path,
                           int64_t external_data_threshold_bytes);

// Bytes of a written model's initializers as stored (inline raw/typed data or the external
// lengths): the weights, quantized codes, scales and zero points, plus small constants.
int64_t InitializerBytes(const std::string& path);

}  // namespace accelbench::models
