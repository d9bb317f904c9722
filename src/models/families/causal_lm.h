#pragma once
// A LLaMA-style decoder-only language model (LlamaForCausalLM / Qwen2ForCausalLM): token
// embedding, pre-RMSNorm blocks with grouped-query self-attention + rotary positions and a
// SiLU-gated MLP, a final RMSNorm and an LM head (optionally tied to the embedding). The
// families differ only in data: presets, `qkv_bias` and `tie_word_embeddings`.
//
// Config fields: vocab_size, hidden_size, intermediate_size, num_layers, num_heads, num_kv_heads,
// rms_norm_eps, rope_theta, qkv_bias, tie_word_embeddings, initializer_range.
#include <memory>
#include <vector>

#include "models/family.h"

namespace accelbench::models {

std::unique_ptr<Family> MakeCausalLm(FamilyInfo info, std::vector<Preset> presets);

}  // namespace accelbench::models
