#pragma once
// Parameterised layers with Hugging Face parameter names under a caller-given prefix: linear
// layers, layer norms, and the parameter-free reductions several families share.
#include <cstdint>
#include <string>

#include "models/ops.h"

namespace accelbench::models::blocks {

// y = x W^T (+ b); `prefix.weight` [out, in] ~ N(0, std), `prefix.bias` [out] zeros.
Tensor Dense(Ops& ops, const Tensor& x, const std::string& prefix, int64_t out, int64_t in,
             bool bias, float std);
// LayerNorm over the last axis with `prefix.weight` (ones) and `prefix.bias` (zeros) of width
// `dim`.
Tensor Norm(Ops& ops, const Tensor& x, const std::string& prefix, int64_t dim, float eps);
// x / ||x|| over the last axis (of width `dim`).
Tensor L2Normalize(Ops& ops, const Tensor& x, int64_t dim);
// Mean over every axis of a tensor of rank `rank` (a scalar).
Tensor MeanAll(Ops& ops, const Tensor& x, int64_t rank);

}  // namespace accelbench::models::blocks
