#pragma once
// Building blocks of the encoder families (bert, vit, clip): Hugging Face-named linear and
// layer-norm parameters, multi-head self-attention, config checks.
#include <cstdint>
#include <string>
#include <string_view>

#include "models/family.h"
#include "models/ops.h"

namespace accelbench::models::enc {

// y = x W^T (+ b): `prefix.weight` [out, in] ~ N(0, std), `prefix.bias` [out] zeros.
Tensor Dense(Ops& ops, const Tensor& x, const std::string& prefix, int64_t out, int64_t in,
             bool bias = true, float std = 0.02f);
// LayerNorm over the last dim: `prefix.weight` ones, `prefix.bias` zeros.
Tensor Norm(Ops& ops, const Tensor& x, const std::string& prefix, int64_t dim, float eps);

struct AttentionNames {  // Hugging Face names of the four projections under a layer prefix
  std::string q, k, v, out;
};

// Multi-head self-attention on x [B, S, hidden] with biased projections; returns the output
// projection's result [B, S, hidden].
Tensor SelfAttention(Ops& ops, const Tensor& x, const AttentionNames& names, int64_t hidden,
                     int64_t heads, bool causal, const Tensor& key_padding_mask);

// L2-normalises the last dim.
Tensor L2Normalize(Ops& ops, const Tensor& x, int64_t dim);

// Config checks with one clear UsageError.
void RequirePositive(const Config& cfg, std::string_view key);
void RequireDivisible(const Config& cfg, std::string_view a, std::string_view b);
// The named input or a RuntimeError naming the family.
const Tensor& Need(const Inputs& in, std::string_view name, std::string_view family);

}  // namespace accelbench::models::enc
