#pragma once
// Building blocks shared by the generative families (llama, qwen2, t5, whisper): linear layers
// with Hugging Face parameter names, head split/merge, the KV cache, input descriptions.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/family.h"
#include "models/ops.h"

namespace accelbench::models::llm {

// y = x W^T (+ b) with parameters `prefix.weight` [out, in] ~ N(0, std) and `prefix.bias` [out]
// (zeros), named as in Hugging Face checkpoints.
Tensor Dense(Ops& ops, const Tensor& x, const std::string& prefix, int64_t out, int64_t in,
             bool bias, float std);

// [B, S, H*D] -> [B, H, S, D] and back.
Tensor SplitHeads(Ops& ops, const Tensor& x, int64_t heads, int64_t head_dim);
Tensor MergeHeads(Ops& ops, const Tensor& x, int64_t heads, int64_t head_dim);

// Appends this step's keys/values [B, Hkv, S, D] to layer `layer`'s self-attention cache in `st`
// (created on first use) and replaces k, v by the full cached keys/values.
void AppendToCache(Ops& ops, DecodeState& st, size_t layer, Tensor& k, Tensor& v);

// Cross-attention K/V of decoder layer `layer`: taken from st->cross_k/cross_v when cached there,
// else made by `make()` (returning {k, v}) and cached when st is non-null.
template <typename MakeKv>
std::pair<Tensor, Tensor> CrossKv(DecodeState* st, size_t layer, MakeKv make) {
  if (st && st->cross_k.size() > layer && st->cross_k[layer])
    return {st->cross_k[layer], st->cross_v[layer]};
  auto kv = make();
  if (st) {
    if (st->cross_k.size() <= layer) st->cross_k.resize(layer + 1);
    if (st->cross_v.size() <= layer) st->cross_v.resize(layer + 1);
    st->cross_k[layer] = kv.first;
    st->cross_v[layer] = kv.second;
  }
  return kv;
}

// The named input; a missing one is a RuntimeError naming the family and the input.
const Tensor& Require(const Inputs& in, std::string_view name, std::string_view family);

// Token ids (or labels) [batch, <seq_symbol>] with ids in [0, vocab).
InputDesc TokenIds(const std::string& name, const Workload& w, const std::string& seq_symbol,
                   int64_t seq, int64_t vocab, InputKind kind = InputKind::kTokenIds);

// Throws UsageError unless `value` is positive (config sanity, one clear message).
void RequirePositive(const Config& cfg, std::string_view key);
// Throws UsageError unless cfg[a] is divisible by cfg[b].
void RequireDivisible(const Config& cfg, std::string_view a, std::string_view b);

}  // namespace accelbench::models::llm
