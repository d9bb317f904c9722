// Qwen2 (Qwen2ForCausalLM): LLaMA architecture with q/k/v projection biases (o_proj has none),
// rope theta 1e6, RMSNorm eps 1e-6 and an LM head tied to the embedding.
//
// Parameter count of the reference preset (Qwen2-0.5B-Instruct shapes: hidden 896, intermediate
// 4864, 24 layers, 14 heads, 2 KV heads -> head_dim 64, K/V width 128, vocab 151936, tied):
//   embed_tokens 151936*896 (= lm_head)     = 136,134,656
//   per layer: q 896*896 + 896              =     803,712
//              k,v 2*(128*896 + 128)        =     229,632
//              o 896*896                    =     802,816
//              gate,up,down 3*896*4864      =  13,074,432
//              2 RMSNorms 2*896             =       1,792 -> 14,912,384 x 24 = 357,897,216
//   final norm                              =         896
//   total                                   = 494,032,768
#include "models/families/causal_lm.h"
#include "models/families/factories.h"

namespace accelbench::models {

std::unique_ptr<Family> MakeQwen2() {
  FamilyInfo info{"qwen2",
                  "Qwen2 decoder-only LM: LLaMA blocks with q/k/v biases and a tied LM head",
                  Modality::kText,
                  Architecture::kDecoder,
                  /*generative=*/true,
                  "Qwen2ForCausalLM"};
  auto config = [](int64_t vocab, int64_t hidden, int64_t inter, int64_t layers, int64_t heads,
                   int64_t kv_heads) {
    return Config{
        {"vocab_size", vocab},         {"hidden_size", hidden},    {"intermediate_size", inter},
        {"num_layers", layers},        {"num_heads", heads},       {"num_kv_heads", kv_heads},
        {"rms_norm_eps", 1e-6},        {"rope_theta", 1000000.0},  {"qkv_bias", true},
        {"tie_word_embeddings", true}, {"initializer_range", 0.02}};
  };
  std::vector<Preset> presets{
      {"tiny", "2 layers, hidden 64, 4 heads / 2 KV heads, vocab 512 (tests)",
       config(512, 64, 128, 2, 4, 2), false},
      {"qwen2-0.5b", "Qwen2-0.5B-Instruct shapes: 24 layers, hidden 896, 14 heads / 2 KV heads",
       config(151936, 896, 4864, 24, 14, 2), true},
  };
  return MakeCausalLm(std::move(info), std::move(presets));
}

}  // namespace accelbench::models
