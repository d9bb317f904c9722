#include "models/blocks/layers.h"

#include <vector>

namespace accelbench::models::blocks {

Tensor Dense(Ops& ops, const Tensor& x, const std::string& prefix, int64_t out, int64_t in,
             bool bias, float std) {
  Tensor w = ops.Param(prefix + ".weight", {out, in}, WeightInit::Normal(std));
  Tensor b = bias ? ops.Param(prefix + ".bias", {out}, WeightInit::Zeros()) : Tensor{};
  return ops.Linear(x, w, b);
}

Tensor Norm(Ops& ops, const Tensor& x, const std::string& prefix, int64_t dim, float eps) {
  return ops.LayerNorm(x, ops.Param(prefix + ".weight", {dim}, WeightInit::Ones()),
                       ops.Param(prefix + ".bias", {dim}, WeightInit::Zeros()), eps);
}

Tensor L2Normalize(Ops& ops, const Tensor& x, int64_t dim) {
  Tensor sq = ops.Scale(ops.Mean(ops.Pow(x, 2.0f), {-1}, true), static_cast<float>(dim));
  return ops.Div(x, ops.Sqrt(sq));
}

Tensor MeanAll(Ops& ops, const Tensor& x, int64_t rank) {
  std::vector<int64_t> axes;
  for (int64_t a = 0; a < rank; ++a) axes.push_back(a);
  return ops.Mean(x, axes, false);
}

}  // namespace accelbench::models::blocks
