// Issue 13: gemm_tune=on (per-shape cuBLASLt algorithm selection for the linear GEMMs) and
// attention=explicit. Here: the choice among timed candidates, the per-shape report, the option
// errors and what a CPU run records; on a CUDA device (the device machine) the tuned linears
// against at::linear, directly and through the tiny families with and without the CUDA graph.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <string>

#include "backends/registry.h"
#include "backends/torch/torch_gemm_tune.h"
#include "backends/torch/torch_gpu.h"
#include "core/errors.h"
#include "max_diff.h"
#include "tiny_request.h"

namespace accelbench {
namespace {

using backends::torch_backend::ChooseGemmTrial;
using backends::torch_backend::FormatGemmShape;
using backends::torch_backend::GemmShapeReport;
using backends::torch_backend::GemmTrial;
using backends::torch_backend::GemmTuner;
using backends::torch_backend::ParseGpuSettings;

using test::MaxDiff;

TEST(GemmTune, ChoosesTheFastestValidCandidateOnlyWhenItBeatsAtLinear) {
  // Index 1 is fastest but its output did not match at::linear: never chosen.
  const std::vector<GemmTrial> trials{{0.050, true}, {0.010, false}, {0.030, true}, {0.040, true}};
  EXPECT_EQ(ChooseGemmTrial(trials, 0.060), 2);
  EXPECT_EQ(ChooseGemmTrial(trials, 0.030), -1) << "a tie with at::linear keeps at::linear";
  EXPECT_EQ(ChooseGemmTrial(trials, 0.020), -1);
  EXPECT_EQ(ChooseGemmTrial({{0.010, false}}, 1.0), -1) << "no valid candidate";
  EXPECT_EQ(ChooseGemmTrial({}, 1.0), -1);
  EXPECT_EQ(ChooseGemmTrial({{0.020, true}, {0.020, true}}, 0.5), 0) << "first of equals";
}

TEST(GemmTune, ShapeReportsReadAsGolden) {
  GemmShapeReport r;
  r.m = 197;
  r.n = 2304;
  r.k = 768;
  r.dtype = "fp32";
  r.bias = true;
  r.tried = 24;
  r.valid = 22;
  r.aten_ms = 0.0612;
  r.best_ms = 0.0340;
  r.uses_lt = true;
  r.algo = "algo 21, tile 18, stages 5, split-k 4";
  EXPECT_EQ(FormatGemmShape(r),
            "197x768 -> 2304 fp32+bias: at::linear 0.0612 ms -> 0.0340 ms (1.80x, algo 21, "
            "tile 18, stages 5, split-k 4; 24 tried, 22 valid)");
  r.uses_lt = false;
  r.best_ms = 0.0700;
  r.bias = false;
  EXPECT_EQ(FormatGemmShape(r),
            "197x768 -> 2304 fp32: stays at::linear 0.0612 ms (fastest cuBLASLt 0.0700 ms; 24 "
            "tried, 22 valid)");
  r.valid = 0;
  EXPECT_EQ(FormatGemmShape(r),
            "197x768 -> 2304 fp32: stays at::linear 0.0612 ms (24 tried, none valid)");
  r.error = "cublasLtMatmulAlgoGetHeuristic: the requested functionality is not supported";
  EXPECT_EQ(FormatGemmShape(r),
            "197x768 -> 2304 fp32: not tuned: cublasLtMatmulAlgoGetHeuristic: the requested "
            "functionality is not supported");
}

TEST(GemmTune, OptionsParseAndBadValuesAreUsageErrors) {
  EXPECT_FALSE(ParseGpuSettings({}).gemm_tune) << "off until measured faster on a GPU";
  EXPECT_FALSE(ParseGpuSettings({}).explicit_attention);
  EXPECT_TRUE(ParseGpuSettings({{"gemm_tune", "on"}}).gemm_tune);
  EXPECT_TRUE(ParseGpuSettings({{"attention", "explicit"}}).explicit_attention);
  EXPECT_FALSE(ParseGpuSettings({{"attention", "sdpa"}}).explicit_attention);
  EXPECT_THROW(ParseGpuSettings({{"gemm_tune", "fast"}}), UsageError);
  try {
    ParseGpuSettings({{"attention", "flash"}});
    FAIL() << "attention=flash accepted";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "attention must be sdpa or explicit, got 'flash'");
  }
}

TEST(GemmTune, NoTunerOffCuda) {
  std::string why;
  EXPECT_EQ(GemmTuner::Create(c10::Device("cpu"), false, why), nullptr);
  EXPECT_EQ(why, "not a CUDA device");
}

TEST(GemmTune, CpuRunRecordsWhyAndComputesTheSame) {
  auto plain = backends::MakeBackend("libtorch");
  plain->Load(test::TinyRequest("bert", "cpu", {}));
  plain->Step();
  EXPECT_EQ(plain->Facts().details.at("gemm_tune"), "off");
  auto asked = backends::MakeBackend("libtorch");
  asked->Load(test::TinyRequest("bert", "cpu", {{"gemm_tune", "on"}}));
  asked->Step();
  const auto d = asked->Facts().details;
  EXPECT_EQ(d.at("gemm_tune"), "off: not a CUDA device");
  EXPECT_EQ(d.count("gemm_tune_shapes"), 0u);
  EXPECT_EQ(asked->LastOutput(), plain->LastOutput());
  auto decode = backends::MakeBackend("libtorch");
  decode->Load(test::TinyRequest("llama", "cpu", {{"gemm_tune", "on"}}, Mode::kDecode));
  EXPECT_EQ(decode->Facts().details.at("gemm_tune"), "off (inference mode only)");
}

// attention=explicit: matmul / softmax / matmul even where libtorch has sdpa; the same result
// as the default within `tol`, and recorded as asked.
void ExpectExplicitAttentionMatchesTheDefault(const std::string& platform,
                                              const std::vector<std::string>& families,
                                              double tol) {
  for (const auto& family : families) {
    auto def = backends::MakeBackend("libtorch");
    def->Load(test::TinyRequest(family, platform, {}));
    def->Step();
    auto expl = backends::MakeBackend("libtorch");
    expl->Load(test::TinyRequest(family, platform, {{"attention", "explicit"}}));
    expl->Step();
    EXPECT_EQ(expl->Facts().details.at("attention"), "explicit (attention=explicit)") << family;
    EXPECT_LT(MaxDiff(expl->LastOutput(), def->LastOutput()), tol) << family;
  }
}

TEST(GemmTune, ExplicitAttentionIsRecordedAndMatchesTheDefault) {
  ExpectExplicitAttentionMatchesTheDefault("cpu", {"bert", "whisper", "llama"}, 1e-4);
}

// ---- on a CUDA device only (the device machine; skipped on this CPU build) ----

TEST(GemmTuneCuda, TunedLinearsMatchAtLinear) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device for this libtorch";
  std::string why;
  auto tuner = GemmTuner::Create(c10::Device("cuda"), false, why);
  if (!tuner && why.find("no cuBLASLt") != std::string::npos) GTEST_SKIP() << why;
  ASSERT_NE(tuner, nullptr) << why;
  c10::InferenceMode guard;
  const auto opts = at::TensorOptions().device(at::kCUDA);
  struct Case {
    std::vector<int64_t> x;
    int64_t n;
    bool bias;
    at::ScalarType dtype;
  };
  const std::vector<Case> cases{{{197, 768}, 2304, true, at::kFloat},     // vit b1 q/k/v
                                {{1, 197, 3072}, 768, true, at::kFloat},  // vit fc2, 3-D input
                                {{2, 16, 64}, 128, false, at::kFloat},
                                {{64, 384}, 1536, true, at::kHalf},
                                {{64, 384}, 1536, true, at::kBFloat16}};
  for (const auto& c : cases) {
    at::manual_seed(1);
    const at::Tensor x = at::randn(c.x, opts.dtype(c.dtype));
    const at::Tensor w = at::randn({c.n, c.x.back()}, opts.dtype(c.dtype)) * 0.05;
    const at::Tensor b = c.bias ? at::randn({c.n}, opts.dtype(c.dtype)) : at::Tensor();
    const at::Tensor ref =
        at::linear(x, w, b.defined() ? c10::optional<at::Tensor>(b) : c10::nullopt);
    for (int call = 0; call < 2; ++call) {  // tuning call, then the kept choice
      at::Tensor y = tuner->Linear(x, w, b);
      if (!y.defined())
        y = at::linear(x, w, b.defined() ? c10::optional<at::Tensor>(b) : c10::nullopt);
      ASSERT_EQ(y.sizes(), ref.sizes());
      const double tol = c.dtype == at::kFloat ? 1e-3 : 3e-2;
      EXPECT_LT((y.to(at::kFloat) - ref.to(at::kFloat)).abs().max().item<double>(), tol)
          << "call " << call << " " << c.x.back() << "->" << c.n;
    }
  }
  EXPECT_EQ(tuner->Reports().size(), cases.size())
      << "each shape tuned once: " << tuner->ShapesDetail();
  for (const auto& r : tuner->Reports()) {
    EXPECT_EQ(r.error, "") << FormatGemmShape(r);
    EXPECT_GT(r.tried, 0) << FormatGemmShape(r);
    EXPECT_GT(r.aten_ms, 0) << FormatGemmShape(r);
  }
  // Not served: rows that are not a multiple of 16 bytes (whisper's 51865-token vocabulary).
  const at::Tensor x = at::randn({2, 384}, opts);
  const at::Tensor w = at::randn({51865, 384}, opts);
  EXPECT_FALSE(tuner->Linear(x, w, at::Tensor()).defined());
  EXPECT_NE(tuner->Summary().find("rows not a multiple of 16 bytes (in 384, out 51865)"),
            std::string::npos)
      << tuner->Summary();
  std::cout << tuner->Summary() << "\n" << tuner->ShapesDetail() << "\n";
}

TEST(GemmTuneCuda, FamiliesTunedWithAndWithoutTheGraphMatchTheDefault) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device for this libtorch";
  for (const char* family : {"bert", "vit", "whisper"}) {
    for (const char* graph : {"off", "on"}) {
      auto def = backends::MakeBackend("libtorch");
      def->Load(test::TinyRequest(family, "cuda", {{"cuda_graph", graph}}));
      def->Step();
      auto tuned = backends::MakeBackend("libtorch");
      tuned->Load(test::TinyRequest(family, "cuda", {{"cuda_graph", graph}, {"gemm_tune", "on"}}));
      const auto d = tuned->Facts().details;
      if (d.at("gemm_tune").find("no cuBLASLt") != std::string::npos)
        GTEST_SKIP() << d.at("gemm_tune");
      EXPECT_EQ(d.at("gemm_tune").rfind("on (", 0), 0u) << family << ": " << d.at("gemm_tune");
      EXPECT_NE(d.at("gemm_tune_shapes"), "") << family;
      EXPECT_EQ(d.at("cuda_graph"), std::string(graph)) << family;
      for (int i = 0; i < 2; ++i) tuned->Step();
      EXPECT_LT(MaxDiff(tuned->LastOutput(), def->LastOutput()), 1e-3)
          << family << " graph " << graph << ": " << d.at("gemm_tune_shapes");
    }
  }
}

TEST(GemmTuneCuda, ExplicitAttentionMatchesSdpa) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device for this libtorch";
  ExpectExplicitAttentionMatchesTheDefault("cuda", {"bert", "vit", "whisper", "llama"}, 1e-3);
}

}  // namespace
}  // namespace accelbench
