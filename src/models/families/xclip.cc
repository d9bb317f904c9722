// X-CLIP (XCLIPModel). Reference preset: transformers' default XCLIPConfig = xclip-base-patch32.
//
// Video [B, T, 3, S, S] -> every frame through a CLIP ViT whose layers add cross-frame
// communication (a message token per frame: message_fc on the class token, message_ln +
// message_attn across the T frames, appended to the frame's tokens for self-attention, then
// dropped) -> visual_projection of the pooled class tokens -> multi-frame integration
// transformer (mit: frame positions, CLIP encoder layers, residual, mean over frames) = video
// embedding. The text (CLIP text transformer, causal mask, EOS pooling by argmax of the ids,
// text_projection) is refined by the video-specific prompt generator (cross-attention from the
// text embedding to the frame-averaged, projected patch features). Logits are scaled cosine
// similarities. One caption per video: input_ids has the batch dim of the video.
//
// Parameter count of the reference preset:
//   text model (49408 vocab, 77 positions, 12 layers of 512/2048, final LN) =  63,165,952
//   vision model: embeddings 2,398,464 + pre/post LN 3,072 + 12 layers x
//     (CLIP layer 7,087,872 + message_fc 590,592 + message_ln 1,536 +
//      message_attn 2,362,368 = 10,042,368)                               = 122,909,952
//   visual_projection 768*512 + text_projection 512*512                    =     655,360
//   prompts_visual_layernorm 1,536 + prompts_visual_projection 768*512     =     394,752
//   mit: position_embedding 8*512 + 1 layer of 512/2048                    =   3,156,480
//   prompts_generator: layernorm 1,024 + 2 x (q,k,v 3*512^2 + proj 262,656
//     + norm1/norm3 2,048 + mlp 2,099,712) + alpha 512                      =   6,303,232
//   logit_scale                                                            =           1
//   total                                                                  = 196,585,729
#include <algorithm>
#include <climits>

#include "core/errors.h"
#include "models/blocks/attention.h"
#include "models/blocks/checks.h"
#include "models/blocks/clip_vision.h"
#include "models/blocks/layers.h"
#include "models/families/factories.h"

namespace accelbench::models {
namespace {

using blocks::ClipDims;
using blocks::Dense;
using blocks::Norm;

struct XclipDims {
  ClipDims text, vision, mit, prompt;
  int64_t text_vocab, text_positions, text_layers, vision_layers, mit_layers, prompt_layers;
  int64_t projection, frames;
  blocks::ClipVisionGeometry geometry;
  float prompt_alpha, logit_scale_init;

  explicit XclipDims(const Config& c) {
    const auto eps = static_cast<float>(c.Real("layer_norm_eps"));
    const auto std = static_cast<float>(c.Real("initializer_range"));
    auto dims = [&](const char* p) {
      const std::string s(p);
      return ClipDims{c.Int(s + "_hidden_size"), c.Int(s + "_intermediate_size"),
                      c.Int(s + "_num_heads"),   eps,
                      Activation::kQuickGelu,    std};
    };
    text = dims("text");
    vision = dims("vision");
    mit = dims("mit");
    projection = c.Int("projection_dim");
    prompt = ClipDims{projection, 4 * projection,         c.Int("prompt_num_heads"),
                      eps,        Activation::kQuickGelu, std};
    text_vocab = c.Int("text_vocab_size");
    text_positions = c.Int("text_max_positions");
    text_layers = c.Int("text_num_layers");
    vision_layers = c.Int("vision_num_layers");
    mit_layers = c.Int("mit_num_layers");
    prompt_layers = c.Int("prompt_layers");
    frames = c.Int("num_frames");
    geometry.image_size = c.Int("image_size");
    geometry.patch_size = c.Int("patch_size");
    prompt_alpha = static_cast<float>(c.Real("prompt_alpha"));
    logit_scale_init = static_cast<float>(c.Real("logit_scale_init"));
    for (const ClipDims* d : {&text, &vision, &mit, &prompt})
      if (d->hidden <= 0 || d->heads <= 0 || d->hidden % d->heads != 0 || d->intermediate <= 0)
        throw UsageError("xclip: every hidden size must be positive and divisible by its heads");
    for (int64_t v : {text_vocab, text_positions, text_layers, vision_layers, frames})
      if (v <= 0)
        throw UsageError("xclip: vocabulary, positions, layers and frames must be positive");
    if (mit.hidden != projection)
      throw UsageError("xclip: mit_hidden_size (" + std::to_string(mit.hidden) +
                       ") must equal projection_dim (" + std::to_string(projection) + ")");
    if (geometry.patch_size <= 0 || geometry.image_size % geometry.patch_size != 0)
      throw UsageError("xclip: image_size must be a multiple of patch_size");
  }
};

class Xclip final : public Family {
 public:
  Xclip(FamilyInfo info, std::vector<Preset> presets)
      : info_(std::move(info)), presets_(std::move(presets)) {}
  const FamilyInfo& Info() const override { return info_; }
  std::vector<Preset> Presets() const override { return presets_; }
  std::vector<std::string> Components() const override {
    return {"vision", "text", "mit", "prompts_generator"};
  }

  std::vector<InputDesc> InputsFor(const Config& cfg, const Workload& w, Mode) const override {
    const XclipDims d(cfg);
    const int64_t s = d.geometry.image_size;
    if (w.video_frames != 0 && w.video_frames != d.frames)
      throw UsageError("xclip: this config takes " + std::to_string(d.frames) +
                       " frames per video (num_frames); got " + std::to_string(w.video_frames));
    if (w.image_size != 0 && w.image_size != s)
      throw UsageError("xclip: this config takes " + std::to_string(s) + "x" + std::to_string(s) +
                       " frames (image_size); got " + std::to_string(w.image_size));
    if (w.seq_len <= 0) throw UsageError("xclip: sequence length must be positive");
    // Captions longer than the position table are truncated to it, as the tokenizer does.
    const int64_t seq = std::min(w.seq_len, d.text_positions);
    return {
        {"pixel_values",
         DType::kFloat,
         {Dim::Symbolic("batch", w.batch), Dim::Static(d.frames), Dim::Static(3), Dim::Static(s),
          Dim::Static(s)},
         InputKind::kImage,
         0},
        {"input_ids",
         DType::kInt64,
         {Dim::Symbolic("batch", w.batch), Dim::Symbolic("seq", seq)},
         InputKind::kTokenIds,
         d.text_vocab},
    };
  }

  Outputs Forward(Ops& ops, const Config& cfg, const Inputs& in) const override {
    Tensor per_video = LogitsPerVideo(ops, cfg, in);
    return {{"logits_per_video", per_video}, {"logits_per_text", ops.Transpose(per_video, {1, 0})}};
  }

  // Symmetric contrastive loss: caption i belongs to video i.
  Tensor TrainingLoss(Ops& ops, const Config& cfg, const Inputs& in) const override {
    Tensor per_video = LogitsPerVideo(ops, cfg, in);
    Tensor labels = ops.Positions(per_video, 0, 0);
    Tensor a = ops.CrossEntropy(per_video, labels);
    Tensor b = ops.CrossEntropy(ops.Transpose(per_video, {1, 0}), labels);
    return ops.Scale(ops.Add(a, b), 0.5f);
  }

 private:
  // [B, K] with K = number of captions (= B).
  Tensor LogitsPerVideo(Ops& ops, const Config& cfg, const Inputs& in) const {
    const XclipDims d(cfg);
    const int64_t s = d.geometry.image_size, p = d.projection;
    const int64_t patches = d.geometry.NumPatches();
    // ---- vision, per frame ----
    Tensor frames =
        ops.Reshape(blocks::Require(in, "pixel_values", "xclip"), {-1, 3, s, s});  // [B*T, 3, s, s]
    Tensor x =
        blocks::ClipVisionEmbeddings(ops, frames, "vision_model.embeddings", d.vision, d.geometry);
    x = Norm(ops, x, "vision_model.pre_layernorm", d.vision.hidden, d.vision.eps);
    for (int64_t l = 0; l < d.vision_layers; ++l)
      x = VisionLayer(ops, x, "vision_model.encoder.layers." + std::to_string(l), d);
    Tensor pooled = Norm(ops, ops.Reshape(ops.Slice(x, 1, 0, 1), {0, d.vision.hidden}),
                         "vision_model.post_layernorm", d.vision.hidden, d.vision.eps);
    Tensor cls = ops.Reshape(
        Dense(ops, pooled, "visual_projection", p, d.vision.hidden, false, d.vision.std),
        {-1, d.frames, p});  // [B, T, P]
    // ---- multi-frame integration transformer ----
    Tensor m = ops.Add(
        cls, ops.Param("mit.position_embedding", {1, d.frames, p}, WeightInit::Normal(d.mit.std)));
    for (int64_t l = 0; l < d.mit_layers; ++l)
      m = blocks::ClipEncoderLayer(ops, m, "mit.encoder.layers." + std::to_string(l), d.mit, false);
    Tensor video = ops.Mean(ops.Add(m, cls), {1}, false);  // [B, P]
    // ---- frame-averaged patch features for the prompt generator ----
    Tensor img = Norm(ops, ops.Slice(x, 1, 1, INT64_MAX), "prompts_visual_layernorm",
                      d.vision.hidden, d.vision.eps);
    img = ops.MatMul(img, ops.Param("prompts_visual_projection", {d.vision.hidden, p},
                                    WeightInit::Normal(d.vision.std)));
    img = ops.Mean(ops.Reshape(img, {-1, d.frames, patches, p}), {1}, false);  // [B, N, P]
    // ---- text ----
    Tensor text = TextEmbeds(ops, blocks::Require(in, "input_ids", "xclip"), d);  // [K, P]
    text = ops.BroadcastBatch(ops.Unsqueeze(text, 0), video);                     // [B, K, P]
    text = ops.Add(text, PromptGenerator(ops, text, img, d));
    // ---- scaled cosine similarity ----
    video = blocks::L2Normalize(ops, video, p);
    text = blocks::L2Normalize(ops, text, p);
    Tensor scale = ops.Exp(ops.Param("logit_scale", {1}, WeightInit::Constant(d.logit_scale_init)));
    Tensor sim = ops.MatMul(ops.Mul(text, scale), ops.Unsqueeze(video, 2));  // [B, K, 1]
    return ops.Reshape(sim, {0, -1});
  }

  // XCLIPVisionEncoderLayer on x [B*T, 1 + N, hidden].
  static Tensor VisionLayer(Ops& ops, const Tensor& x, const std::string& p, const XclipDims& d) {
    const int64_t h = d.vision.hidden;
    const int64_t seq = d.geometry.NumPatches() + 1;
    Tensor msg = Dense(ops, ops.Reshape(ops.Slice(x, 1, 0, 1), {0, h}), p + ".message_fc", h, h,
                       true, d.vision.std);
    msg = ops.Reshape(msg, {-1, d.frames, h});  // [B, T, h]: attention across frames
    msg =
        ops.Add(msg, blocks::ClipAttention(ops, Norm(ops, msg, p + ".message_ln", h, d.vision.eps),
                                           p + ".message_attn", d.vision, false));
    Tensor y = ops.Concat({x, ops.Reshape(msg, {-1, 1, h})}, 1);  // [B*T, 2 + N, h]
    y = ops.Add(y, blocks::ClipAttention(ops, Norm(ops, y, p + ".layer_norm1", h, d.vision.eps),
                                         p + ".self_attn", d.vision, false));
    y = ops.Slice(y, 1, 0, seq);
    return ops.Add(y, blocks::ClipMlp(ops, Norm(ops, y, p + ".layer_norm2", h, d.vision.eps),
                                      p + ".mlp", d.vision));
  }

  // CLIP text transformer + EOS pooling + text_projection: ids [K, S] -> [K, P].
  static Tensor TextEmbeds(Ops& ops, const Tensor& ids, const XclipDims& d) {
    const int64_t h = d.text.hidden;
    const std::string e = "text_model.embeddings";
    Tensor x = ops.Embedding(
        ops.Param(e + ".token_embedding.weight", {d.text_vocab, h}, WeightInit::Normal(d.text.std)),
        ids);
    Tensor pos = ops.Param(e + ".position_embedding.weight", {d.text_positions, h},
                           WeightInit::Normal(d.text.std));
    x = ops.Add(x, ops.Embedding(pos, ops.Positions(ids, 1, 0)));
    for (int64_t l = 0; l < d.text_layers; ++l)
      x = blocks::ClipEncoderLayer(ops, x, "text_model.encoder.layers." + std::to_string(l), d.text,
                                   true);
    x = Norm(ops, x, "text_model.final_layer_norm", h, d.text.eps);
    Tensor eos = ops.TakeAlongBatch(x, ops.ArgMax(ids, -1));  // [K, h]
    return Dense(ops, eos, "text_projection", d.projection, h, false, d.text.std);
  }

  // XCLIPPromptGenerator: text [B, K, P] cross-attends to img [B, N, P]; returns alpha * text'.
  static Tensor PromptGenerator(Ops& ops, Tensor text, const Tensor& img, const XclipDims& d) {
    const int64_t p = d.projection, heads = d.prompt.heads, hd = p / heads;
    const float eps = d.prompt.eps, std = d.prompt.std;
    Tensor visual = Norm(ops, img, "prompts_generator.layernorm", p, eps);
    for (int64_t l = 0; l < d.prompt_layers; ++l) {
      const std::string pre = "prompts_generator.decoder." + std::to_string(l);
      const std::string ca = pre + ".cross_attn";
      Tensor q = blocks::SplitHeads(
          ops,
          Dense(ops, Norm(ops, text, pre + ".norm1", p, eps), ca + ".q_proj", p, p, false, std),
          heads, hd);
      Tensor k =
          blocks::SplitHeads(ops, Dense(ops, visual, ca + ".k_proj", p, p, false, std), heads, hd);
      Tensor v =
          blocks::SplitHeads(ops, Dense(ops, visual, ca + ".v_proj", p, p, false, std), heads, hd);
      Tensor a = blocks::MergeHeads(ops, ops.Attention(q, k, v, AttentionOptions{}), heads, hd);
      text = ops.Add(text, Dense(ops, a, ca + ".proj", p, p, true, std));
      Tensor h = ops.Act(
          Dense(ops, Norm(ops, text, pre + ".norm3", p, eps), pre + ".mlp.0", 4 * p, p, true, std),
          d.prompt.act);
      text = ops.Add(text, Dense(ops, h, pre + ".mlp.3", p, 4 * p, true, std));
    }
    return ops.Mul(text,
                   ops.Param("prompts_generator.alpha", {p}, WeightInit::Constant(d.prompt_alpha)));
  }

  FamilyInfo info_;
  std::vector<Preset> presets_;
};

Config XclipConfig(int64_t t_vocab, int64_t t_hidden, int64_t t_inter, int64_t t_layers,
                   int64_t t_heads, int64_t t_positions, int64_t v_hidden, int64_t v_inter,
                   int64_t v_layers, int64_t v_heads, int64_t patch, int64_t image, int64_t frames,
                   int64_t m_hidden, int64_t m_inter, int64_t m_layers, int64_t m_heads,
                   int64_t projection, int64_t p_layers, int64_t p_heads) {
  return Config{{"text_vocab_size", t_vocab},
                {"text_hidden_size", t_hidden},
                {"text_intermediate_size", t_inter},
                {"text_num_layers", t_layers},
                {"text_num_heads", t_heads},
                {"text_max_positions", t_positions},
                {"vision_hidden_size", v_hidden},
                {"vision_intermediate_size", v_inter},
                {"vision_num_layers", v_layers},
                {"vision_num_heads", v_heads},
                {"patch_size", patch},
                {"image_size", image},
                {"num_frames", frames},
                {"mit_hidden_size", m_hidden},
                {"mit_intermediate_size", m_inter},
                {"mit_num_layers", m_layers},
                {"mit_num_heads", m_heads},
                {"projection_dim", projection},
                {"prompt_layers", p_layers},
                {"prompt_num_heads", p_heads},
                {"prompt_alpha", 0.1},
                {"layer_norm_eps", 1e-5},
                {"logit_scale_init", 2.6592},
                {"initializer_range", 0.02}};
}

Config WithInit(Config cfg, double std) {
  cfg.Set("initializer_range", std);
  return cfg;
}

}  // namespace

std::unique_ptr<Family> MakeXclip() {
  FamilyInfo info{"xclip",
                  "X-CLIP video-text model: CLIP ViT with cross-frame message tokens, multi-frame "
                  "integration transformer, video-specific prompt generator, CLIP text encoder",
                  Modality::kVideo,
                  Architecture::kMultimodal,
                  /*generative=*/false,
                  "XCLIPModel"};
  std::vector<Preset> presets{
      // initializer_range 0.2 ~ hidden^-0.5: with 0.02 at width 32 the frame-dependent part of
      // the class tokens is ~1e-3 of their norm, every video embeds alike and the contrastive
      // loss sits at ln(batch) (HF scales CLIP's init with the width for the same reason).
      {"tiny",
       "4 frames of 32px (patch 8), vision/text 2 layers of 32, projection 16, init std 0.2 "
       "(tests)",
       WithInit(XclipConfig(512, 32, 64, 2, 2, 16, 32, 64, 2, 2, 8, 32, 4, 16, 32, 1, 2, 16, 2, 2),
                0.2),
       false},
      {"xclip-base-patch32",
       "transformers' default XCLIPConfig (xclip-base-patch32): 8 frames of 224px, ViT-B/32 "
       "with cross-frame communication, 12-layer text encoder, 1-layer mit, 2 prompt layers",
       XclipConfig(49408, 512, 2048, 12, 8, 77, 768, 3072, 12, 12, 32, 224, 8, 512, 2048, 1, 8, 512,
                   2, 8),
       true},
  };
  return std::make_unique<Xclip>(std::move(info), std::move(presets));
}

}  // namespace accelbench::models
