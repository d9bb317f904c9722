#pragma once
// Multi-head attention pieces with Hugging Face parameter names: head split/merge and attention
// with biased q/k/v/out projections (separate q/k/v inputs, so that DETR can add position
// embeddings to q and k only).
#include <cstdint>
#include <string>

#include "models/ops.h"

namespace accelbench::models::blocks {

// [B, S, H*D] <-> [B, H, S, D].
Tensor SplitHeads(Ops& ops, const Tensor& x, int64_t heads, int64_t head_dim);
Tensor MergeHeads(Ops& ops, const Tensor& x, int64_t heads, int64_t head_dim);

// Names of the four projections of an attention block, relative to its prefix.
struct AttentionNames {
  std::string q = "q_proj", k = "k_proj", v = "v_proj", out = "out_proj";
};

// Multi-head attention: q from q_in [B, Sq, dim], k from k_in and v from v_in [B, Sk, dim];
// every projection `prefix.<name>` has a bias and weights ~ N(0, std); the output projection is
// applied. `opt` passes causality, masks and biases.
Tensor MultiHeadAttention(Ops& ops, const Tensor& q_in, const Tensor& k_in, const Tensor& v_in,
                          const std::string& prefix, const AttentionNames& names, int64_t dim,
                          int64_t heads, float std, const AttentionOptions& opt = {});

}  // namespace accelbench::models::blocks
