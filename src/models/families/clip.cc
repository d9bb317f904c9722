// CLIP (CLIPModel): a causal text transformer (EOS pooling by argmax of input ids) and a ViT
// image tower (pre_layrnorm, CLS pooling through post_layernorm), quick_gelu, projections
// without bias, logit_scale.
//
// Parameter count of clip-vit-base-patch32 (text: vocab 49408, hidden 512, 12 layers, MLP 2048,
// 77 positions; vision: hidden 768, 12 layers, MLP 3072, 224/32 -> 49 patches; projection 512):
//   text embeddings 49408*512 + 77*512                                 = 25,336,320
//   text layer: 4*(512*512+512) + 2 LN 2048 + 512*2048+2048 + 2048*512+512
//               = 3,152,384; x 12                                        = 37,828,608
//   text final LayerNorm                                                 =      1,024
//   vision embeddings: class 768 + conv 768*3*32*32 + positions 50*768   =  2,398,464
//   vision pre/post LayerNorm 2*1536                                     =      3,072
//   vision layers 7,087,872 x 12                                         = 85,054,464
//   visual_projection 512*768 + text_projection 512*512 + logit_scale 1  =    655,361
//   total                                                                = 151,277,313
//
// Text length: min(seq, max_position_embeddings) (CLIP's tokenizer pads/truncates to 77).
// TrainingLoss: the symmetric contrastive loss of CLIP (cross-entropy of logits_per_text and
// logits_per_image against the diagonal), no labels input.
#include <algorithm>
#include <cmath>

#include "core/errors.h"
#include "models/blocks/checks.h"
#include "models/blocks/clip_vision.h"
#include "models/blocks/layers.h"
#include "models/families/factories.h"

namespace accelbench::models {
namespace {

struct Tower {
  std::string prefix;  // "text_model." / "vision_model."
  int64_t hidden, heads, inter, layers;
  float eps;
};

Tensor ClipEncoder(Ops& ops, Tensor x, const Tower& t, bool causal, const Tensor& mask) {
  blocks::ClipDims d;
  d.hidden = t.hidden;
  d.intermediate = t.inter;
  d.heads = t.heads;
  d.eps = t.eps;
  d.act = Activation::kQuickGelu;
  d.std = 0.02f;  // the text tower's linear layers use 0.02 whatever initializer_range says
  for (int64_t i = 0; i < t.layers; ++i)
    x = blocks::ClipEncoderLayer(ops, x, t.prefix + "encoder.layers." + std::to_string(i), d,
                                 causal, mask);
  return x;
}

class Clip : public Family {
 public:
  const FamilyInfo& Info() const override { return info_; }

  std::vector<Preset> Presets() const override {
    auto config = [](int64_t vocab, int64_t th, int64_t tl, int64_t theads, int64_t tinter,
                     int64_t tpos, int64_t vh, int64_t vl, int64_t vheads, int64_t vinter,
                     int64_t image, int64_t patch, int64_t proj) {
      return Config{{"text_vocab_size", vocab},
                    {"text_hidden_size", th},
                    {"text_num_layers", tl},
                    {"text_num_heads", theads},
                    {"text_intermediate_size", tinter},
                    {"text_max_position_embeddings", tpos},
                    {"vision_hidden_size", vh},
                    {"vision_num_layers", vl},
                    {"vision_num_heads", vheads},
                    {"vision_intermediate_size", vinter},
                    {"image_size", image},
                    {"patch_size", patch},
                    {"num_channels", int64_t{3}},
                    {"projection_dim", proj},
                    {"layer_norm_eps", 1e-5},
                    {"initializer_range", 0.02}};
    };
    return {{"tiny", "text 2x32 (vocab 1000, 16 tokens), vision 2x48 (32x32, patch 8) (tests)",
             config(1000, 32, 2, 2, 64, 16, 48, 2, 2, 96, 32, 8, 24), false},
            {"clip-vit-base-patch32",
             "CLIP ViT-B/32: text 12x512 (77 tokens), vision 12x768 (224, patch 32), proj 512",
             config(49408, 512, 12, 8, 2048, 77, 768, 12, 12, 3072, 224, 32, 512), true}};
  }

  std::vector<InputDesc> InputsFor(const Config& cfg, const Workload& w, Mode) const override {
    Check(cfg);
    const int64_t size = cfg.Int("image_size");
    if (w.image_size != 0 && w.image_size != size)
      throw UsageError(
          "clip: this config takes " + std::to_string(size) + "x" + std::to_string(size) +
          " images; use --set image_size=" + std::to_string(w.image_size) + " to change the model");
    const int64_t seq = std::min(w.seq_len, cfg.Int("text_max_position_embeddings"));
    const std::vector<Dim> text{Dim::Symbolic("batch", w.batch), Dim::Symbolic("seq", seq)};
    return {{"input_ids", DType::kInt64, text, InputKind::kTokenIds, cfg.Int("text_vocab_size")},
            {"attention_mask", DType::kInt64, text, InputKind::kAttentionMask, 2},
            {"pixel_values",
             DType::kFloat,
             {Dim::Symbolic("batch", w.batch), Dim::Static(cfg.Int("num_channels")),
              Dim::Static(size), Dim::Static(size)},
             InputKind::kImage,
             0}};
  }

  Outputs Forward(Ops& ops, const Config& cfg, const Inputs& in) const override {
    auto [per_image, per_text, text_embeds, image_embeds] = Logits(ops, cfg, in);
    ops.Output("logits_per_image", per_image);
    ops.Output("logits_per_text", per_text);
    ops.Output("text_embeds", text_embeds);
    ops.Output("image_embeds", image_embeds);
    return {{"logits_per_image", per_image},
            {"logits_per_text", per_text},
            {"text_embeds", text_embeds},
            {"image_embeds", image_embeds}};
  }

  Tensor TrainingLoss(Ops& ops, const Config& cfg, const Inputs& in) const override {
    auto [per_image, per_text, text_embeds, image_embeds] = Logits(ops, cfg, in);
    Tensor labels = ops.Positions(per_text, 0, 0);  // the diagonal: 0..B-1
    return ops.Scale(
        ops.Add(ops.CrossEntropy(per_text, labels), ops.CrossEntropy(per_image, labels)), 0.5f);
  }

 private:
  static void Check(const Config& cfg) {
    blocks::RequireDivisible(cfg, "text_hidden_size", "text_num_heads");
    blocks::RequireDivisible(cfg, "vision_hidden_size", "vision_num_heads");
    blocks::RequireDivisible(cfg, "image_size", "patch_size");
    for (auto k : {"text_vocab_size", "text_num_layers", "text_intermediate_size",
                   "text_max_position_embeddings", "vision_num_layers", "vision_intermediate_size",
                   "num_channels", "projection_dim"})
      blocks::RequirePositive(cfg, k);
  }

  struct Result {
    Tensor per_image, per_text, text_embeds, image_embeds;
  };

  Result Logits(Ops& ops, const Config& cfg, const Inputs& in) const {
    Check(cfg);
    const auto eps = static_cast<float>(cfg.Real("layer_norm_eps"));
    const auto std = static_cast<float>(cfg.Real("initializer_range"));
    const int64_t proj = cfg.Int("projection_dim");
    const Tower text{"text_model.",
                     cfg.Int("text_hidden_size"),
                     cfg.Int("text_num_heads"),
                     cfg.Int("text_intermediate_size"),
                     cfg.Int("text_num_layers"),
                     eps};
    const Tower vision{"vision_model.",
                       cfg.Int("vision_hidden_size"),
                       cfg.Int("vision_num_heads"),
                       cfg.Int("vision_intermediate_size"),
                       cfg.Int("vision_num_layers"),
                       eps};

    // Text tower: token + position embeddings, causal + padding mask, EOS pooling.
    const Tensor& ids = blocks::Require(in, "input_ids", "clip");
    Tensor tok = ops.Param("text_model.embeddings.token_embedding.weight",
                           {cfg.Int("text_vocab_size"), text.hidden}, WeightInit::Normal(std));
    Tensor pos =
        ops.Param("text_model.embeddings.position_embedding.weight",
                  {cfg.Int("text_max_position_embeddings"), text.hidden}, WeightInit::Normal(std));
    Tensor t = ops.Add(ops.Embedding(tok, ids), ops.Embedding(pos, ops.Positions(ids, 1, 0)));
    t = ClipEncoder(ops, t, text, /*causal=*/true, blocks::Require(in, "attention_mask", "clip"));
    t = blocks::Norm(ops, t, "text_model.final_layer_norm", text.hidden, eps);
    Tensor text_pooled = ops.TakeAlongBatch(t, ops.ArgMax(ids, -1));

    // Vision tower (blocks/clip_vision.h, shared with llava/llava_next): patch conv (no bias),
    // class embedding, positions, pre_layrnorm, encoder, post_layernorm on the class token.
    const blocks::ClipDims vd{vision.hidden, vision.inter,           vision.heads,
                              eps,           Activation::kQuickGelu, std};
    const blocks::ClipVisionGeometry geometry{cfg.Int("num_channels"), cfg.Int("image_size"),
                                              cfg.Int("patch_size")};
    const int64_t vh = vision.hidden;
    Tensor image_pooled =
        blocks::ClipVisionTransformer(ops, blocks::Require(in, "pixel_values", "clip"),
                                      "vision_model", vd, geometry, vision.layers)
            .pooled;

    Tensor image_embeds = blocks::L2Normalize(
        ops, blocks::Dense(ops, image_pooled, "visual_projection", proj, vh, false, std), proj);
    Tensor text_embeds = blocks::L2Normalize(
        ops, blocks::Dense(ops, text_pooled, "text_projection", proj, text.hidden, false, std),
        proj);
    Tensor scale = ops.Exp(
        ops.Param("logit_scale", {}, WeightInit::Constant(static_cast<float>(std::log(1 / 0.07)))));
    Tensor per_text = ops.Mul(ops.MatMul(text_embeds, ops.Transpose(image_embeds, {1, 0})), scale);
    return {ops.Transpose(per_text, {1, 0}), per_text, text_embeds, image_embeds};
  }

  FamilyInfo info_{"clip",
                   "CLIP: causal text transformer + ViT image tower, contrastive logits",
                   Modality::kMultimodal,
                   Architecture::kMultimodal,
                   false,
                   "CLIPModel"};
};

}  // namespace

std::unique_ptr<Family> MakeClip() { return std::make_unique<Clip>(); }

}  // namespace accelbench::models
