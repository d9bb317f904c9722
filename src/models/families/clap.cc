// CLAP (ClapModel, transformers' default ClapConfig): an HTSAT-style Swin transformer audio encoder
// (unfused) on a log-mel spectrogram computed by the model itself from the waveform
// (models/audio/log_mel.h), a RoBERTa text encoder with pooler, two projection MLPs (linear,
// ReLU, linear) and two learned logit scales.
//
// Audio encoder (HF ClapAudioEncoder): batch norm over mel bins (affine parameters; running
// statistics are buffers), the mel image reshaped to spec_size x spec_size ("reshape_mel2img"),
// a 4x4 patch embedding conv + layer norm, 4 Swin stages (window attention with a relative
// position bias table per layer, shifted windows with the -100 mask on odd blocks, patch merging
// between stages), a final layer norm and mean pooling. HF's ClapAudioEncoder has no "tscam"
// conv head or classifier (the original LAION HTSAT does): the parameter count confirms
// it (with them it would be 2,707,199 more).
//
// Parameter count of the reference preset:
//   audio encoder: batch_norm 2*64 = 128; patch_embed conv 96*1*4*4 + 96 = 1,632, norm 192;
//     Swin block of width d, h heads: 2 LNs 4d, qkv 3(d^2+d), bias table 225h (window 8),
//       out d^2+d, MLP 8d^2+5d  -> 12d^2 + 13d + 225h
//       stage 0 (d 96, h 4)   112,740 x 2 =    225,480
//       stage 1 (d 192, h 8)  446,664 x 2 =    893,328
//       stage 2 (d 384, h 16) 1,778,064 x 6 = 10,668,384
//       stage 3 (d 768, h 32) 7,095,072 x 2 = 14,190,144
//     patch merging (norm 8d, reduction 8d^2, no bias): 74,496 + 296,448 + 1,182,720
//     final norm 1,536                                        audio total = 27,534,488
//   text encoder (RoBERTa): word 50265*768 = 38,603,520; positions 514*768 = 394,752;
//     token type 768; LN 1,536; 12 layers x 7,087,872 = 85,054,464; pooler 590,592
//                                                             text total  = 124,645,632
//   projections: 2 x (768*512 + 512 + 512*512 + 512) = 1,312,768; logit_scale_a, _t = 2
//   total                                                                 = 153,492,890
//
// Front end (ClapFeatureExtractor shapes): 48 kHz, n_fft 1024, hop 480, 64 Slaney mel bands
// 50 Hz - 14 kHz, power in dB. The encoder needs exactly spec_size * freq_ratio frames (1024);
// instead of HF's bicubic resize of shorter inputs the waveform must give exactly that many
// frames: 492,064 samples (10.25 s) for the reference preset (frames are not centred).
//
// Inputs: input_values [batch, samples] (waveform), input_ids and attention_mask [batch, seq].
// Outputs: logits_per_audio, logits_per_text [batch, batch], audio_embeds, text_embeds [batch,
// projection_dim]. Training loss: symmetric contrastive cross-entropy (the i-th clip matches the
// i-th text), as ClapModel's return_loss.
//
// Components: "audio_encoder" (audio_model.*), "text_encoder" (text_model.*), "projections"
// (audio_projection.*, text_projection.*, logit_scale_a, logit_scale_t).
#include <cmath>
#include <string>

#include "core/errors.h"
#include "models/audio/log_mel.h"
#include "models/blocks/attention.h"
#include "models/blocks/checks.h"
#include "models/blocks/input_descs.h"
#include "models/blocks/layers.h"
#include "models/families/factories.h"

namespace accelbench::models {
namespace {

using blocks::Norm;

struct ClapDims {
  audio::LogMelOptions mel;
  int64_t spec_size, patch, patch_dim, window, mlp_ratio;
  std::vector<int64_t> depths, heads;
  int64_t vocab, text_hidden, text_layers, text_heads, text_ffn, max_pos, proj;
  float audio_eps, text_eps, std;
  double logit_scale_init;
  explicit ClapDims(const Config& c)
      : spec_size(c.Int("spec_size")),
        patch(c.Int("patch_size")),
        patch_dim(c.Int("patch_embeds_hidden_size")),
        window(c.Int("window_size")),
        mlp_ratio(c.Int("mlp_ratio")),
        depths(blocks::ParseIntList(c.Str("depths"), "depths")),
        heads(blocks::ParseIntList(c.Str("num_attention_heads"), "num_attention_heads")),
        vocab(c.Int("vocab_size")),
        text_hidden(c.Int("text_hidden_size")),
        text_layers(c.Int("text_num_layers")),
        text_heads(c.Int("text_num_heads")),
        text_ffn(c.Int("text_intermediate_size")),
        max_pos(c.Int("max_position_embeddings")),
        proj(c.Int("projection_dim")),
        audio_eps(static_cast<float>(c.Real("audio_layer_norm_eps"))),
        text_eps(static_cast<float>(c.Real("text_layer_norm_eps"))),
        std(static_cast<float>(c.Real("initializer_range"))),
        logit_scale_init(c.Real("logit_scale_init_value")) {
    mel.sample_rate = c.Int("sample_rate");
    mel.n_fft = c.Int("n_fft");
    mel.hop_length = c.Int("hop_length");
    mel.n_mels = c.Int("num_mel_bins");
    mel.f_min = c.Real("f_min");
    mel.f_max = c.Real("f_max");
    for (auto key :
         {"spec_size", "patch_size", "patch_embeds_hidden_size", "window_size", "mlp_ratio",
          "vocab_size", "text_num_layers", "text_intermediate_size", "max_position_embeddings",
          "projection_dim", "sample_rate", "n_fft", "hop_length", "num_mel_bins"})
      if (c.Has(key)) blocks::RequirePositive(c, key);
    blocks::RequireDivisible(c, "text_hidden_size", "text_num_heads");
    if (depths.size() != heads.size())
      throw UsageError("clap: depths and num_attention_heads need one entry per stage");
    if (spec_size % mel.n_mels != 0)
      throw UsageError("clap: spec_size must be a multiple of num_mel_bins");
    if (Grid() % (int64_t{1} << (Stages() - 1)) != 0)
      throw UsageError("clap: spec_size / patch_size must be divisible by 2^(stages-1)");
    for (size_t s = 0; s < depths.size(); ++s)
      if ((patch_dim << s) % heads[s] != 0)
        throw UsageError("clap: stage " + std::to_string(s) +
                         " width is not divisible by its heads");
  }
  int64_t Stages() const { return static_cast<int64_t>(depths.size()); }
  int64_t FreqRatio() const { return spec_size / mel.n_mels; }
  int64_t Frames() const { return spec_size * FreqRatio(); }  // spec_width
  int64_t Samples() const { return audio::SamplesForFrames(mel, Frames()); }
  int64_t Grid() const { return spec_size / patch; }
  int64_t AudioHidden() const { return patch_dim << (Stages() - 1); }
};

// Swin helpers on a square token grid [B, res*res, C].
struct Window {
  int64_t res, size, shift;
  int64_t PerSide() const { return res / size; }
  int64_t Count() const { return PerSide() * PerSide(); }
  int64_t Tokens() const { return size * size; }
};

// Roll a [B, res, res, C] grid by -shift (forward) or +shift along axes 1 and 2 (torch.roll).
Tensor Roll(Ops& ops, const Tensor& x, int64_t res, int64_t shift) {
  const int64_t k = ((shift % res) + res) % res;
  const int64_t cut = (res - k) % res;  // y[i] = x[(i - shift) mod res]
  Tensor y = x;
  for (int64_t axis : {1, 2})
    y = ops.Concat({ops.Slice(y, axis, cut, INT64_MAX), ops.Slice(y, axis, 0, cut)}, axis);
  return y;
}

// HF Swin relative_position_index for a window of side ws, as floats (Cast to int64 on use).
std::vector<float> RelativePositionIndex(int64_t ws) {
  const int64_t n = ws * ws;
  std::vector<float> idx(static_cast<size_t>(n * n));
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) {
      const int64_t dh = i / ws - j / ws + ws - 1, dw = i % ws - j % ws + ws - 1;
      idx[i * n + j] = static_cast<float>(dh * (2 * ws - 1) + dw);
    }
  return idx;
}

// The shifted-window attention mask [nW, 1, N, N]: 0 within a region, -100 across regions.
std::vector<float> ShiftMask(const Window& w) {
  auto region = [&](int64_t p) { return p < w.res - w.size ? 0 : (p < w.res - w.shift ? 1 : 2); };
  const int64_t nw = w.PerSide(), n = w.Tokens();
  std::vector<float> mask(static_cast<size_t>(w.Count() * n * n));
  for (int64_t wy = 0; wy < nw; ++wy)
    for (int64_t wx = 0; wx < nw; ++wx) {
      const int64_t win = wy * nw + wx;
      auto label = [&](int64_t t) {
        return region(wy * w.size + t / w.size) * 3 + region(wx * w.size + t % w.size);
      };
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < n; ++j)
          mask[(win * n + i) * n + j] = label(i) == label(j) ? 0.0f : -100.0f;
    }
  return mask;
}

class Clap final : public Family {
 public:
  const FamilyInfo& Info() const override {
    static const FamilyInfo info{"clap",
                                 "CLAP audio-text model: log-mel front end, HTSAT Swin audio "
                                 "encoder, RoBERTa text encoder, contrastive projections",
                                 Modality::kMultimodal,
                                 Architecture::kMultimodal,
                                 /*generative=*/false,
                                 "ClapModel"};
    return info;
  }

  std::vector<std::string> Components() const override {
    return {"audio_encoder", "text_encoder", "projections"};
  }

  std::vector<Preset> Presets() const override {
    auto config = [](int64_t rate, int64_t n_fft, int64_t hop, int64_t mels, double f_max,
                     int64_t spec, int64_t patch_dim, std::string depths, std::string heads,
                     int64_t window, int64_t vocab, int64_t hidden, int64_t layers,
                     int64_t text_heads, int64_t ffn, int64_t max_pos, int64_t proj) {
      return Config{{"sample_rate", rate},
                    {"n_fft", n_fft},
                    {"hop_length", hop},
                    {"num_mel_bins", mels},
                    {"f_min", 50.0},
                    {"f_max", f_max},
                    {"spec_size", spec},
                    {"patch_size", int64_t{4}},
                    {"patch_embeds_hidden_size", patch_dim},
                    {"depths", std::move(depths)},
                    {"num_attention_heads", std::move(heads)},
                    {"window_size", window},
                    {"mlp_ratio", int64_t{4}},
                    {"audio_layer_norm_eps", 1e-5},
                    {"vocab_size", vocab},
                    {"text_hidden_size", hidden},
                    {"text_num_layers", layers},
                    {"text_num_heads", text_heads},
                    {"text_intermediate_size", ffn},
                    {"max_position_embeddings", max_pos},
                    {"text_layer_norm_eps", 1e-12},
                    {"projection_dim", proj},
                    {"logit_scale_init_value", 1.0 / 0.07},
                    {"initializer_range", 0.02}};
    };
    return {
        {"tiny",
         "8 kHz, 16 mel bins, 32x32 mel image, Swin 2 stages (width 16), text 2 layers hidden 32",
         config(8000, 128, 64, 16, 4000.0, 32, 16, "2,2", "2,4", 4, 512, 32, 2, 4, 64, 130, 16),
         false},
        {"clap-htsat-unfused",
         "transformers' default ClapConfig: HTSAT-unfused (Swin 2,2,6,2, width 96) on 10.25 s "
         "at 48 kHz + RoBERTa-base text encoder, projection 512",
         config(48000, 1024, 480, 64, 14000.0, 256, 96, "2,2,6,2", "4,8,16,32", 8, 50265, 768, 12,
                12, 3072, 514, 512),
         true},
    };
  }

  std::vector<InputDesc> InputsFor(const Config& cfg, const Workload& w, Mode mode) const override {
    ClapDims d(cfg);
    (void)mode;  // the contrastive loss needs no labels
    const int64_t samples = d.Samples();
    if (w.audio_samples > 0 && w.audio_samples != samples)
      throw UsageError("clap: " + std::to_string(w.audio_samples) +
                       " audio samples do not fit the encoder; expected input_values [batch, " +
                       std::to_string(samples) + "] (" + std::to_string(d.Frames()) +
                       " log-mel frames at " + std::to_string(d.mel.sample_rate) + " Hz)");
    if (w.seq_len <= 0 || w.seq_len > d.max_pos - 2)
      throw UsageError("clap: text length " + std::to_string(w.seq_len) + " must be in [1, " +
                       std::to_string(d.max_pos - 2) + "]");
    auto mask =
        blocks::TokenIds("attention_mask", w, "seq", w.seq_len, 2, InputKind::kAttentionMask);
    return {
        blocks::FloatInput("input_values", w, {Dim::Static(samples)}, InputKind::kAudioWaveform),
        blocks::TokenIds("input_ids", w, "seq", w.seq_len, d.vocab), mask};
  }

  Outputs Forward(Ops& ops, const Config& cfg, const Inputs& in) const override {
    ClapDims d(cfg);
    Tensor audio = AudioEncoder(ops, d, blocks::Require(in, "input_values", "clap"));
    Tensor text = TextEncoder(ops, d, blocks::Require(in, "input_ids", "clap"),
                              blocks::Require(in, "attention_mask", "clap"));
    Tensor audio_embeds = blocks::L2Normalize(
        ops, Projection(ops, d, audio, "audio_projection", d.AudioHidden()), d.proj);
    Tensor text_embeds = blocks::L2Normalize(
        ops, Projection(ops, d, text, "text_projection", d.text_hidden), d.proj);
    const WeightInit scale_init =
        WeightInit::Constant(static_cast<float>(std::log(d.logit_scale_init)));
    Tensor scale_a = ops.Exp(ops.Param("logit_scale_a", {1}, scale_init));
    Tensor scale_t = ops.Exp(ops.Param("logit_scale_t", {1}, scale_init));
    Tensor logits_per_text =
        ops.Mul(ops.MatMul(text_embeds, ops.Transpose(audio_embeds, {1, 0})), scale_t);
    Tensor logits_per_audio =
        ops.Mul(ops.MatMul(audio_embeds, ops.Transpose(text_embeds, {1, 0})), scale_a);
    return {{"logits_per_audio", logits_per_audio},
            {"logits_per_text", logits_per_text},
            {"audio_embeds", audio_embeds},
            {"text_embeds", text_embeds}};
  }

  Tensor TrainingLoss(Ops& ops, const Config& cfg, const Inputs& in) const override {
    Outputs out = Forward(ops, cfg, in);
    Tensor labels = ops.Positions(out.at("audio_embeds"), 0, 0);  // clip i <-> text i
    Tensor a = ops.CrossEntropy(out.at("logits_per_audio"), labels);
    Tensor t = ops.CrossEntropy(out.at("logits_per_text"), labels);
    return ops.Scale(ops.Add(a, t), 0.5f);
  }

 private:
  static Tensor Projection(Ops& ops, const ClapDims& d, const Tensor& x, const std::string& p,
                           int64_t in) {
    Tensor h =
        ops.Act(blocks::Dense(ops, x, p + ".linear1", d.proj, in, true, d.std), Activation::kRelu);
    return blocks::Dense(ops, h, p + ".linear2", d.proj, d.proj, true, d.std);
  }

  // ---- text: RoBERTa (post-LN BERT layers, positions start at padding_idx + 1 = 2) ----
  static Tensor TextEncoder(Ops& ops, const ClapDims& d, const Tensor& ids, const Tensor& mask) {
    const std::string e = "text_model.embeddings.";
    const int64_t h = d.text_hidden;
    Tensor x = ops.Embedding(
        ops.Param(e + "word_embeddings.weight", {d.vocab, h}, WeightInit::Normal(d.std)), ids);
    x = ops.Add(x, ops.Embedding(ops.Param(e + "position_embeddings.weight", {d.max_pos, h},
                                           WeightInit::Normal(d.std)),
                                 ops.Positions(ids, 1, 2)));
    Tensor token_type =
        ops.Param(e + "token_type_embeddings.weight", {1, h}, WeightInit::Normal(d.std));
    x = Norm(ops, ops.Add(x, token_type), e + "LayerNorm", h, d.text_eps);
    AttentionOptions opt;
    opt.key_padding_mask = mask;
    blocks::AttentionNames names{"self.query", "self.key", "self.value", "output.dense"};
    for (int64_t l = 0; l < d.text_layers; ++l) {
      const std::string p = "text_model.encoder.layer." + std::to_string(l);
      Tensor a = blocks::MultiHeadAttention(ops, x, x, x, p + ".attention", names, h, d.text_heads,
                                            d.std, opt);
      x = Norm(ops, ops.Add(x, a), p + ".attention.output.LayerNorm", h, d.text_eps);
      Tensor f =
          ops.Act(blocks::Dense(ops, x, p + ".intermediate.dense", d.text_ffn, h, true, d.std),
                  Activation::kGelu);
      f = blocks::Dense(ops, f, p + ".output.dense", h, d.text_ffn, true, d.std);
      x = Norm(ops, ops.Add(x, f), p + ".output.LayerNorm", h, d.text_eps);
    }
    Tensor first = ops.Reshape(ops.Slice(x, 1, 0, 1), {0, h});
    return ops.Act(blocks::Dense(ops, first, "text_model.pooler.dense", h, h, true, d.std),
                   Activation::kTanh);
  }

  // ---- audio: log-mel -> batch norm -> mel image -> Swin stages -> mean pool ----
  static Tensor AudioEncoder(Ops& ops, const ClapDims& d, const Tensor& wave) {
    const std::string e = "audio_model.audio_encoder.";
    const int64_t mels = d.mel.n_mels, fr = d.FreqRatio(), frames = d.Frames();
    Tensor mel = audio::LogMelSpectrogram(ops, wave, d.mel, "clap.log_mel");  // [B, T, F]
    // BatchNorm2d over mel bins: [B, 1, T, F] -> [B, F, T, 1] -> back.
    Tensor x = ops.Transpose(ops.Unsqueeze(mel, 1), {0, 3, 2, 1});
    const std::string m = std::to_string(mels);
    x = ops.BatchNormFrozen(
        x, ops.Param(e + "batch_norm.weight", {mels}, WeightInit::Ones()),
        ops.Param(e + "batch_norm.bias", {mels}, WeightInit::Zeros()),
        ops.Constant("clap.batch_norm.running_mean." + m, {mels}, std::vector<float>(mels, 0.0f)),
        ops.Constant("clap.batch_norm.running_var." + m, {mels}, std::vector<float>(mels, 1.0f)),
        1e-5f);
    x = ops.Transpose(x, {0, 3, 2, 1});  // [B, 1, T, F]
    // reshape_mel2img: [B, 1, T, F] -> [B, fr, T/fr, F] -> [B, fr, F, T/fr] -> [B, 1, F*fr, T/fr].
    x = ops.Reshape(x, {-1, fr, frames / fr, mels});
    x = ops.Transpose(x, {0, 1, 3, 2});
    x = ops.Reshape(x, {-1, 1, mels * fr, frames / fr});
    // Patch embedding.
    const std::string pe = e + "patch_embed.";
    x = ops.Conv2d(x,
                   ops.Param(pe + "proj.weight", {d.patch_dim, 1, d.patch, d.patch},
                             WeightInit::Normal(d.std)),
                   ops.Param(pe + "proj.bias", {d.patch_dim}, WeightInit::Zeros()), d.patch, 0);
    x = ops.Transpose(ops.Reshape(x, {0, 0, -1}), {0, 2, 1});  // [B, G*G, C]
    x = Norm(ops, x, pe + "norm", d.patch_dim, d.audio_eps);
    int64_t res = d.Grid(), dim = d.patch_dim;
    for (int64_t s = 0; s < d.Stages(); ++s) {
      const std::string sp = e + "layers." + std::to_string(s) + ".";
      const bool whole = res <= d.window;  // HF: one window, no shift
      for (int64_t b = 0; b < d.depths[s]; ++b) {
        Window w{res, whole ? res : d.window, (!whole && b % 2 == 1) ? d.window / 2 : 0};
        if (res % w.size != 0)
          throw UsageError("clap: stage " + std::to_string(s) + " grid " + std::to_string(res) +
                           " is not a multiple of window_size " + std::to_string(w.size));
        x = SwinBlock(ops, d, x, sp + "blocks." + std::to_string(b) + ".", w, dim, d.heads[s]);
      }
      if (s + 1 < d.Stages()) {
        x = PatchMerge(ops, d, x, sp + "downsample.", res, dim);
        res /= 2;
        dim *= 2;
      }
    }
    x = Norm(ops, x, e + "norm", dim, d.audio_eps);  // [B, res*res, C]
    return ops.Mean(x, {1}, false);  // = HF's avgpool over the regrouped [B, C, c_freq, -1] map
  }

  static Tensor SwinBlock(Ops& ops, const ClapDims& d, const Tensor& x, const std::string& p,
                          const Window& w, int64_t dim, int64_t heads) {
    const int64_t hd = dim / heads, nw = w.PerSide(), n = w.Tokens(), res = w.res;
    Tensor h = Norm(ops, x, p + "layernorm_before", dim, d.audio_eps);
    h = ops.Reshape(h, {-1, res, res, dim});
    if (w.shift > 0) h = Roll(ops, h, res, -w.shift);
    // Window partition: [B, res, res, C] -> [B, nW, N, C].
    h = ops.Reshape(h, {-1, nw, w.size, nw, w.size, dim});
    h = ops.Transpose(h, {0, 1, 3, 2, 4, 5});
    h = ops.Reshape(h, {-1, w.Count(), n, dim});
    // Relative position bias [1, H, N, N] from the table ((2*window_size-1)^2 rows).
    const int64_t table_rows = (2 * d.window - 1) * (2 * d.window - 1);
    Tensor table = ops.Param(p + "attention.self.relative_position_bias_table", {table_rows, heads},
                             WeightInit::Normal(d.std));
    Tensor index = ops.Cast(ops.Constant("clap.relative_position_index." + std::to_string(w.size),
                                         {n * n}, RelativePositionIndex(w.size)),
                            DType::kInt64);
    Tensor bias = ops.Transpose(ops.Reshape(ops.Embedding(table, index), {n, n, heads}), {2, 0, 1});
    bias = ops.Unsqueeze(bias, 0);
    // Shifted windows: heads of every window side by side, [B, nW*H, N, D], with the per-window
    // mask folded into the bias; plain windows: windows folded into the batch, [B*nW, H, N, D].
    std::vector<int64_t> heads_shape = {-1, heads, n, hd};
    if (w.shift > 0) {
      Tensor mask = ops.Constant("clap.shift_mask." + std::to_string(res) + "." +
                                     std::to_string(w.size) + "." + std::to_string(w.shift),
                                 {w.Count(), 1, n, n}, ShiftMask(w));
      bias = ops.Reshape(ops.Add(bias, mask), {1, w.Count() * heads, n, n});
      heads_shape = {-1, w.Count() * heads, n, hd};
    }
    auto split = [&](const std::string& name) {
      Tensor t = blocks::Dense(ops, h, p + "attention.self." + name, dim, dim, true, d.std);
      t = ops.Transpose(ops.Reshape(t, {0, 0, 0, heads, hd}), {0, 1, 3, 2, 4});  // [B,nW,H,N,D]
      return ops.Reshape(t, heads_shape);
    };
    AttentionOptions opt;
    opt.bias = bias;
    Tensor o = ops.Attention(split("query"), split("key"), split("value"), opt);
    o = ops.Transpose(ops.Reshape(o, {-1, w.Count(), heads, n, hd}), {0, 1, 3, 2, 4});
    o = ops.Reshape(o, {-1, w.Count(), n, dim});
    o = blocks::Dense(ops, o, p + "attention.output.dense", dim, dim, true, d.std);
    // Window reverse: [B, nW, N, C] -> [B, res, res, C].
    o = ops.Reshape(o, {-1, nw, nw, w.size, w.size, dim});
    o = ops.Reshape(ops.Transpose(o, {0, 1, 3, 2, 4, 5}), {-1, res, res, dim});
    if (w.shift > 0) o = Roll(ops, o, res, w.shift);
    Tensor y = ops.Add(x, ops.Reshape(o, {-1, res * res, dim}));
    Tensor f = Norm(ops, y, p + "layernorm_after", dim, d.audio_eps);
    f = ops.Act(
        blocks::Dense(ops, f, p + "intermediate.dense", d.mlp_ratio * dim, dim, true, d.std),
        Activation::kGelu);
    f = blocks::Dense(ops, f, p + "output.dense", dim, d.mlp_ratio * dim, true, d.std);
    return ops.Add(y, f);
  }

  // [B, res*res, C] -> [B, (res/2)^2, 2C]: the 2x2 neighbours concatenated in HF's order
  // (x[0::2,0::2], x[1::2,0::2], x[0::2,1::2], x[1::2,1::2]), layer norm, linear without bias.
  static Tensor PatchMerge(Ops& ops, const ClapDims& d, const Tensor& x, const std::string& p,
                           int64_t res, int64_t dim) {
    const int64_t half = res / 2;
    Tensor h = ops.Reshape(x, {-1, half, 2, half, 2, dim});
    h = ops.Reshape(ops.Transpose(h, {0, 1, 3, 4, 2, 5}), {-1, half * half, 4 * dim});
    h = Norm(ops, h, p + "norm", 4 * dim, d.audio_eps);
    return blocks::Dense(ops, h, p + "reduction", 2 * dim, 4 * dim, false, d.std);
  }
};

}  // namespace

std::unique_ptr<Family> MakeClap() { return std::make_unique<Clap>(); }

}  // namespace accelbench::models
