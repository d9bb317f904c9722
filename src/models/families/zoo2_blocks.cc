#include "models/families/zoo2_blocks.h"

#include <sstream>

#include "core/errors.h"
#include "models/families/llm_blocks.h"

namespace accelbench::models::zoo2 {

Tensor Norm(Ops& ops, const Tensor& x, const std::string& prefix, int64_t dim, float eps) {
  return ops.LayerNorm(x, ops.Param(prefix + ".weight", {dim}, WeightInit::Ones()),
                       ops.Param(prefix + ".bias", {dim}, WeightInit::Zeros()), eps);
}

Tensor MultiHeadAttention(Ops& ops, const Tensor& q_in, const Tensor& k_in, const Tensor& v_in,
                          const std::string& prefix, const AttentionNames& names, int64_t dim,
                          int64_t heads, float std, const AttentionOptions& opt) {
  const int64_t hd = dim / heads;
  const std::string p = prefix + ".";
  Tensor q =
      llm::SplitHeads(ops, llm::Dense(ops, q_in, p + names.q, dim, dim, true, std), heads, hd);
  Tensor k =
      llm::SplitHeads(ops, llm::Dense(ops, k_in, p + names.k, dim, dim, true, std), heads, hd);
  Tensor v =
      llm::SplitHeads(ops, llm::Dense(ops, v_in, p + names.v, dim, dim, true, std), heads, hd);
  Tensor o = llm::MergeHeads(ops, ops.Attention(q, k, v, opt), heads, hd);
  return llm::Dense(ops, o, p + names.out, dim, dim, true, std);
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

std::vector<int64_t> ParseIntList(const std::string& text, const std::string& key) {
  std::vector<int64_t> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    try {
      size_t used = 0;
      const int64_t v = std::stoll(item, &used);
      if (used != item.size() || v <= 0) throw std::invalid_argument(item);
      out.push_back(v);
    } catch (const std::exception&) {
      throw UsageError("config field '" + key + "' must be a comma-separated list of positive " +
                       "integers, got '" + text + "'");
    }
  }
  if (out.empty()) throw UsageError("config field '" + key + "' is empty");
  return out;
}

InputDesc FloatInput(const std::string& name, const Workload& w, std::vector<Dim> rest,
                     InputKind kind) {
  InputDesc d;
  d.name = name;
  d.dtype = DType::kFloat;
  d.dims = {Dim::Symbolic("batch", w.batch)};
  d.dims.insert(d.dims.end(), rest.begin(), rest.end());
  d.kind = kind;
  return d;
}

}  // namespace accelbench::models::zoo2
