#include "models/blocks/llama_decoder.h"

#include "core/errors.h"
#include "models/blocks/attention.h"
#include "models/blocks/kv_cache.h"
#include "models/blocks/layers.h"

namespace accelbench::models::blocks {

DecoderDims DecoderDims::FromConfig(const Config& cfg) {
  DecoderDims d;
  d.vocab = cfg.Int("vocab_size");
  d.hidden = cfg.Int("hidden_size");
  d.intermediate = cfg.Int("intermediate_size");
  d.layers = cfg.Int("num_layers");
  d.heads = cfg.Int("num_heads");
  d.kv_heads = cfg.Int("num_kv_heads");
  d.eps = static_cast<float>(cfg.Real("rms_norm_eps"));
  d.rope_theta = static_cast<float>(cfg.Real("rope_theta"));
  d.std = static_cast<float>(cfg.Real("initializer_range"));
  d.qkv_bias = cfg.Has("qkv_bias") && cfg.Bool("qkv_bias");  // Qwen2: biased q/k/v projections
  for (auto [name, v] : {std::pair{"vocab_size", d.vocab},
                         {"hidden_size", d.hidden},
                         {"intermediate_size", d.intermediate},
                         {"num_layers", d.layers},
                         {"num_heads", d.heads},
                         {"num_kv_heads", d.kv_heads}})
    if (v <= 0)
      throw UsageError(std::string("config field '") + name + "' must be positive, got " +
                       std::to_string(v));
  if (d.hidden % d.heads != 0 || d.heads % d.kv_heads != 0 || (d.hidden / d.heads) % 2 != 0)
    throw UsageError("hidden_size (" + std::to_string(d.hidden) + ") must be divisible by " +
                     "num_heads (" + std::to_string(d.heads) + ") into an even head size, and " +
                     "num_heads by num_kv_heads (" + std::to_string(d.kv_heads) + ")");
  return d;
}

Tensor LlamaDecoderStack(Ops& ops, Tensor x, const std::string& prefix, const DecoderDims& d,
                         DecodeState* st) {
  const int64_t hd = d.hidden / d.heads;
  const int64_t offset = st ? st->length : 0;
  for (int64_t l = 0; l < d.layers; ++l) {
    const std::string p = prefix + ".layers." + std::to_string(l);
    Tensor h = ops.RmsNorm(
        x, ops.Param(p + ".input_layernorm.weight", {d.hidden}, WeightInit::Ones()), d.eps);
    const std::string a = p + ".self_attn";
    Tensor q = Dense(ops, h, a + ".q_proj", d.heads * hd, d.hidden, d.qkv_bias, d.std);
    Tensor k = Dense(ops, h, a + ".k_proj", d.kv_heads * hd, d.hidden, d.qkv_bias, d.std);
    Tensor v = Dense(ops, h, a + ".v_proj", d.kv_heads * hd, d.hidden, d.qkv_bias, d.std);
    q = ops.Rotary(SplitHeads(ops, q, d.heads, hd), offset, d.rope_theta);
    k = ops.Rotary(SplitHeads(ops, k, d.kv_heads, hd), offset, d.rope_theta);
    v = SplitHeads(ops, v, d.kv_heads, hd);
    if (st) AppendToCache(ops, *st, static_cast<size_t>(l), k, v);
    AttentionOptions opt;
    opt.causal = true;  // over the last Sq positions of the (cached) keys
    Tensor o = MergeHeads(ops, ops.Attention(q, k, v, opt), d.heads, hd);
    x = ops.Add(x, Dense(ops, o, a + ".o_proj", d.hidden, d.heads * hd, false, d.std));
    h = ops.RmsNorm(
        x, ops.Param(p + ".post_attention_layernorm.weight", {d.hidden}, WeightInit::Ones()),
        d.eps);
    Tensor gate =
        ops.Act(Dense(ops, h, p + ".mlp.gate_proj", d.intermediate, d.hidden, false, d.std),
                Activation::kSilu);
    Tensor up = Dense(ops, h, p + ".mlp.up_proj", d.intermediate, d.hidden, false, d.std);
    x = ops.Add(x, Dense(ops, ops.Mul(gate, up), p + ".mlp.down_proj", d.hidden, d.intermediate,
                         false, d.std));
  }
  if (st) st->length += ops.SizeOf(x, 1);
  return ops.RmsNorm(x, ops.Param(prefix + ".norm.weight", {d.hidden}, WeightInit::Ones()), d.eps);
}

}  // namespace accelbench::models::blocks
