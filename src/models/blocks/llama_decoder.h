#pragma once
// The LLaMA/Mistral decoder stack as a building block for families that feed it embeddings
// rather than token ids (llava, llava_next): pre-RMSNorm blocks with grouped-query
// self-attention + rotary positions + SiLU-gated MLP, then the final RMSNorm. Token embedding
// and LM head stay with the caller. Parameter names follow Hugging Face LlamaModel/MistralModel
// under a caller-given prefix (`<prefix>.layers.<i>...`, `<prefix>.norm.weight`).
#include <cstdint>
#include <string>
#include <string_view>

#include "models/config.h"
#include "models/family.h"
#include "models/ops.h"

namespace accelbench::models::blocks {

struct DecoderDims {
  int64_t vocab = 0;
  int64_t hidden = 0;
  int64_t intermediate = 0;
  int64_t layers = 0;
  int64_t heads = 0;
  int64_t kv_heads = 0;
  float eps = 1e-5f;
  float rope_theta = 10000.f;
  float std = 0.02f;
  bool qkv_bias = false;

  // Reads vocab_size, hidden_size, intermediate_size, num_layers, num_heads, num_kv_heads,
  // rms_norm_eps, rope_theta, initializer_range and, when present, qkv_bias; validates
  // divisibility (UsageError).
  static DecoderDims FromConfig(const Config& cfg);
};

// Runs the decoder layers and the final norm over input embeddings x [B, S, hidden]. With a
// state, positions start at st->length, keys/values are appended to its per-layer cache and
// st->length advances by S; without one, positions start at 0 and nothing is cached.
Tensor LlamaDecoderStack(Ops& ops, Tensor x, const std::string& prefix, const DecoderDims& d,
                         DecodeState* st);

}  // namespace accelbench::models::blocks
