// DETR (DetrForObjectDetection, detr-resnet-50 shapes): ResNet-50 backbone with frozen batch norm
// (weight, bias, running mean and variance are buffers in HF, not parameters), a 1x1 input
// projection 2048 -> d_model, a fixed sine position embedding (normalised, temperature 10000, no
// parameters), a post-LN transformer encoder/decoder with ReLU FFNs (position embeddings added to
// queries and keys only), 100 learned object queries, a class head (num_labels + 1 logits, the
// last being "no object") and a 3-layer box MLP with a sigmoid.
//
// Parameter count of the reference preset:
//   ResNet-50 conv weights (no biases; BN frozen = buffers)                  = 23,454,912
//     (torchvision's 25,557,032 minus fc 2,049,000 minus BN affine 2 * 26,560)
//   input_projection 2048*256 + 256                                           =    524,544
//   query_position_embeddings 100*256                                         =     25,600
//   encoder layer: self-attn 4*(256*256+256) = 263,168; 2 LNs 1,024;
//                  fc1 256*2048+2048 = 526,336; fc2 2048*256+256 = 524,544
//                  -> 1,315,072 x 6                                           =  7,890,432
//   decoder layer: self + cross attn 526,336; 3 LNs 1,536; FFN 1,050,880
//                  -> 1,578,752 x 6                                           =  9,472,512
//   decoder layernorm                                                         =        512
//   bbox MLP 2 * (256*256+256) + 256*4+4                                      =    132,612
//   class head 256*(num_labels+1) + num_labels+1
// The 41,501,895 is transformers' default DetrConfig, whose num_labels is the
// PretrainedConfig default 2 (class head 256*3+3 = 771): 41,478,251 + 771 = 41,501,895. With
// detr-resnet-50's 91 COCO labels (class head 92 logits: 23,644) it is 41,524,768: preset
// "detr-resnet-50-coco".
//
// Config fields: image_size (native square input), resnet_depths (blocks per stage, comma list),
// resnet_width (stem/first-stage width; stage i has width*2^i, outputs 4x that), hidden_size
// (d_model), num_layers (encoder), num_decoder_layers, num_heads, intermediate_size,
// num_queries, num_labels, layer_norm_eps, initializer_range.
//
// Input: pixel_values [batch, 3, H, W], H and W multiples of 32. Outputs: logits [batch, queries,
// num_labels+1], pred_boxes [batch, queries, 4], last_hidden_state [batch, queries, d_model].
// Training loss: cross-entropy of the class logits against seeded labels [batch, queries] plus
// 5 x L1 between pred_boxes and sigmoid(box_targets) [batch, queries, 4]. Query i is matched to
// target i: no Hungarian matching, and no GIoU term.
#include <cmath>
#include <numbers>
#include <string>

#include "core/errors.h"
#include "models/blocks/attention.h"
#include "models/blocks/checks.h"
#include "models/blocks/input_descs.h"
#include "models/blocks/layers.h"
#include "models/families/factories.h"

namespace accelbench::models {
namespace {

struct DetrDims {
  int64_t image, width, d, enc_layers, dec_layers, heads, ffn, queries, labels;
  std::vector<int64_t> depths;
  float eps, std;
  explicit DetrDims(const Config& c)
      : image(c.Int("image_size")),
        width(c.Int("resnet_width")),
        d(c.Int("hidden_size")),
        enc_layers(c.Int("num_layers")),
        dec_layers(c.Int("num_decoder_layers")),
        heads(c.Int("num_heads")),
        ffn(c.Int("intermediate_size")),
        queries(c.Int("num_queries")),
        labels(c.Int("num_labels")),
        depths(blocks::ParseIntList(c.Str("resnet_depths"), "resnet_depths")),
        eps(static_cast<float>(c.Real("layer_norm_eps"))),
        std(static_cast<float>(c.Real("initializer_range"))) {
    blocks::RequireDivisible(c, "hidden_size", "num_heads");
    for (auto key : {"image_size", "resnet_width", "num_layers", "num_decoder_layers",
                     "intermediate_size", "num_queries", "num_labels"})
      blocks::RequirePositive(c, key);
    if (d % 4 != 0) throw UsageError("detr: hidden_size must be a multiple of 4");
  }
  int64_t Stages() const { return static_cast<int64_t>(depths.size()); }
  int64_t Stride() const { return int64_t{4} << (Stages() - 1); }  // stem 4x, then 2x per stage
  int64_t BackboneChannels() const { return width * 4 << (Stages() - 1); }
};

class Detr final : public Family {
 public:
  const FamilyInfo& Info() const override {
    static const FamilyInfo info{"detr",
                                 "DETR object detector: ResNet-50 (frozen BN), transformer "
                                 "encoder-decoder, 100 queries, class and box heads",
                                 Modality::kVision,
                                 Architecture::kEncoderDecoder,
                                 /*generative=*/false,
                                 "DetrForObjectDetection"};
    return info;
  }

  std::vector<Preset> Presets() const override {
    auto config = [](int64_t image, std::string depths, int64_t width, int64_t d, int64_t layers,
                     int64_t heads, int64_t ffn, int64_t queries, int64_t labels) {
      return Config{{"image_size", image},    {"resnet_depths", std::move(depths)},
                    {"resnet_width", width},  {"hidden_size", d},
                    {"num_layers", layers},   {"num_decoder_layers", layers},
                    {"num_heads", heads},     {"intermediate_size", ffn},
                    {"num_queries", queries}, {"num_labels", labels},
                    {"layer_norm_eps", 1e-5}, {"initializer_range", 0.02}};
    };
    return {
        {"tiny", "ResNet 1,1,1,1 blocks (width 8), d_model 32, 1+1 layers, 10 queries, 64x64",
         config(64, "1,1,1,1", 8, 32, 1, 4, 64, 10, 5), false},
        {"detr-resnet-50",
         "transformers' default DetrConfig (ResNet-50, 6+6 layers, d_model 256, 100 queries, "
         "num_labels 2), 800x800",
         config(800, "3,4,6,3", 64, 256, 6, 8, 2048, 100, 2), true},
        {"detr-resnet-50-coco", "as detr-resnet-50 with the 91 COCO labels (92 logits), 800x800",
         config(800, "3,4,6,3", 64, 256, 6, 8, 2048, 100, 91), false},
    };
  }

  std::vector<InputDesc> InputsFor(const Config& cfg, const Workload& w, Mode mode) const override {
    DetrDims d(cfg);
    const int64_t size = w.image_size > 0 ? w.image_size : d.image;
    if (size % d.Stride() != 0)
      throw UsageError("detr: image size " + std::to_string(size) + " is not a multiple of " +
                       std::to_string(d.Stride()) + "; expected pixel_values [batch, 3, H, W] " +
                       "with H and W multiples of " + std::to_string(d.Stride()));
    std::vector<InputDesc> v{blocks::FloatInput(
        "pixel_values", w, {Dim::Static(3), Dim::Static(size), Dim::Static(size)},
        InputKind::kImage)};
    if (mode == Mode::kTraining) {
      InputDesc labels =
          blocks::FloatInput("labels", w, {Dim::Static(d.queries)}, InputKind::kLabels);
      labels.dtype = DType::kInt64;
      labels.max_value = d.labels + 1;
      v.push_back(labels);
      v.push_back(blocks::FloatInput("box_targets", w, {Dim::Static(d.queries), Dim::Static(4)},
                                     InputKind::kFeatures));
    }
    return v;
  }

  Outputs Forward(Ops& ops, const Config& cfg, const Inputs& in) const override {
    DetrDims d(cfg);
    Tensor feats = Backbone(ops, d, blocks::Require(in, "pixel_values", "detr"));  // [B, C, h, w]
    const int64_t fh = ops.SizeOf(feats, 2), fw = ops.SizeOf(feats, 3);
    const int64_t c = d.BackboneChannels();
    Tensor proj = ops.Conv2d(
        feats,
        ops.Param("model.input_projection.weight", {d.d, c, 1, 1}, WeightInit::Normal(d.std)),
        ops.Param("model.input_projection.bias", {d.d}, WeightInit::Zeros()), 1, 0);
    Tensor src = ops.Transpose(ops.Reshape(proj, {0, 0, -1}), {0, 2, 1});  // [B, hw, d]
    Tensor pos = ops.Constant("model.sine_position_embedding." + std::to_string(fh) + "x" +
                                  std::to_string(fw) + "x" + std::to_string(d.d),
                              {1, fh * fw, d.d}, SinePositions(fh, fw, d.d));
    // Encoder.
    Tensor x = src;
    for (int64_t l = 0; l < d.enc_layers; ++l) {
      const std::string p = "model.encoder.layers." + std::to_string(l);
      Tensor qk = ops.Add(x, pos);
      x = ops.Add(
          x, blocks::MultiHeadAttention(ops, qk, qk, x, p + ".self_attn", {}, d.d, d.heads, d.std));
      x = blocks::Norm(ops, x, p + ".self_attn_layer_norm", d.d, d.eps);
      x = Ffn(ops, d, x, p);
    }
    const Tensor& memory = x;
    Tensor mem_k = ops.Add(memory, pos);
    // Decoder over the object queries, starting from zeros.
    Tensor qpos =
        ops.BroadcastBatch(ops.Unsqueeze(ops.Param("model.query_position_embeddings.weight",
                                                   {d.queries, d.d}, WeightInit::Normal(d.std)),
                                         0),
                           memory);
    Tensor h = ops.Scale(qpos, 0.0f);
    for (int64_t l = 0; l < d.dec_layers; ++l) {
      const std::string p = "model.decoder.layers." + std::to_string(l);
      Tensor qk = ops.Add(h, qpos);
      h = ops.Add(
          h, blocks::MultiHeadAttention(ops, qk, qk, h, p + ".self_attn", {}, d.d, d.heads, d.std));
      h = blocks::Norm(ops, h, p + ".self_attn_layer_norm", d.d, d.eps);
      h = ops.Add(h, blocks::MultiHeadAttention(ops, ops.Add(h, qpos), mem_k, memory,
                                                p + ".encoder_attn", {}, d.d, d.heads, d.std));
      h = blocks::Norm(ops, h, p + ".encoder_attn_layer_norm", d.d, d.eps);
      h = Ffn(ops, d, h, p);
    }
    h = blocks::Norm(ops, h, "model.decoder.layernorm", d.d, d.eps);
    Tensor logits =
        blocks::Dense(ops, h, "class_labels_classifier", d.labels + 1, d.d, true, d.std);
    Tensor b = ops.Act(blocks::Dense(ops, h, "bbox_predictor.layers.0", d.d, d.d, true, d.std),
                       Activation::kRelu);
    b = ops.Act(blocks::Dense(ops, b, "bbox_predictor.layers.1", d.d, d.d, true, d.std),
                Activation::kRelu);
    b = ops.Act(blocks::Dense(ops, b, "bbox_predictor.layers.2", 4, d.d, true, d.std),
                Activation::kSigmoid);
    return {{"logits", logits}, {"pred_boxes", b}, {"last_hidden_state", h}};
  }

  Tensor TrainingLoss(Ops& ops, const Config& cfg, const Inputs& in) const override {
    Outputs out = Forward(ops, cfg, in);
    Tensor ce = ops.CrossEntropy(out.at("logits"), blocks::Require(in, "labels", "detr"));
    Tensor target = ops.Act(blocks::Require(in, "box_targets", "detr"), Activation::kSigmoid);
    Tensor l1 = blocks::MeanAll(ops, ops.Abs(ops.Sub(out.at("pred_boxes"), target)), 3);
    return ops.Add(ce, ops.Scale(l1, 5.0f));
  }

 private:
  static Tensor Ffn(Ops& ops, const DetrDims& d, const Tensor& x, const std::string& p) {
    Tensor f =
        ops.Act(blocks::Dense(ops, x, p + ".fc1", d.ffn, d.d, true, d.std), Activation::kRelu);
    f = blocks::Dense(ops, f, p + ".fc2", d.d, d.ffn, true, d.std);
    return blocks::Norm(ops, ops.Add(x, f), p + ".final_layer_norm", d.d, d.eps);
  }

  // Frozen batch norm: buffers, shared constants per channel count. The last BN of each residual
  // branch scales by 0.2 so that random weights keep activations bounded through 16 blocks.
  static Tensor FrozenBn(Ops& ops, const Tensor& x, int64_t ch, bool last_in_branch) {
    const std::string c = "." + std::to_string(ch);
    auto fill = [&](const std::string& name, float v) {
      return ops.Constant("frozen_bn." + name + c, {ch}, std::vector<float>(ch, v));
    };
    Tensor w = last_in_branch ? fill("weight_branch_end", 0.2f) : fill("weight", 1.0f);
    return ops.BatchNormFrozen(x, w, fill("bias", 0.0f), fill("running_mean", 0.0f),
                               fill("running_var", 1.0f), 1e-5f);
  }

  static Tensor Conv(Ops& ops, const Tensor& x, const std::string& name, int64_t out, int64_t in,
                     int64_t k, int64_t stride, int64_t pad) {
    const float std = static_cast<float>(std::sqrt(2.0 / static_cast<double>(in * k * k)));
    return ops.Conv2d(x, ops.Param(name, {out, in, k, k}, WeightInit::Normal(std)), {}, stride,
                      pad);
  }

  // ResNet (bottleneck blocks, stride on the 3x3 conv, 1x1 downsample on each stage's first
  // block), named as timm's resnet50 inside HF's DetrConvEncoder.
  static Tensor Backbone(Ops& ops, const DetrDims& d, const Tensor& pixels) {
    const std::string m = "model.backbone.conv_encoder.model.";
    Tensor x = Conv(ops, pixels, m + "conv1.weight", d.width, 3, 7, 2, 3);
    x = ops.Act(FrozenBn(ops, x, d.width, false), Activation::kRelu);
    x = ops.MaxPool2d(x, 3, 2, 1);
    int64_t in = d.width;
    for (int64_t s = 0; s < d.Stages(); ++s) {
      const int64_t width = d.width << s, out = width * 4;
      for (int64_t b = 0; b < d.depths[s]; ++b) {
        const std::string p = m + "layer" + std::to_string(s + 1) + "." + std::to_string(b) + ".";
        const int64_t stride = (b == 0 && s > 0) ? 2 : 1;
        Tensor h = Conv(ops, x, p + "conv1.weight", width, in, 1, 1, 0);
        h = ops.Act(FrozenBn(ops, h, width, false), Activation::kRelu);
        h = Conv(ops, h, p + "conv2.weight", width, width, 3, stride, 1);
        h = ops.Act(FrozenBn(ops, h, width, false), Activation::kRelu);
        h = FrozenBn(ops, Conv(ops, h, p + "conv3.weight", out, width, 1, 1, 0), out, true);
        Tensor shortcut = x;
        if (b == 0)
          shortcut = FrozenBn(ops, Conv(ops, x, p + "downsample.0.weight", out, in, 1, stride, 0),
                              out, false);
        x = ops.Act(ops.Add(h, shortcut), Activation::kRelu);
        in = out;
      }
    }
    return x;
  }

  // DetrSinePositionEmbedding for an all-valid pixel mask, flattened to [1, h*w, d]: channels
  // [0, d/2) encode y, [d/2, d) encode x; within each, even j = sin(p / t_j), odd j = cos(p / t_j)
  // with p = (index + 1) / (size + 1e-6) * 2 pi and t_j = 10000^(2 floor(j/2) / (d/2)).
  static std::vector<float> SinePositions(int64_t h, int64_t w, int64_t d) {
    const int64_t half = d / 2;
    std::vector<float> out(static_cast<size_t>(h * w * d));
    auto enc = [&](double p, int64_t j) {
      const double t =
          std::pow(10000.0, 2.0 * static_cast<double>(j / 2) / static_cast<double>(half));
      return static_cast<float>(j % 2 == 0 ? std::sin(p / t) : std::cos(p / t));
    };
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x)
        for (int64_t j = 0; j < half; ++j) {
          const double py = (y + 1) / (h + 1e-6) * 2 * std::numbers::pi;
          const double px = (x + 1) / (w + 1e-6) * 2 * std::numbers::pi;
          float* row = &out[static_cast<size_t>((y * w + x) * d)];
          row[j] = enc(py, j);
          row[half + j] = enc(px, j);
        }
    return out;
  }
};

}  // namespace

std::unique_ptr<Family> MakeDetr() { return std::make_unique<Detr>(); }

}  // namespace accelbench::models
