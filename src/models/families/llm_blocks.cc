#include "models/families/llm_blocks.h"

#include "core/errors.h"

namespace accelbench::models::llm {

Tensor Dense(Ops& ops, const Tensor& x, const std::string& prefix, int64_t out, int64_t in,
             bool bias, float std) {
  Tensor w = ops.Param(prefix + ".weight", {out, in}, WeightInit::Normal(std));
  Tensor b = bias ? ops.Param(prefix + ".bias", {out}, WeightInit::Zeros()) : Tensor{};
  return ops.Linear(x, w, b);
}

Tensor SplitHeads(Ops& ops, const Tensor& x, int64_t heads, int64_t head_dim) {
  return ops.Transpose(ops.Reshape(x, {0, 0, heads, head_dim}), {0, 2, 1, 3});
}

Tensor MergeHeads(Ops& ops, const Tensor& x, int64_t heads, int64_t head_dim) {
  return ops.Reshape(ops.Transpose(x, {0, 2, 1, 3}), {0, 0, heads * head_dim});
}

void AppendToCache(Ops& ops, DecodeState& st, size_t layer, Tensor& k, Tensor& v) {
  if (st.k.size() <= layer) st.k.resize(layer + 1);
  if (st.v.size() <= layer) st.v.resize(layer + 1);
  if (st.k[layer]) {
    k = ops.Concat({st.k[layer], k}, 2);
    v = ops.Concat({st.v[layer], v}, 2);
  }
  st.k[layer] = k;
  st.v[layer] = v;
}

const Tensor& Require(const Inputs& in, std::string_view name, std::string_view family) {
  auto it = in.find(name);
  if (it == in.end() || !it->second)
    throw RuntimeError(std::string(family) + ": missing input '" + std::string(name) + "'");
  return it->second;
}

InputDesc TokenIds(const std::string& name, const Workload& w, const std::string& seq_symbol,
                   int64_t seq, int64_t vocab, InputKind kind) {
  InputDesc d;
  d.name = name;
  d.dtype = DType::kInt64;
  d.dims = {Dim::Symbolic("batch", w.batch), Dim::Symbolic(seq_symbol, seq)};
  d.kind = kind;
  d.max_value = vocab;
  return d;
}

void RequirePositive(const Config& cfg, std::string_view key) {
  if (cfg.Int(key) <= 0)
    throw UsageError("config field '" + std::string(key) + "' must be positive, got " +
                     std::to_string(cfg.Int(key)));
}

void RequireDivisible(const Config& cfg, std::string_view a, std::string_view b) {
  RequirePositive(cfg, a);
  RequirePositive(cfg, b);
  if (cfg.Int(a) % cfg.Int(b) != 0)
    throw UsageError("config field '" + std::string(a) + "' (" + std::to_string(cfg.Int(a)) +
                     ") must be divisible by '" + std::string(b) + "' (" +
                     std::to_string(cfg.Int(b)) + ")");
}

}  // namespace accelbench::models::llm
