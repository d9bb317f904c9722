#include "models/blocks/attention.h"

#include "models/blocks/layers.h"

namespace accelbench::models::blocks {

Tensor SplitHeads(Ops& ops, const Tensor& x, int64_t heads, int64_t head_dim) {
  return ops.Transpose(ops.Reshape(x, {0, 0, heads, head_dim}), {0, 2, 1, 3});
}

Tensor MergeHeads(Ops& ops, const Tensor& x, int64_t heads, int64_t head_dim) {
  return ops.Reshape(ops.Transpose(x, {0, 2, 1, 3}), {0, 0, heads * head_dim});
}

Tensor MultiHeadAttention(Ops& ops, const Tensor& q_in, const Tensor& k_in, const Tensor& v_in,
                          const std::string& prefix, const AttentionNames& names, int64_t dim,
                          int64_t heads, float std, const AttentionOptions& opt) {
  const int64_t hd = dim / heads;
  const std::string p = prefix + ".";
  Tensor q = SplitHeads(ops, Dense(ops, q_in, p + names.q, dim, dim, true, std), heads, hd);
  Tensor k = SplitHeads(ops, Dense(ops, k_in, p + names.k, dim, dim, true, std), heads, hd);
  Tensor v = SplitHeads(ops, Dense(ops, v_in, p + names.v, dim, dim, true, std), heads, hd);
  Tensor o = MergeHeads(ops, ops.Attention(q, k, v, opt), heads, hd);
  return Dense(ops, o, p + names.out, dim, dim, true, std);
}

}  // namespace accelbench::models::blocks
