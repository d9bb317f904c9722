// Issue 13: the GPU settings recorded with every libtorch result (TF32, cuDNN benchmark mode,
// allocator configuration, CUDA/cuDNN versions), the `cuda_graph` option and its recorded
// fallback, and CUDA requested where this libtorch has none. On this CPU build the CUDA cases
// check the refusals; the capture/replay cases run only where torch sees a CUDA device.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <functional>
#include <string>

#include "backends/registry.h"
#include "backends/torch/torch_gpu.h"
#include "core/errors.h"
#include "models/family.h"

namespace accelbench {
namespace {

using backends::torch_backend::CudaGraphStep;
using backends::torch_backend::GpuSettingsDetails;
using backends::torch_backend::ParseGpuSettings;

backends::LoadRequest Request(const std::string& family, const std::string& platform,
                              std::map<std::string, std::string> options,
                              Mode mode = Mode::kInference,
                              Precision precision = Precision::kFp32) {
  backends::LoadRequest req;
  req.family = family;
  req.preset = "tiny";
  req.config = models::FindFamily(family).FindPreset("tiny").config;
  req.platform = platform;
  req.precision = precision;
  req.mode = mode;
  req.workload.batch = 2;
  req.workload.seq_len = 16;
  req.workload.decode_tokens = 4;
  req.options = std::move(options);
  return req;
}

std::string Message(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(GpuSettings, DefaultsAreFp32ExactWithCudnnBenchmarkAndNoGraph) {
  const auto s = ParseGpuSettings({});
  EXPECT_FALSE(s.tf32);  // precision fp32 means fp32
  EXPECT_TRUE(s.cudnn_benchmark);
  EXPECT_FALSE(s.cuda_graph);
  const auto on = ParseGpuSettings(
      {{"tf32", "on"}, {"cudnn_benchmark", "off"}, {"cuda_graph", "on"}, {"lr", "0.1"}});
  EXPECT_TRUE(on.tf32);
  EXPECT_FALSE(on.cudnn_benchmark);
  EXPECT_TRUE(on.cuda_graph);
}

TEST(GpuSettings, BadValueIsAUsageErrorNamingKeyAndValue) {
  for (const char* key : {"tf32", "cudnn_benchmark", "cuda_graph"}) {
    EXPECT_THROW(ParseGpuSettings({{key, "yes"}}), UsageError) << key;
    const auto msg = Message([&] { ParseGpuSettings({{key, "1"}}); });
    EXPECT_NE(msg.find(key), std::string::npos) << msg;
    EXPECT_NE(msg.find("on or off"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'1'"), std::string::npos) << msg;
  }
  auto b = backends::MakeBackend("libtorch");
  EXPECT_THROW(b->Load(Request("bert", "cpu", {{"cuda_graph", "maybe"}})), UsageError);
}

TEST(GpuSettings, CpuResultCarriesEverySettingAsNotApplicable) {
  auto b = backends::MakeBackend("libtorch");
  b->Load(Request("bert", "cpu", {}));
  const auto d = b->Facts().details;
  for (const char* k : {"tf32_matmul", "tf32_cudnn", "cudnn_benchmark", "cuda_alloc_conf",
                        "cuda_runtime", "cudnn_version"}) {
    ASSERT_TRUE(d.count(k)) << k;
    EXPECT_EQ(d.at(k), "n/a (cpu)") << k;
  }
  EXPECT_EQ(d.at("cuda_graph"), "off");
  EXPECT_EQ(GpuSettingsDetails(c10::Device("cpu")).at("tf32_matmul"), "n/a (cpu)");
}

TEST(GpuSettings, CudaGraphOnCpuIsRecordedOffAndRunsEagerWithTheSameOutput) {
  auto eager = backends::MakeBackend("libtorch");
  eager->Load(Request("bert", "cpu", {}));
  eager->Step();
  auto graphed = backends::MakeBackend("libtorch");
  graphed->Load(Request("bert", "cpu", {{"cuda_graph", "on"}, {"tf32", "on"}}));
  EXPECT_EQ(graphed->Facts().details.at("cuda_graph"), "off: not a CUDA device");
  EXPECT_EQ(graphed->Facts().details.at("tf32_matmul"), "n/a (cpu)");
  graphed->Step();
  EXPECT_EQ(graphed->LastOutput(), eager->LastOutput());  // same seed, same eager path
}

TEST(GpuSettings, CaptureOffCudaNeverCallsTheForward) {
  CudaGraphStep g;
  bool called = false;
  EXPECT_EQ(g.Capture(c10::Device("cpu"),
                      [&] {
                        called = true;
                        return at::zeros({1});
                      }),
            "not a CUDA device");
  EXPECT_FALSE(called);
  EXPECT_FALSE(g.captured());
  EXPECT_THROW(g.Replay(), RuntimeError);
}

TEST(GpuSettings, CudaWithoutCudaLibtorchIsUnsupportedWithItsReason) {
  if (torch::cuda::is_available()) GTEST_SKIP() << "this libtorch sees a CUDA device";
  auto b = backends::MakeBackend("libtorch");
  const auto msg = Message([&] { b->Load(Request("bert", "cuda", {{"cuda_graph", "on"}})); });
  EXPECT_NE(msg.find("without CUDA or sees no CUDA device"), std::string::npos) << msg;
  EXPECT_THROW(b->Load(Request("bert", "cuda:0", {})), UnsupportedError);
}

// ---- on a CUDA device only (the device machine; skipped on this CPU build) ----

TEST(GpuSettingsCuda, GraphReplayMatchesEagerAndSettingsAreRecorded) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device for this libtorch";
  for (const char* family : {"bert", "vit", "whisper"}) {
    auto eager = backends::MakeBackend("libtorch");
    eager->Load(Request(family, "cuda", {{"cuda_graph", "off"}}));
    eager->Step();
    const auto ref = eager->LastOutput();
    auto graphed = backends::MakeBackend("libtorch");
    graphed->Load(Request(family, "cuda", {{"cuda_graph", "on"}}));
    const auto d = graphed->Facts().details;
    EXPECT_EQ(d.at("cuda_graph"), "on") << family;
    EXPECT_EQ(d.at("tf32_matmul"), "off") << family;
    EXPECT_EQ(d.at("cudnn_benchmark"), "on") << family;
    EXPECT_NE(d.at("cuda_runtime"), "n/a (cpu)") << family;
    for (int i = 0; i < 2; ++i) graphed->Step();
    const auto out = graphed->LastOutput();
    ASSERT_EQ(out.size(), ref.size()) << family;
    double worst = 0;
    for (size_t i = 0; i < out.size(); ++i)
      worst = std::max(worst, static_cast<double>(std::abs(out[i] - ref[i])));
    EXPECT_LT(worst, 1e-3) << family;  // cuDNN benchmark may pick another algorithm per run
  }
}

TEST(GpuSettingsCuda, DecodeGraphIsRecordedOffWithItsReason) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device for this libtorch";
  auto b = backends::MakeBackend("libtorch");
  b->Load(Request("llama", "cuda", {{"cuda_graph", "on"}, {"tf32", "on"}}, Mode::kDecode));
  const auto d = b->Facts().details;
  EXPECT_EQ(d.at("cuda_graph").rfind("off: ", 0), 0u) << d.at("cuda_graph");
  EXPECT_EQ(d.at("tf32_matmul"), "on");
  b->Step();
}

}  // namespace
}  // namespace accelbench
