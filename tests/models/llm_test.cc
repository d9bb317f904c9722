// The generative families (llama, qwen2, t5, whisper) on the shapes-only lowering: exact Hugging
// Face parameter counts from the config alone, output shapes, inputs per mode, config checks.
#include <gtest/gtest.h>

#include "core/errors.h"
#include "models/family.h"
#include "models/lowering/meta_ops.h"

namespace accelbench::models {
namespace {

ModelStats Stats(std::string_view family, std::string_view preset, Mode mode = Mode::kInference,
                 Workload w = {}) {
  const Family& f = FindFamily(family);
  return Analyze(f, f.FindPreset(preset).config, w, mode);
}

TEST(LlmFamilies, ReferenceParameterCountsMatchHuggingFace) {
  EXPECT_EQ(Stats("llama", "tinyllama-1.1b").params, 1'100'048'384);
  EXPECT_EQ(Stats("qwen2", "qwen2-0.5b").params, 494'032'768);
  EXPECT_EQ(Stats("t5", "t5-small").params, 60'506'624);
  EXPECT_EQ(Stats("whisper", "whisper-tiny").params, 37'760'640);
}

TEST(LlmFamilies, ReferencePresetIsMarked) {
  EXPECT_EQ(FindFamily("llama").ReferencePreset().name, "tinyllama-1.1b");
  EXPECT_EQ(FindFamily("qwen2").ReferencePreset().name, "qwen2-0.5b");
  EXPECT_EQ(FindFamily("t5").ReferencePreset().name, "t5-small");
  EXPECT_EQ(FindFamily("whisper").ReferencePreset().name, "whisper-tiny");
  for (auto name : {"llama", "qwen2", "t5", "whisper"}) {
    EXPECT_TRUE(FindFamily(name).Info().generative) << name;
    EXPECT_NO_THROW(FindFamily(name).FindPreset("tiny")) << name;
  }
}

TEST(LlmFamilies, T5PartsAddUp) {
  // The hand arithmetic in t5.cc: embeddings + encoder + decoder.
  auto s = Stats("t5", "t5-small");
  EXPECT_EQ(s.params_by_prefix.at("shared"), 16'449'536);
  EXPECT_EQ(s.params_by_prefix.at("encoder"), 18'881'280);
  EXPECT_EQ(s.params_by_prefix.at("decoder"), 25'175'808);
}

TEST(LlmFamilies, GroupedQueryAttentionShrinksKeyValueProjections) {
  // llama tiny: hidden 64, 4 heads of 16. With 2 KV heads, k_proj and v_proj are [32, 64]
  // instead of [64, 64]: 2 layers x 2 projections x 32 x 64 fewer parameters than MHA.
  const Family& f = FindFamily("llama");
  Config gqa = f.FindPreset("tiny").config;
  Config mha = gqa;
  mha.Override("num_kv_heads=4");
  const int64_t diff = Analyze(f, mha, {}).params - Analyze(f, gqa, {}).params;
  EXPECT_EQ(diff, 2 * 2 * 32 * 64);
}

TEST(LlmFamilies, TiedHeadsCountOnce) {
  // qwen2 ties lm_head to embed_tokens; untying adds exactly vocab x hidden parameters.
  const Family& f = FindFamily("qwen2");
  Config tied = f.FindPreset("tiny").config;
  Config untied = tied;
  untied.Override("tie_word_embeddings=false");
  EXPECT_EQ(Analyze(f, untied, {}).params - Analyze(f, tied, {}).params, 512 * 64);
}

struct ShapeCase {
  const char* family;
  std::vector<int64_t> logits;  // for batch 2, seq 8
};

void PrintTo(const ShapeCase& c, std::ostream* os) { *os << c.family; }

class LlmShapes : public ::testing::TestWithParam<ShapeCase> {};

TEST_P(LlmShapes, ForwardLogitsShape) {
  const Family& f = FindFamily(GetParam().family);
  const Config cfg = f.FindPreset("tiny").config;
  Workload w;
  w.batch = 2;
  w.seq_len = 8;
  MetaOps ops;
  Inputs in;
  for (const auto& d : f.InputsFor(cfg, w, Mode::kInference))
    in.emplace(d.name, ops.Input(d.name, d.dtype, d.dims));
  Outputs out = f.Forward(ops, cfg, in);
  ASSERT_TRUE(out.contains("logits"));
  EXPECT_EQ(MetaOps::ShapeOf(out.at("logits")), GetParam().logits);
}

TEST_P(LlmShapes, TrainingAddsLabels) {
  const Family& f = FindFamily(GetParam().family);
  const Config cfg = f.FindPreset("tiny").config;
  auto has_labels = [&](Mode m) {
    for (const auto& d : f.InputsFor(cfg, {}, m))
      if (d.name == "labels") return d.kind == InputKind::kLabels;
    return false;
  };
  EXPECT_TRUE(has_labels(Mode::kTraining));
  EXPECT_FALSE(has_labels(Mode::kInference));
  EXPECT_GT(Analyze(f, cfg, {}, Mode::kTraining).flops, 0);
}

INSTANTIATE_TEST_SUITE_P(All, LlmShapes,
                         ::testing::Values(ShapeCase{"llama", {2, 8, 512}},
                                           ShapeCase{"qwen2", {2, 8, 512}},
                                           ShapeCase{"t5", {2, 8, 512}},
                                           ShapeCase{"whisper", {2, 8, 512}}),
                         [](const auto& info) { return std::string(info.param.family); });

TEST_P(LlmShapes, DecodeStepCostsFarLessThanPrefill) {
  // With the KV cache, one decode step processes one token: for a 64-token prompt its FLOPs are
  // a small fraction of the prefill's (t5/whisper prefill also run the encoder).
  const Family& f = FindFamily(GetParam().family);
  const Config cfg = f.FindPreset("tiny").config;
  Workload w;
  w.seq_len = 64;
  const double prefill = Analyze(f, cfg, w, Mode::kPrefill).flops;
  const double decode = Analyze(f, cfg, w, Mode::kDecode).flops;
  EXPECT_GT(decode, 0);
  EXPECT_LT(decode * 16, prefill);
}

TEST_P(LlmShapes, DecodeBeforePrefillIsAnError) {
  const Family& f = FindFamily(GetParam().family);
  MetaOps ops;
  DecodeState st;
  Tensor ids = ops.Input("ids", DType::kInt64, {Dim::Static(1), Dim::Static(1)});
  EXPECT_THROW(f.Decode(ops, f.FindPreset("tiny").config, ids, st), RuntimeError);
}

TEST_P(LlmShapes, PrefillAndDecodeTakeTheInferenceInputs) {
  // Backends build prefill/decode inputs from the inference descriptions; Analyze uses the
  // mode's own. They must agree so counted FLOPs describe the measured work.
  const Family& f = FindFamily(GetParam().family);
  const Config cfg = f.FindPreset("tiny").config;
  Workload w;
  w.seq_len = 20;
  auto sizes = [&](Mode m) {
    std::vector<std::pair<std::string, std::vector<int64_t>>> v;
    for (const auto& d : f.InputsFor(cfg, w, m)) {
      std::vector<int64_t> s;
      for (const auto& dim : d.dims) s.push_back(dim.size);
      v.emplace_back(d.name, s);
    }
    return v;
  };
  EXPECT_EQ(sizes(Mode::kPrefill), sizes(Mode::kInference));
  EXPECT_EQ(sizes(Mode::kDecode), sizes(Mode::kInference));
}

TEST(LlmFamilies, WhisperFeaturesCoverTwiceTheEncoderPositions) {
  const Family& f = FindFamily("whisper");
  auto descs = f.InputsFor(f.ReferencePreset().config, {}, Mode::kInference);
  ASSERT_EQ(descs.front().name, "input_features");
  EXPECT_EQ(descs.front().dims[1].size, 80);
  EXPECT_EQ(descs.front().dims[2].size, 3000);  // 30 s of 10 ms hops
}

TEST(LlmFamilies, WhisperRejectsMoreTokensThanItsPositions) {
  const Family& f = FindFamily("whisper");
  Workload w;
  w.seq_len = 440;
  w.decode_tokens = 32;
  EXPECT_NO_THROW(f.InputsFor(f.ReferencePreset().config, w, Mode::kInference));
  EXPECT_THROW(f.InputsFor(f.ReferencePreset().config, w, Mode::kDecode), UsageError);
}

TEST(LlmFamilies, InconsistentHeadsAreUsageErrors) {
  const Family& f = FindFamily("llama");
  Config cfg = f.FindPreset("tiny").config;
  cfg.Override("num_kv_heads=3");  // 4 heads are not a multiple of 3 KV heads
  EXPECT_THROW(Analyze(f, cfg, {}), UsageError);
  cfg = f.FindPreset("tiny").config;
  cfg.Override("num_heads=5");  // hidden 64 is not divisible by 5
  EXPECT_THROW(f.InputsFor(cfg, {}, Mode::kInference), UsageError);
}

TEST(LlmFamilies, AnyFieldCanBeOverridden) {
  const Family& f = FindFamily("llama");
  Config cfg = f.FindPreset("tiny").config;
  const int64_t before = Analyze(f, cfg, {}).params;
  cfg.Override("num_layers=3");
  // One more layer of tiny llama: q,o 2*64*64 + k,v 2*32*64 + MLP 3*64*128 + 2 norms 2*64.
  EXPECT_EQ(Analyze(f, cfg, {}).params - before, 2 * 64 * 64 + 2 * 32 * 64 + 3 * 64 * 128 + 128);
}

}  // namespace
}  // namespace accelbench::models
