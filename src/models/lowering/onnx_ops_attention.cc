// The ONNX lowering, part 2: attention (MatMul/Softmax with padding, causal and additive masks,
// grouped-query heads), rotary embeddings, positions and T5 relative position buckets. Every
// sequence-dependent quantity is computed in-graph from Shape nodes, so sequence length and
// batch stay dynamic.
#include <cmath>
#include <limits>

#include "core/errors.h"
#include "models/lowering/onnx_graph.h"
#include "models/lowering/onnx_ops.h"

namespace accelbench::models {
using namespace onnx_detail;

Tensor OnnxOps::Range(const Tensor& start, const Tensor& limit) {
  const std::string out = Fresh("Range");
  AddNode("Range", {Of(start).name, Of(limit).name, Of(Int64Scalar(1)).name}, out);
  return Make(out, kInt64, {GraphDim{}});
}

namespace {
// Static size of a tracked dim or a clear error (head counts and head dims must be static).
int64_t StaticDim(const OnnxTensor& t, size_t i, const char* what) {
  if (i >= t.dims.size() || !t.dims[i].IsStatic())
    throw RuntimeError(std::string("ONNX lowering: ") + what + " must be a static size");
  return t.dims[i].value;
}
}  // namespace

Tensor OnnxOps::Attention(const Tensor& q, const Tensor& k, const Tensor& v,
                          const AttentionOptions& opt) {
  const auto& tq = Of(q);
  if (tq.dims.size() != 4 || Of(k).dims.size() != 4 || Of(v).dims.size() != 4)
    throw RuntimeError("ONNX lowering: attention takes rank-4 q/k/v");
  const int64_t h = StaticDim(tq, 1, "attention heads");
  const int64_t d = StaticDim(tq, 3, "attention head dim");
  auto repeat_kv = [&](const Tensor& x) {
    const int64_t hkv = StaticDim(Of(x), 1, "attention kv heads");
    if (hkv == h) return x;
    if (h % hkv != 0) throw RuntimeError("ONNX lowering: heads not a multiple of kv heads");
    // [B, Hkv, S, D] -> [B, Hkv, 1, S, D] -> tile -> [B, Hkv, rep, S, D] -> [B, H, S, D]:
    // query head i uses kv head i / rep (HF repeat_kv).
    const int64_t dx = StaticDim(Of(x), 3, "attention head dim");
    Tensor u = Unsqueeze(x, 2);
    const std::string tiled = Fresh("Tile");
    AddNode("Tile", {Of(u).name, Of(Int64s({1, 1, h / hkv, 1, 1})).name}, tiled);
    auto dims = Of(u).dims;
    dims[2] = GraphDim::Static(h / hkv);
    Tensor t = Make(tiled, Of(x).elem_type, dims);
    return Reshape(t, {0, h, -1, dx});
  };
  Tensor kr = repeat_kv(k), vr = repeat_kv(v);
  const float scale = opt.scale ? *opt.scale : 1.0f / std::sqrt(static_cast<float>(d));
  Tensor s = Scale(MatMul(q, Transpose(kr, {0, 1, 3, 2})), scale);
  if (opt.bias) s = Add(s, opt.bias);
  const float neg = float_type_ == kFloat16 ? -65504.0f : std::numeric_limits<float>::lowest();
  auto mask_out = [&](const Tensor& cond) {  // where cond: neg, else s
    const std::string out = Fresh("Where");
    AddNode("Where", {Of(cond).name, Of(ScalarLike(s, neg)).name, Of(s).name}, out);
    s = Make(out, Of(s).elem_type, BroadcastDims(Of(cond).dims, Of(s).dims));
  };
  if (opt.key_padding_mask) {
    const auto& m = Of(opt.key_padding_mask);
    Tensor pad = m.elem_type == kBool
                     ? Op1("Not", opt.key_padding_mask)
                     : Binary("Equal", opt.key_padding_mask, ScalarLike(opt.key_padding_mask, 0));
    mask_out(Unsqueeze(Unsqueeze(pad, 1), 1));  // [B, 1, 1, Sk]
  }
  if (opt.causal) {
    // Query i sits at absolute position (Sk - Sq) + i and sees keys j <= that position.
    Tensor sq = DimOf(q, 2), sk = DimOf(k, 2);
    Tensor rows = Add(Range(Int64Scalar(0), sq), Sub(sk, sq));
    Tensor cols = Range(Int64Scalar(0), sk);
    mask_out(Binary("Greater", Unsqueeze(cols, 0), Unsqueeze(rows, 1)));  // [Sq, Sk]
  }
  Tensor p = Softmax(s, -1);
  Tensor o = MatMul(p, vr);
  auto& to = o.As<OnnxTensor>();
  to.dims = {tq.dims[0], GraphDim::Static(h), tq.dims[2], Of(v).dims[3]};
  return o;
}

Tensor OnnxOps::Rotary(const Tensor& x, int64_t offset, float theta) {
  const auto& t = Of(x);
  if (t.dims.size() != 4) throw RuntimeError("ONNX lowering: rotary takes [B, H, S, D]");
  const int64_t d = StaticDim(t, 3, "rotary head dim");
  const int64_t half = d / 2;
  std::vector<float> inv(static_cast<size_t>(half));
  for (int64_t i = 0; i < half; ++i)
    inv[i] =
        static_cast<float>(1.0 / std::pow(static_cast<double>(theta),
                                          static_cast<double>(2 * i) / static_cast<double>(d)));
  Tensor inv_freq = FloatConst({half}, inv, kFloat, "rope_inv_freq");
  Tensor pos = Range(Int64Scalar(offset), Add(DimOf(x, 2), Int64Scalar(offset)));
  Tensor freqs = Mul(Unsqueeze(CastTo(pos, kFloat), 1), inv_freq);  // [S, D/2] in fp32
  Tensor emb = Concat({freqs, freqs}, -1);                          // [S, D]
  Tensor cos = CastTo(Op1("Cos", emb), t.elem_type);
  Tensor sin = CastTo(Op1("Sin", emb), t.elem_type);
  Tensor x1 = Slice(x, 3, 0, half), x2 = Slice(x, 3, half, d);
  Tensor rot = Concat({Op1("Neg", x2), x1}, 3);
  Tensor out = Add(Mul(x, cos), Mul(rot, sin));
  out.As<OnnxTensor>().dims = t.dims;
  return out;
}

Tensor OnnxOps::Positions(const Tensor& x, int64_t axis, int64_t offset) {
  const auto& t = Of(x);
  axis = NormAxis(axis, static_cast<int64_t>(t.dims.size()), "Positions");
  Tensor r = Range(Int64Scalar(offset), Add(DimOf(x, axis), Int64Scalar(offset)));
  const GraphDim& src = t.dims[axis];
  GraphDim pd = src.IsStatic() || offset == 0 ? src : GraphDim{};
  pd.size = src.size;
  r.As<OnnxTensor>().dims = {pd};
  return r;
}

Tensor OnnxOps::RelativePositionBias(const Tensor& table, const Tensor& q_like,
                                     const Tensor& k_like, int64_t q_offset,
                                     const RelativePositionBucketOptions& opt) {
  // HF T5Attention._relative_position_bucket, in-graph.
  Tensor ctx = Range(Int64Scalar(q_offset), Add(DimOf(q_like, 2), Int64Scalar(q_offset)));
  Tensor mem = Range(Int64Scalar(0), DimOf(k_like, 2));
  Tensor rel = Sub(Unsqueeze(mem, 0), Unsqueeze(ctx, 1));  // [Sq, Sk] memory - context
  int64_t nb = opt.num_buckets;
  Tensor buckets;
  Tensor zero = Int64Scalar(0);
  if (opt.bidirectional) {
    nb /= 2;
    buckets = Scale(CastTo(Binary("Greater", rel, zero), kInt64), static_cast<float>(nb));
    rel = Abs(rel);
  } else {
    rel = Op1("Neg", Binary("Min", rel, zero));
  }
  const int64_t max_exact = nb / 2;
  Tensor is_small = Binary("Less", rel, Int64Scalar(max_exact));
  // log(rel / max_exact) / log(max_distance / max_exact) * (nb - max_exact) in fp32, in HF's
  // order of operations (bucket edges are exact in real arithmetic, so the rounding order
  // matters); rel is clamped to >= 1 first (those entries are "small" and dropped below).
  auto f32 = [&](double v) { return FloatConst({}, {static_cast<float>(v)}, kFloat, "f"); };
  Tensor relf = CastTo(Binary("Max", rel, Int64Scalar(1)), kFloat);
  Tensor lg = Op1("Log", Div(relf, f32(static_cast<double>(max_exact))));
  const double denom =
      std::log(static_cast<double>(opt.max_distance) / static_cast<double>(max_exact));
  Tensor large = CastTo(Mul(Div(lg, f32(denom)), f32(static_cast<double>(nb - max_exact))), kInt64);
  large = Binary("Min", Add(large, Int64Scalar(max_exact)), Int64Scalar(nb - 1));
  const std::string sel = Fresh("Where");
  AddNode("Where", {Of(is_small).name, Of(rel).name, Of(large).name}, sel);
  Tensor chosen = Make(sel, kInt64, Of(rel).dims);
  buckets = buckets ? Add(buckets, chosen) : chosen;
  Tensor vals = Embedding(table, buckets);          // [Sq, Sk, H]
  return Unsqueeze(Transpose(vals, {2, 0, 1}), 0);  // [1, H, Sq, Sk]
}

}  // namespace accelbench::models
