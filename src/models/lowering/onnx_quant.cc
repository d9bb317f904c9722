// Quantized ONNX lowering: the graph rewrite (see onnx_quant.h).
#include "models/lowering/onnx_quant.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>

#include "core/errors.h"
#include "models/lowering/onnx_graph.h"

namespace accelbench::models {
using namespace onnx_detail;

std::string_view ToString(ActivationQuant a) {
  switch (a) {
    case ActivationQuant::kDynamic:
      return "dynamic";
    case ActivationQuant::kStatic:
      return "static";
    case ActivationQuant::kWeightOnly:
      return "weight_only";
  }
  return "dynamic";
}

ActivationQuant ParseActivationQuant(std::string_view s) {
  for (auto a : {ActivationQuant::kDynamic, ActivationQuant::kStatic, ActivationQuant::kWeightOnly})
    if (s == ToString(a)) return a;
  throw UsageError("unknown activation quantization '" + std::string(s) +
                   "' (valid values are: dynamic, static, weight_only)");
}

namespace {

constexpr int32_t kInt8 = onnx::TensorProto_DataType_INT8;
constexpr int32_t kUint8 = onnx::TensorProto_DataType_UINT8;
constexpr const char* kMsDomain = "com.microsoft";

// A weight MatMul: node index, the initializer and whether the MatMul sees it transposed.
struct WeightUse {
  int node = -1;
  std::string param;
  bool transposed = false;  // B = Transpose(param, perm [1, 0])
};

std::vector<float> FloatsOf(const onnx::TensorProto& t) {
  if (t.data_type() != kFloat)
    throw RuntimeError("ONNX quantization: " + t.name() + " is not fp32");
  if (t.data_location() == onnx::TensorProto_DataLocation_EXTERNAL)
    throw RuntimeError("ONNX quantization: " + t.name() + " is external (load it inline first)");
  int64_t n = 1;
  for (auto d : t.dims()) n *= d;
  std::vector<float> v(static_cast<size_t>(n));
  if (!t.raw_data().empty()) {
    if (t.raw_data().size() != v.size() * 4)
      throw RuntimeError("ONNX quantization: bad " + t.name());
    std::memcpy(v.data(), t.raw_data().data(), v.size() * 4);
  } else {
    if (t.float_data_size() != n) throw RuntimeError("ONNX quantization: bad " + t.name());
    std::copy(t.float_data().begin(), t.float_data().end(), v.begin());
  }
  return v;
}

onnx::TensorProto& AddInit(onnx::GraphProto& g, const std::string& name, int32_t type,
                           const std::vector<int64_t>& dims, const void* data, size_t bytes) {
  auto* t = g.add_initializer();
  t->set_name(name);
  t->set_data_type(type);
  for (auto d : dims) t->add_dims(d);
  t->set_raw_data(std::string(static_cast<const char*>(data), bytes));
  return *t;
}

onnx::NodeProto MakeNode(const std::string& op, const std::vector<std::string>& in,
                         const std::vector<std::string>& out, const std::string& domain = "") {
  onnx::NodeProto n;
  n.set_op_type(op);
  n.set_name(out.front() + ":" + op);
  if (!domain.empty()) n.set_domain(domain);
  for (const auto& i : in) n.add_input(i);
  for (const auto& o : out) n.add_output(o);
  return n;
}

bool IsTranspose2d(const onnx::NodeProto& n) {
  if (n.op_type() != "Transpose" || n.input_size() != 1) return false;
  for (const auto& a : n.attribute())
    if (a.name() == "perm") return a.ints_size() == 2 && a.ints(0) == 1 && a.ints(1) == 0;
  return false;  // no perm: reverses the axes, which for 2-D is the same, but we never write it
}

// Weight MatMuls of a graph, in node order.
std::vector<WeightUse> FindWeightMatMuls(const onnx::GraphProto& g) {
  std::map<std::string, const onnx::TensorProto*> inits;
  for (const auto& t : g.initializer()) inits[t.name()] = &t;
  std::map<std::string, std::string> transposed;  // Transpose output -> initializer
  for (const auto& n : g.node())
    if (IsTranspose2d(n) && inits.count(n.input(0)) && inits.at(n.input(0))->dims_size() == 2)
      transposed[n.output(0)] = n.input(0);
  std::vector<WeightUse> uses;
  for (int i = 0; i < g.node_size(); ++i) {
    const auto& n = g.node(i);
    if (n.op_type() != "MatMul" || !n.domain().empty() || n.input_size() != 2) continue;
    const std::string& b = n.input(1);
    if (auto it = transposed.find(b); it != transposed.end())
      uses.push_back({i, it->second, true});
    else if (auto jt = inits.find(b);
             jt != inits.end() && jt->second->dims_size() == 2 && jt->second->data_type() == kFloat)
      uses.push_back({i, b, false});
  }
  return uses;
}

Precision PrecisionOf(const OnnxQuantOptions& opt, const std::string& param) {
  const Precision p = opt.precision_of ? opt.precision_of(param) : Precision::kFp32;
  if (p != Precision::kFp32 && p != Precision::kInt8 && p != Precision::kInt4)
    throw UnsupportedError("precision " + std::string(ToString(p)) + " for weight '" + param +
                           "' in the ONNX lowering (a plan may use fp32, int8 and int4 here)");
  return p;
}

// The weight as N rows (output features) of K values.
struct WeightNK {
  int64_t n = 0, k = 0;
  std::vector<float> v;  // [n, k]
};
WeightNK WeightRows(const onnx::TensorProto& t, bool transposed) {
  WeightNK w;
  auto v = FloatsOf(t);
  if (transposed) {  // stored [N, K] (torch Linear layout)
    w.n = t.dims(0);
    w.k = t.dims(1);
    w.v = std::move(v);
  } else {  // stored [K, N]
    w.k = t.dims(0);
    w.n = t.dims(1);
    w.v.resize(v.size());
    for (int64_t kk = 0; kk < w.k; ++kk)
      for (int64_t nn = 0; nn < w.n; ++nn) w.v[nn * w.k + kk] = v[kk * w.n + nn];
  }
  return w;
}

class Rewriter {
 public:
  Rewriter(onnx::GraphProto& g, const OnnxQuantOptions& opt) : g_(g), opt_(opt) {}

  // Emits the nodes replacing MatMul `mm` (whose B is `use`) into `out`.
  void Int8(const onnx::NodeProto& mm, const WeightUse& use, std::vector<onnx::NodeProto>& out) {
    const std::string wq = Int8Weight(use, out);
    std::string a = mm.input(0);
    if (opt_.activations != ActivationQuant::kWeightOnly) a = QuantizedActivation(a, out);
    auto n = MakeNode("MatMul", {a, wq}, {mm.output(0)});
    n.set_name(mm.name());
    out.push_back(std::move(n));
    ++report.int8_matmuls;
  }

  void Int4(const onnx::NodeProto& mm, const WeightUse& use, std::vector<onnx::NodeProto>& out) {
    // A block never exceeds the row (K) rounded up to a power of two >= 16: a longer one would
    // only add zero padding.
    const auto& t = Init(use.param);
    const WeightNK w = WeightRows(t, use.transposed);
    int64_t row = 16;
    while (row < w.k) row *= 2;
    const int64_t bs = std::min(opt_.int4_block_size, row);
    const int64_t blocks = (w.k + bs - 1) / bs;
    std::vector<uint8_t> packed(static_cast<size_t>(w.n * blocks * bs / 2), 0);
    std::vector<float> scales(static_cast<size_t>(w.n * blocks));
    std::vector<uint8_t> zps(static_cast<size_t>(w.n * blocks), 8);
    for (int64_t r = 0; r < w.n; ++r)
      for (int64_t b = 0; b < blocks; ++b) {
        const int64_t c0 = b * bs, c1 = std::min(w.k, c0 + bs);
        const float* row = &w.v[static_cast<size_t>(r * w.k)];
        float lo = 0, hi = 0, amax = 0;
        for (int64_t c = c0; c < c1; ++c) {
          lo = std::min(lo, row[c]);
          hi = std::max(hi, row[c]);
          amax = std::max(amax, std::abs(row[c]));
        }
        float scale;
        int zp;
        if (opt_.int4_symmetric) {
          scale = amax > 0 ? amax / 7.0f : 1.0f;
          zp = 8;
        } else {
          scale = hi > lo ? (hi - lo) / 15.0f : 1.0f;
          zp = std::clamp(static_cast<int>(std::lround(-lo / scale)), 0, 15);
        }
        const size_t blk = static_cast<size_t>(r * blocks + b);
        scales[blk] = scale;
        zps[blk] = static_cast<uint8_t>(zp);
        for (int64_t c = c0; c < c0 + bs; ++c) {
          int q = zp;  // padding columns dequantize to 0
          if (c < c1)
            q = std::clamp(static_cast<int>(std::lround(row[c] / scale)) + zp,
                           opt_.int4_symmetric ? 1 : 0, 15);
          const size_t byte = blk * static_cast<size_t>(bs / 2) + static_cast<size_t>((c - c0) / 2);
          packed[byte] |= static_cast<uint8_t>(((c - c0) % 2 == 0) ? q : (q << 4));
        }
      }
    const std::string base = use.param + "_int4";
    AddInit(g_, base + "_b", kUint8, {w.n, blocks, bs / 2}, packed.data(), packed.size());
    AddInit(g_, base + "_scales", kFloat, {w.n * blocks}, scales.data(), scales.size() * 4);
    std::vector<std::string> in = {mm.input(0), base + "_b", base + "_scales"};
    int64_t bytes = static_cast<int64_t>(packed.size() + scales.size() * 4);
    if (!opt_.int4_symmetric) {
      const int64_t zp_cols = (blocks + 1) / 2;
      std::vector<uint8_t> zpp(static_cast<size_t>(w.n * zp_cols), 0);
      for (int64_t r = 0; r < w.n; ++r)
        for (int64_t b = 0; b < blocks; ++b)
          zpp[static_cast<size_t>(r * zp_cols + b / 2)] |=
              static_cast<uint8_t>(b % 2 == 0 ? zps[r * blocks + b] : zps[r * blocks + b] << 4);
      AddInit(g_, base + "_zero_points", kUint8, {w.n * zp_cols}, zpp.data(), zpp.size());
      in.push_back(base + "_zero_points");
      bytes += static_cast<int64_t>(zpp.size());
    }
    auto n = MakeNode("MatMulNBits", in, {mm.output(0)}, kMsDomain);
    n.set_name(mm.name());
    SetInt(n, "K", w.k);
    SetInt(n, "N", w.n);
    SetInt(n, "bits", 4);
    SetInt(n, "block_size", bs);
    if (opt_.int4_accuracy_level > 0) SetInt(n, "accuracy_level", opt_.int4_accuracy_level);
    out.push_back(std::move(n));
    ++report.int4_matmuls;
    Account(use.param, w.n * w.k * 4, bytes);
  }

  // A Gather of the fp32 table `param` (an embedding lookup) on a quantized table: int8 = int8
  // rows with one fp32 scale per row; int4 = nibbles [V, H/2] (low nibble = even column,
  // symmetric, zero point 8) with one fp32 scale per group of `int4_block_size` columns (one per
  // row when the block does not divide H), unpacked with standard float ops (opset 17: no
  // bitwise ops), so every execution provider runs it.
  void Embedding(const onnx::NodeProto& gather, const std::string& param, Precision p,
                 std::vector<onnx::NodeProto>& out) {
    const auto& t = Init(param);
    const int64_t v = t.dims(0), h = t.dims(1);
    const auto w = FloatsOf(t);
    const std::string ids = gather.input(1), y = gather.output(0), base = y + "_embq";
    auto add = [&](onnx::NodeProto n) { out.push_back(std::move(n)); };
    auto i64 = [&](const std::string& name, std::vector<int64_t> vals) {
      AddInit(g_, name, onnx::TensorProto_DataType_INT64, {static_cast<int64_t>(vals.size())},
              vals.data(), vals.size() * 8);
      return name;
    };
    const std::string last = i64(base + "_axis_last", {-1});
    auto gather_of = [&](const std::string& table, const std::string& o) {
      return MakeNode("Gather", {table, ids}, {o});
    };
    if (p == Precision::kInt8) {
      std::vector<int8_t> q(static_cast<size_t>(v * h));
      std::vector<float> sc(static_cast<size_t>(v));
      for (int64_t r = 0; r < v; ++r) {
        float amax = 0;
        for (int64_t c = 0; c < h; ++c) amax = std::max(amax, std::abs(w[r * h + c]));
        sc[r] = amax > 0 ? amax / 127.0f : 1.0f;
        for (int64_t c = 0; c < h; ++c)
          q[r * h + c] =
              static_cast<int8_t>(std::lround(std::clamp(w[r * h + c] / sc[r], -127.f, 127.f)));
      }
      AddInit(g_, base + "_q", kInt8, {v, h}, q.data(), q.size());
      AddInit(g_, base + "_s", kFloat, {v}, sc.data(), sc.size() * 4);
      add(gather_of(base + "_q", base + "_rows"));
      auto cast = MakeNode("Cast", {base + "_rows"}, {base + "_rowsf"});
      SetInt(cast, "to", kFloat);
      add(std::move(cast));
      add(gather_of(base + "_s", base + "_rs"));
      add(MakeNode("Unsqueeze", {base + "_rs", last}, {base + "_rsu"}));
      add(MakeNode("Mul", {base + "_rowsf", base + "_rsu"}, {y}));
      Account(param + ":gather", v * h * 4, v * h + v * 4);
      return;
    }
    if (h % 2 != 0)
      throw UnsupportedError("int4 embedding table " + param + " with an odd width " +
                             std::to_string(h));
    const int64_t gs = h % opt_.int4_block_size == 0 ? opt_.int4_block_size : h;
    const int64_t blocks = h / gs;
    std::vector<uint8_t> packed(static_cast<size_t>(v * h / 2), 0);
    std::vector<float> sc(static_cast<size_t>(v * blocks));
    for (int64_t r = 0; r < v; ++r)
      for (int64_t b = 0; b < blocks; ++b) {
        float amax = 0;
        for (int64_t c = b * gs; c < (b + 1) * gs; ++c)
          amax = std::max(amax, std::abs(w[r * h + c]));
        const float s = amax > 0 ? amax / 7.0f : 1.0f;
        sc[r * blocks + b] = s;
        for (int64_t c = b * gs; c < (b + 1) * gs; ++c) {
          const auto q =
              static_cast<uint8_t>(std::clamp(std::lround(w[r * h + c] / s), -8L, 7L) + 8);
          packed[(r * h + c) / 2] |= static_cast<uint8_t>(c % 2 == 0 ? q : q << 4);
        }
      }
    AddInit(g_, base + "_b", kUint8, {v, h / 2}, packed.data(), packed.size());
    AddInit(g_, base + "_s", kFloat, {v, blocks}, sc.data(), sc.size() * 4);
    const float c16 = 16, c8 = 8;
    AddInit(g_, base + "_16", kFloat, {}, &c16, 4);
    AddInit(g_, base + "_8", kFloat, {}, &c8, 4);
    const std::string grouped = i64(base + "_grouped", {blocks, gs});
    const std::string width = i64(base + "_width", {h});
    add(gather_of(base + "_b", base + "_p"));
    auto cast = MakeNode("Cast", {base + "_p"}, {base + "_pf"});
    SetInt(cast, "to", kFloat);
    add(std::move(cast));
    add(MakeNode("Div", {base + "_pf", base + "_16"}, {base + "_d"}));
    add(MakeNode("Floor", {base + "_d"}, {base + "_hi"}));
    add(MakeNode("Mul", {base + "_hi", base + "_16"}, {base + "_hi16"}));
    add(MakeNode("Sub", {base + "_pf", base + "_hi16"}, {base + "_lo"}));
    add(MakeNode("Unsqueeze", {base + "_lo", last}, {base + "_lou"}));
    add(MakeNode("Unsqueeze", {base + "_hi", last}, {base + "_hiu"}));
    auto cat = MakeNode("Concat", {base + "_lou", base + "_hiu"}, {base + "_pairs"});
    SetInt(cat, "axis", -1);
    add(std::move(cat));
    add(MakeNode("Shape", {ids}, {base + "_ids_shape"}));
    auto shape_g = MakeNode("Concat", {base + "_ids_shape", grouped}, {base + "_shape_g"});
    SetInt(shape_g, "axis", 0);
    add(std::move(shape_g));
    auto shape_h = MakeNode("Concat", {base + "_ids_shape", width}, {base + "_shape_h"});
    SetInt(shape_h, "axis", 0);
    add(std::move(shape_h));
    add(MakeNode("Reshape", {base + "_pairs", base + "_shape_g"}, {base + "_codes"}));
    add(MakeNode("Sub", {base + "_codes", base + "_8"}, {base + "_centered"}));
    add(gather_of(base + "_s", base + "_rs"));
    add(MakeNode("Unsqueeze", {base + "_rs", last}, {base + "_rsu"}));
    add(MakeNode("Mul", {base + "_centered", base + "_rsu"}, {base + "_deq"}));
    add(MakeNode("Reshape", {base + "_deq", base + "_shape_h"}, {y}));
    Account(param + ":gather", v * h * 4, v * h / 2 + v * blocks * 4);
  }

  OnnxQuantReport report;

 private:
  const onnx::TensorProto& Init(const std::string& name) {
    for (const auto& t : g_.initializer())
      if (t.name() == name) return t;
    throw RuntimeError("ONNX quantization: no initializer " + name);
  }

  void Account(const std::string& param, int64_t before, int64_t after) {
    if (!accounted_.insert(param).second) return;
    report.weight_bytes_before += before;
    report.weight_bytes_after += after;
  }

  // int8 [K, N] weight behind a per-channel DequantizeLinear (once per weight).
  std::string Int8Weight(const WeightUse& use, std::vector<onnx::NodeProto>& out) {
    if (auto it = int8_weights_.find(use.param); it != int8_weights_.end()) return it->second;
    const auto& t = Init(use.param);
    const WeightNK w = WeightRows(t, use.transposed);
    std::vector<int8_t> q(static_cast<size_t>(w.n * w.k));
    std::vector<float> scales(static_cast<size_t>(w.n));
    std::vector<int8_t> zps(static_cast<size_t>(w.n), 0);
    for (int64_t r = 0; r < w.n; ++r) {
      float amax = 0;
      for (int64_t c = 0; c < w.k; ++c) amax = std::max(amax, std::abs(w.v[r * w.k + c]));
      const float s = amax > 0 ? amax / 127.0f : 1.0f;
      scales[r] = s;
      for (int64_t c = 0; c < w.k; ++c)  // stored [K, N]
        q[c * w.n + r] = static_cast<int8_t>(
            std::clamp(static_cast<int>(std::lround(w.v[r * w.k + c] / s)), -127, 127));
    }
    const std::string base = use.param + "_int8";
    AddInit(g_, base + "_q", kInt8, {w.k, w.n}, q.data(), q.size());
    AddInit(g_, base + "_scale", kFloat, {w.n}, scales.data(), scales.size() * 4);
    AddInit(g_, base + "_zero_point", kInt8, {w.n}, zps.data(), zps.size());
    auto dq = MakeNode("DequantizeLinear", {base + "_q", base + "_scale", base + "_zero_point"},
                       {base + "_dq"});
    SetInt(dq, "axis", 1);
    out.push_back(std::move(dq));
    Account(use.param, w.n * w.k * 4, w.n * w.k + w.n * 5);
    return int8_weights_[use.param] = base + "_dq";
  }

  // The activation through Q/DQ (once per value).
  std::string QuantizedActivation(const std::string& a, std::vector<onnx::NodeProto>& out) {
    if (auto it = activations_.find(a); it != activations_.end()) return it->second;
    const std::string base = a + "_q8";
    if (opt_.activations == ActivationQuant::kDynamic) {
      out.push_back(MakeNode("DynamicQuantizeLinear", {a},
                             {base + "_q", base + "_scale", base + "_zero_point"}));
    } else {
      auto r = opt_.activation_ranges.find(a);
      if (r == opt_.activation_ranges.end())
        throw RuntimeError("ONNX quantization: no calibration range for activation " + a);
      const float lo = std::min(0.0f, r->second.first), hi = std::max(0.0f, r->second.second);
      const float scale = hi > lo ? (hi - lo) / 255.0f : 1.0f;
      const uint8_t zp = static_cast<uint8_t>(std::clamp(std::lround(-lo / scale), 0L, 255L));
      AddInit(g_, base + "_scale", kFloat, {}, &scale, 4);
      AddInit(g_, base + "_zero_point", kUint8, {}, &zp, 1);
      out.push_back(
          MakeNode("QuantizeLinear", {a, base + "_scale", base + "_zero_point"}, {base + "_q"}));
    }
    out.push_back(MakeNode("DequantizeLinear", {base + "_q", base + "_scale", base + "_zero_point"},
                           {base + "_dq"}));
    return activations_[a] = base + "_dq";
  }

  onnx::GraphProto& g_;
  const OnnxQuantOptions& opt_;
  std::map<std::string, std::string> int8_weights_;
  std::map<std::string, std::string> activations_;
  std::set<std::string> accounted_;
};

// Removes nodes whose outputs nobody uses (the Transposes of quantized weights) and
// initializers no node uses any more.
void RemoveDead(onnx::GraphProto& g) {
  for (bool changed = true; changed;) {
    changed = false;
    std::set<std::string> used;
    for (const auto& n : g.node())
      for (const auto& i : n.input()) used.insert(i);
    for (const auto& o : g.output()) used.insert(o.name());
    auto* nodes = g.mutable_node();
    for (int i = nodes->size() - 1; i >= 0; --i) {
      const auto& n = nodes->Get(i);
      if (std::none_of(n.output().begin(), n.output().end(),
                       [&](const std::string& o) { return used.count(o) > 0; })) {
        nodes->DeleteSubrange(i, 1);
        changed = true;
      }
    }
  }
  std::set<std::string> used;
  for (const auto& n : g.node())
    for (const auto& i : n.input()) used.insert(i);
  for (const auto& o : g.output()) used.insert(o.name());
  auto* inits = g.mutable_initializer();
  for (int i = inits->size() - 1; i >= 0; --i)
    if (!used.count(inits->Get(i).name())) inits->DeleteSubrange(i, 1);
}

int64_t GatherAxis(const onnx::NodeProto& n) {
  for (const auto& a : n.attribute())
    if (a.name() == "axis") return a.i();
  return 0;
}

void EnsureMsOpset(onnx::ModelProto& m) {
  for (const auto& o : m.opset_import())
    if (o.domain() == kMsDomain) return;
  auto* o = m.add_opset_import();
  o->set_domain(kMsDomain);
  o->set_version(1);
}

}  // namespace

std::vector<std::string> WeightMatMulActivations(const onnx::ModelProto& model,
                                                 const OnnxQuantOptions& opt) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  const auto& g = model.graph();
  for (const auto& use : FindWeightMatMuls(g))
    if (PrecisionOf(opt, use.param) == Precision::kInt8) {
      const std::string& a = g.node(use.node).input(0);
      if (seen.insert(a).second) names.push_back(a);
    }
  return names;
}

OnnxQuantReport QuantizeOnnxModel(onnx::ModelProto& model, const OnnxQuantOptions& opt) {
  const int64_t bs = opt.int4_block_size;
  if (bs < 16 || (bs & (bs - 1)) != 0)
    throw UsageError("int4 block size " + std::to_string(bs) +
                     " (MatMulNBits needs a power of two >= 16)");
  auto& g = *model.mutable_graph();
  const auto uses = FindWeightMatMuls(g);
  std::map<int, const WeightUse*> by_node;
  for (const auto& u : uses) by_node[u.node] = &u;

  Rewriter rw(g, opt);
  std::vector<onnx::NodeProto> nodes;
  std::set<std::string> quantized;
  std::map<std::string, const onnx::TensorProto*> tables;  // fp32 2-D initializers
  for (const auto& t : g.initializer())
    if (t.dims_size() == 2 && t.data_type() == kFloat) tables[t.name()] = &t;
  for (int i = 0; i < g.node_size(); ++i) {
    const auto& n = g.node(i);
    auto it = by_node.find(i);
    if (it == by_node.end()) {
      const Precision pe = n.op_type() == "Gather" && n.domain().empty() && n.input_size() == 2 &&
                                   tables.count(n.input(0)) && GatherAxis(n) == 0 &&
                                   opt.embedding_precision_of
                               ? opt.embedding_precision_of(n.input(0))
                               : Precision::kFp32;
      if (pe == Precision::kInt8 || pe == Precision::kInt4) {
        rw.Embedding(n, n.input(0), pe, nodes);
        ++rw.report.quantized_gathers;
      } else {
        nodes.push_back(n);
      }
      continue;
    }
    const WeightUse& use = *it->second;
    const Precision p = PrecisionOf(opt, use.param);
    if (p == Precision::kInt8) {
      rw.Int8(n, use, nodes);
      quantized.insert(use.param);
    } else if (p == Precision::kInt4) {
      rw.Int4(n, use, nodes);
      quantized.insert(use.param);
    } else {
      nodes.push_back(n);
      ++rw.report.fp32_matmuls;
    }
  }
  g.clear_node();
  for (auto& n : nodes) *g.add_node() = std::move(n);
  RemoveDead(g);
  if (rw.report.int4_matmuls > 0) EnsureMsOpset(model);
  for (const auto& t : g.initializer())
    if (quantized.count(t.name())) rw.report.tied.push_back(t.name());
  return rw.report;
}

OutputDeviation CompareOutputs(const HostTensor& fp32, const HostTensor& quantized) {
  if (fp32.shape != quantized.shape || fp32.f.size() != quantized.f.size())
    throw RuntimeError("output deviation: the outputs differ in shape");
  OutputDeviation d;
  double num = 0, den = 0;
  for (size_t i = 0; i < fp32.f.size(); ++i) {
    const double f = fp32.f[i], q = quantized.f[i];
    const double e = std::isnan(q) != std::isnan(f) ? INFINITY : std::abs(q - f);
    d.max_abs = std::max(d.max_abs, e);
    d.ref_scale = std::max(d.ref_scale, std::abs(f));
    num += e * e;
    den += f * f;
  }
  d.rel_l2 = den > 0 ? std::sqrt(num / den) : (num > 0 ? INFINITY : 0);
  d.elements = static_cast<int64_t>(fp32.f.size());
  return d;
}

}  // namespace accelbench::models
