// ViT (ViTModel incl. pooler): patch embedding conv, CLS token, learned positions, pre-LN
// encoder, GELU, final LayerNorm, tanh pooler on the CLS token.
//
// Parameter count of vit-base-patch16-224 (hidden 768, 12 layers, intermediate 3072, image 224,
// patch 16 -> 196 patches):
//   embeddings: cls 768 + positions 197*768 + patch conv 768*3*16*16 + 768 =    742,656
//   per layer (as BERT: q,k,v,o, 2 LayerNorms, MLP) 7,087,872; x 12          = 85,054,464
//   final LayerNorm 1,536 + pooler 768*768+768                               =    592,128
//   total                                                                    = 86,389,248
//
// TrainingLoss: ViTForImageClassification-style cross-entropy of a linear classifier
// (`classifier`, num_labels classes, not part of ViTModel's count) on the CLS token after the
// final LayerNorm; labels [batch] in [0, num_labels).
#include "core/errors.h"
#include "models/blocks/attention.h"
#include "models/blocks/checks.h"
#include "models/blocks/layers.h"
#include "models/families/factories.h"

namespace accelbench::models {
namespace {

class Vit : public Family {
 public:
  const FamilyInfo& Info() const override { return info_; }

  std::vector<Preset> Presets() const override {
    auto config = [](int64_t hidden, int64_t layers, int64_t heads, int64_t inter, int64_t image,
                     int64_t patch, int64_t labels) {
      return Config{{"hidden_size", hidden},      {"num_layers", layers}, {"num_heads", heads},
                    {"intermediate_size", inter}, {"image_size", image},  {"patch_size", patch},
                    {"num_channels", int64_t{3}}, {"num_labels", labels}, {"layer_norm_eps", 1e-12},
                    {"initializer_range", 0.02}};
    };
    return {{"tiny", "2 layers, hidden 64, 4 heads, 32x32 images, patch 8 (tests)",
             config(64, 2, 4, 128, 32, 8, 10), false},
            {"vit-base-patch16-224", "ViT-Base/16 at 224x224: 12 layers, hidden 768, 12 heads",
             config(768, 12, 12, 3072, 224, 16, 1000), true}};
  }

  std::vector<InputDesc> InputsFor(const Config& cfg, const Workload& w, Mode mode) const override {
    Check(cfg);
    const int64_t size = cfg.Int("image_size");
    if (w.image_size != 0 && w.image_size != size)
      throw UsageError(
          "vit: this config takes " + std::to_string(size) + "x" + std::to_string(size) +
          " images; use --set image_size=" + std::to_string(w.image_size) + " to change the model");
    std::vector<InputDesc> out{
        {"pixel_values",
         DType::kFloat,
         {Dim::Symbolic("batch", w.batch), Dim::Static(cfg.Int("num_channels")), Dim::Static(size),
          Dim::Static(size)},
         InputKind::kImage,
         0}};
    if (mode == Mode::kTraining)
      out.push_back({"labels",
                     DType::kInt64,
                     {Dim::Symbolic("batch", w.batch)},
                     InputKind::kLabels,
                     cfg.Int("num_labels")});
    return out;
  }

  Outputs Forward(Ops& ops, const Config& cfg, const Inputs& in) const override {
    const int64_t h = cfg.Int("hidden_size");
    Tensor x = Encode(ops, cfg, in);
    Tensor cls = ops.Reshape(ops.Slice(x, 1, 0, 1), {0, h});
    Tensor pooled =
        ops.Act(blocks::Dense(ops, cls, "pooler.dense", h, h, true, Std(cfg)), Activation::kTanh);
    ops.Output("last_hidden_state", x);
    ops.Output("pooler_output", pooled);
    return {{"last_hidden_state", x}, {"pooler_output", pooled}};
  }

  Tensor TrainingLoss(Ops& ops, const Config& cfg, const Inputs& in) const override {
    const int64_t h = cfg.Int("hidden_size");
    Tensor cls = ops.Reshape(ops.Slice(Encode(ops, cfg, in), 1, 0, 1), {0, h});
    Tensor logits = blocks::Dense(ops, cls, "classifier", cfg.Int("num_labels"), h, true, Std(cfg));
    return ops.CrossEntropy(logits, blocks::Require(in, "labels", "vit"));
  }

 private:
  static float Std(const Config& cfg) { return static_cast<float>(cfg.Real("initializer_range")); }
  static void Check(const Config& cfg) {
    blocks::RequireDivisible(cfg, "hidden_size", "num_heads");
    blocks::RequireDivisible(cfg, "image_size", "patch_size");
    for (auto k : {"num_layers", "intermediate_size", "num_channels", "num_labels"})
      blocks::RequirePositive(cfg, k);
  }

  Tensor Encode(Ops& ops, const Config& cfg, const Inputs& in) const {
    Check(cfg);
    const int64_t h = cfg.Int("hidden_size"), heads = cfg.Int("num_heads");
    const int64_t inter = cfg.Int("intermediate_size"), patch = cfg.Int("patch_size");
    const int64_t grid = cfg.Int("image_size") / patch, ch = cfg.Int("num_channels");
    const auto eps = static_cast<float>(cfg.Real("layer_norm_eps"));
    const float std = Std(cfg);
    const Tensor& pixels = blocks::Require(in, "pixel_values", "vit");

    Tensor w = ops.Param("embeddings.patch_embeddings.projection.weight", {h, ch, patch, patch},
                         WeightInit::Normal(std));
    Tensor b = ops.Param("embeddings.patch_embeddings.projection.bias", {h}, WeightInit::Zeros());
    Tensor x = ops.Conv2d(pixels, w, b, patch, 0);                      // [B, h, grid, grid]
    x = ops.Transpose(ops.Reshape(x, {0, h, grid * grid}), {0, 2, 1});  // [B, N, h]
    Tensor cls = ops.Param("embeddings.cls_token", {1, 1, h}, WeightInit::Normal(std));
    x = ops.Concat({ops.BroadcastBatch(cls, x), x}, 1);
    x = ops.Add(x, ops.Param("embeddings.position_embeddings", {1, grid * grid + 1, h},
                             WeightInit::Normal(std)));

    for (int64_t i = 0; i < cfg.Int("num_layers"); ++i) {
      const std::string p = "encoder.layer." + std::to_string(i) + ".";
      Tensor n = blocks::Norm(ops, x, p + "layernorm_before", h, eps);
      // The attention projections use initializer_range 0.02 whatever the config says.
      Tensor a = blocks::MultiHeadAttention(
          ops, n, n, n, p + "attention",
          {"attention.query", "attention.key", "attention.value", "output.dense"}, h, heads, 0.02f);
      x = ops.Add(x, a);
      Tensor m = blocks::Norm(ops, x, p + "layernorm_after", h, eps);
      m = ops.Act(blocks::Dense(ops, m, p + "intermediate.dense", inter, h, true, std),
                  Activation::kGelu);
      x = ops.Add(x, blocks::Dense(ops, m, p + "output.dense", h, inter, true, std));
    }
    return blocks::Norm(ops, x, "layernorm", h, eps);
  }

  FamilyInfo info_{"vit",
                   "Vision Transformer: patch conv, CLS token, learned positions, pre-LN, pooler",
                   Modality::kVision,
                   Architecture::kEncoder,
                   false,
                   "ViTModel"};
};

}  // namespace

std::unique_ptr<Family> MakeVit() { return std::make_unique<Vit>(); }

}  // namespace accelbench::models
