// ONNX Runtime (onnxruntime-node, CPU) vs the libtorch lowering on the same seeded weights and
// inputs, for every registered family's tiny preset, at two batch sizes / sequence lengths from
// ONE exported file (dynamic dims).
//
// Tolerance (fp32): max |ort - torch| <= 1e-4 * max(1, max |torch|) per float output; integer
// outputs must be equal. fp16 export (fp16 weights and compute in ORT) against torch fp32:
// max |ort - torch| <= 1e-2 * max(1, max |torch|) (fp16 has ~3 decimal digits).
#include <cstdlib>

#include "backends/torch/torch_run.h"
#include "core/errors.h"
#include "models/lowering/onnx_export.h"
#include "models/lowering/ort_runner.h"
#include "onnx/onnx_test_util.h"

namespace accelbench {
namespace {

constexpr double kFp32Tolerance = 1e-4;
constexpr double kFp16Tolerance = 1e-2;

// Seeded inputs; with `pad`, attention masks get trailing padding (row b loses 2*b positions,
// row 0 stays full), so the padding mask path is compared too.
std::map<std::string, models::HostTensor, std::less<>> Inputs(const models::Family& f,
                                                              const models::Config& cfg,
                                                              const models::Workload& w, bool pad) {
  const auto descs = f.InputsFor(cfg, w, Mode::kInference);
  auto in = models::GenerateInputs(descs, 11);
  if (!pad) return in;
  for (const auto& d : descs) {
    if (d.kind != models::InputKind::kAttentionMask) continue;
    auto& t = in.at(d.name);
    if (t.shape.size() != 2) continue;
    const int64_t rows = t.shape[0], cols = t.shape[1];
    for (int64_t b = 1; b < rows; ++b)
      for (int64_t j = std::max<int64_t>(1, cols - 2 * b); j < cols; ++j) t.i[b * cols + j] = 0;
  }
  return in;
}

class OnnxParity : public testing::TestWithParam<std::string> {};

TEST_P(OnnxParity, Fp32MatchesTorchAtTwoSizes) {
  const auto& family = models::FindFamily(GetParam());
  const auto cfg = family.FindPreset("tiny").config;
  const auto workloads = onnx_test::TwoWorkloads();
  onnx_test::TempDir dir;
  const std::string path = dir.File(GetParam() + ".onnx");
  try {
    models::ExportOnnx(family, cfg, workloads[0], path);
  } catch (const UnsupportedError& e) {
    GTEST_SKIP() << "export not implemented for " << GetParam() << ": " << e.what();
  }
  for (const auto& w : workloads) {
    SCOPED_TRACE("batch " + std::to_string(w.batch) + " seq " + std::to_string(w.seq_len));
    const auto inputs = Inputs(family, cfg, w, /*pad=*/w.batch > 1);
    const auto ref = backends::RunForward(family, cfg, inputs, Precision::kFp32);
    const auto got = models::RunOnnxRuntimeNode(path, inputs).outputs;
    ASSERT_EQ(got.size(), ref.size());
    for (const auto& [name, r] : ref) {
      auto it = got.find(name);
      ASSERT_NE(it, got.end()) << "ONNX model lacks output " << name;
      ASSERT_EQ(it->second.shape, r.shape) << name;
      if (r.dtype != models::DType::kFloat) {
        EXPECT_EQ(it->second.i, r.i) << name;
        continue;
      }
      const auto d = onnx_test::Compare(r, it->second);
      const double tol = kFp32Tolerance * std::max(1.0, d.ref_scale);
      EXPECT_LE(d.max_abs, tol) << GetParam() << " " << name << ": max abs diff " << d.max_abs
                                << " (output scale " << d.ref_scale << ")";
      RecordProperty(name + "_max_abs_diff", std::to_string(d.max_abs));
      std::printf("[parity] %s %s b%lld s%lld: max abs diff %.3g, scale %.3g\n", GetParam().c_str(),
                  name.c_str(), static_cast<long long>(w.batch), static_cast<long long>(w.seq_len),
                  d.max_abs, d.ref_scale);
    }
  }
}

TEST_P(OnnxParity, Fp16ExportRunsCloseToTorchFp32) {
  const auto& family = models::FindFamily(GetParam());
  const auto cfg = family.FindPreset("tiny").config;
  const auto w = onnx_test::TwoWorkloads()[1];
  onnx_test::TempDir dir;
  const std::string path = dir.File(GetParam() + ".fp16.onnx");
  models::ExportOptions opt;
  opt.precision = Precision::kFp16;
  try {
    models::ExportOnnx(family, cfg, w, path, opt);
  } catch (const UnsupportedError& e) {
    GTEST_SKIP() << "fp16 export not implemented for " << GetParam() << ": " << e.what();
  }
  const auto inputs = Inputs(family, cfg, w, /*pad=*/false);
  const auto ref = backends::RunForward(family, cfg, inputs, Precision::kFp32);
  models::OrtRunOptions ro;
  ro.precision = Precision::kFp16;
  const auto got = models::RunOnnxRuntimeNode(path, inputs, ro).outputs;
  for (const auto& [name, r] : ref) {
    auto it = got.find(name);
    ASSERT_NE(it, got.end()) << name;
    ASSERT_EQ(it->second.shape, r.shape) << name;
    if (r.dtype != models::DType::kFloat) continue;  // argmax-like outputs may flip on ties
    const auto d = onnx_test::Compare(r, it->second);
    EXPECT_LE(d.max_abs, kFp16Tolerance * std::max(1.0, d.ref_scale))
        << GetParam() << " " << name << ": max abs diff " << d.max_abs;
    std::printf("[parity-fp16] %s %s: max abs diff %.3g, scale %.3g\n", GetParam().c_str(),
                name.c_str(), d.max_abs, d.ref_scale);
  }
}

// Reference presets are large (bert-base 438 MB of fp32 weights): opt in with
// ACCELBENCH_ONNX_REFERENCE=bert,vit (family names). Exercises external data at real size.
TEST(OnnxParityReference, Fp32MatchesTorchBatch1) {
  const char* env = std::getenv("ACCELBENCH_ONNX_REFERENCE");
  if (!env || !*env) GTEST_SKIP() << "set ACCELBENCH_ONNX_REFERENCE=family,... to run";
  std::string list = env;
  for (size_t start = 0; start <= list.size();) {
    const size_t end = std::min(list.find(',', start), list.size());
    const std::string name = list.substr(start, end - start);
    start = end + 1;
    SCOPED_TRACE(name);
    const auto& family = models::FindFamily(name);
    const auto cfg = family.ReferencePreset().config;
    models::Workload w;  // batch 1, seq 128
    onnx_test::TempDir dir;
    const auto r = models::ExportOnnx(family, cfg, w, dir.File(name + ".onnx"));
    EXPECT_FALSE(r.data_path.empty());
    const auto inputs = Inputs(family, cfg, w, false);
    const auto ref = backends::RunForward(family, cfg, inputs, Precision::kFp32);
    const auto run = models::RunOnnxRuntimeNode(r.path, inputs);
    for (const auto& [out, t] : ref) {
      if (t.dtype != models::DType::kFloat) continue;
      const auto d = onnx_test::Compare(t, run.outputs.at(out));
      EXPECT_LE(d.max_abs, kFp32Tolerance * std::max(1.0, d.ref_scale)) << out;
      std::printf("[parity-ref] %s %s: max abs diff %.3g, scale %.3g (%lld bytes)\n", name.c_str(),
                  out.c_str(), d.max_abs, d.ref_scale, static_cast<long long>(r.bytes));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllFamilies, OnnxParity, testing::ValuesIn(onnx_test::FamilyNames()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace accelbench
