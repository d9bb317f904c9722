#include "models/families/encoder_blocks.h"

#include "core/errors.h"

namespace accelbench::models::enc {

Tensor Dense(Ops& ops, const Tensor& x, const std::string& prefix, int64_t out, int64_t in,
             bool bias, float std) {
  Tensor w = ops.Param(prefix + ".weight", {out, in}, WeightInit::Normal(std));
  Tensor b = bias ? ops.Param(prefix + ".bias", {out}, WeightInit::Zeros()) : Tensor();
  return ops.Linear(x, w, b);
}

Tensor Norm(Ops& ops, const Tensor& x, const std::string& prefix, int64_t dim, float eps) {
  return ops.LayerNorm(x, ops.Param(prefix + ".weight", {dim}, WeightInit::Ones()),
                       ops.Param(prefix + ".bias", {dim}, WeightInit::Zeros()), eps);
}

Tensor SelfAttention(Ops& ops, const Tensor& x, const AttentionNames& names, int64_t hidden,
                     int64_t heads, bool causal, const Tensor& key_padding_mask) {
  const int64_t hd = hidden / heads;
  auto split = [&](const std::string& p) {
    return ops.Transpose(ops.Reshape(Dense(ops, x, p, hidden, hidden), {0, 0, heads, hd}),
                         {0, 2, 1, 3});
  };
  AttentionOptions opt;
  opt.causal = causal;
  opt.key_padding_mask = key_padding_mask;
  Tensor a = ops.Attention(split(names.q), split(names.k), split(names.v), opt);
  a = ops.Reshape(ops.Transpose(a, {0, 2, 1, 3}), {0, 0, hidden});
  return Dense(ops, a, names.out, hidden, hidden);
}

Tensor L2Normalize(Ops& ops, const Tensor& x, int64_t dim) {
  Tensor norm = ops.Sqrt(ops.Scale(ops.Mean(ops.Pow(x, 2.f), {-1}, true), static_cast<float>(dim)));
  return ops.Div(x, norm);
}

void RequirePositive(const Config& cfg, std::string_view key) {
  if (cfg.Int(key) <= 0)
    throw UsageError(std::string(key) + " must be positive, got " + std::to_string(cfg.Int(key)));
}

void RequireDivisible(const Config& cfg, std::string_view a, std::string_view b) {
  RequirePositive(cfg, a);
  RequirePositive(cfg, b);
  if (cfg.Int(a) % cfg.Int(b) != 0)
    throw UsageError(std::string(a) + " (" + std::to_string(cfg.Int(a)) +
                     ") must be divisible by " + std::string(b) + " (" +
                     std::to_string(cfg.Int(b)) + ")");
}

const Tensor& Need(const Inputs& in, std::string_view name, std::string_view family) {
  auto it = in.find(name);
  if (it == in.end())
    throw RuntimeError(std::string(family) + ": missing input '" + std::string(name) + "'");
  return it->second;
}

}  // namespace accelbench::models::enc
