// LLaMA (LlamaForCausalLM). Reference preset: TinyLlama-1.1B-Chat shapes.
//
// Parameter count of the reference preset (hidden 2048, intermediate 5632, 22 layers, 32 heads,
// 4 KV heads -> head_dim 64, K/V width 256, vocab 32000, untied LM head):
//   embed_tokens 32000*2048            =  65,536,000
//   per layer: q,o 2*2048*2048         =   8,388,608
//              k,v 2*256*2048          =   1,048,576
//              gate,up,down 3*2048*5632=  34,603,008
//              2 RMSNorms 2*2048       =       4,096  -> 44,044,288 x 22 = 968,974,336
//   final norm                         =       2,048
//   lm_head 32000*2048                 =  65,536,000
//   total                              = 1,100,048,384
#include "models/families/causal_lm.h"
#include "models/families/factories.h"

namespace accelbench::models {

std::unique_ptr<Family> MakeLlama() {
  FamilyInfo info{"llama",
                  "LLaMA decoder-only LM: RMSNorm, rotary, grouped-query attention, SiLU-gated MLP",
                  Modality::kText,
                  Architecture::kDecoder,
                  /*generative=*/true,
                  "LlamaForCausalLM"};
  auto config = [](int64_t vocab, int64_t hidden, int64_t inter, int64_t layers, int64_t heads,
                   int64_t kv_heads) {
    return Config{
        {"vocab_size", vocab},          {"hidden_size", hidden},    {"intermediate_size", inter},
        {"num_layers", layers},         {"num_heads", heads},       {"num_kv_heads", kv_heads},
        {"rms_norm_eps", 1e-5},         {"rope_theta", 10000.0},    {"qkv_bias", false},
        {"tie_word_embeddings", false}, {"initializer_range", 0.02}};
  };
  std::vector<Preset> presets{
      {"tiny", "2 layers, hidden 64, 4 heads / 2 KV heads, vocab 512 (tests)",
       config(512, 64, 128, 2, 4, 2), false},
      {"tinyllama-1.1b",
       "TinyLlama-1.1B-Chat shapes: 22 layers, hidden 2048, 32 heads / 4 KV heads",
       config(32000, 2048, 5632, 22, 32, 4), true},
  };
  return MakeCausalLm(std::move(info), std::move(presets));
}

}  // namespace accelbench::models
