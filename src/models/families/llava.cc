// LLaVA-1.5 (LlavaForConditionalGeneration). Reference preset: llava-1.5-7b (llava-hf shapes).
//
// Parameter count of the reference preset:
//   vision tower (CLIPVisionModel, ViT-L/14-336, 24 layers, hidden 1024, ffn 4096):
//     embeddings: class 1024 + patch conv 1024*3*14*14 + positions 577*1024   =   1,193,984
//     pre_layrnorm + post_layernorm 2*2048                                    =       4,096
//     per layer: q,k,v,out 4*(1024^2+1024) + fc1/fc2 8,393,728 + 2 LN 4,096  =  12,596,224
//                x 24                                                         = 302,309,376
//                                                                       total = 303,507,456
//   projector: linear_1 1024*4096+4096, linear_2 4096*4096+4096                =  20,979,712
//   language model (Llama-2-7B, vocab 32064): embed 131,334,144 + 32 layers x 202,383,360
//     + norm 4,096 + lm_head 131,334,144                                        = 6,738,939,904
//   total                                                                       = 7,063,427,072
//
// One image -> one 336x336 view -> 576 patch features (class token dropped, hidden_states[-2]),
// prepended to the prompt (see llava_base.h).
#include "models/families/factories.h"
#include "models/families/llava_base.h"

namespace accelbench::models {
namespace {

class Llava final : public LlavaBase {
 public:
  using LlavaBase::LlavaBase;

 protected:
  std::vector<int64_t> ImageShape(const Config& cfg) const override {
    const int64_t s = cfg.Int("image_size");
    return {0, 3, s, s};
  }
  Tensor ImageFeatures(Ops& ops, const Config& cfg, const Tensor& pixels) const override {
    return ProjectedPatches(ops, cfg, pixels);
  }
  int64_t ImageTokens(const Config& cfg) const override { return VisionGeometry(cfg).NumPatches(); }
};

}  // namespace

std::unique_ptr<Family> MakeLlava() {
  FamilyInfo info{"llava",
                  "LLaVA-1.5: CLIP ViT vision tower + 2-layer MLP projector + LLaMA decoder",
                  Modality::kMultimodal,
                  Architecture::kMultimodal,
                  /*generative=*/true,
                  "LlavaForConditionalGeneration"};
  std::vector<Preset> presets{
      {"tiny",
       "vision 2 layers hidden 32 (28px, patch 7), decoder 2 layers hidden 64, vocab 512 (tests)",
       LlavaConfig(512, 64, 128, 2, 4, 4, 10000.0, 32, 64, 2, 2, 7, 28), false},
      {"llava-1.5-7b",
       "llava-1.5-7b shapes: CLIP ViT-L/14-336 + projector + Llama-2-7B (vocab 32064)",
       LlavaConfig(32064, 4096, 11008, 32, 32, 32, 10000.0, 1024, 4096, 24, 16, 14, 336), true},
  };
  return std::make_unique<Llava>(std::move(info), std::move(presets));
}

}  // namespace accelbench::models
