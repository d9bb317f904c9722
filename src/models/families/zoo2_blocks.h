#pragma once
// Small building blocks shared by the wav2vec2, clap and detr families: layer norm with HF
// parameter names, multi-head attention with separate q/k/v inputs (DETR adds position
// embeddings to q and k only), L2 normalisation, and the waveform input description.
#include <cstdint>
#include <string>
#include <vector>

#include "models/family.h"
#include "models/ops.h"

namespace accelbench::models::zoo2 {

// LayerNorm over the last axis with `prefix.weight` (ones) and `prefix.bias` (zeros).
Tensor Norm(Ops& ops, const Tensor& x, const std::string& prefix, int64_t dim, float eps);

// Names of the four projections of an attention block, relative to its prefix.
struct AttentionNames {
  std::string q = "q_proj", k = "k_proj", v = "v_proj", out = "out_proj";
};

// Multi-head attention: q from q_in [B, Sq, dim], k from k_in and v from v_in [B, Sk, dim]; every
// projection has a bias; the output projection is applied. `opt` passes masks and biases.
Tensor MultiHeadAttention(Ops& ops, const Tensor& q_in, const Tensor& k_in, const Tensor& v_in,
                          const std::string& prefix, const AttentionNames& names, int64_t dim,
                          int64_t heads, float std, const AttentionOptions& opt = {});

// x / ||x|| over the last axis (of width `dim`).
Tensor L2Normalize(Ops& ops, const Tensor& x, int64_t dim);

// Mean over every axis of a tensor of rank `rank` (a scalar).
Tensor MeanAll(Ops& ops, const Tensor& x, int64_t rank);

// Parses "10,3,3" into {10, 3, 3}; throws UsageError naming `key` on bad text or values <= 0.
std::vector<int64_t> ParseIntList(const std::string& text, const std::string& key);

// A float input [batch, <static dims...>] of the given kind.
InputDesc FloatInput(const std::string& name, const Workload& w, std::vector<Dim> rest,
                     InputKind kind);

}  // namespace accelbench::models::zoo2
