#pragma once
// What LLaVA (LlavaForConditionalGeneration) and LLaVA-Next (LlavaNextForConditionalGeneration)
// share: a CLIP vision tower (blocks/clip_vision.h) whose hidden_states[vision_feature_layer]
// minus the class token go through a 2-layer GELU MLP projector into a LLaMA/Mistral decoder
// (blocks/llama_decoder.h) with an untied LM head. The families differ in how an image becomes
// vision-tower views and how the projected features are arranged (ImageFeatures).
//
// Image features are PREPENDED to the prompt embeddings: the sequence the decoder sees is
// [image tokens, text tokens], as in a prompt that starts with the <image> placeholder. Logits
// (Forward, Prefill, Decode) cover the text positions only: [B, S, V]; no LM head is computed
// for image positions (as HF generation with logits_to_keep does for the prompt).
//
// Config fields: the decoder's (vocab_size, hidden_size, intermediate_size, num_layers,
// num_heads, num_kv_heads, rms_norm_eps, rope_theta, initializer_range) and the vision tower's
// (vision_hidden_size, vision_intermediate_size, vision_num_layers, vision_num_heads,
// vision_patch_size, image_size, vision_layer_norm_eps, vision_feature_layer).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/blocks/clip_vision.h"
#include "models/blocks/llama_decoder.h"
#include "models/family.h"

namespace accelbench::models {

class LlavaBase : public Family {
 public:
  LlavaBase(FamilyInfo info, std::vector<Preset> presets)
      : info_(std::move(info)), presets_(std::move(presets)) {}

  const FamilyInfo& Info() const override { return info_; }
  std::vector<Preset> Presets() const override { return presets_; }
  std::vector<std::string> Components() const override {
    return {"vision_tower", "projector", "language_model"};
  }

  std::vector<InputDesc> InputsFor(const Config& cfg, const Workload& w, Mode mode) const override;
  Outputs Forward(Ops& ops, const Config& cfg, const Inputs& in) const override;
  Tensor TrainingLoss(Ops& ops, const Config& cfg, const Inputs& in) const override;
  Tensor Prefill(Ops& ops, const Config& cfg, const Inputs& in, DecodeState& st) const override;
  Tensor Decode(Ops& ops, const Config& cfg, const Tensor& ids, DecodeState& st) const override;

 protected:
  // The image input [batch, 3, H, W] this family expects.
  virtual std::vector<int64_t> ImageShape(const Config& cfg) const = 0;
  // Projected image features [B, N, hidden] from pixel_values.
  virtual Tensor ImageFeatures(Ops& ops, const Config& cfg, const Tensor& pixels) const = 0;
  // N, the number of image tokens ImageFeatures yields.
  virtual int64_t ImageTokens(const Config& cfg) const = 0;

  // Vision tower + class-token drop + projector on views [N, 3, S, S] -> [N, patches, hidden].
  Tensor ProjectedPatches(Ops& ops, const Config& cfg, const Tensor& views) const;
  static blocks::ClipDims VisionDims(const Config& cfg);
  static blocks::ClipVisionGeometry VisionGeometry(const Config& cfg);

 private:
  // Runs the decoder over x [B, T, hidden]; returns logits of the last `text` positions when
  // skip > 0 (image positions dropped before the LM head).
  Tensor DecodeEmbeddings(Ops& ops, const Config& cfg, const Tensor& x, int64_t skip,
                          DecodeState* st) const;
  Tensor PromptLogits(Ops& ops, const Config& cfg, const Inputs& in, DecodeState* st) const;

  FamilyInfo info_;
  std::vector<Preset> presets_;
};

// Config fields common to both presets sets (decoder + vision tower).
Config LlavaConfig(int64_t vocab, int64_t hidden, int64_t inter, int64_t layers, int64_t heads,
                   int64_t kv_heads, double rope_theta, int64_t v_hidden, int64_t v_inter,
                   int64_t v_layers, int64_t v_heads, int64_t patch, int64_t image);

}  // namespace accelbench::models
