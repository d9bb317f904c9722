#pragma once
// CLIP transformer building blocks shared by the families that embed a CLIP encoder (clip,
// xclip, llava, llava_next): pre-LN encoder layers with biased q/k/v/out projections, the
// patch + class + learned-position vision embeddings, and the whole CLIP vision transformer
// (CLIPVisionTransformer). Parameter names follow Hugging Face under a caller-given prefix.
#include <cstdint>
#include <string>
#include <vector>

#include "models/blocks/attention.h"
#include "models/blocks/layers.h"
#include "models/ops.h"

namespace accelbench::models::blocks {

// Width of one CLIP-style encoder stack.
struct ClipDims {
  int64_t hidden = 0;
  int64_t intermediate = 0;
  int64_t heads = 0;
  float eps = 1e-5f;
  Activation act = Activation::kQuickGelu;
  float std = 0.02f;  // initializer_range of the linear weights
};

// CLIPAttention on x [B, S, hidden]: `prefix.{q,k,v,out}_proj` with biases; an optional
// key_padding_mask [B, S] (1 = attend) masks padded keys.
Tensor ClipAttention(Ops& ops, const Tensor& x, const std::string& prefix, const ClipDims& d,
                     bool causal, const Tensor& key_padding_mask = Tensor{});
// CLIPMLP: `prefix.fc1` -> act -> `prefix.fc2`.
Tensor ClipMlp(Ops& ops, const Tensor& x, const std::string& prefix, const ClipDims& d);
// CLIPEncoderLayer (pre-LN): x + attn(ln1(x)); x + mlp(ln2(x)).
Tensor ClipEncoderLayer(Ops& ops, const Tensor& x, const std::string& prefix, const ClipDims& d,
                        bool causal, const Tensor& key_padding_mask = Tensor{});

struct ClipVisionGeometry {
  int64_t channels = 3;
  int64_t image_size = 224;
  int64_t patch_size = 32;
  int64_t NumPatches() const { return (image_size / patch_size) * (image_size / patch_size); }
};

// CLIPVisionEmbeddings on pixels [N, C, H, W] -> [N, 1 + patches, hidden]:
// `prefix.class_embedding` [hidden], `prefix.patch_embedding.weight` (conv, no bias),
// `prefix.position_embedding.weight` [1 + patches, hidden].
Tensor ClipVisionEmbeddings(Ops& ops, const Tensor& pixels, const std::string& prefix,
                            const ClipDims& d, const ClipVisionGeometry& g);

struct ClipVisionOutput {
  Tensor last_hidden_state;  // [N, 1 + patches, hidden] (before post_layernorm, as HF)
  Tensor pooled;             // post_layernorm(last_hidden_state[:, 0]) [N, hidden]
  Tensor feature;            // hidden_states[feature_layer] [N, 1 + patches, hidden]
};

// CLIPVisionTransformer: embeddings, `prefix.pre_layrnorm` (HF's spelling), `layers` encoder
// layers `prefix.encoder.layers.<i>`, `prefix.post_layernorm` on the class token.
// `feature_layer` indexes hidden_states as HF does (0 = embeddings after pre-LN, -1 = last
// layer, -2 = the one before); all layers run regardless, as in HF.
ClipVisionOutput ClipVisionTransformer(Ops& ops, const Tensor& pixels, const std::string& prefix,
                                       const ClipDims& d, const ClipVisionGeometry& g,
                                       int64_t layers, int64_t feature_layer = -1);

}  // namespace accelbench::models::blocks
