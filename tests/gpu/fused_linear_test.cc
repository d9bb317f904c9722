// Issue 13: `fuse_linear` -- projections reading one tensor run as one linear over the
// concatenated weights (TorchOps::FuseLinearGroups). On the CPU here: every family's output is
// the unfused one, fewer linear kernels run, the parameters are views (no second copy), decode
// is unchanged, and where fusion does not apply the reason is recorded.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "aten_call_count.h"
#include "backends/registry.h"
#include "models/family.h"
#include "tiny_request.h"

namespace accelbench {
namespace {

backends::LoadRequest Request(const std::string& family, const std::string& fuse,
                              Mode mode = Mode::kInference,
                              std::map<std::string, std::string> more = {}) {
  more["fuse_linear"] = fuse;
  return test::TinyRequest(family, "cpu", std::move(more), mode);
}

// max |a - b| / max(1, max |a|).
double RelDiff(const std::vector<float>& a, const std::vector<float>& b) {
  EXPECT_EQ(a.size(), b.size());
  double worst = 0, scale = 1;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    worst = std::max(worst, static_cast<double>(std::abs(a[i] - b[i])));
    scale = std::max(scale, static_cast<double>(std::abs(a[i])));
  }
  return worst / scale;
}

using testing::CountCalls;

std::vector<std::string> FamilyNames() {
  std::vector<std::string> out;
  for (const auto& f : models::AllFamilies()) out.push_back(f->Info().name);
  return out;
}

class FusedLinear : public ::testing::TestWithParam<std::string> {};

// Same output as the unfused forward (the same dot products, one wider multiply), and the
// parameters take the same bytes (views of the concatenation, not a second copy).
TEST_P(FusedLinear, InferenceOutputEqualsUnfused) {
  auto off = backends::MakeBackend("libtorch");
  off->Load(Request(GetParam(), "off"));
  auto on = backends::MakeBackend("libtorch");
  on->Load(Request(GetParam(), "on"));
  off->Step();
  on->Step();
  const auto a = off->LastOutput(), b = on->LastOutput();
  ASSERT_FALSE(a.empty());
  EXPECT_LT(RelDiff(a, b), 1e-5);
  const auto facts = on->Facts();
  EXPECT_EQ(off->Facts().details.at("fuse_linear"), "off");
  EXPECT_EQ(facts.details.at("fuse_linear").rfind("on (", 0), 0u)
      << facts.details.at("fuse_linear");
  EXPECT_EQ(facts.result_fields.at("weight_bytes"), off->Facts().result_fields.at("weight_bytes"));
}

INSTANTIATE_TEST_SUITE_P(All, FusedLinear, ::testing::ValuesIn(FamilyNames()),
                         [](const auto& info) { return info.param; });

// BERT: q/k/v of each layer in one linear (2 fewer per layer); LLaMA prefill: q/k/v and gate/up
// (3 fewer per layer). Counted as aten::linear calls of one step.
TEST(FusedLinearCount, FewerLinearKernelsPerLayer) {
  auto linears = [](const std::string& family, Mode mode, const std::string& fuse) {
    auto b = backends::MakeBackend("libtorch");
    b->Load(Request(family, fuse, mode));
    return CountCalls("aten::linear", [&] { b->Step(); });
  };
  const int64_t bert_layers =
      models::FindFamily("bert").FindPreset("tiny").config.Int("num_layers");
  EXPECT_EQ(linears("bert", Mode::kInference, "off") - linears("bert", Mode::kInference, "on"),
            2 * bert_layers);
  const int64_t llama_layers =
      models::FindFamily("llama").FindPreset("tiny").config.Int("num_layers");
  EXPECT_EQ(linears("llama", Mode::kPrefill, "off") - linears("llama", Mode::kPrefill, "on"),
            3 * llama_layers);
  auto on = backends::MakeBackend("libtorch");
  on->Load(Request("bert", "on"));
  EXPECT_EQ(on->Facts().details.at("fuse_linear"),
            "on (" + std::to_string(bert_layers) + " groups)");
}

// Decode (static and concatenating KV cache) gives the unfused logits token after token, for a
// decoder-only model and for encoder-decoders (whose cross-attention K/V, fused per layer, are
// computed by the prefill and reused by every step).
TEST(FusedLinearDecode, DecodeEqualsUnfusedWithEitherCache) {
  for (const char* family : {"llama", "whisper", "t5"}) {
    for (const char* kv : {"on", "off"}) {
      auto off = backends::MakeBackend("libtorch");
      off->Load(Request(family, "off", Mode::kDecode, {{"kv_static", kv}}));
      auto on = backends::MakeBackend("libtorch");
      on->Load(Request(family, "on", Mode::kDecode, {{"kv_static", kv}}));
      for (int step = 0; step < 6; ++step) {  // decode_tokens 4: a refill before step 4
        off->Prepare();
        on->Prepare();
        off->Step();
        on->Step();
        EXPECT_LT(RelDiff(off->LastOutput(), on->LastOutput()), 1e-5)
            << family << " kv_static=" << kv << " step " << step;
      }
    }
  }
}

TEST(FusedLinearRefusals, TrainingAndQuantizedRecordWhy) {
  auto t = backends::MakeBackend("libtorch");
  t->Load(Request("bert", "on", Mode::kTraining));
  EXPECT_EQ(t->Facts().details.at("fuse_linear").rfind("off (training", 0), 0u);
  t->Step();
  auto q = backends::MakeBackend("libtorch");
  auto req = Request("bert", "on");
  req.precision = Precision::kInt8;
  q->Load(req);
  EXPECT_EQ(q->Facts().details.at("fuse_linear").rfind("off (the quantizing", 0), 0u);
}

// ---- on a CUDA device only (the device machine; skipped on this CPU build) ----

// The CUDA defaults (fuse_linear on, inference captured into a CUDA graph) reproduce the eager,
// unfused forward in fp32 and fp16.
TEST(FusedLinearCuda, GraphWithFusionMatchesEagerUnfused) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device for this libtorch";
  for (Precision p : {Precision::kFp32, Precision::kFp16}) {
    for (const char* family : {"bert", "whisper", "llava"}) {
      auto ref = backends::MakeBackend("libtorch");
      auto req = Request(family, "off", Mode::kInference, {{"cuda_graph", "off"}});
      req.platform = "cuda";
      req.precision = p;
      ref->Load(req);
      ref->Step();
      auto fused = backends::MakeBackend("libtorch");
      req.options = {};  // the CUDA defaults
      fused->Load(req);
      const auto d = fused->Facts().details;
      EXPECT_EQ(d.at("fuse_linear").rfind("on (", 0), 0u) << family << " " << d.at("fuse_linear");
      EXPECT_EQ(d.at("cuda_graph"), "on") << family;
      fused->Step();
      EXPECT_LT(RelDiff(ref->LastOutput(), fused->LastOutput()),
                p == Precision::kFp32 ? 1e-3 : 2e-2)
          << family << " " << ToString(p);
    }
  }
}

}  // namespace
}  // namespace accelbench
