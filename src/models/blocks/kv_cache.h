#pragma once
// The KV cache of generative families, kept in DecodeState: self-attention keys/values appended
// per step, cross-attention keys/values computed once at prefill.
#include <cstddef>
#include <utility>

#include "models/family.h"
#include "models/ops.h"

namespace accelbench::models::blocks {

// Issue 11: a lowering that keeps the self-attention cache in another precision (fp16, int8,
// int4; libtorch: backends/torch/torch_quant.h) implements this next to Ops. AppendToCache offers
// it the step's keys/values first.
class KvCacheStore {
 public:
  virtual ~KvCacheStore() = default;
  // Appends k, v [B, Hkv, S, D] of decoder layer `layer` to the stored entries (empty on first
  // use), replaces k, v by the keys/values attention must read (in the compute precision) and
  // returns true; false = not handled (plain cache). Issue 13: the libtorch static cache
  // (backends/torch/torch_static_kv.h) keeps one preallocated buffer per layer.
  virtual bool AppendKv(size_t layer, Tensor& stored_k, Tensor& stored_v, Tensor& k, Tensor& v) = 0;
};

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

}  // namespace accelbench::models::blocks
