// Quantized ONNX lowering (models/lowering/onnx_quant*): int8 QDQ and int4 MatMulNBits exports
// of bert tiny pass the ONNX checker, run in onnxruntime-node, and stay close to the fp32 export
// on the same inputs (deviation printed and bounded); the MatMulNBits packing matches
// quant::DequantizeInt4 exactly on a single Linear; a per-layer plan rewrites only its groups.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <cstdio>
#include <fstream>

#include "core/errors.h"
#include "models/lowering/onnx_ops.h"
#include "models/lowering/onnx_quant_export.h"
#include "models/lowering/ort_runner.h"
#include "models/weights.h"
#include "onnx/onnx_test_util.h"
#include "quant/int4.h"
#include "quant/precision_plan.h"

namespace accelbench {
namespace {

using models::HostTensor;
using HostMap = std::map<std::string, HostTensor, std::less<>>;

models::QuantExportOptions Uniform(Precision p, models::ActivationQuant a) {
  models::QuantExportOptions o;
  o.quant.precision_of = [p](const std::string&) { return p; };
  o.quant.activations = a;
  o.quant.int4_block_size = 32;
  return o;
}

int CountOps(const std::string& path, const std::string& op) {
  const auto m = models::LoadOnnxModel(path);
  int n = 0;
  for (const auto& node : m.graph().node()) n += node.op_type() == op;
  return n;
}

struct BertTiny {
  const models::Family& family = models::FindFamily("bert");
  models::Config cfg = family.FindPreset("tiny").config;
  models::Workload w;
  onnx_test::TempDir dir;
  std::string fp32;
  HostMap inputs;
  std::map<std::string, HostTensor> ref;
  BertTiny() {
    w.batch = 2;
    w.seq_len = 16;
    fp32 = dir.File("fp32.onnx");
    models::ExportOnnx(family, cfg, w, fp32);
    inputs = models::GenerateInputs(family.InputsFor(cfg, w, Mode::kInference), 5);
    ref = models::RunOnnxRuntimeNode(fp32, inputs).outputs;
  }
};

BertTiny& Bert() {
  static BertTiny b;
  return b;
}

// Runs `path` on the shared inputs; returns the worst relative L2 deviation over float outputs.
double Deviation(const std::string& label, const std::string& path) {
  auto& b = Bert();
  const auto got = models::RunOnnxRuntimeNode(path, b.inputs).outputs;
  EXPECT_EQ(got.size(), b.ref.size());
  double worst = 0;
  for (const auto& [name, r] : b.ref) {
    if (r.dtype != models::DType::kFloat) continue;
    const auto d = models::CompareOutputs(r, got.at(name));
    std::printf("[onnx-quant] bert tiny %s %s: max abs %.4g, rel L2 %.4g (scale %.3g)\n",
                label.c_str(), name.c_str(), d.max_abs, d.rel_l2, d.ref_scale);
    worst = std::max(worst, d.rel_l2);
  }
  return worst;
}

class OnnxQuantInt8 : public testing::TestWithParam<models::ActivationQuant> {};

TEST_P(OnnxQuantInt8, BertTinyRunsCloseToFp32) {
  auto& b = Bert();
  const std::string path = b.dir.File("int8_" + std::string(ToString(GetParam())) + ".onnx");
  const auto r = models::ExportQuantizedOnnx(b.family, b.cfg, b.w, path,
                                             Uniform(Precision::kInt8, GetParam()));
  // 2 layers x (q, k, v, o, intermediate, output) + pooler.
  EXPECT_EQ(r.report.int8_matmuls, 13);
  EXPECT_EQ(r.report.int4_matmuls, 0);
  EXPECT_EQ(r.report.fp32_matmuls, 0);
  EXPECT_LT(r.report.weight_bytes_after * 3, r.report.weight_bytes_before);
  EXPECT_GE(CountOps(path, "DequantizeLinear"), r.report.int8_matmuls);
  EXPECT_EQ(CountOps(path, "DynamicQuantizeLinear") > 0,
            GetParam() == models::ActivationQuant::kDynamic);
  EXPECT_EQ(CountOps(path, "QuantizeLinear") > 0, GetParam() == models::ActivationQuant::kStatic);
  std::printf("[onnx-quant] int8 %s: %lld bytes (fp32 %lld)\n", ToString(GetParam()).data(),
              static_cast<long long>(r.file.bytes), static_cast<long long>(r.fp32_bytes));
  EXPECT_LT(Deviation("int8 " + std::string(ToString(GetParam())), path), 0.05);
}

INSTANTIATE_TEST_SUITE_P(Activations, OnnxQuantInt8,
                         testing::Values(models::ActivationQuant::kDynamic,
                                         models::ActivationQuant::kStatic,
                                         models::ActivationQuant::kWeightOnly),
                         [](const auto& info) { return std::string(ToString(info.param)); });

class OnnxQuantInt4 : public testing::TestWithParam<bool> {};

TEST_P(OnnxQuantInt4, BertTinyMatMulNBitsRunsCloseToFp32) {
  auto& b = Bert();
  const bool symmetric = GetParam();
  const std::string path = b.dir.File(symmetric ? "int4_sym.onnx" : "int4_asym.onnx");
  auto opt = Uniform(Precision::kInt4, models::ActivationQuant::kDynamic);
  opt.quant.int4_symmetric = symmetric;
  const auto r = models::ExportQuantizedOnnx(b.family, b.cfg, b.w, path, opt);
  EXPECT_EQ(r.report.int4_matmuls, 13);
  EXPECT_EQ(r.report.int8_matmuls, 0);
  EXPECT_EQ(CountOps(path, "MatMulNBits"), r.report.int4_matmuls);
  // 4 bits + one fp32 scale per 32 weights: 5/32 of fp32 (plus zero points when asymmetric).
  EXPECT_LT(r.report.weight_bytes_after * 5, r.report.weight_bytes_before);
  EXPECT_TRUE(r.report.tied.empty());  // bert's encoder has no tied MLM head
  std::printf("[onnx-quant] int4 %s: %lld bytes (fp32 %lld)\n", symmetric ? "sym" : "asym",
              static_cast<long long>(r.file.bytes), static_cast<long long>(r.fp32_bytes));
  EXPECT_LT(Deviation(symmetric ? "int4 sym" : "int4 asym", path), 0.25);
}

INSTANTIATE_TEST_SUITE_P(Symmetry, OnnxQuantInt4, testing::Bool(),
                         [](const auto& info) { return info.param ? "sym" : "asym"; });

TEST(OnnxQuant, PlanRewritesOnlyItsGroups) {
  auto& b = Bert();
  const auto plan = quant::PrecisionPlan::Parse("attention=int8,mlp=int4");
  auto opt = Uniform(Precision::kFp32, models::ActivationQuant::kDynamic);
  std::vector<std::string> seen;
  opt.quant.precision_of = [&](const std::string& p) {
    seen.push_back(p);
    return plan.For(quant::GroupOfParam(p, true));
  };
  const std::string path = b.dir.File("plan.onnx");
  const auto r = models::ExportQuantizedOnnx(b.family, b.cfg, b.w, path, opt);
  int attention = 0, mlp = 0, other = 0;
  for (const auto& p : seen) {
    const auto g = quant::GroupOfParam(p, true);
    (g == "attention" ? attention : g == "mlp" ? mlp : other)++;
  }
  EXPECT_EQ(r.report.int8_matmuls, attention);
  EXPECT_EQ(r.report.int4_matmuls, mlp);
  EXPECT_EQ(r.report.fp32_matmuls, other);
  EXPECT_EQ(attention, 8);  // 2 layers x q, k, v, o
  EXPECT_EQ(mlp, 4);        // 2 layers x intermediate, output
  EXPECT_EQ(other, 1);      // pooler
  EXPECT_LT(Deviation("plan attention=int8,mlp=int4", path), 0.25);
}

// One Linear [N=48, K=80] (K not a multiple of the block: the last block is padded): ORT's
// MatMulNBits output equals x . DequantizeInt4(W)^T computed here from quant/int4.h.
TEST(OnnxQuant, MatMulNBitsMatchesReferenceDequantization) {
  constexpr int64_t N = 48, K = 80, M = 5, kBlock = 32;
  for (bool symmetric : {true, false}) {
    SCOPED_TRACE(symmetric ? "symmetric" : "asymmetric");
    onnx_test::TempDir dir;
    onnx::ModelProto m;
    m.set_ir_version(8);
    auto* imp = m.add_opset_import();
    imp->set_domain("");
    imp->set_version(17);
    m.mutable_graph()->set_name("lin");
    {
      models::OnnxOps ops(*m.mutable_graph(), {});
      auto x = ops.Input("x", models::DType::kFloat,
                         {models::Dim::Symbolic("m", M), models::Dim::Static(K)});
      auto w = ops.Param("lin.weight", {N, K}, models::WeightInit::Normal(0.05f));
      ops.Output("y", ops.Linear(x, w, {}));
    }
    std::vector<float> wv(N * K);
    models::GenerateWeightInto(0, "lin.weight", {N, K}, models::WeightInit::Normal(0.05f),
                               wv.data());
    models::OnnxQuantOptions q;
    q.precision_of = [](const std::string&) { return Precision::kInt4; };
    q.int4_block_size = kBlock;
    q.int4_symmetric = symmetric;
    const auto rep = models::QuantizeOnnxModel(m, q);
    EXPECT_EQ(rep.int4_matmuls, 1);
    EXPECT_TRUE(rep.tied.empty());
    const std::string path = dir.File("lin.onnx");
    models::SaveOnnxModel(m, path, 1 << 20);
    models::CheckOnnxFile(path);
    HostTensor x;
    x.shape = {M, K};
    models::SeededRng rng(3);
    for (int64_t i = 0; i < M * K; ++i) x.f.push_back(rng.Normal());
    const auto y = models::RunOnnxRuntimeNode(path, {{"x", x}}).outputs.at("y");
    ASSERT_EQ(y.shape, (std::vector<int64_t>{M, N}));
    const auto deq = quant::DequantizeInt4(quant::QuantizeInt4(wv, N, K, kBlock, symmetric));
    double worst = 0, worst_fp32 = 0;
    for (int64_t i = 0; i < M; ++i)
      for (int64_t n = 0; n < N; ++n) {
        double want = 0, exact = 0;
        for (int64_t k = 0; k < K; ++k) {
          want += double(x.f[i * K + k]) * deq[n * K + k];
          exact += double(x.f[i * K + k]) * wv[n * K + k];
        }
        worst = std::max(worst, std::abs(y.f[i * N + n] - want));
        worst_fp32 = std::max(worst_fp32, std::abs(y.f[i * N + n] - exact));
      }
    EXPECT_LT(worst, 1e-4);       // same codes and scales as quant/int4.h
    EXPECT_GT(worst_fp32, 1e-4);  // ... and really quantized
  }
}

TEST(OnnxQuant, BadInputs) {
  auto& b = Bert();
  auto opt = Uniform(Precision::kInt4, models::ActivationQuant::kDynamic);
  opt.quant.int4_block_size = 24;
  EXPECT_THROW(models::ExportQuantizedOnnx(b.family, b.cfg, b.w, b.dir.File("x.onnx"), opt),
               UsageError);
  auto fp16 = Uniform(Precision::kFp16, models::ActivationQuant::kDynamic);
  EXPECT_THROW(models::ExportQuantizedOnnx(b.family, b.cfg, b.w, b.dir.File("y.onnx"), fp16),
               UnsupportedError);
  auto from16 = Uniform(Precision::kInt8, models::ActivationQuant::kDynamic);
  from16.base.precision = Precision::kFp16;
  EXPECT_THROW(models::ExportQuantizedOnnx(b.family, b.cfg, b.w, b.dir.File("z.onnx"), from16),
               UnsupportedError);
  EXPECT_THROW(models::ParseActivationQuant("sometimes"), UsageError);
}

}  // namespace
}  // namespace accelbench
