// The capability matrix rules, on hand-built reports (no probing).
#include "hardware/capabilities.h"

#include <gtest/gtest.h>

namespace accelbench::hardware {
namespace {

PlatformStatus Status(PlatformKind k, std::string instance, bool available,
                      std::string reason = "") {
  PlatformStatus s;
  s.kind = k;
  s.instance = std::move(instance);
  s.available = available;
  s.reason = std::move(reason);
  return s;
}

PlatformStatus Cuda(std::string instance, int major, int minor) {
  auto s = Status(PlatformKind::kCuda, std::move(instance), true);
  s.details = {{"compute_capability", std::to_string(major) + "." + std::to_string(minor)},
               {"compute_capability_major", major},
               {"compute_capability_minor", minor}};
  return s;
}

HardwareReport Report(std::vector<PlatformStatus> platforms) {
  HardwareReport r;
  r.platforms.push_back(Status(PlatformKind::kCpu, "cpu", true));
  for (auto& p : platforms) r.platforms.push_back(std::move(p));
  return r;
}

TEST(Capabilities, KnownFamilies) {
  EXPECT_EQ(KnownFamilies().size(), 13u);
  auto r = Report({});
  auto why = WhyUnsupported(r, PlatformKind::kCpu, Precision::kFp32, Mode::kInference, "gpt9");
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("unknown model family 'gpt9'"), std::string::npos) << *why;
  for (const auto& f : KnownFamilies())
    EXPECT_EQ(WhyUnsupported(r, PlatformKind::kCpu, Precision::kFp32, Mode::kInference, f),
              std::nullopt)
        << f;
}

TEST(Capabilities, CudaBf16NeedsAmpere) {
  auto turing = Report({Cuda("cuda:0", 7, 5)});
  auto why =
      WhyUnsupported(turing, PlatformKind::kCuda, Precision::kBf16, Mode::kInference, "bert");
  ASSERT_TRUE(why);
  EXPECT_NE(why->find(">= 8.0"), std::string::npos) << *why;
  EXPECT_NE(why->find("7.5"), std::string::npos) << *why;
  for (Precision p : {Precision::kFp32, Precision::kFp16})
    EXPECT_EQ(WhyUnsupported(turing, PlatformKind::kCuda, p, Mode::kTraining, "llama"),
              std::nullopt)
        << ToString(p);
  // issue 11: int8 needs the int8 matmul (cc >= 7.5; the backend refuses it at load when its
  // libtorch lacks at::_int_mm); int4 (weight-only) runs inference only.
  EXPECT_EQ(
      WhyUnsupported(turing, PlatformKind::kCuda, Precision::kInt8, Mode::kInference, "llama"),
      std::nullopt);
  auto volta = Report({Cuda("cuda:0", 7, 0)});
  auto int8 =
      WhyUnsupported(volta, PlatformKind::kCuda, Precision::kInt8, Mode::kInference, "bert");
  ASSERT_TRUE(int8);
  EXPECT_NE(int8->find(">= 7.5"), std::string::npos) << *int8;
  EXPECT_EQ(
      WhyUnsupported(turing, PlatformKind::kCuda, Precision::kInt4, Mode::kInference, "llama"),
      std::nullopt);
  EXPECT_TRUE(
      WhyUnsupported(turing, PlatformKind::kCuda, Precision::kInt4, Mode::kTraining, "llama"));
  auto hopper = Report({Cuda("cuda:0", 9, 0)});
  EXPECT_EQ(WhyUnsupported(hopper, PlatformKind::kCuda, Precision::kBf16, Mode::kTraining, "bert"),
            std::nullopt);
}

TEST(Capabilities, KindLevelUsesAnyCapableInstance) {
  auto r = Report({Cuda("cuda:0", 7, 0), Cuda("cuda:1", 8, 6)});
  EXPECT_EQ(WhyUnsupported(r, PlatformKind::kCuda, Precision::kBf16, Mode::kInference, "vit"),
            std::nullopt);
  EXPECT_TRUE(WhyUnsupported(r, r.platforms[1], Precision::kBf16, Mode::kInference, "vit"));
  EXPECT_FALSE(WhyUnsupported(r, r.platforms[2], Precision::kBf16, Mode::kInference, "vit"));
}

TEST(Capabilities, UnavailablePlatformGivesItsReason) {
  auto r = Report({Status(PlatformKind::kRocm, "rocm", false, "librocm_smi64.so: not found")});
  auto why = WhyUnsupported(r, PlatformKind::kRocm, Precision::kFp32, Mode::kInference, "bert");
  ASSERT_TRUE(why);
  EXPECT_EQ(*why, "rocm unavailable: librocm_smi64.so: not found");
  auto none = WhyUnsupported(r, PlatformKind::kWasm, Precision::kFp32, Mode::kInference, "bert");
  ASSERT_TRUE(none);
  EXPECT_NE(none->find("not probed"), std::string::npos);
}

TEST(Capabilities, WebPlatformsInferenceFp32Fp16Only) {
  for (PlatformKind k : {PlatformKind::kWebGpu, PlatformKind::kWebNn, PlatformKind::kWasm}) {
    auto r = Report({Status(k, std::string(ToString(k)), true)});
    EXPECT_EQ(WhyUnsupported(r, k, Precision::kFp32, Mode::kInference, "bert"), std::nullopt);
    EXPECT_EQ(WhyUnsupported(r, k, Precision::kFp16, Mode::kInference, "whisper"), std::nullopt);
    auto training = WhyUnsupported(r, k, Precision::kFp32, Mode::kTraining, "bert");
    ASSERT_TRUE(training);
    EXPECT_NE(training->find("no training"), std::string::npos) << *training;
    EXPECT_TRUE(WhyUnsupported(r, k, Precision::kFp32, Mode::kDecode, "llama"));
    // issue 11: the quantized ONNX lowering runs on wasm and webgpu, not on WebNN.
    for (Precision p : {Precision::kInt8, Precision::kInt4})
      EXPECT_EQ(WhyUnsupported(r, k, p, Mode::kInference, "bert").has_value(),
                k == PlatformKind::kWebNn)
          << ToString(k) << " " << ToString(p);
    EXPECT_TRUE(WhyUnsupported(r, k, Precision::kBf16, Mode::kInference, "bert"));
  }
}

TEST(Capabilities, CpuPrecisionsFollowTheIsa) {
  auto r = Report({});
  r.cpu.isa = {{"avx2", true}, {"avx512_bf16", false}, {"avx512_fp16", false}};
  auto fp16 = WhyUnsupported(r, PlatformKind::kCpu, Precision::kFp16, Mode::kInference, "bert");
  ASSERT_TRUE(fp16);
  EXPECT_NE(fp16->find("fp16"), std::string::npos);
  EXPECT_TRUE(WhyUnsupported(r, PlatformKind::kCpu, Precision::kBf16, Mode::kInference, "bert"));
  EXPECT_EQ(WhyUnsupported(r, PlatformKind::kCpu, Precision::kInt4, Mode::kInference, "bert"),
            std::nullopt);  // issue 11: weight-only int4, dequantized on the fly
  EXPECT_EQ(WhyUnsupported(r, PlatformKind::kCpu, Precision::kInt8, Mode::kInference, "bert"),
            std::nullopt);
  EXPECT_EQ(WhyUnsupported(r, PlatformKind::kCpu, Precision::kFp32, Mode::kTraining, "t5"),
            std::nullopt);
  r.cpu.isa["avx512_bf16"] = true;
  r.cpu.isa["avx512_fp16"] = true;
  EXPECT_EQ(WhyUnsupported(r, PlatformKind::kCpu, Precision::kBf16, Mode::kTraining, "bert"),
            std::nullopt);
  EXPECT_EQ(WhyUnsupported(r, PlatformKind::kCpu, Precision::kFp16, Mode::kInference, "bert"),
            std::nullopt);
  r.cpu.isa = {{"amx_bf16", true}};
  EXPECT_EQ(WhyUnsupported(r, PlatformKind::kCpu, Precision::kBf16, Mode::kInference, "bert"),
            std::nullopt);
}

TEST(Capabilities, InferenceOnlyRuntimes) {
  auto r = Report({Status(PlatformKind::kOpenVino, "openvino:CPU", true),
                   Status(PlatformKind::kQnn, "qnn:htp", true)});
  EXPECT_TRUE(
      WhyUnsupported(r, PlatformKind::kOpenVino, Precision::kFp32, Mode::kTraining, "bert"));
  EXPECT_EQ(WhyUnsupported(r, PlatformKind::kOpenVino, Precision::kInt8, Mode::kDecode, "llama"),
            std::nullopt);
  EXPECT_TRUE(WhyUnsupported(r, PlatformKind::kQnn, Precision::kFp32, Mode::kInference, "bert"));
  EXPECT_EQ(WhyUnsupported(r, PlatformKind::kQnn, Precision::kFp16, Mode::kInference, "bert"),
            std::nullopt);
}

TEST(Capabilities, MatrixJsonCoversEveryPlatform) {
  auto r = Report({Cuda("cuda:0", 7, 0), Status(PlatformKind::kMps, "mps", false, "not macOS")});
  auto j = CapabilityMatrixJson(r);
  ASSERT_EQ(j.size(), 3u);
  for (const auto& row : j) {
    EXPECT_EQ(row["precisions"].size(), 5u);
    EXPECT_EQ(row["modes"].size(), 4u);
    EXPECT_EQ(row["families"].size(), 13u);
  }
  EXPECT_FALSE(j[1]["precisions"]["bf16"]["supported"].get<bool>());
  EXPECT_TRUE(j[1]["precisions"]["fp16"]["supported"].get<bool>());
  EXPECT_EQ(j[2]["reason"], "not macOS");
}

}  // namespace
}  // namespace accelbench::hardware
