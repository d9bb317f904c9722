// The libtorch quantized lowering through the Backend interface (issue 11): int8 / int4 runs
// measure their deviation from fp32, 4-bit LLM weight bytes vs fp16, KV-cache precision, and the
// "unsupported: <why>" refusals. Deviation bounds are accuracy checks, never timings.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "backends/registry.h"
#include "backends/torch/torch_quant.h"
#include "core/errors.h"
#include "models/family.h"

namespace accelbench {
namespace {

struct Loaded {
  std::unique_ptr<backends::Backend> b;
  backends::RuntimeFacts facts;
  double Field(const std::string& k) const {
    auto it = facts.result_fields.find(k);
    if (it == facts.result_fields.end()) ADD_FAILURE() << "missing field " << k;
    return it == facts.result_fields.end() ? NAN : it->second;
  }
  bool Has(const std::string& k) const { return facts.result_fields.count(k) > 0; }
};

Loaded Load(const std::string& family, Precision p, Mode mode = Mode::kInference,
            std::map<std::string, std::string> options = {}, int64_t seq = 16,
            std::map<std::string, int64_t> sets = {}) {
  backends::LoadRequest req;
  req.family = family;
  req.preset = "tiny";
  req.config = models::FindFamily(family).FindPreset("tiny").config;
  for (const auto& [k, v] : sets) req.config.Set(k, v);
  req.precision = p;
  req.mode = mode;
  req.workload.batch = 2;
  req.workload.seq_len = seq;
  req.workload.decode_tokens = 8;
  req.options = std::move(options);
  Loaded l{backends::MakeBackend("libtorch"), {}};
  l.b->Load(req);
  l.facts = l.b->Facts();
  return l;
}

TEST(TorchQuant, BertInt8AndInt4DeviationBounds) {
  const auto fp32 = Load("bert", Precision::kFp32);
  EXPECT_FALSE(fp32.Has("output_rel_dev"));  // nothing to compare against
  const double fp32_bytes = fp32.Field("weight_bytes");
  for (Precision p : {Precision::kInt8, Precision::kInt4}) {
    const auto q = Load("bert", p);
    const double rel = q.Field("output_rel_dev");
    EXPECT_GT(rel, 0) << ToString(p) << ": a quantized run cannot be bit-identical to fp32";
    EXPECT_LT(rel, p == Precision::kInt8 ? 0.05 : 0.25) << ToString(p);
    EXPECT_LT(q.Field("weight_bytes"), fp32_bytes * (p == Precision::kInt8 ? 0.3 : 0.2));
    EXPECT_EQ(q.facts.details.at("precision_plan"), "default=" + std::string(ToString(p)));
    q.b->Step();  // the timed path runs the quantized weights
    const auto out = q.b->LastOutput();
    ASSERT_FALSE(out.empty());
    for (float v : out) ASSERT_TRUE(std::isfinite(v));
  }
}

TEST(TorchQuant, LlmInt4WeightBytesVsFp16) {
  // Tiny depth, LLM-like widths (hidden 256, vocab 4096): norms and biases are a realistic share.
  const std::map<std::string, int64_t> wide{
      {"hidden_size", 256}, {"intermediate_size", 512}, {"vocab_size", 4096}};
  for (const char* fam : {"llama", "qwen2"}) {
    const auto fp32 = Load(fam, Precision::kFp32, Mode::kInference, {}, 16, wide);
    const double fp16_bytes = fp32.Field("weight_bytes") / 2;  // same parameters, 2 B each
    const auto q = Load(fam, Precision::kInt4, Mode::kInference, {{"int4_group", "64"}}, 16, wide);
    const double ratio = q.Field("weight_bytes") / fp16_bytes;
    // 4-bit values + one fp16 scale per 64 weights = 4.25 bits = 26.6% of fp16 for every
    // quantized matrix; the remaining norms / biases stay fp32. A format with any per-group scale
    // cannot reach 25.0% (see README: the exact ratio is (4 + 16 / group) / 16).
    EXPECT_LE(ratio, (4.0 + 16.0 / 64) / 16 + 0.005) << fam;
    EXPECT_GT(ratio, 0.25) << fam;
    const auto q128 =
        Load(fam, Precision::kInt4, Mode::kInference, {{"int4_group", "128"}}, 16, wide);
    EXPECT_LT(q128.Field("weight_bytes"), q.Field("weight_bytes")) << fam;
    EXPECT_LE(q128.Field("weight_bytes") / fp16_bytes, (4.0 + 16.0 / 128) / 16 + 0.005) << fam;
    // Per output channel: one scale per row (256 or 512 columns here), the smallest scale share.
    const auto ch =
        Load(fam, Precision::kInt4, Mode::kInference, {{"int4_group", "channel"}}, 16, wide);
    EXPECT_LT(ch.Field("weight_bytes"), q128.Field("weight_bytes")) << fam;
    EXPECT_GT(ch.Field("weight_bytes") / fp16_bytes, 0.25) << fam;
    EXPECT_EQ(ch.facts.details.at("int4_group_size"), "channel") << fam;
    EXPECT_GT(ch.Field("output_rel_dev"), 0) << fam;
    // LLM quality fields on the fixed synthetic sequence.
    const double top1 = q.Field("top1_agreement");
    EXPECT_GE(top1, 0);
    EXPECT_LE(top1, 1);
    EXPECT_TRUE(q.Has("ppl_delta"));
    EXPECT_GT(q.Field("ppl_fp32"), 1);
  }
}

TEST(TorchQuant, KvCacheInt4MemoryPerTokenAndAgreement) {
  const auto cfg = models::FindFamily("llama").FindPreset("tiny").config;
  const int64_t layers = cfg.Int("num_layers"), kv_heads = cfg.Int("num_kv_heads"),
                d = cfg.Int("hidden_size") / cfg.Int("num_heads");
  std::map<std::string, double> per_token;
  for (const char* kv : {"fp16", "int8", "int4"}) {
    const auto l = Load("llama", Precision::kFp32, Mode::kDecode,
                        {{"kv_cache", kv}, {"memory_budget", "1MiB"}});
    per_token[kv] = l.Field("kv_bytes_per_token");
    EXPECT_GE(l.Field("kv_top1_agreement"), std::string(kv) == "fp16" ? 1.0 : 0.5) << kv;
    EXPECT_LT(l.Field("kv_rel_dev"), std::string(kv) == "int4" ? 0.2 : 0.02) << kv;
    EXPECT_GT(l.Field("max_context_tokens"), 0) << kv;
    l.b->Step();  // a timed decode step with this cache
  }
  // Exact layouts: K and V per layer, per KV head: D values + one fp16 scale (int8/int4).
  EXPECT_EQ(per_token["fp16"], 2.0 * layers * kv_heads * d * 2);
  EXPECT_EQ(per_token["int8"], 2.0 * layers * kv_heads * (d + 2));
  EXPECT_EQ(per_token["int4"], 2.0 * layers * kv_heads * (d / 2 + 2));
  EXPECT_NEAR(per_token["fp16"] / per_token["int4"], 2.0 * d / (d / 2.0 + 2), 1e-12);
  // Per-head scales (fixed at prefill): only the nibbles grow with the context -> exactly 4x.
  const auto head = Load("llama", Precision::kFp32, Mode::kDecode,
                         {{"kv_cache", "int4"}, {"kv_scales", "head"}, {"memory_budget", "1MiB"}});
  EXPECT_EQ(head.Field("kv_bytes_per_token"), 2.0 * layers * kv_heads * d / 2);
  EXPECT_EQ(per_token["fp16"] / head.Field("kv_bytes_per_token"), 4.0);
  EXPECT_LT(head.Field("kv_rel_dev"), 0.5);
  EXPECT_THROW(
      Load("llama", Precision::kFp32, Mode::kDecode, {{"kv_cache", "fp16"}, {"kv_scales", "head"}}),
      UsageError);
}

// LLaVA and LLaVA-Next decode through the same Llama decoder stack: their language model's KV
// cache takes the same fp16 / int8 / int4 codecs (per-token and per-head scales); the image
// tokens of the prefill are in the cache too.
TEST(TorchQuant, LlavaKvCachePrecisions) {
  for (const char* fam : {"llava", "llava_next"}) {
    const auto cfg = models::FindFamily(fam).FindPreset("tiny").config;
    const int64_t layers = cfg.Int("num_layers"), kv_heads = cfg.Int("num_kv_heads"),
                  d = cfg.Int("hidden_size") / cfg.Int("num_heads");
    std::map<std::string, double> per_token, context;
    for (const char* kv : {"fp16", "int8", "int4"}) {
      const auto l =
          Load(fam, Precision::kFp32, Mode::kDecode, {{"kv_cache", kv}, {"memory_budget", "4MiB"}});
      per_token[kv] = l.Field("kv_bytes_per_token");
      context[kv] = l.Field("max_context_tokens");
      EXPECT_GE(l.Field("kv_top1_agreement"), std::string(kv) == "fp16" ? 1.0 : 0.5)
          << fam << " " << kv;
      EXPECT_LT(l.Field("kv_rel_dev"), std::string(kv) == "int4" ? 0.2 : 0.02) << fam << " " << kv;
      l.b->Step();  // a timed decode step with this cache
      for (float v : l.b->LastOutput()) ASSERT_TRUE(std::isfinite(v)) << fam << " " << kv;
    }
    EXPECT_EQ(per_token["fp16"], 2.0 * layers * kv_heads * d * 2) << fam;
    EXPECT_EQ(per_token["int8"], 2.0 * layers * kv_heads * (d + 2)) << fam;
    EXPECT_EQ(per_token["int4"], 2.0 * layers * kv_heads * (d / 2 + 2)) << fam;
    EXPECT_GT(context["int4"], context["int8"]) << fam;
    EXPECT_GT(context["int8"], context["fp16"]) << fam;
    const auto head =
        Load(fam, Precision::kFp32, Mode::kDecode, {{"kv_cache", "int4"}, {"kv_scales", "head"}});
    EXPECT_EQ(per_token["fp16"] / head.Field("kv_bytes_per_token"), 4.0) << fam;
    EXPECT_LT(head.Field("kv_rel_dev"), 0.5) << fam;
    // int4 weights and an int8 cache together (the language model's linears quantized too).
    const auto both = Load(fam, Precision::kInt4, Mode::kDecode, {{"kv_cache", "int8"}});
    EXPECT_GT(both.Field("output_rel_dev"), 0) << fam;
    EXPECT_EQ(both.Field("kv_bytes_per_token"), per_token["int8"]) << fam;
  }
}

TEST(TorchQuant, UnsupportedIsSaidNeverSilent) {
  try {
    Load("bert", Precision::kInt8, Mode::kTraining);
    FAIL() << "int8 training must be refused";
  } catch (const UnsupportedError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("unsupported: ", 0), 0u) << e.what();
  }
  EXPECT_THROW(Load("llama", Precision::kFp32, Mode::kInference, {{"kv_cache", "int4"}}),
               UsageError);
  EXPECT_THROW(Load("llama", Precision::kFp32, Mode::kDecode, {{"kv_cache", "int3"}}), UsageError);
  EXPECT_THROW(Load("bert", Precision::kInt4, Mode::kInference, {{"int4_group", "7"}}), UsageError);
  EXPECT_THROW(Load("bert", Precision::kInt4, Mode::kInference, {{"int4_group", "row"}}),
               UsageError);
  // A plan whose lowest precision differs from the run's label is refused, not relabelled.
  EXPECT_THROW(Load("bert", Precision::kInt8, Mode::kInference, {{"precision_plan", "mlp=int4"}}),
               UsageError);
  const auto mixed = Load("bert", Precision::kInt4, Mode::kInference,
                          {{"precision_plan", "attention=int8,mlp=int4"}});
  EXPECT_GT(mixed.Field("output_rel_dev"), 0);
}

// int8 on CUDA: at::_int_mm where the libtorch has it (torch >= 2.1); Debian's 1.13 says why not.
// No GPU is needed: the refusal comes before any tensor touches the device.
TEST(TorchQuant, CudaInt8RefusedWithReasonOnThisLibtorch) {
  const c10::Device cuda(c10::kCUDA, 0);
  const auto why = backends::torch_backend::CudaInt8Unsupported(cuda);
  if (TORCH_VERSION_MAJOR < 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR < 1)) {
    ASSERT_TRUE(why.has_value());
    EXPECT_NE(why->find("at::_int_mm"), std::string::npos) << *why;
  } else if (!at::hasCUDA()) {
    ASSERT_TRUE(why.has_value());
  }
  if (!why) GTEST_SKIP() << "this libtorch runs CUDA int8 (at::_int_mm): nothing to refuse";
  backends::torch_backend::QuantTorchOps ops(cuda, 1,
                                             quant::PrecisionPlan::Uniform(Precision::kInt8),
                                             backends::torch_backend::KvPrecision::kCompute);
  try {
    ops.Quantize();
    FAIL() << "int8 on cuda:0 must be refused on this libtorch";
  } catch (const UnsupportedError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.rfind("unsupported: int8 on cuda:0: ", 0), 0u) << msg;
    EXPECT_NE(msg.find(*why), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace accelbench
