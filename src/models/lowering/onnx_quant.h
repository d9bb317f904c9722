#pragma once
// Quantized ONNX lowering: rewrites the MatMuls of an fp32 export whose right-hand side is a
// weight (an initializer, or the Transpose of one, as OnnxOps::Linear records it) into
//   int8 (QDQ): the weight as int8 [K, N] with per-output-channel scales (symmetric, zero
//               point 0) behind DequantizeLinear(axis=1); activations
//               - dynamic: DynamicQuantizeLinear -> DequantizeLinear (per-tensor, per run),
//               - static:  QuantizeLinear -> DequantizeLinear with a per-tensor uint8 scale and
//                          zero point calibrated on the fp32 model (see onnx_quant_export.h),
//               - weight_only: fp32 activations, DequantizeLinear on the weight only;
//   int4: com.microsoft::MatMulNBits (bits=4, block_size, B packed uint8 [N, blocks,
//         block_size/2], scales [N * blocks], zero points nibble-packed when asymmetric).
// Which weights take which precision is decided per weight by a callback (the per-layer
// precision plan, see quant/precision_plan.h); fp32 keeps the MatMul. A weight that is also
// used elsewhere (a tied embedding looked up by Gather) is quantized for its MatMul only when
// the plan asks; the fp32 table stays for the lookup (reported as `tied`).
// Torch-free; depends on libonnx only.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/enums.h"
#include "models/inputs.h"

namespace onnx {
class ModelProto;
}

namespace accelbench::models {

enum class ActivationQuant { kDynamic, kStatic, kWeightOnly };
std::string_view ToString(ActivationQuant a);
ActivationQuant ParseActivationQuant(std::string_view s);  // throws UsageError

struct OnnxQuantOptions {
  // Precision of the weight `param` (initializer name) used as a MatMul right-hand side:
  // kFp32 keeps it, kInt8 / kInt4 quantize it; anything else throws UnsupportedError.
  std::function<Precision(const std::string& param)> precision_of;
  // Precision of an fp32 table looked up by Gather (embeddings): kInt8 / kInt4 quantize the
  // table (int8 rows + per-row scales; int4 nibbles + per-block scales, dequantized after the
  // lookup by standard ops); null or kFp32 keeps it.
  std::function<Precision(const std::string& param)> embedding_precision_of;
  ActivationQuant activations = ActivationQuant::kDynamic;
  // Static activations: value name -> (min, max) observed on the fp32 model. Every int8 MatMul
  // input must have an entry (RuntimeError otherwise).
  std::map<std::string, std::pair<float, float>> activation_ranges;
  int64_t int4_block_size = 32;     // MatMulNBits block_size: a power of two >= 16
  bool int4_symmetric = true;       // false: per-block zero points
  int64_t int4_accuracy_level = 0;  // MatMulNBits accuracy_level (0 = ORT's default)
};

struct OnnxQuantReport {
  int64_t int8_matmuls = 0;
  int64_t int4_matmuls = 0;
  int64_t fp32_matmuls = 0;         // weight MatMuls the plan kept in fp32
  int64_t quantized_gathers = 0;    // embedding lookups on an int8 / int4 table
  int64_t weight_bytes_before = 0;  // bytes of the weights that were quantized, as fp32
  int64_t weight_bytes_after = 0;   // their quantized bytes (codes + scales + zero points)
  std::vector<std::string> tied;    // quantized weights whose fp32 table stays for another use
};

// The value names of the MatMul inputs that int8 with static activations would quantize
// (what calibration must observe).
std::vector<std::string> WeightMatMulActivations(const onnx::ModelProto& model,
                                                 const OnnxQuantOptions& opt);

// Rewrites `model` in place. Every initializer must be inline (LoadOnnxModel makes them so).
OnnxQuantReport QuantizeOnnxModel(onnx::ModelProto& model, const OnnxQuantOptions& opt);

// Output deviation of a quantized run from the fp32 run on the same inputs (float outputs).
struct OutputDeviation {
  double max_abs = 0;    // max |q - f|
  double rel_l2 = 0;     // ||q - f||_2 / ||f||_2
  double ref_scale = 0;  // max |f|
  int64_t elements = 0;
};
OutputDeviation CompareOutputs(const HostTensor& fp32, const HostTensor& quantized);

}  // namespace accelbench::models
