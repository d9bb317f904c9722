#include "models/blocks/clip_vision.h"

#include "core/errors.h"

namespace accelbench::models::blocks {

Tensor ClipAttention(Ops& ops, const Tensor& x, const std::string& prefix, const ClipDims& d,
                     bool causal, const Tensor& key_padding_mask) {
  if (d.heads <= 0 || d.hidden % d.heads != 0)
    throw UsageError("hidden size " + std::to_string(d.hidden) +
                     " must be divisible by the number of heads " + std::to_string(d.heads));
  AttentionOptions opt;
  opt.causal = causal;
  opt.key_padding_mask = key_padding_mask;
  return MultiHeadAttention(ops, x, x, x, prefix, AttentionNames{}, d.hidden, d.heads, d.std, opt);
}

Tensor ClipMlp(Ops& ops, const Tensor& x, const std::string& prefix, const ClipDims& d) {
  Tensor h = ops.Act(Dense(ops, x, prefix + ".fc1", d.intermediate, d.hidden, true, d.std), d.act);
  return Dense(ops, h, prefix + ".fc2", d.hidden, d.intermediate, true, d.std);
}

Tensor ClipEncoderLayer(Ops& ops, const Tensor& x, const std::string& prefix, const ClipDims& d,
                        bool causal, const Tensor& key_padding_mask) {
  Tensor h = ClipAttention(ops, Norm(ops, x, prefix + ".layer_norm1", d.hidden, d.eps),
                           prefix + ".self_attn", d, causal, key_padding_mask);
  Tensor y = ops.Add(x, h);
  return ops.Add(
      y, ClipMlp(ops, Norm(ops, y, prefix + ".layer_norm2", d.hidden, d.eps), prefix + ".mlp", d));
}

Tensor ClipVisionEmbeddings(Ops& ops, const Tensor& pixels, const std::string& prefix,
                            const ClipDims& d, const ClipVisionGeometry& g) {
  if (g.patch_size <= 0 || g.image_size % g.patch_size != 0)
    throw UsageError("image size " + std::to_string(g.image_size) +
                     " must be a multiple of the patch size " + std::to_string(g.patch_size));
  const int64_t positions = g.NumPatches() + 1;
  Tensor patch_w =
      ops.Param(prefix + ".patch_embedding.weight",
                {d.hidden, g.channels, g.patch_size, g.patch_size}, WeightInit::Normal(d.std));
  // [N, hidden, h, w] -> [N, patches, hidden]
  Tensor p = ops.Conv2d(pixels, patch_w, Tensor{}, g.patch_size, 0);
  p = ops.Transpose(ops.Reshape(p, {0, 0, -1}), {0, 2, 1});
  Tensor cls = ops.Param(prefix + ".class_embedding", {d.hidden}, WeightInit::Normal(d.std));
  cls = ops.BroadcastBatch(ops.Reshape(cls, {1, 1, d.hidden}), p);
  Tensor x = ops.Concat({cls, p}, 1);
  Tensor pos = ops.Param(prefix + ".position_embedding.weight", {positions, d.hidden},
                         WeightInit::Normal(d.std));
  return ops.Add(x, ops.Unsqueeze(pos, 0));
}

ClipVisionOutput ClipVisionTransformer(Ops& ops, const Tensor& pixels, const std::string& prefix,
                                       const ClipDims& d, const ClipVisionGeometry& g,
                                       int64_t layers, int64_t feature_layer) {
  const int64_t index = feature_layer < 0 ? layers + 1 + feature_layer : feature_layer;
  if (index < 0 || index > layers)
    throw UsageError("vision feature layer " + std::to_string(feature_layer) +
                     " is out of range for " + std::to_string(layers) + " layers");
  ClipVisionOutput out;
  Tensor x = ClipVisionEmbeddings(ops, pixels, prefix + ".embeddings", d, g);
  x = Norm(ops, x, prefix + ".pre_layrnorm", d.hidden, d.eps);
  if (index == 0) out.feature = x;
  for (int64_t l = 0; l < layers; ++l) {
    x = ClipEncoderLayer(ops, x, prefix + ".encoder.layers." + std::to_string(l), d, false);
    if (index == l + 1) out.feature = x;
  }
  out.last_hidden_state = x;
  Tensor cls = ops.Reshape(ops.Slice(x, 1, 0, 1), {0, d.hidden});
  out.pooled = Norm(ops, cls, prefix + ".post_layernorm", d.hidden, d.eps);
  return out;
}

}  // namespace accelbench::models::blocks
