// The generative families on the libtorch lowering (through the torch-free torch_run.h):
// prefill + token-by-token decode with the KV cache reproduces the full forward's logits,
// grouped-query attention maps query heads to KV heads as Hugging Face's repeat_kv does, and the
// T5 relative position buckets equal known values of HF's _relative_position_bucket.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "backends/torch/torch_run.h"
#include "host_tensor_util.h"
#include "models/family.h"
#include "models/inputs.h"

namespace accelbench::models {
namespace {

using testing::HostInputs;
using testing::MaxAbs;
using testing::MaxAbsDiff;

struct DecodeCase {
  const char* family;
  const char* ids_input;  // the input decoded along
};

void PrintTo(const DecodeCase& c, std::ostream* os) { *os << c.family; }

class KvCacheDecode : public ::testing::TestWithParam<DecodeCase> {};

// Tolerance (fp32): max |decode - forward| <= 1e-5 * max(1, max |forward|). Both paths run the
// same ops in the same precision; only the attention shapes differ (a cache vs. a causal mask),
// so differences are rounding-level: measured 2e-7 (llama, qwen2, whisper) and 1.5e-6 (t5, whose
// logits reach 5.7) on Debian's libtorch 1.13 CPU. Decoding without the rotary offset gives 6e-3.
// Issue 13: the same with the static KV cache (spare >= 0: preallocated buffers, position on the
// device, attention masked past each query); with spare positions the unused zeros of the buffer
// must be masked out (unmasked, they change the softmax). spare -1: the concatenating cache.
TEST_P(KvCacheDecode, MatchesFullForwardLogits) {
  const Family& f = FindFamily(GetParam().family);
  const Config cfg = f.FindPreset("tiny").config;
  Workload w;
  w.batch = 2;
  w.seq_len = 9;
  const HostInputs inputs = GenerateInputs(f.InputsFor(cfg, w, Mode::kInference), 7);
  const HostTensor full = backends::RunForward(f, cfg, inputs, Precision::kFp32).at("logits");
  ASSERT_EQ(full.shape, (std::vector<int64_t>{2, 9, cfg.Int("vocab_size")}));
  const double tol = 1e-5 * std::max(1.0, MaxAbs(full.f));
  for (int64_t spare : {-1, 0, 3})
    for (int64_t prefix : {1, 4}) {
      const HostTensor step =
          backends::RunPrefillDecode(f, cfg, inputs, GetParam().ids_input, prefix, Precision::kFp32,
                                     "cpu", kDefaultSeed, spare);
      EXPECT_LE(MaxAbsDiff(step, full), tol) << "prefix " << prefix << " spare " << spare;
    }
}

INSTANTIATE_TEST_SUITE_P(All, KvCacheDecode,
                         ::testing::Values(DecodeCase{"llama", "input_ids"},
                                           DecodeCase{"qwen2", "input_ids"},
                                           DecodeCase{"t5", "decoder_input_ids"},
                                           DecodeCase{"whisper", "decoder_input_ids"}),
                         [](const auto& info) { return std::string(info.param.family); });

// A probe family: runs one facade op on given inputs, so a test can check a lowering's op against
// independently computed values through RunForward.
class Probe final : public Family {
 public:
  using Body = std::function<Outputs(Ops&, const Inputs&)>;
  Probe(std::vector<InputDesc> inputs, Body body)
      : inputs_(std::move(inputs)), body_(std::move(body)) {}
  const FamilyInfo& Info() const override { return info_; }
  std::vector<Preset> Presets() const override { return {{"tiny", "", Config{}, true}}; }
  std::vector<InputDesc> InputsFor(const Config&, const Workload&, Mode) const override {
    return inputs_;
  }
  Outputs Forward(Ops& ops, const Config&, const Inputs& in) const override {
    return body_(ops, in);
  }
  Tensor TrainingLoss(Ops&, const Config&, const Inputs&) const override { return {}; }

 private:
  FamilyInfo info_{"probe", "", Modality::kText, Architecture::kDecoder, false, ""};
  std::vector<InputDesc> inputs_;
  Body body_;
};

InputDesc FloatInput(const std::string& name, std::vector<int64_t> shape) {
  InputDesc d;
  d.name = name;
  for (auto s : shape) d.dims.push_back(Dim::Static(s));
  return d;
}

// Grouped-query attention: query head h must attend with KV head h / (H / Hkv) (HF repeat_kv,
// i.e. repeat_interleave), not h % Hkv. Compare against the same attention with the KV heads
// repeated explicitly.
TEST(GroupedQueryAttention, MatchesExplicitlyRepeatedHeads) {
  Probe probe(
      {FloatInput("q", {1, 4, 5, 8}), FloatInput("k", {1, 2, 5, 8}), FloatInput("v", {1, 2, 5, 8})},
      [](Ops& ops, const Inputs& in) {
        const Tensor &q = in.at("q"), &k = in.at("k"), &v = in.at("v");
        auto repeat = [&](const Tensor& x) {
          Tensor h0 = ops.Slice(x, 1, 0, 1), h1 = ops.Slice(x, 1, 1, 2);
          return ops.Concat({h0, h0, h1, h1}, 1);
        };
        AttentionOptions opt;
        opt.causal = true;
        return Outputs{
            {"gqa", ops.Attention(q, k, v, opt)},
            {"mha", ops.Attention(q, repeat(k), repeat(v), opt)},
            {"tiled", ops.Attention(q, ops.Concat({k, k}, 1), ops.Concat({v, v}, 1), opt)}};
      });
  const auto out = backends::RunForward(
      probe, Config{}, GenerateInputs(probe.InputsFor({}, {}, Mode::kInference), 3),
      Precision::kFp32);
  EXPECT_LE(MaxAbsDiff(out.at("gqa"), out.at("mha")), 1e-6);
  // Guard against a test that cannot fail: the wrong (tiled) grouping gives different values.
  EXPECT_GT(MaxAbsDiff(out.at("gqa"), out.at("tiled")), 1e-3);
}

// The bucket of relative position rel = k - q: RelativePositionBias with a table whose row b is
// the number b returns the bucket ids. One query at position 250 against keys 0..500 gives
// rel = -250..250 at key index 250 + rel.
std::vector<float> Buckets(bool bidirectional) {
  constexpr int64_t kBuckets = 32, kKeys = 501, kQueryPos = 250;
  Probe probe({FloatInput("q", {1, 1, 1, 1}), FloatInput("k", {1, 1, kKeys, 1})},
              [&](Ops& ops, const Inputs& in) {
                std::vector<float> ids(kBuckets);
                for (int64_t b = 0; b < kBuckets; ++b) ids[b] = static_cast<float>(b);
                Tensor table = ops.Constant("table", {kBuckets, 1}, ids);
                RelativePositionBucketOptions opt{bidirectional, kBuckets, 128};
                return Outputs{{"bias", ops.RelativePositionBias(table, in.at("q"), in.at("k"),
                                                                 kQueryPos, opt)}};
              });
  const auto out = backends::RunForward(
      probe, Config{}, GenerateInputs(probe.InputsFor({}, {}, Mode::kInference), 1),
      Precision::kFp32);
  const HostTensor& bias = out.at("bias");
  EXPECT_EQ(bias.shape, (std::vector<int64_t>{1, 1, 1, kKeys}));
  return bias.f;
}

float BucketOf(const std::vector<float>& row, int64_t rel) { return row.at(250 + rel); }

// Expected values by hand from HF's formula (num_buckets 32, max_distance 128):
//   bidirectional: n = 16, max_exact = 8, +16 when rel > 0, then on |rel|:
//     |rel| < 8 -> |rel|; else 8 + floor(ln(|rel|/8) / ln(128/8) * 8), capped at 15.
//     rel -12: ln(1.5)/ln(16)*8 = 1.17 -> 9;   rel +20: ln(2.5)/ln(16)*8 = 2.64 -> 16+10 = 26
//     rel -100: ln(12.5)/ln(16)*8 = 7.29 -> 15; rel -200: 9.29 -> 17, capped -> 15; +200 -> 31
//   causal: n = 32, max_exact = 16, r = max(-rel, 0):
//     r < 16 -> r; else 16 + floor(ln(r/16) / ln(128/16) * 16), capped at 31.
//     rel -20: ln(1.25)/ln(8)*16 = 1.72 -> 17;  rel -40: ln(2.5)/ln(8)*16 = 7.05 -> 23
//     rel -100: ln(6.25)/ln(8)*16 = 14.10 -> 30; rel -127: 15.94 -> 31; rel -250 -> capped 31
TEST(T5RelativePositionBuckets, BidirectionalMatchesHuggingFaceFormula) {
  const auto row = Buckets(true);
  const std::vector<std::pair<int64_t, float>> expected{
      {0, 0},   {1, 17},  {-1, 1},    {-7, 7},    {7, 23},   {-8, 8},
      {-12, 9}, {20, 26}, {-100, 15}, {-200, 15}, {200, 31}, {250, 31}};
  for (auto [rel, bucket] : expected) EXPECT_EQ(BucketOf(row, rel), bucket) << "rel " << rel;
}

TEST(T5RelativePositionBuckets, CausalMatchesHuggingFaceFormula) {
  const auto row = Buckets(false);
  const std::vector<std::pair<int64_t, float>> expected{
      {5, 0},    {0, 0},     {-3, 3},    {-15, 15},  {-20, 17},
      {-40, 23}, {-100, 30}, {-127, 31}, {-250, 31}, {250, 0}};
  for (auto [rel, bucket] : expected) EXPECT_EQ(BucketOf(row, rel), bucket) << "rel " << rel;
}

}  // namespace
}  // namespace accelbench::models
