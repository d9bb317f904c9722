#include "models/blocks/common.h"

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

Tensor SplitHeads(Ops& ops, const Tensor& x, int64_t heads, int64_t head_dim) {
  return ops.Transpose(ops.Reshape(x, {0, 0, heads, head_dim}), {0, 2, 1, 3});
}

Tensor MergeHeads(Ops& ops, const Tensor& x, int64_t heads, int64_t head_dim) {
  return ops.Reshape(ops.Transpose(x, {0, 2, 1, 3}), {0, 0, heads * head_dim});
}

}  // namespace accelbench::models::blocks
