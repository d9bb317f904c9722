// ONNX export of every registered family's tiny preset (no torch): the exported file passes
// onnx::checker and strict shape inference (inside ExportOnnx), keeps batch/sequence dynamic,
// and the same file runs in onnxruntime-node at two batch sizes and sequence lengths with the
// output shapes the shapes-only lowering predicts.
#include <onnx/onnx_pb.h>

#include <fstream>

#include "core/errors.h"
#include "models/lowering/meta_ops.h"
#include "models/lowering/onnx_export.h"
#include "models/lowering/ort_runner.h"
#include "onnx/onnx_test_util.h"

namespace accelbench {
namespace {

using models::HostTensor;
using onnx_test::TempDir;

std::map<std::string, std::vector<int64_t>, std::less<>> MetaShapes(const models::Family& f,
                                                                    const models::Config& cfg,
                                                                    const models::Workload& w) {
  models::MetaOps ops;
  models::Inputs in;
  for (const auto& d : f.InputsFor(cfg, w, Mode::kInference))
    in.emplace(d.name, ops.Input(d.name, d.dtype, d.dims));
  for (const auto& [name, t] : f.Forward(ops, cfg, in)) ops.Output(name, t);
  return ops.outputs();
}

class OnnxExport : public testing::TestWithParam<std::string> {};

TEST_P(OnnxExport, TinyPassesCheckerAndRunsAtTwoSizes) {
  const auto& family = models::FindFamily(GetParam());
  const auto cfg = family.FindPreset("tiny").config;
  const auto workloads = onnx_test::TwoWorkloads();
  TempDir dir;
  const std::string path = dir.File(GetParam() + ".onnx");
  models::ExportResult r;
  try {
    r = models::ExportOnnx(family, cfg, workloads[0], path);
  } catch (const UnsupportedError& e) {
    GTEST_SKIP() << "export not implemented for " << GetParam() << ": " << e.what();
  }
  EXPECT_GT(r.nodes, 0);
  EXPECT_GT(r.initializers, 0);
  EXPECT_EQ(r.bytes, static_cast<int64_t>(std::filesystem::file_size(path)));
  ASSERT_NO_THROW(models::CheckOnnxFile(path));

  // Symbolic dims of the family's inputs stay symbolic in the graph.
  onnx::ModelProto m;
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(m.ParseFromIstream(&in));
  EXPECT_EQ(m.opset_import(0).version(), 17);
  const auto descs = family.InputsFor(cfg, workloads[0], Mode::kInference);
  ASSERT_EQ(m.graph().input_size(), static_cast<int>(descs.size()));
  for (int i = 0; i < m.graph().input_size(); ++i) {
    const auto& gi = m.graph().input(i);
    const auto& d = descs[i];
    ASSERT_EQ(gi.name(), d.name);
    const auto& shape = gi.type().tensor_type().shape();
    ASSERT_EQ(shape.dim_size(), static_cast<int>(d.dims.size()));
    for (int k = 0; k < shape.dim_size(); ++k) {
      if (d.dims[k].symbol.empty())
        EXPECT_EQ(shape.dim(k).dim_value(), d.dims[k].size);
      else
        EXPECT_EQ(shape.dim(k).dim_param(), d.dims[k].symbol) << d.name << " dim " << k;
    }
  }

  for (const auto& w : workloads) {
    SCOPED_TRACE("batch " + std::to_string(w.batch) + " seq " + std::to_string(w.seq_len));
    const auto inputs = models::GenerateInputs(family.InputsFor(cfg, w, Mode::kInference), 7);
    const auto res = models::RunOnnxRuntimeNode(path, inputs);
    EXPECT_EQ(res.runtime_version, "1.30.0");  // the version scripts/setup pins
    const auto expect = MetaShapes(family, cfg, w);
    ASSERT_EQ(res.outputs.size(), expect.size());
    for (const auto& [name, shape] : expect) {
      auto it = res.outputs.find(name);
      ASSERT_NE(it, res.outputs.end()) << "missing output " << name;
      EXPECT_EQ(it->second.shape, shape) << name;
      for (float v : it->second.f) ASSERT_TRUE(std::isfinite(v)) << name;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllFamilies, OnnxExport, testing::ValuesIn(onnx_test::FamilyNames()),
                         [](const auto& info) { return info.param; });

TEST(OnnxExportOptions, RejectsUnsupportedOpsetAndPrecision) {
  const auto& family = *models::AllFamilies().front();
  const auto cfg = family.FindPreset("tiny").config;
  TempDir dir;
  models::ExportOptions opt;
  opt.opset = 18;
  EXPECT_THROW(models::ExportOnnx(family, cfg, {}, dir.File("a.onnx"), opt), UnsupportedError);
  opt = {};
  opt.precision = Precision::kInt8;
  EXPECT_THROW(models::ExportOnnx(family, cfg, {}, dir.File("b.onnx"), opt), UnsupportedError);
}

TEST(OnnxExportOptions, LargeInitializersGoToExternalData) {
  const auto& family = *models::AllFamilies().front();
  const auto cfg = family.FindPreset("tiny").config;
  TempDir dir;
  models::ExportOptions opt;
  opt.external_data_threshold_bytes = 1024;  // tiny presets have weights above 1 KiB
  const auto r =
      models::ExportOnnx(family, cfg, onnx_test::TwoWorkloads()[0], dir.File("m.onnx"), opt);
  ASSERT_FALSE(r.data_path.empty());
  EXPECT_EQ(r.data_path, dir.File("m.onnx") + ".data");
  EXPECT_GT(std::filesystem::file_size(r.data_path), 1024u);
  // The checker resolves the data file next to the model; ORT loads it too.
  EXPECT_NO_THROW(models::CheckOnnxFile(r.path));
  const auto inputs = models::GenerateInputs(
      family.InputsFor(cfg, onnx_test::TwoWorkloads()[0], Mode::kInference), 7);
  const auto inline_r =
      models::ExportOnnx(family, cfg, onnx_test::TwoWorkloads()[0], dir.File("i.onnx"));
  EXPECT_TRUE(inline_r.data_path.empty());
  const auto a = models::RunOnnxRuntimeNode(r.path, inputs);
  const auto b = models::RunOnnxRuntimeNode(inline_r.path, inputs);
  ASSERT_EQ(a.outputs.size(), b.outputs.size());
  for (const auto& [name, t] : a.outputs) EXPECT_EQ(t.f, b.outputs.at(name).f) << name;
}

TEST(OrtRunner, ReportsAMissingModelClearly) {
  std::map<std::string, HostTensor, std::less<>> none;
  try {
    models::RunOnnxRuntimeNode("/nonexistent/model.onnx", none);
    FAIL() << "expected RuntimeError";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("onnxruntime-node"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace accelbench
