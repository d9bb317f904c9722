#include "models/families/llava_base.h"

#include <climits>

#include "core/errors.h"
#include "models/blocks/checks.h"
#include "models/blocks/layers.h"

namespace accelbench::models {
namespace {

const std::string kText = "model.language_model";

}  // namespace

Config LlavaConfig(int64_t vocab, int64_t hidden, int64_t inter, int64_t layers, int64_t heads,
                   int64_t kv_heads, double rope_theta, int64_t v_hidden, int64_t v_inter,
                   int64_t v_layers, int64_t v_heads, int64_t patch, int64_t image) {
  return Config{{"vocab_size", vocab},
                {"hidden_size", hidden},
                {"intermediate_size", inter},
                {"num_layers", layers},
                {"num_heads", heads},
                {"num_kv_heads", kv_heads},
                {"rms_norm_eps", 1e-5},
                {"rope_theta", rope_theta},
                {"initializer_range", 0.02},
                {"vision_hidden_size", v_hidden},
                {"vision_intermediate_size", v_inter},
                {"vision_num_layers", v_layers},
                {"vision_num_heads", v_heads},
                {"vision_patch_size", patch},
                {"image_size", image},
                {"vision_layer_norm_eps", 1e-5},
                {"vision_feature_layer", int64_t{-2}}};
}

blocks::ClipDims LlavaBase::VisionDims(const Config& cfg) {
  blocks::ClipDims d;
  d.hidden = cfg.Int("vision_hidden_size");
  d.intermediate = cfg.Int("vision_intermediate_size");
  d.heads = cfg.Int("vision_num_heads");
  d.eps = static_cast<float>(cfg.Real("vision_layer_norm_eps"));
  d.act = Activation::kQuickGelu;
  d.std = static_cast<float>(cfg.Real("initializer_range"));
  if (d.hidden <= 0 || d.intermediate <= 0 || d.heads <= 0 || d.hidden % d.heads != 0)
    throw UsageError("vision_hidden_size (" + std::to_string(d.hidden) +
                     ") must be positive and divisible by vision_num_heads (" +
                     std::to_string(d.heads) + ")");
  return d;
}

blocks::ClipVisionGeometry LlavaBase::VisionGeometry(const Config& cfg) {
  blocks::ClipVisionGeometry g;
  g.image_size = cfg.Int("image_size");
  g.patch_size = cfg.Int("vision_patch_size");
  if (g.patch_size <= 0 || g.image_size <= 0 || g.image_size % g.patch_size != 0)
    throw UsageError("image_size (" + std::to_string(g.image_size) +
                     ") must be a positive multiple of vision_patch_size (" +
                     std::to_string(g.patch_size) + ")");
  return g;
}

std::vector<InputDesc> LlavaBase::InputsFor(const Config& cfg, const Workload& w, Mode mode) const {
  blocks::DecoderDims::FromConfig(cfg);
  VisionDims(cfg);
  const auto shape = ImageShape(cfg);
  if (w.seq_len <= 0) throw UsageError(info_.name + ": sequence length must be positive");
  if (w.image_size != 0 && w.image_size != cfg.Int("image_size"))
    throw UsageError(
        info_.name + ": the vision tower takes " + std::to_string(cfg.Int("image_size")) + "x" +
        std::to_string(cfg.Int("image_size")) + " views; image size " +
        std::to_string(w.image_size) + " is not supported (set image_size in the config)");
  InputDesc pixels{
      "pixel_values", DType::kFloat, {Dim::Symbolic("batch", w.batch)}, InputKind::kImage, 0};
  for (size_t i = 1; i < shape.size(); ++i) pixels.dims.push_back(Dim::Static(shape[i]));
  const int64_t vocab = cfg.Int("vocab_size");
  auto ids = [&](const char* name, InputKind kind) {
    return InputDesc{name,
                     DType::kInt64,
                     {Dim::Symbolic("batch", w.batch), Dim::Symbolic("seq", w.seq_len)},
                     kind,
                     vocab};
  };
  std::vector<InputDesc> v{pixels, ids("input_ids", InputKind::kTokenIds)};
  // labels[t] is the target for position t (already shifted by the data pipeline).
  if (mode == Mode::kTraining) v.push_back(ids("labels", InputKind::kLabels));
  return v;
}

Tensor LlavaBase::ProjectedPatches(Ops& ops, const Config& cfg, const Tensor& views) const {
  const auto d = VisionDims(cfg);
  const auto g = VisionGeometry(cfg);
  const int64_t hidden = cfg.Int("hidden_size");
  auto tower =
      blocks::ClipVisionTransformer(ops, views, "model.vision_tower.vision_model", d, g,
                                    cfg.Int("vision_num_layers"), cfg.Int("vision_feature_layer"));
  // vision_feature_select_strategy "default": drop the class token.
  Tensor f = ops.Slice(tower.feature, 1, 1, INT64_MAX);
  const float std = d.std;
  const std::string p = "model.multi_modal_projector";
  f = ops.Act(blocks::Dense(ops, f, p + ".linear_1", hidden, d.hidden, true, std),
              Activation::kGelu);
  return blocks::Dense(ops, f, p + ".linear_2", hidden, hidden, true, std);
}

Tensor LlavaBase::DecodeEmbeddings(Ops& ops, const Config& cfg, const Tensor& x, int64_t skip,
                                   DecodeState* st) const {
  const auto d = blocks::DecoderDims::FromConfig(cfg);
  Tensor h = blocks::LlamaDecoderStack(ops, x, kText, d, st);
  if (skip > 0) h = ops.Slice(h, 1, skip, INT64_MAX);
  return ops.Linear(h, ops.Param("lm_head.weight", {d.vocab, d.hidden}, WeightInit::Normal(d.std)));
}

Tensor LlavaBase::PromptLogits(Ops& ops, const Config& cfg, const Inputs& in,
                               DecodeState* st) const {
  const auto d = blocks::DecoderDims::FromConfig(cfg);
  Tensor image = ImageFeatures(ops, cfg, blocks::Require(in, "pixel_values", info_.name));
  Tensor embed =
      ops.Param(kText + ".embed_tokens.weight", {d.vocab, d.hidden}, WeightInit::Normal(d.std));
  Tensor text = ops.Embedding(embed, blocks::Require(in, "input_ids", info_.name));
  return DecodeEmbeddings(ops, cfg, ops.Concat({image, text}, 1), ImageTokens(cfg), st);
}

Outputs LlavaBase::Forward(Ops& ops, const Config& cfg, const Inputs& in) const {
  return {{"logits", PromptLogits(ops, cfg, in, nullptr)}};
}

Tensor LlavaBase::TrainingLoss(Ops& ops, const Config& cfg, const Inputs& in) const {
  return ops.CrossEntropy(PromptLogits(ops, cfg, in, nullptr),
                          blocks::Require(in, "labels", info_.name));
}

Tensor LlavaBase::Prefill(Ops& ops, const Config& cfg, const Inputs& in, DecodeState& st) const {
  st = DecodeState{};
  return PromptLogits(ops, cfg, in, &st);
}

Tensor LlavaBase::Decode(Ops& ops, const Config& cfg, const Tensor& ids, DecodeState& st) const {
  if (st.k.empty()) throw RuntimeError(info_.name + ": Decode called before Prefill");
  const auto d = blocks::DecoderDims::FromConfig(cfg);
  Tensor embed =
      ops.Param(kText + ".embed_tokens.weight", {d.vocab, d.hidden}, WeightInit::Normal(d.std));
  return DecodeEmbeddings(ops, cfg, ops.Embedding(embed, ids), 0, &st);
}

}  // namespace accelbench::models
