#include "models/blocks/kv_cache.h"

namespace accelbench::models::blocks {

void AppendToCache(Ops& ops, DecodeState& st, size_t layer, Tensor& k, Tensor& v) {
  if (st.k.size() <= layer) st.k.resize(layer + 1);
  if (st.v.size() <= layer) st.v.resize(layer + 1);
  if (auto* store = dynamic_cast<KvCacheStore*>(&ops);
      store && store->AppendKv(layer, st.k[layer], st.v[layer], k, v))
    return;
  if (st.k[layer]) {
    k = ops.Concat({st.k[layer], k}, 2);
    v = ops.Concat({st.v[layer], v}, 2);
  }
  st.k[layer] = k;
  st.v[layer] = v;
}

}  // namespace accelbench::models::blocks
