// The video and vision-language families (xclip, llava, llava_next) on the libtorch lowering:
// forward shapes in fp32 and bf16, the LLaVA prefill + KV-cache decode reproduces the full
// forward, a few training steps lower the loss, and a video/image of the wrong shape is a usage
// error naming the expected shape.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "backends/registry.h"
#include "backends/torch/torch_run.h"
#include "core/errors.h"
#include "host_tensor_util.h"
#include "models/family.h"
#include "models/inputs.h"
#include "models/weights.h"

namespace accelbench::models {
namespace {

using testing::HostInputs;
using testing::MaxAbs;
using testing::MaxAbsDiff;

bool AllFinite(const HostTensor& t) {
  return std::all_of(t.f.begin(), t.f.end(), [](float x) { return std::isfinite(x); });
}

HostInputs TinyInputs(const Family& f, int64_t batch, int64_t seq) {
  Workload w;
  w.batch = batch;
  w.seq_len = seq;
  return GenerateInputs(f.InputsFor(f.FindPreset("tiny").config, w, Mode::kInference), 11);
}

class VlForward : public ::testing::TestWithParam<Precision> {};

TEST_P(VlForward, OutputShapesAndFiniteValues) {
  for (auto name : {"llava", "llava_next"}) {
    const Family& f = FindFamily(name);
    const auto out =
        backends::RunForward(f, f.FindPreset("tiny").config, TinyInputs(f, 2, 6), GetParam());
    ASSERT_TRUE(out.contains("logits")) << name;
    EXPECT_EQ(out.at("logits").shape, (std::vector<int64_t>{2, 6, 512})) << name;
    EXPECT_TRUE(AllFinite(out.at("logits"))) << name;
  }
  const Family& x = FindFamily("xclip");
  const auto out =
      backends::RunForward(x, x.FindPreset("tiny").config, TinyInputs(x, 3, 7), GetParam());
  const HostTensor& v = out.at("logits_per_video");
  const HostTensor& t = out.at("logits_per_text");
  ASSERT_EQ(v.shape, (std::vector<int64_t>{3, 3}));
  ASSERT_EQ(t.shape, (std::vector<int64_t>{3, 3}));
  EXPECT_TRUE(AllFinite(v));
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) EXPECT_EQ(v.f[i * 3 + j], t.f[j * 3 + i]);
  // Cosine similarities scaled by exp(2.6592) = 14.28: |logit| <= 14.28.
  EXPECT_LE(MaxAbs(v.f), 14.29);
}

INSTANTIATE_TEST_SUITE_P(Precisions, VlForward,
                         ::testing::Values(Precision::kFp32, Precision::kBf16),
                         [](const auto& info) { return std::string(ToString(info.param)); });

// Tolerance (fp32): max |decode - forward| <= 1e-4 * max(1, max |forward|); both paths run the
// same ops, only the attention summation differs (cache vs causal mask).
TEST(VlKvCache, PrefillPlusDecodeMatchesFullForward) {
  for (auto name : {"llava", "llava_next"}) {
    const Family& f = FindFamily(name);
    const Config cfg = f.FindPreset("tiny").config;
    const HostInputs inputs = TinyInputs(f, 2, 7);
    const HostTensor full = backends::RunForward(f, cfg, inputs, Precision::kFp32).at("logits");
    for (int64_t prefix : {1, 4}) {
      const HostTensor step =
          backends::RunPrefillDecode(f, cfg, inputs, "input_ids", prefix, Precision::kFp32);
      EXPECT_LE(MaxAbsDiff(step, full), 1e-4 * std::max(1.0, MaxAbs(full.f)))
          << name << " prefix " << prefix;
      // Issue 13: the static KV cache (image tokens in its buffers, 2 spare positions masked).
      const HostTensor fixed = backends::RunPrefillDecode(f, cfg, inputs, "input_ids", prefix,
                                                          Precision::kFp32, "cpu", kDefaultSeed, 2);
      EXPECT_LE(MaxAbsDiff(fixed, full), 1e-4 * std::max(1.0, MaxAbs(full.f)))
          << name << " prefix " << prefix << " (static KV cache)";
    }
  }
}

TEST(VlKvCache, ImageChangesTheLogits) {
  // The image features really reach the decoder: another image, other logits.
  for (auto name : {"llava", "llava_next"}) {
    const Family& f = FindFamily(name);
    const Config cfg = f.FindPreset("tiny").config;
    HostInputs a = TinyInputs(f, 1, 4);
    HostInputs b = a;
    for (auto& v : b.at("pixel_values").f) v = -v;
    const auto la = backends::RunForward(f, cfg, a, Precision::kFp32).at("logits");
    const auto lb = backends::RunForward(f, cfg, b, Precision::kFp32).at("logits");
    EXPECT_GT(MaxAbsDiff(la, lb), 1e-4) << name;
  }
}

TEST(VlTraining, FewStepsLowerTheLoss) {
  for (auto name : {"xclip", "llava", "llava_next"}) {
    auto backend = backends::MakeBackend("libtorch");
    backends::LoadRequest req;
    req.family = name;
    req.preset = "tiny";
    req.config = FindFamily(name).FindPreset("tiny").config;
    req.mode = Mode::kTraining;
    req.workload.batch = 2;
    req.workload.seq_len = 6;
    backend->Load(req);
    backend->Step();
    const float first = backend->LastOutput().at(0);
    float last = first;
    for (int i = 0; i < 5; ++i) {
      backend->Step();
      last = backend->LastOutput().at(0);
    }
    EXPECT_TRUE(std::isfinite(first)) << name;
    EXPECT_LT(last, first) << name;
  }
}

TEST(VlBadInput, WrongImageShapeNamesTheExpectedShape) {
  struct Case {
    const char* family;
    std::vector<int64_t> bad;
    const char* expected;
  };
  for (const auto& c : {Case{"xclip", {1, 3, 4, 32, 32}, "[batch, 4, 3, 32, 32]"},
                        Case{"llava", {1, 3, 32, 32}, "[batch, 3, 28, 28]"},
                        Case{"llava_next", {1, 3, 28, 28}, "[batch, 3, 56, 56]"}}) {
    const Family& f = FindFamily(c.family);
    HostInputs in = TinyInputs(f, 1, 4);
    HostTensor& px = in.at("pixel_values");
    px.shape = c.bad;
    px.f.assign(Numel(c.bad), 0.5f);
    try {
      backends::RunForward(f, f.FindPreset("tiny").config, in, Precision::kFp32);
      ADD_FAILURE() << c.family << ": no error";
    } catch (const UsageError& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("pixel_values"), std::string::npos) << msg;
      EXPECT_NE(msg.find(c.expected), std::string::npos) << msg;
    }
  }
}

}  // namespace
}  // namespace accelbench::models
