#pragma once
// Quantized lowering on libtorch (issue 11): TorchOps whose Linear / Embedding weights follow a
// per-layer-group precision plan (quant/precision_plan.h), and whose decode KV cache can be kept
// in fp16, int8 or int4.
//   - int8 linears: dynamic quantization (per-output-channel symmetric int8 weights, activations
//     quantized per call) through quantized::linear_prepack / quantized::linear_dynamic (CPU);
//     on CUDA through at::_int_mm (torch >= 2.1; refused "unsupported: ..." without it).
//   - int4 linears: weight-only, group-wise scales (quant/int4.h), dequantized on the fly per call.
//   - int8 / int4 embeddings: per-row int8 / group-wise int4 tables, the looked-up rows
//   dequantized.
// Quantized parameters are replaced in the parameter map by a NaN placeholder of the same shape
// (one element of storage), so the fp32 copy is freed and any use outside Linear/Embedding shows up
// as a non-finite output instead of a silent wrong answer.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "backends/backend.h"
#include "backends/torch/torch_ops.h"
#include "core/enums.h"
#include "models/blocks/kv_cache.h"
#include "quant/precision_plan.h"

namespace accelbench::backends::torch_backend {

enum class KvPrecision { kCompute, kFp16, kInt8, kInt4 };  // kCompute: the model's dtype, no codec
KvPrecision ParseKvPrecision(const std::string& s);        // fp16|int8|int4; UsageError
std::string ToString(KvPrecision p);

struct QuantSetup {
  quant::PrecisionPlan plan;
  KvPrecision kv = KvPrecision::kCompute;
  bool kv_per_head = false;  // kv_scales=head: one scale per (sequence, KV head), set at prefill
};
// What a load request asks of the quantized lowering (nullopt: plain TorchOps). Reads
// --precision int8|int4 and the backend options precision_plan (quant/precision_plan.h text
// form), int4_group (default 64), int4_scheme (sym|asym), kv_cache (fp16|int8|int4), kv_scales
// (token: one fp16 scale per token and KV head, default; head: one per KV head, fixed from the
// prefill's keys/values, later tokens clamped to it). Throws
// UsageError / UnsupportedError for combinations it cannot run.
std::optional<QuantSetup> QuantRequest(const LoadRequest& req);

// Why int8 linears cannot run on the CUDA `device` with this libtorch (nullopt: they can, through
// at::_int_mm). Debian's 1.13 build: always a reason (no CUDA int8 matmul before torch 2.1).
std::optional<std::string> CudaInt8Unsupported(c10::Device device);

// The int8 engine this libtorch has ("fbgemm", "onednn", "qnnpack"), selected once; "" if none.
std::string Int8Engine();

struct QuantLinear;  // defined in torch_quant.cc
struct QuantEmbedding;

class QuantTorchOps : public TorchOps, public models::blocks::KvCacheStore {
 public:
  QuantTorchOps(c10::Device device, uint64_t seed, quant::PrecisionPlan plan, KvPrecision kv);
  ~QuantTorchOps() override;

  // Recording: until Quantize(), Linear/Embedding run in fp32 and note which parameters they use.
  // Quantize() then converts those parameters per the plan (throws UnsupportedError when the
  // device cannot run a precision). Returns the number of quantized weights.
  int64_t Quantize();
  bool quantized() const { return quantized_; }
  const quant::PrecisionPlan& plan() const { return plan_; }
  KvPrecision kv_precision() const { return kv_; }
  void set_kv_precision(KvPrecision kv) { kv_ = kv; }
  bool kv_per_head() const { return kv_per_head_; }
  void set_kv_per_head(bool v) { kv_per_head_ = v; }
  // Bytes of all weights as stored now: remaining parameters + quantized forms (+ scales).
  int64_t WeightBytes() const;
  // Weight counts per group (only parameters seen by Linear/Embedding), for tune-precision.
  const std::map<std::string, int64_t>& group_elements() const { return group_elements_; }

  models::Tensor Linear(const models::Tensor& x, const models::Tensor& w,
                        const models::Tensor& b) override;
  models::Tensor Embedding(const models::Tensor& table, const models::Tensor& ids) override;
  bool AppendKv(size_t layer, models::Tensor& stored_k, models::Tensor& stored_v, models::Tensor& k,
                models::Tensor& v) override;

 private:
  struct Entry;
  quant::PrecisionPlan plan_;
  KvPrecision kv_;
  bool kv_per_head_ = false;
  bool quantized_ = false;
  std::set<const void*> linear_uses_, embedding_uses_;
  std::map<const void*, std::unique_ptr<Entry>> entries_;  // keyed by the placeholder's TensorImpl
  std::map<std::string, int64_t> group_elements_;
};

// Bytes of a decode state's self-attention cache as stored (any KvPrecision); `fixed_bytes` gets
// the part that does not grow with tokens (per-head scales).
int64_t KvCacheBytes(const models::DecodeState& st, int64_t* fixed_bytes = nullptr);

}  // namespace accelbench::backends::torch_backend
