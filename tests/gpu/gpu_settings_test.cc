// Issue 13: the GPU settings recorded with every libtorch result (TF32, cuDNN benchmark mode,
// allocator configuration, CUDA/cuDNN versions), the `cuda_graph` option and its recorded
// fallback, and CUDA requested where this libtorch has none. On this CPU build the CUDA cases
// check the refusals; the capture/replay cases run only where torch sees a CUDA device.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "aten_call_count.h"
#include "backends/registry.h"
#include "backends/torch/torch_gpu.h"
#include "core/errors.h"
#include "max_diff.h"
#include "models/family.h"
#include "tiny_request.h"

namespace accelbench {
namespace {

using backends::torch_backend::CudaGraphStep;
using backends::torch_backend::GpuSettingsDetails;
using backends::torch_backend::ParseGpuSettings;

backends::LoadRequest Request(const std::string& family, const std::string& platform,
                              std::map<std::string, std::string> options,
                              Mode mode = Mode::kInference,
                              Precision precision = Precision::kFp32) {
  return test::TinyRequest(family, platform, std::move(options), mode, precision);
}

std::string Message(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

using test::MaxDiff;

TEST(GpuSettings, DefaultsAreFp32ExactWithCudnnBenchmarkAndGraphsForCudaInferenceAndDecode) {
  auto s = ParseGpuSettings({});
  EXPECT_FALSE(s.tf32);  // precision fp32 means fp32
  EXPECT_TRUE(s.cudnn_benchmark);
  EXPECT_FALSE(s.cuda_graph.has_value());
  using backends::torch_backend::ResolveDefaults;
  ResolveDefaults(s, c10::Device("cuda"), Mode::kInference);
  EXPECT_TRUE(*s.cuda_graph) << "CUDA inference: captured (measured faster on the H100)";
  auto dec = ParseGpuSettings({});
  ResolveDefaults(dec, c10::Device("cuda"), Mode::kDecode);
  EXPECT_TRUE(*dec.cuda_graph) << "CUDA decode: captured (measured faster on the H200)";
  for (Mode m : {Mode::kPrefill, Mode::kTraining}) {
    auto d = ParseGpuSettings({});
    ResolveDefaults(d, c10::Device("cuda"), m);
    EXPECT_FALSE(*d.cuda_graph) << ToString(m);
  }
  auto cpu = ParseGpuSettings({});
  ResolveDefaults(cpu, c10::Device("cpu"), Mode::kInference);
  EXPECT_FALSE(*cpu.cuda_graph);
  const auto on = ParseGpuSettings(
      {{"tf32", "on"}, {"cudnn_benchmark", "off"}, {"cuda_graph", "on"}, {"lr", "0.1"}});
  EXPECT_TRUE(on.tf32);
  EXPECT_FALSE(on.cudnn_benchmark);
  EXPECT_TRUE(*on.cuda_graph);
}

TEST(GpuSettings, AttentionAndKvCacheDefaultsDependOnModeAndDevice) {
  auto s = ParseGpuSettings({});
  EXPECT_FALSE(s.sdpa_cudnn.has_value());
  EXPECT_FALSE(s.static_kv.has_value());
  backends::torch_backend::ResolveDefaults(s, c10::Device("cuda"), Mode::kDecode);
  EXPECT_FALSE(*s.sdpa_cudnn) << "decode: a cuDNN attention plan per key length";
  EXPECT_TRUE(*s.static_kv) << "CUDA decode: static buffers (graph-capturable)";
  EXPECT_TRUE(*s.fuse_linear) << "CUDA: projections sharing an input as one linear";
  s = ParseGpuSettings({});
  backends::torch_backend::ResolveDefaults(s, c10::Device("cpu"), Mode::kInference);
  EXPECT_TRUE(*s.sdpa_cudnn);
  EXPECT_FALSE(*s.static_kv);
  EXPECT_FALSE(*s.fuse_linear) << "CPU: no consistent gain measured";
  s = ParseGpuSettings({{"sdpa_cudnn", "on"}, {"kv_static", "on"}});
  backends::torch_backend::ResolveDefaults(s, c10::Device("cpu"), Mode::kDecode);
  EXPECT_TRUE(*s.sdpa_cudnn) << "an explicit option wins";
  EXPECT_TRUE(*s.static_kv);
  const auto msg = Message([] { ParseGpuSettings({{"kv_static", "paged"}}); });
  EXPECT_NE(msg.find("kv_static must be on or off, got 'paged'"), std::string::npos) << msg;
  EXPECT_THROW(ParseGpuSettings({{"sdpa_cudnn", "auto"}}), UsageError);
}

// Issue 13: decode with the static KV cache (preallocated buffers, device position) gives the
// logits of the concatenating cache, step after step and across the re-prefill when the cache
// is full; the recorded details say which cache ran. Runs on the CPU here (the same code as
// CUDA, minus the graph).
TEST(GpuSettings, StaticKvDecodeMatchesDynamicAcrossRefills) {
  auto dyn = backends::MakeBackend("libtorch");
  dyn->Load(Request("llama", "cpu", {{"kv_static", "off"}}, Mode::kDecode));
  auto sta = backends::MakeBackend("libtorch");
  sta->Load(Request("llama", "cpu", {{"kv_static", "on"}, {"cuda_graph", "on"}}, Mode::kDecode));
  const auto d = sta->Facts().details;
  EXPECT_EQ(d.at("kv_static"), "on (20 positions)") << "16 prompt + 4 decode tokens";
  EXPECT_EQ(d.at("cuda_graph"), "off: not a CUDA device");
  EXPECT_EQ(d.at("sdpa_cudnn"), "n/a (cpu)");
  EXPECT_EQ(dyn->Facts().details.at("kv_static"), "off");
  std::vector<std::vector<float>> outs;
  for (int step = 0; step < 10; ++step) {  // decode_tokens 4: refilled before steps 4 and 8
    dyn->Prepare();
    sta->Prepare();
    dyn->Step();
    sta->Step();
    const auto a = dyn->LastOutput(), b = sta->LastOutput();
    ASSERT_FALSE(b.empty());
    EXPECT_LT(MaxDiff(a, b), 1e-4) << "step " << step;
    outs.push_back(b);
  }
  EXPECT_EQ(outs[4], outs[0]) << "a refill starts the same sequence again";
  EXPECT_EQ(outs[8], outs[0]);
  EXPECT_GT(MaxDiff(outs[1], outs[0]), 0.0) << "later tokens see a longer cache";
}

using testing::CountCalls;

// Issue 13: per decode token the rotary tables (cos/sin) and the static cache's attention mask
// are built once, not once per layer: the counts do not grow with the number of layers.
TEST(GpuSettings, DecodeStepBuildsRotaryTablesAndMaskOncePerToken) {
  auto calls = [](int64_t layers, const char* kv_static, const char* op) {
    auto b = backends::MakeBackend("libtorch");
    auto req = Request("llama", "cpu", {{"kv_static", kv_static}}, Mode::kDecode);
    req.config.Set("num_layers", layers);
    b->Load(req);
    b->Prepare();
    return CountCalls(op, [&] { b->Step(); });
  };
  for (const char* kv : {"off", "on"}) {
    const int64_t two = calls(2, kv, "aten::cos"), six = calls(6, kv, "aten::cos");
    EXPECT_GT(two, 0) << kv;
    EXPECT_EQ(two, six) << "kv_static=" << kv << ": rotary tables built per layer";
  }
  const int64_t two = calls(2, "on", "aten::le"), six = calls(6, "on", "aten::le");
  EXPECT_GT(two, 0);
  EXPECT_EQ(two, six) << "the static cache's mask built per layer";
}

// Issue 13: whisper's residual stream is contiguous from the position add on (positions are the
// first operand, so the sum takes their layout, not the transposed conv output's): no LayerNorm
// has to copy its input, so the aten::contiguous copies do not grow with the encoder layers (the
// other operand order made 2 per layer + 1: 5 at 2 layers, checked).
TEST(GpuSettings, WhisperEncoderNeedsNoLayoutCopyPerLayer) {
  auto copies = [](int64_t layers) {
    auto b = backends::MakeBackend("libtorch");
    auto req = Request("whisper", "cpu", {});
    req.config.Set("num_layers", layers);
    req.workload.seq_len = 1;
    b->Load(req);
    b->Step();
    return CountCalls("aten::contiguous", [&] { b->Step(); });
  };
  EXPECT_EQ(copies(2), copies(4));
}

TEST(GpuSettings, StaticKvIsRecordedPerMode) {
  auto b = backends::MakeBackend("libtorch");
  b->Load(Request("llama", "cpu", {{"kv_static", "on"}}, Mode::kPrefill));
  EXPECT_EQ(b->Facts().details.at("kv_static"), "n/a (prefill)");
  b->Load(Request("whisper", "cpu", {{"kv_static", "on"}}, Mode::kDecode));
  EXPECT_EQ(b->Facts().details.at("kv_static").rfind("on (", 0), 0u);
  b->Step();
  EXPECT_FALSE(b->LastOutput().empty());
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

// A captured graph is kept only if its replay reproduces the eager step (checked at Load on
// CUDA); the comparison itself runs on any tensors.
TEST(GpuSettings, ReplayCheckAcceptsRoundingAndRejectsAStaleResult) {
  using backends::torch_backend::CompareReplay;
  const at::Tensor eager = at::arange(12, at::kFloat).reshape({3, 4}) - 5;  // max |x| = 6
  std::string check;
  EXPECT_EQ(CompareReplay(eager, eager.clone(), check), "");
  EXPECT_EQ(check, "max |replay - eager| = 0 (tolerance 0.006)");
  EXPECT_EQ(CompareReplay(eager, eager + 1e-4, check), "") << check;
  const std::string why = CompareReplay(eager, eager + 0.5, check);
  EXPECT_EQ(why, "replay differs from eager: max |replay - eager| = 0.5 (tolerance 0.006)");
  const at::Tensor half = eager.to(at::kHalf);
  EXPECT_EQ(CompareReplay(half, half + 0.1, check), "") << "fp16: 2e-2 relative: " << check;
  EXPECT_NE(CompareReplay(half, half + 0.2, check), "") << check;
  at::Tensor nan = eager.clone();
  nan[0][0] = std::nanf("");
  EXPECT_NE(CompareReplay(eager, nan, check), "") << "NaN never passes";
  EXPECT_NE(CompareReplay(eager, eager.reshape({4, 3}), check), "");
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
    EXPECT_EQ(d.at("cuda_graph_check").rfind("max |replay - eager| = ", 0), 0u) << family;
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

TEST(GpuSettingsCuda, DecodeGraphReplaysTheEagerStaticSteps) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device for this libtorch";
  auto eager = backends::MakeBackend("libtorch");
  eager->Load(Request("llama", "cuda", {{"kv_static", "on"}}, Mode::kDecode));
  auto graphed = backends::MakeBackend("libtorch");
  graphed->Load(Request("llama", "cuda", {{"cuda_graph", "on"}, {"tf32", "on"}}, Mode::kDecode));
  const auto d = graphed->Facts().details;
  EXPECT_EQ(d.at("cuda_graph"), "on");
  EXPECT_EQ(d.at("cuda_graph_check").rfind("max |replay - eager| = ", 0), 0u);
  EXPECT_EQ(d.at("kv_static").rfind("on (", 0), 0u) << d.at("kv_static");
  EXPECT_EQ(d.at("sdpa_cudnn").rfind("o", 0), 0u) << d.at("sdpa_cudnn");
  for (int step = 0; step < 10; ++step) {  // across two refills
    eager->Prepare();
    graphed->Prepare();
    eager->Step();
    graphed->Step();
    EXPECT_LT(MaxDiff(eager->LastOutput(), graphed->LastOutput()), 1e-3) << "step " << step;
  }
  auto dynamic = backends::MakeBackend("libtorch");
  dynamic->Load(
      Request("llama", "cuda", {{"cuda_graph", "on"}, {"kv_static", "off"}}, Mode::kDecode));
  EXPECT_EQ(dynamic->Facts().details.at("cuda_graph").rfind("off: kv_static=off", 0), 0u);
  dynamic->Step();
}

}  // namespace
}  // namespace accelbench
