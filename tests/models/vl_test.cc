// The video and vision-language families (xclip, llava, llava_next) on the shapes-only lowering:
// exact Hugging Face parameter counts from the config alone (7B presets, nothing allocated),
// component sizes, output shapes, the llava_next tiling arithmetic, inputs per mode, bad input.
#include <gtest/gtest.h>

#include "core/errors.h"
#include "models/family.h"
#include "models/inputs.h"
#include "models/lowering/meta_ops.h"

namespace accelbench::models {
namespace {

ModelStats Stats(std::string_view family, std::string_view preset, Mode mode = Mode::kInference,
                 Workload w = {}) {
  const Family& f = FindFamily(family);
  return Analyze(f, f.FindPreset(preset).config, w, mode);
}

// Runs Forward on MetaOps and returns the output shapes.
std::map<std::string, std::vector<int64_t>> ForwardShapes(std::string_view family,
                                                          const Config& cfg, const Workload& w) {
  const Family& f = FindFamily(family);
  MetaOps ops;
  Inputs in;
  for (const auto& d : f.InputsFor(cfg, w, Mode::kInference))
    in.emplace(d.name, ops.Input(d.name, d.dtype, d.dims));
  std::map<std::string, std::vector<int64_t>> out;
  for (const auto& [name, t] : f.Forward(ops, cfg, in)) out[name] = MetaOps::ShapeOf(t);
  return out;
}

TEST(VlFamilies, ReferenceParameterCountsMatchHuggingFace) {
  EXPECT_EQ(Stats("xclip", "xclip-base-patch32").params, 196'585'729);
  EXPECT_EQ(Stats("llava", "llava-1.5-7b").params, 7'063'427'072);
  EXPECT_EQ(Stats("llava_next", "llava-v1.6-mistral-7b").params, 7'566'747'648);
}

TEST(VlFamilies, ReferencePresetsAndComponents) {
  EXPECT_EQ(FindFamily("xclip").ReferencePreset().name, "xclip-base-patch32");
  EXPECT_EQ(FindFamily("llava").ReferencePreset().name, "llava-1.5-7b");
  EXPECT_EQ(FindFamily("llava_next").ReferencePreset().name, "llava-v1.6-mistral-7b");
  EXPECT_FALSE(FindFamily("xclip").Info().generative);
  for (auto name : {"llava", "llava_next"}) {
    EXPECT_TRUE(FindFamily(name).Info().generative) << name;
    EXPECT_EQ(FindFamily(name).Components(),
              (std::vector<std::string>{"vision_tower", "projector", "language_model"}));
  }
  EXPECT_EQ(FindFamily("xclip").Components(),
            (std::vector<std::string>{"vision", "text", "mit", "prompts_generator"}));
}

TEST(VlFamilies, XclipPartsAddUp) {
  // The hand arithmetic in xclip.cc, by first name component.
  auto s = Stats("xclip", "xclip-base-patch32");
  EXPECT_EQ(s.params_by_prefix.at("text_model"), 63'165'952);
  EXPECT_EQ(s.params_by_prefix.at("vision_model"), 122'909'952);
  EXPECT_EQ(s.params_by_prefix.at("mit"), 3'156'480);
  EXPECT_EQ(s.params_by_prefix.at("prompts_generator"), 6'303'232);
  EXPECT_EQ(s.params_by_prefix.at("logit_scale"), 1);
}

TEST(VlFamilies, LlavaNextAddsMistralDecoderAndImageNewline) {
  // Same vision tower and projector: the difference is the decoder (Mistral-7B vs Llama-2-7B)
  // and image_newline.
  const int64_t llava = Stats("llava", "llava-1.5-7b").params;
  const int64_t next = Stats("llava_next", "llava-v1.6-mistral-7b").params;
  EXPECT_EQ(next - llava, 7'242'256'384 + 4'096 - 6'738'939'904);
  // Removing the image_newline-free parts: the vision tower is CLIP ViT-L/14-336.
  const Family& f = FindFamily("llava");
  Config cfg = f.FindPreset("llava-1.5-7b").config;
  Config one_layer = cfg;
  one_layer.Override("vision_num_layers=23");
  one_layer.Override("vision_feature_layer=-1");
  EXPECT_EQ(Analyze(f, cfg, {}).params - Analyze(f, one_layer, {}).params, 12'596'224);
}

TEST(VlFamilies, XclipOutputShapes) {
  const Config cfg = FindFamily("xclip").FindPreset("tiny").config;
  Workload w;
  w.batch = 3;
  w.seq_len = 10;
  auto out = ForwardShapes("xclip", cfg, w);
  EXPECT_EQ(out.at("logits_per_video"), (std::vector<int64_t>{3, 3}));
  EXPECT_EQ(out.at("logits_per_text"), (std::vector<int64_t>{3, 3}));
}

TEST(VlFamilies, XclipInputsAreVideoAndTruncatedCaptions) {
  const Family& f = FindFamily("xclip");
  const Config cfg = f.FindPreset("xclip-base-patch32").config;
  Workload w;
  w.batch = 2;
  w.seq_len = 200;  // longer than the 77 positions
  auto in = f.InputsFor(cfg, w, Mode::kTraining);
  ASSERT_EQ(in.size(), 2u);
  EXPECT_EQ(ConcreteShape(in[0]), (std::vector<int64_t>{2, 8, 3, 224, 224}));
  EXPECT_EQ(in[0].kind, InputKind::kImage);
  EXPECT_EQ(ConcreteShape(in[1]), (std::vector<int64_t>{2, 77}));
  w.video_frames = 16;
  EXPECT_THROW(f.InputsFor(cfg, w, Mode::kInference), UsageError);
}

TEST(VlFamilies, LlavaLogitsCoverTextPositions) {
  for (auto name : {"llava", "llava_next"}) {
    const Config cfg = FindFamily(name).FindPreset("tiny").config;
    Workload w;
    w.batch = 2;
    w.seq_len = 5;
    auto out = ForwardShapes(name, cfg, w);
    EXPECT_EQ(out.at("logits"), (std::vector<int64_t>{2, 5, 512})) << name;
  }
}

TEST(VlFamilies, LlavaNextTilesTheImageIntoBaseViewPlusGrid) {
  const Family& f = FindFamily("llava_next");
  Config cfg = f.FindPreset("tiny").config;  // 28px views, patch 7 -> 4x4 features per view
  Workload w;
  auto in = f.InputsFor(cfg, w, Mode::kInference);
  EXPECT_EQ(ConcreteShape(in[0]), (std::vector<int64_t>{1, 3, 56, 56}));  // 2x2 pinpoint
  // A 1x3 pinpoint: a 28x84 image, base view + 3 tiles; the logits stay [B, S, V].
  cfg.Override("image_grid_rows=1");
  cfg.Override("image_grid_cols=3");
  in = f.InputsFor(cfg, w, Mode::kInference);
  EXPECT_EQ(ConcreteShape(in[0]), (std::vector<int64_t>{1, 3, 28, 84}));
  EXPECT_EQ(ForwardShapes("llava_next", cfg, w).at("logits"), (std::vector<int64_t>{1, 128, 512}));
  // Parameters do not depend on the grid.
  EXPECT_EQ(Analyze(f, cfg, w).params, Analyze(f, f.FindPreset("tiny").config, w).params);
}

// The decoder's sequence (the KV-cache length after prefill) is the image tokens + the prompt:
// llava: g^2 patches (g = 28 / 7 = 4); llava_next: g^2 base-view tokens + a (rows*g) x (cols*g)
// feature grid with one image_newline per row.
TEST(VlFamilies, PrefillCachesImageTokensThenPrompt) {
  struct Case {
    const char* family;
    int64_t rows, cols, image_tokens;
  };
  for (const auto& c : {Case{"llava", 0, 0, 16}, Case{"llava_next", 2, 2, 16 + 8 * (8 + 1)},
                        Case{"llava_next", 1, 3, 16 + 4 * (12 + 1)}}) {
    const Family& f = FindFamily(c.family);
    Config cfg = f.FindPreset("tiny").config;
    if (c.rows) {
      cfg.Override("image_grid_rows=" + std::to_string(c.rows));
      cfg.Override("image_grid_cols=" + std::to_string(c.cols));
    }
    Workload w;
    w.batch = 2;
    w.seq_len = 5;
    MetaOps ops;
    Inputs in;
    for (const auto& d : f.InputsFor(cfg, w, Mode::kInference))
      in.emplace(d.name, ops.Input(d.name, d.dtype, d.dims));
    DecodeState st;
    EXPECT_EQ(MetaOps::ShapeOf(f.Prefill(ops, cfg, in, st)), (std::vector<int64_t>{2, 5, 512}));
    EXPECT_EQ(st.length, c.image_tokens + 5) << c.family << " " << c.rows << "x" << c.cols;
    ASSERT_EQ(st.k.size(), 2u);
    EXPECT_EQ(MetaOps::ShapeOf(st.k[0])[2], c.image_tokens + 5);
    Tensor next = ops.Input("next", DType::kInt64, {Dim::Symbolic("batch", 2), Dim::Static(1)});
    EXPECT_EQ(MetaOps::ShapeOf(f.Decode(ops, cfg, next, st)), (std::vector<int64_t>{2, 1, 512}));
    EXPECT_EQ(st.length, c.image_tokens + 6);
  }
}

TEST(VlFamilies, TrainingAddsLabels) {
  for (auto name : {"llava", "llava_next"}) {
    const Family& f = FindFamily(name);
    auto in = f.InputsFor(f.FindPreset("tiny").config, {}, Mode::kTraining);
    ASSERT_EQ(in.size(), 3u) << name;
    EXPECT_EQ(in[2].name, "labels");
    EXPECT_GT(Stats(name, "tiny", Mode::kTraining).flops, Stats(name, "tiny").flops);
  }
  EXPECT_GT(Stats("xclip", "tiny", Mode::kTraining).flops, 0);
}

TEST(VlFamilies, BadConfigsAreUsageErrors) {
  const Family& f = FindFamily("llava_next");
  Config cfg = f.FindPreset("tiny").config;
  cfg.Override("image_size=30");  // not a multiple of the patch size 7
  EXPECT_THROW(Analyze(f, cfg, {}), UsageError);
  Config x = FindFamily("xclip").FindPreset("tiny").config;
  x.Override("mit_hidden_size=24");
  EXPECT_THROW(Analyze(FindFamily("xclip"), x, {}), UsageError);
}

}  // namespace
}  // namespace accelbench::models
