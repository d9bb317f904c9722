// OnnxOps op by op, on paths the family exports do not reach: attention with Sq < Sk (causal
// with a KV-cache offset) plus grouped-query heads and padding, rotary and positions with an
// offset, T5 relative position buckets for a decoder step, activations. Each small graph passes
// the checker, runs in onnxruntime-node and is compared with a naive C++ reference.
#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>

#include "core/errors.h"
#include "models/lowering/onnx_export.h"
#include "models/lowering/onnx_ops.h"
#include "models/lowering/ort_runner.h"
#include "models/weights.h"
#include "onnx/onnx_test_util.h"

namespace accelbench {
namespace {

using models::Dim;
using models::DType;
using models::HostTensor;
using HostMap = std::map<std::string, HostTensor, std::less<>>;

std::string BuildModel(const onnx_test::TempDir& dir, const std::string& name,
                       const std::function<void(models::OnnxOps&)>& body) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  auto* imp = m.add_opset_import();
  imp->set_domain("");
  imp->set_version(17);
  m.mutable_graph()->set_name(name);
  {
    models::OnnxOps ops(*m.mutable_graph(), {});
    body(ops);
  }
  const std::string path = dir.File(name + ".onnx");
  std::ofstream out(path, std::ios::binary);
  m.SerializeToOstream(&out);
  out.close();
  models::CheckOnnxFile(path);
  return path;
}

HostTensor Floats(std::vector<int64_t> shape, uint64_t seed) {
  HostTensor t;
  t.shape = std::move(shape);
  models::SeededRng rng(seed);
  t.f.resize(static_cast<size_t>(models::Numel(t.shape)));
  for (auto& v : t.f) v = rng.Normal();
  return t;
}

void ExpectNear(const HostTensor& got, const std::vector<float>& want, double tol) {
  ASSERT_EQ(got.f.size(), want.size());
  double worst = 0;
  for (size_t i = 0; i < want.size(); ++i)
    worst = std::max(worst, std::abs(double(got.f[i]) - want[i]));
  EXPECT_LE(worst, tol);
}

TEST(OnnxOps, CausalAttentionWithCacheOffsetGqaAndPadding) {
  constexpr int64_t B = 2, H = 4, Hkv = 2, Sq = 3, Sk = 7, D = 8;
  onnx_test::TempDir dir;
  const auto path = BuildModel(dir, "attn", [&](models::OnnxOps& ops) {
    auto q =
        ops.Input("q", DType::kFloat,
                  {Dim::Symbolic("b", B), Dim::Static(H), Dim::Symbolic("sq", Sq), Dim::Static(D)});
    auto k = ops.Input(
        "k", DType::kFloat,
        {Dim::Symbolic("b", B), Dim::Static(Hkv), Dim::Symbolic("sk", Sk), Dim::Static(D)});
    auto v = ops.Input(
        "v", DType::kFloat,
        {Dim::Symbolic("b", B), Dim::Static(Hkv), Dim::Symbolic("sk", Sk), Dim::Static(D)});
    auto m = ops.Input("mask", DType::kInt64, {Dim::Symbolic("b", B), Dim::Symbolic("sk", Sk)});
    models::AttentionOptions opt;
    opt.causal = true;
    opt.key_padding_mask = m;
    ops.Output("out", ops.Attention(q, k, v, opt));
  });
  HostMap in{{"q", Floats({B, H, Sq, D}, 1)},
             {"k", Floats({B, Hkv, Sk, D}, 2)},
             {"v", Floats({B, Hkv, Sk, D}, 3)}};
  HostTensor mask;
  mask.dtype = DType::kInt64;
  mask.shape = {B, Sk};
  mask.i.assign(B * Sk, 1);
  mask.i[1 * Sk + 0] = 0;  // row 1: first key is padding
  in.emplace("mask", mask);
  const auto got = models::RunOnnxRuntimeNode(path, in).outputs.at("out");
  ASSERT_EQ(got.shape, (std::vector<int64_t>{B, H, Sq, D}));
  std::vector<float> want(B * H * Sq * D);
  auto at = [](const HostTensor& t, int64_t b, int64_t h, int64_t s, int64_t d) {
    return t.f[((b * t.shape[1] + h) * t.shape[2] + s) * t.shape[3] + d];
  };
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t i = 0; i < Sq; ++i) {
        const int64_t kv = h / (H / Hkv), pos = Sk - Sq + i;
        std::vector<double> p(Sk, 0);
        double mx = -1e300, sum = 0;
        for (int64_t j = 0; j <= pos; ++j) {
          if (!mask.i[b * Sk + j]) continue;
          double s = 0;
          for (int64_t d = 0; d < D; ++d)
            s += at(in.at("q"), b, h, i, d) * at(in.at("k"), b, kv, j, d);
          p[j] = s / std::sqrt(double(D));
          mx = std::max(mx, p[j]);
        }
        for (int64_t j = 0; j <= pos; ++j)
          if (mask.i[b * Sk + j])
            sum += (p[j] = std::exp(p[j] - mx));
          else
            p[j] = 0;
        for (int64_t j = pos + 1; j < Sk; ++j) p[j] = 0;
        for (int64_t d = 0; d < D; ++d) {
          double o = 0;
          for (int64_t j = 0; j < Sk; ++j) o += p[j] / sum * at(in.at("v"), b, kv, j, d);
          want[((b * H + h) * Sq + i) * D + d] = static_cast<float>(o);
        }
      }
  ExpectNear(got, want, 1e-5);
}

// onnxruntime-node runs with TMPDIR pointing into the runner's own temporary directory: the empty
// mat-debug-<pid>.log that onnxruntime's telemetry layer creates per session (and the job files)
// are removed with it, nothing is left in the caller's TMPDIR.
TEST(OnnxOps, OrtRunLeavesNothingInTmpdir) {
  onnx_test::TempDir dir;
  const auto path = BuildModel(dir, "tmp", [&](models::OnnxOps& ops) {
    auto x = ops.Input("x", DType::kFloat,
                       {Dim::Static(1), Dim::Static(2), Dim::Symbolic("s", 3), Dim::Static(8)});
    ops.Output("y", ops.Rotary(x, 0, 10000.f));
  });
  const std::string tmpdir = dir.File("tmpdir");
  std::filesystem::create_directory(tmpdir);
  const char* old = std::getenv("TMPDIR");
  const std::string saved = old ? old : "";
  setenv("TMPDIR", tmpdir.c_str(), 1);
  HostMap in{{"x", Floats({1, 2, 3, 8}, 5)}};
  const auto out = models::RunOnnxRuntimeNode(path, in).outputs;
  if (old)
    setenv("TMPDIR", saved.c_str(), 1);
  else
    unsetenv("TMPDIR");
  EXPECT_EQ(out.count("y"), 1u);
  std::string left;
  for (const auto& e : std::filesystem::directory_iterator(tmpdir))
    left += e.path().filename().string() + " ";
  EXPECT_EQ(left, "");
}

TEST(OnnxOps, RotaryAndPositionsWithOffset) {
  constexpr int64_t S = 5, D = 8, kOffset = 6;
  constexpr float kTheta = 10000.f;
  onnx_test::TempDir dir;
  const auto path = BuildModel(dir, "rope", [&](models::OnnxOps& ops) {
    auto x = ops.Input("x", DType::kFloat,
                       {Dim::Static(1), Dim::Static(2), Dim::Symbolic("s", S), Dim::Static(D)});
    ops.Output("y", ops.Rotary(x, kOffset, kTheta));
    ops.Output("pos", ops.Positions(x, 2, kOffset));
  });
  HostMap in{{"x", Floats({1, 2, S, D}, 4)}};
  const auto out = models::RunOnnxRuntimeNode(path, in).outputs;
  EXPECT_EQ(out.at("pos").i, (std::vector<int64_t>{6, 7, 8, 9, 10}));
  const auto& x = in.at("x").f;
  std::vector<float> want(x.size());
  for (int64_t h = 0; h < 2; ++h)
    for (int64_t s = 0; s < S; ++s)
      for (int64_t i = 0; i < D / 2; ++i) {
        const double a = double(kOffset + s) * std::pow(double(kTheta), -2.0 * i / D);
        const size_t base = static_cast<size_t>((h * S + s) * D);
        const double x1 = x[base + i], x2 = x[base + i + D / 2];
        want[base + i] = static_cast<float>(x1 * std::cos(a) - x2 * std::sin(a));
        want[base + i + D / 2] = static_cast<float>(x2 * std::cos(a) + x1 * std::sin(a));
      }
  ExpectNear(out.at("y"), want, 1e-5);
}

// HF T5Attention._relative_position_bucket in fp32, as torch computes it.
int64_t Bucket(int64_t rel, bool bidirectional, int64_t nb, int64_t max_distance) {
  int64_t ret = 0;
  if (bidirectional) {
    nb /= 2;
    ret += rel > 0 ? nb : 0;
    rel = std::abs(rel);
  } else {
    rel = -std::min<int64_t>(rel, 0);
  }
  const int64_t max_exact = nb / 2;
  if (rel < max_exact) return ret + rel;
  const float v = std::log(float(rel) / float(max_exact)) /
                  float(std::log(double(max_distance) / double(max_exact))) * float(nb - max_exact);
  return ret + std::min<int64_t>(max_exact + static_cast<int64_t>(v), nb - 1);
}

TEST(OnnxOps, RelativePositionBiasMatchesHfBuckets) {
  constexpr int64_t H = 2, NB = 32, MaxDist = 128;
  for (bool bidir : {true, false}) {
    SCOPED_TRACE(bidir ? "bidirectional" : "causal");
    const int64_t sq = bidir ? 40 : 1, sk = 300, q_offset = bidir ? 0 : 299;
    onnx_test::TempDir dir;
    const auto path = BuildModel(dir, "rpb", [&](models::OnnxOps& ops) {
      auto table = ops.Input("table", DType::kFloat, {Dim::Static(NB), Dim::Static(H)});
      auto q = ops.Input("q", DType::kFloat,
                         {Dim::Static(1), Dim::Static(H), Dim::Symbolic("sq", sq), Dim::Static(1)});
      auto k = ops.Input("k", DType::kFloat,
                         {Dim::Static(1), Dim::Static(H), Dim::Symbolic("sk", sk), Dim::Static(1)});
      models::RelativePositionBucketOptions o;
      o.bidirectional = bidir;
      o.num_buckets = NB;
      o.max_distance = MaxDist;
      ops.Output("bias", ops.RelativePositionBias(table, q, k, q_offset, o));
    });
    HostMap in{{"table", Floats({NB, H}, 5)},
               {"q", Floats({1, H, sq, 1}, 6)},
               {"k", Floats({1, H, sk, 1}, 7)}};
    const auto got = models::RunOnnxRuntimeNode(path, in).outputs.at("bias");
    ASSERT_EQ(got.shape, (std::vector<int64_t>{1, H, sq, sk}));
    std::vector<float> want(H * sq * sk);
    for (int64_t h = 0; h < H; ++h)
      for (int64_t i = 0; i < sq; ++i)
        for (int64_t j = 0; j < sk; ++j)
          want[(h * sq + i) * sk + j] =
              in.at("table").f[Bucket(j - (q_offset + i), bidir, NB, MaxDist) * H + h];
    ExpectNear(got, want, 0);
  }
}

TEST(OnnxOps, ActivationsMatchTheirFormulas) {
  using models::Activation;
  const std::vector<std::pair<Activation, std::function<double(double)>>> acts = {
      {Activation::kRelu, [](double x) { return std::max(x, 0.0); }},
      {Activation::kGelu, [](double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); }},
      {Activation::kGeluTanh,
       [](double x) {
         return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
       }},
      {Activation::kQuickGelu, [](double x) { return x / (1 + std::exp(-1.702 * x)); }},
      {Activation::kSilu, [](double x) { return x / (1 + std::exp(-x)); }},
      {Activation::kTanh, [](double x) { return std::tanh(x); }},
      {Activation::kSigmoid, [](double x) { return 1 / (1 + std::exp(-x)); }}};
  onnx_test::TempDir dir;
  const auto path = BuildModel(dir, "act", [&](models::OnnxOps& ops) {
    auto x = ops.Input("x", DType::kFloat, {Dim::Symbolic("n", 64)});
    for (size_t i = 0; i < acts.size(); ++i)
      ops.Output("y" + std::to_string(i), ops.Act(x, acts[i].first));
  });
  HostMap in{{"x", Floats({64}, 8)}};
  for (auto& v : in.at("x").f) v *= 3;
  const auto out = models::RunOnnxRuntimeNode(path, in).outputs;
  for (size_t i = 0; i < acts.size(); ++i) {
    std::vector<float> want;
    for (float v : in.at("x").f) want.push_back(static_cast<float>(acts[i].second(v)));
    SCOPED_TRACE("activation " + std::to_string(i));
    ExpectNear(out.at("y" + std::to_string(i)), want, 2e-6);
  }
}

TEST(OnnxOps, TrainingLossesAreUnsupported) {
  onnx::GraphProto g;
  models::OnnxOps ops(g, {});
  auto x = ops.Input("x", DType::kFloat, {Dim::Static(2), Dim::Static(3)});
  auto y = ops.Input("y", DType::kInt64, {Dim::Static(2)});
  EXPECT_THROW(ops.CrossEntropy(x, y), UnsupportedError);
  EXPECT_THROW(ops.MeanSquaredError(x, x), UnsupportedError);
}

}  // namespace
}  // namespace accelbench
