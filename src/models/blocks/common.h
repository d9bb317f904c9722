#pragma once
// Small helpers shared by the building blocks: linear layers and layer norms with Hugging Face
// parameter names, attention head split/merge.
#include <cstdint>
#include <string>

#include "models/ops.h"

namespace accelbench::models::blocks {

// y = x W^T (+ b); `prefix.weight` [out, in] ~ N(0, std), `prefix.bias` [out] zeros.
Tensor Dense(Ops& ops, const Tensor& x, const std::string& prefix, int64_t out, int64_t in,
             bool bias, float std);
// LayerNorm with `prefix.weight` (ones) and `prefix.bias` (zeros) of width `dim`.
Tensor Norm(Ops& ops, const Tensor& x, const std::string& prefix, int64_t dim, float eps);
// [B, S, H*D] <-> [B, H, S, D].
Tensor SplitHeads(Ops& ops, const Tensor& x, int64_t heads, int64_t head_dim);
Tensor MergeHeads(Ops& ops, const Tensor& x, int64_t heads, int64_t head_dim);

}  // namespace accelbench::models::blocks
