#pragma once
// Accuracy and memory of the quantized lowering, measured at load time on the run's own seeded
// inputs (issue 11). Every number is a measurement on this process's tensors.
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "backends/torch/torch_quant.h"
#include "models/family.h"

namespace accelbench::backends::torch_backend {

struct QuantEval {
  std::map<std::string, double> fields;        // result field name -> value
  std::map<std::string, std::string> details;  // runtime details (recorded in options_json)
};

// Runs `forward` in fp32 (recording which weights Linear/Embedding use), quantizes `ops` per its
// plan, runs `forward` again on the same inputs and measures output_max_abs_dev, output_rel_dev
// and, when `ids` is defined (generative LMs, logits [B, S, V]), top1_agreement and
// ppl_delta / ppl_fp32 on that fixed sequence (next-token cross-entropy).
QuantEval QuantizeAndEvaluate(QuantTorchOps& ops, const std::function<at::Tensor()>& forward,
                              const at::Tensor& ids);

// Decode with the KV cache in ops.kv_precision() against the same decode with an fp16 cache:
// prefill with `prefill`, then `steps` greedy decode steps whose token ids come from the fp16
// run (teacher forcing, so both runs see the same tokens). Measures kv_bytes_per_token (all
// layers, K and V, per sequence), kv_rel_dev / kv_max_abs_dev / kv_top1_agreement vs fp16 and,
// with a budget, max_context_tokens = floor((budget - weight_bytes) / kv_bytes_per_token).
QuantEval EvaluateKvCache(QuantTorchOps& ops, const models::Family& family,
                          const models::Config& cfg,
                          const std::function<at::Tensor(models::DecodeState&)>& prefill,
                          int64_t steps, int64_t batch, std::optional<int64_t> budget_bytes);

// "512MiB", "2GiB", "1.5GB", "1000000" -> bytes; UsageError otherwise.
int64_t ParseBytes(const std::string& s);

}  // namespace accelbench::backends::torch_backend
