#pragma once
// A per-layer-group precision plan: which precision each group of a model's weights runs in.
// Applied by the libtorch lowering (backends/torch/torch_quant*) and the ONNX lowering.
//
// Groups (classified from parameter names, see GroupOfParam):
//   "embeddings"  token / position / patch embedding tables (looked up, not multiplied)
//   "attention"   q/k/v/o projections of self- and cross-attention
//   "mlp"         feed-forward projections (gate/up/down, fc1/fc2, intermediate/output)
//   "lm_head"     the output projection to the vocabulary (also a tied embedding used in Linear)
//   "other"       every other linear weight (vision/audio stems, poolers, classifier heads)
//
// Text form (CLI, options_json): "attention=int8,mlp=int4,lm_head=fp32" or "default=int8,...";
// JSON form: {"default": "fp32", "groups": {"attention": "int8"}, "int4_group_size": 64,
//             "int4_symmetric": true}.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/enums.h"

namespace accelbench::quant {

// The group names, in a fixed order (search order of tune-precision).
const std::vector<std::string>& LayerGroups();

// The group of a parameter used as a Linear weight (`linear`) or looked up (`!linear`).
std::string GroupOfParam(std::string_view param_name, bool linear = true);

struct PrecisionPlan {
  Precision default_precision = Precision::kFp32;
  std::map<std::string, Precision> groups;  // overrides, keyed by LayerGroups() names
  int64_t int4_group_size = 128;  // weight columns sharing one int4 scale (0: one per row)
  bool int4_symmetric = true;               // false: per-group zero points (asymmetric)

  // The precision of a group (override or default).
  Precision For(std::string_view group) const;
  // Uniform plan: every group in `p`.
  static PrecisionPlan Uniform(Precision p, int64_t int4_group_size = 128);
  // True when any group (or the default) is int8 / int4.
  bool Uses(Precision p) const;

  // Parse "group=prec,..." (also "default=prec"); throws UsageError naming the bad part.
  static PrecisionPlan Parse(std::string_view text);
  std::string ToString() const;  // canonical text form, groups in LayerGroups() order

  nlohmann::json ToJson() const;
  static PrecisionPlan FromJson(const nlohmann::json& j);  // throws UsageError

  bool operator==(const PrecisionPlan&) const = default;
};

}  // namespace accelbench::quant
