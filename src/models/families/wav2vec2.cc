// Wav2Vec2 (Wav2Vec2Model, wav2vec2-base): a 7-layer convolutional feature encoder on the raw
// 16 kHz waveform (no conv bias; group norm with one group per channel after the first conv, the
// "group" feat_extract_norm; GELU), feature projection (layer norm + linear), a grouped
// convolutional position embedding with weight norm (weight_g and weight_v are both parameters in
// HF), then a post-LN transformer encoder (do_stable_layer_norm = false).
//
// Parameter count of the reference preset (wav2vec2-base):
//   feature encoder: conv0 512*1*10 = 5,120; group norm 2*512 = 1,024;
//                    conv1-4 4 * 512*512*3 = 3,145,728; conv5-6 2 * 512*512*2 = 1,048,576
//                                                                          =  4,200,448
//   feature projection: layer norm 2*512 = 1,024; linear 512*768 + 768 = 393,984 =   395,008
//   pos_conv_embed: weight_v 768*48*128 = 4,718,592; weight_g 128 (dim=2); bias 768
//                                                                          =  4,719,488
//   encoder layer norm 2*768                                               =      1,536
//   layer: attention 4 * (768*768 + 768) = 2,362,368; 2 LNs 3,072;
//          ffn 768*3072 + 3072 + 3072*768 + 768 = 4,722,432 -> 7,087,872 x 12 = 85,054,464
//   masked_spec_embed 768                                                  =        768
//   total                                                                  = 94,371,712
//
// Config fields: conv_dim, conv_kernel and conv_stride (comma-separated lists, one entry per conv
// layer), hidden_size, num_layers, num_heads, intermediate_size, num_conv_pos_embeddings,
// num_conv_pos_embedding_groups, sample_rate, default_audio_samples, layer_norm_eps,
// initializer_range.
//
// Input: input_values [batch, samples] (raw waveform). Outputs: last_hidden_state [batch, frames,
// hidden] and extract_features [batch, frames, conv_dim], frames from the conv strides.
// Training loss: mean squared error between last_hidden_state and a seeded regression target
// "labels" [batch, frames, hidden] (a stand-in for the pre-training objective; no quantizer or
// contrastive negatives). masked_spec_embed is a parameter (counted, trained in HF only when time
// masking is applied); the benchmark forward applies no masking, as HF inference does.
#include <algorithm>
#include <string>

#include "core/errors.h"
#include "models/blocks/attention.h"
#include "models/blocks/checks.h"
#include "models/blocks/input_descs.h"
#include "models/blocks/layers.h"
#include "models/families/factories.h"

namespace accelbench::models {
namespace {

struct Wav2Vec2Dims {
  int64_t conv_dim, hidden, layers, heads, ffn, pos_kernel, pos_groups, default_samples;
  std::vector<int64_t> kernels, strides;
  float eps, std;
  explicit Wav2Vec2Dims(const Config& c)
      : conv_dim(c.Int("conv_dim")),
        hidden(c.Int("hidden_size")),
        layers(c.Int("num_layers")),
        heads(c.Int("num_heads")),
        ffn(c.Int("intermediate_size")),
        pos_kernel(c.Int("num_conv_pos_embeddings")),
        pos_groups(c.Int("num_conv_pos_embedding_groups")),
        default_samples(c.Int("default_audio_samples")),
        kernels(blocks::ParseIntList(c.Str("conv_kernel"), "conv_kernel")),
        strides(blocks::ParseIntList(c.Str("conv_stride"), "conv_stride")),
        eps(static_cast<float>(c.Real("layer_norm_eps"))),
        std(static_cast<float>(c.Real("initializer_range"))) {
    blocks::RequireDivisible(c, "hidden_size", "num_heads");
    blocks::RequireDivisible(c, "hidden_size", "num_conv_pos_embedding_groups");
    for (auto key : {"conv_dim", "num_layers", "intermediate_size", "num_conv_pos_embeddings",
                     "default_audio_samples"})
      blocks::RequirePositive(c, key);
    if (kernels.size() != strides.size())
      throw UsageError("wav2vec2: conv_kernel and conv_stride need one entry per conv layer (" +
                       std::to_string(kernels.size()) + " vs " + std::to_string(strides.size()) +
                       ")");
  }
  // Output frames of the conv feature encoder, 0 if the waveform is too short.
  int64_t Frames(int64_t samples) const {
    int64_t l = samples;
    for (size_t i = 0; i < kernels.size(); ++i) {
      if (l < kernels[i]) return 0;
      l = (l - kernels[i]) / strides[i] + 1;
    }
    return l;
  }
  // Fewest samples giving one frame.
  int64_t MinSamples() const {
    int64_t l = 1;
    for (size_t i = kernels.size(); i-- > 0;) l = (l - 1) * strides[i] + kernels[i];
    return l;
  }
};

class Wav2Vec2 final : public Family {
 public:
  const FamilyInfo& Info() const override {
    static const FamilyInfo info{"wav2vec2",
                                 "Wav2Vec2 speech encoder: conv feature encoder on the raw "
                                 "waveform, conv position embedding, post-LN transformer",
                                 Modality::kAudio,
                                 Architecture::kEncoder,
                                 /*generative=*/false,
                                 "Wav2Vec2Model"};
    return info;
  }

  std::vector<Preset> Presets() const override {
    auto config = [](int64_t conv_dim, std::string kernels, std::string strides, int64_t hidden,
                     int64_t layers, int64_t heads, int64_t ffn, int64_t pos_kernel,
                     int64_t pos_groups, int64_t samples) {
      return Config{{"conv_dim", conv_dim},
                    {"conv_kernel", std::move(kernels)},
                    {"conv_stride", std::move(strides)},
                    {"hidden_size", hidden},
                    {"num_layers", layers},
                    {"num_heads", heads},
                    {"intermediate_size", ffn},
                    {"num_conv_pos_embeddings", pos_kernel},
                    {"num_conv_pos_embedding_groups", pos_groups},
                    {"sample_rate", int64_t{16000}},
                    {"default_audio_samples", samples},
                    {"layer_norm_eps", 1e-5},
                    {"initializer_range", 0.02}};
    };
    return {
        {"tiny", "3 conv layers (32 ch), 2 layers, hidden 32, 4 heads, 1600 samples (tests)",
         config(32, "10,3,2", "5,2,2", 32, 2, 4, 64, 16, 4, 1600), false},
        {"wav2vec2-base",
         "wav2vec2-base: 7 conv layers (512 ch), 12 layers, hidden 768, 12 heads, 1 s at 16 kHz",
         config(512, "10,3,3,3,3,2,2", "5,2,2,2,2,2,2", 768, 12, 12, 3072, 128, 16, 16000), true},
    };
  }

  std::vector<InputDesc> InputsFor(const Config& cfg, const Workload& w, Mode mode) const override {
    Wav2Vec2Dims d(cfg);
    const int64_t samples = w.audio_samples > 0 ? w.audio_samples : d.default_samples;
    const int64_t frames = d.Frames(samples);
    if (frames <= 0)
      throw UsageError("wav2vec2: " + std::to_string(samples) +
                       " samples are too short for the conv feature encoder; expected "
                       "input_values [batch, samples] with samples >= " +
                       std::to_string(d.MinSamples()));
    std::vector<InputDesc> v{blocks::FloatInput(
        "input_values", w, {Dim::Symbolic("samples", samples)}, InputKind::kAudioWaveform)};
    if (mode == Mode::kTraining)
      v.push_back(blocks::FloatInput("labels", w,
                                     {Dim::Symbolic("frames", frames), Dim::Static(d.hidden)},
                                     InputKind::kFeatures));
    return v;
  }

  Outputs Forward(Ops& ops, const Config& cfg, const Inputs& in) const override {
    Wav2Vec2Dims d(cfg);
    const Tensor& wave = blocks::Require(in, "input_values", "wav2vec2");
    // Feature encoder: [B, N] -> [B, conv_dim, T].
    Tensor x = ops.Unsqueeze(wave, 1);
    int64_t channels = 1;
    for (size_t i = 0; i < d.kernels.size(); ++i) {
      const std::string p = "feature_extractor.conv_layers." + std::to_string(i);
      Tensor w = ops.Param(p + ".conv.weight", {d.conv_dim, channels, d.kernels[i]},
                           WeightInit::Normal(d.std));
      x = ops.Conv1d(x, w, {}, d.strides[i], 0);
      if (i == 0)
        x = ops.GroupNorm(
            x, d.conv_dim, ops.Param(p + ".layer_norm.weight", {d.conv_dim}, WeightInit::Ones()),
            ops.Param(p + ".layer_norm.bias", {d.conv_dim}, WeightInit::Zeros()), d.eps);
      x = ops.Act(x, Activation::kGelu);
      channels = d.conv_dim;
    }
    x = ops.Transpose(x, {0, 2, 1});  // [B, T, conv_dim]
    Tensor extract = blocks::Norm(ops, x, "feature_projection.layer_norm", d.conv_dim, d.eps);
    Tensor h = blocks::Dense(ops, extract, "feature_projection.projection", d.hidden, d.conv_dim,
                             true, d.std);
    // Counted as in HF; used only by SpecAugment time masking, which inference does not apply.
    ops.Param("masked_spec_embed", {d.hidden}, WeightInit::Normal(d.std));
    h = ops.Add(h, PositionEmbedding(ops, d, h));
    h = blocks::Norm(ops, h, "encoder.layer_norm", d.hidden, d.eps);
    for (int64_t l = 0; l < d.layers; ++l)
      h = Layer(ops, d, h, "encoder.layers." + std::to_string(l));
    return {{"last_hidden_state", h}, {"extract_features", extract}};
  }

  Tensor TrainingLoss(Ops& ops, const Config& cfg, const Inputs& in) const override {
    Tensor h = Forward(ops, cfg, in).at("last_hidden_state");
    return ops.MeanSquaredError(h, blocks::Require(in, "labels", "wav2vec2"));
  }

 private:
  // Grouped conv (kernel K, padding K/2) with weight norm over all axes but the kernel axis
  // (weight = g * v / ||v||, HF's weight_norm(dim=2)), one frame dropped for even K, GELU.
  static Tensor PositionEmbedding(Ops& ops, const Wav2Vec2Dims& d, const Tensor& h) {
    const std::string p = "encoder.pos_conv_embed.conv";
    const int64_t in_per_group = d.hidden / d.pos_groups;
    Tensor g = ops.Param(p + ".weight_g", {1, 1, d.pos_kernel}, WeightInit::Ones());
    Tensor v = ops.Param(p + ".weight_v", {d.hidden, in_per_group, d.pos_kernel},
                         WeightInit::Normal(d.std));
    Tensor b = ops.Param(p + ".bias", {d.hidden}, WeightInit::Zeros());
    Tensor norm = ops.Sqrt(ops.Scale(ops.Mean(ops.Pow(v, 2.0f), {0, 1}, true),
                                     static_cast<float>(d.hidden * in_per_group)));
    Tensor w = ops.Mul(ops.Div(v, norm), g);
    Tensor x = ops.Conv1d(ops.Transpose(h, {0, 2, 1}), w, b, 1, d.pos_kernel / 2, d.pos_groups);
    if (d.pos_kernel % 2 == 0) x = ops.Slice(x, 2, 0, -1);  // Wav2Vec2SamePadLayer
    return ops.Transpose(ops.Act(x, Activation::kGelu), {0, 2, 1});
  }

  // Post-LN encoder layer.
  static Tensor Layer(Ops& ops, const Wav2Vec2Dims& d, const Tensor& x, const std::string& p) {
    Tensor h = ops.Add(x, blocks::MultiHeadAttention(ops, x, x, x, p + ".attention", {}, d.hidden,
                                                     d.heads, d.std));
    h = blocks::Norm(ops, h, p + ".layer_norm", d.hidden, d.eps);
    Tensor f =
        blocks::Dense(ops, h, p + ".feed_forward.intermediate_dense", d.ffn, d.hidden, true, d.std);
    f = blocks::Dense(ops, ops.Act(f, Activation::kGelu), p + ".feed_forward.output_dense",
                      d.hidden, d.ffn, true, d.std);
    return blocks::Norm(ops, ops.Add(h, f), p + ".final_layer_norm", d.hidden, d.eps);
  }
};

}  // namespace

std::unique_ptr<Family> MakeWav2Vec2() { return std::make_unique<Wav2Vec2>(); }

}  // namespace accelbench::models
