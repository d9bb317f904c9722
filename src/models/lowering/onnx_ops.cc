// The ONNX lowering, part 1: graph boundary, initializers, dense algebra, norms, activations,
// convolution and shape ops. Attention and positions are in onnx_ops_attention.cc.
#include "models/lowering/onnx_ops.h"

#include <bit>
#include <climits>
#include <cmath>
#include <cstring>

#include "core/errors.h"
#include "models/lowering/onnx_graph.h"
#include "models/weights.h"

namespace accelbench::models {
using namespace onnx_detail;

namespace onnx_detail {

uint16_t FloatToHalf(float f) {
  const uint32_t x = std::bit_cast<uint32_t>(f);
  const uint32_t sign = (x >> 16) & 0x8000u;
  const uint32_t absx = x & 0x7fffffffu;
  if (absx >= 0x7f800000u)
    return static_cast<uint16_t>(sign | (absx > 0x7f800000u ? 0x7e00u : 0x7c00u));
  if (absx >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // rounds to >= 65520
  if (absx < 0x38800000u) {                                               // subnormal half
    const float a = std::bit_cast<float>(absx);
    const uint32_t m = static_cast<uint32_t>(std::nearbyint(a * 16777216.0f));  // a / 2^-24
    return static_cast<uint16_t>(sign | m);
  }
  uint32_t m = absx + 0xc8000fffu + ((absx >> 13) & 1u);  // rebias exponent, round to even
  return static_cast<uint16_t>(sign | (m >> 13));
}

float HalfToFloat(uint16_t h) {
  const uint32_t sign = (h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1fu, man = h & 0x3ffu;
  if (exp == 0) {
    const float v = std::ldexp(static_cast<float>(man), -24);
    return sign ? -v : v;
  }
  if (exp == 31) return std::bit_cast<float>(sign | 0x7f800000u | (man << 13));
  return std::bit_cast<float>(sign | ((exp + 112) << 23) | (man << 13));
}

int64_t NormAxis(int64_t axis, int64_t rank, const char* op) {
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank)
    throw RuntimeError(std::string("ONNX lowering: axis out of range in ") + op);
  return axis;
}

std::vector<GraphDim> BroadcastDims(const std::vector<GraphDim>& a,
                                    const std::vector<GraphDim>& b) {
  const size_t n = std::max(a.size(), b.size());
  std::vector<GraphDim> out(n);
  const GraphDim one = GraphDim::Static(1);
  for (size_t i = 0; i < n; ++i) {
    const GraphDim& da = i < n - a.size() ? one : a[i - (n - a.size())];
    const GraphDim& db = i < n - b.size() ? one : b[i - (n - b.size())];
    if (da.SameAs(db) || db.value == 1)
      out[i] = da;
    else if (da.value == 1)
      out[i] = db;
    else if (da.IsStatic() && !db.IsStatic())
      out[i] = da;
    else if (db.IsStatic() && !da.IsStatic())
      out[i] = db;
    else
      out[i] = GraphDim{};
    if (da.size >= 0 && db.size >= 0) out[i].size = da.size == 1 ? db.size : da.size;
  }
  return out;
}

void SetValueInfo(onnx::ValueInfoProto& vi, const std::string& name, int32_t elem_type,
                  const std::vector<GraphDim>& dims) {
  vi.set_name(name);
  auto* tt = vi.mutable_type()->mutable_tensor_type();
  tt->set_elem_type(elem_type);
  auto* shape = tt->mutable_shape();
  for (const auto& d : dims) {
    auto* dim = shape->add_dim();
    if (d.IsStatic())
      dim->set_dim_value(d.value);
    else if (!d.param.empty())
      dim->set_dim_param(d.param);
  }
}

}  // namespace onnx_detail

namespace {
int32_t ElemTypeOf(DType d, int32_t float_type) {
  switch (d) {
    case DType::kFloat:
      return float_type;
    case DType::kInt64:
      return kInt64;
    case DType::kBool:
      return kBool;
  }
  return float_type;
}
std::vector<GraphDim> StaticDims(const std::vector<int64_t>& shape) {
  std::vector<GraphDim> d;
  for (auto s : shape) d.push_back(GraphDim::Static(s));
  return d;
}
}  // namespace

OnnxOps::OnnxOps(onnx::GraphProto& graph, OnnxOpsOptions opt)
    : graph_(graph), opt_(std::move(opt)) {
  if (opt_.precision == Precision::kFp32)
    float_type_ = kFloat;
  else if (opt_.precision == Precision::kFp16)
    float_type_ = kFloat16;
  else
    throw UnsupportedError("ONNX export of precision " + std::string(ToString(opt_.precision)) +
                           " (fp32 and fp16 are exported)");
  if (!opt_.external_data_path.empty()) {
    external_ = std::make_unique<std::ofstream>(opt_.external_data_path,
                                                std::ios::binary | std::ios::trunc);
    if (!*external_) throw RuntimeError("cannot write " + opt_.external_data_path);
  }
}

OnnxOps::~OnnxOps() = default;

const OnnxTensor& OnnxOps::Of(const Tensor& t) {
  if (!t) throw RuntimeError("ONNX lowering: use of an empty tensor");
  return t.As<OnnxTensor>();
}

std::string OnnxOps::Fresh(const std::string& hint) {
  return "/" + hint + "_" + std::to_string(counter_++);
}

Tensor OnnxOps::Make(std::string name, int32_t elem_type, std::vector<GraphDim> dims) {
  auto t = std::make_shared<OnnxTensor>();
  t->name = std::move(name);
  t->elem_type = elem_type;
  t->dims = std::move(dims);
  return Tensor(std::move(t));
}

onnx::NodeProto& OnnxOps::AddNode(const std::string& op, const std::vector<std::string>& inputs,
                                  const std::string& output) {
  auto* n = graph_.add_node();
  n->set_op_type(op);
  n->set_name(output + ":" + op);
  for (const auto& i : inputs) n->add_input(i);
  n->add_output(output);
  return *n;
}

void OnnxOps::WriteInitializer(const std::string& name, const std::vector<int64_t>& shape,
                               const float* values, int32_t elem_type) {
  auto* t = graph_.add_initializer();
  t->set_name(name);
  for (auto d : shape) t->add_dims(d);
  t->set_data_type(elem_type);
  const int64_t n = Numel(shape);
  std::string bytes;
  if (elem_type == kFloat16) {
    bytes.resize(static_cast<size_t>(n) * 2);
    auto* p = reinterpret_cast<uint16_t*>(bytes.data());
    for (int64_t i = 0; i < n; ++i) p[i] = FloatToHalf(values[i]);
  } else {
    bytes.assign(reinterpret_cast<const char*>(values), static_cast<size_t>(n) * 4);
  }
  const auto size = static_cast<int64_t>(bytes.size());
  if (external_ && size > opt_.external_data_threshold_bytes) {
    constexpr int64_t kAlign = 4096;
    const int64_t pad = (kAlign - external_offset_ % kAlign) % kAlign;
    external_->write(std::string(static_cast<size_t>(pad), '\0').data(), pad);
    external_offset_ += pad;
    external_->write(bytes.data(), size);
    if (!*external_) throw RuntimeError("write failed: " + opt_.external_data_path);
    t->set_data_location(onnx::TensorProto_DataLocation_EXTERNAL);
    auto add = [&](const char* k, const std::string& v) {
      auto* e = t->add_external_data();
      e->set_key(k);
      e->set_value(v);
    };
    add("location", opt_.external_data_location);
    add("offset", std::to_string(external_offset_));
    add("length", std::to_string(size));
    external_offset_ += size;
  } else {
    t->set_raw_data(std::move(bytes));
  }
}

Tensor OnnxOps::Input(const std::string& name, DType dtype, const std::vector<Dim>& dims) {
  std::vector<GraphDim> g;
  for (const auto& d : dims)
    g.push_back(d.symbol.empty() ? GraphDim::Static(d.size) : GraphDim{-1, d.symbol, d.size});
  const int32_t et = ElemTypeOf(dtype, float_type_);
  SetValueInfo(*graph_.add_input(), name, et, g);
  return Make(name, et, std::move(g));
}

void OnnxOps::Output(const std::string& name, const Tensor& x) {
  const auto& t = Of(x);
  // Families may both call Output and return the tensor: the second call is a no-op.
  if (auto it = outputs_.find(name); it != outputs_.end()) {
    if (it->second != t.name)
      throw RuntimeError("ONNX lowering: two different tensors for output '" + name + "'");
    return;
  }
  outputs_.emplace(name, t.name);
  AddNode("Identity", {t.name}, name);
  SetValueInfo(*graph_.add_output(), name, t.elem_type, t.dims);
}

Tensor OnnxOps::Param(const std::string& name, const std::vector<int64_t>& shape, WeightInit init) {
  if (auto it = params_.find(name); it != params_.end()) {
    std::vector<int64_t> have;
    for (const auto& d : Of(it->second).dims) have.push_back(d.value);
    if (have != shape) throw RuntimeError("ONNX lowering: parameter '" + name + "' shape mismatch");
    return it->second;
  }
  std::vector<float> v(static_cast<size_t>(Numel(shape)));
  GenerateWeightInto(opt_.seed, name, shape, init, v.data());
  WriteInitializer(name, shape, v.data(), float_type_);
  auto t = Make(name, float_type_, StaticDims(shape));
  params_.emplace(name, t);
  return t;
}

Tensor OnnxOps::Constant(const std::string& name, const std::vector<int64_t>& shape,
                         const std::vector<float>& values) {
  if (static_cast<int64_t>(values.size()) != Numel(shape))
    throw RuntimeError("ONNX lowering: constant '" + name + "' has the wrong number of values");
  if (auto it = params_.find(name); it != params_.end()) return it->second;
  WriteInitializer(name, shape, values.data(), float_type_);
  auto t = Make(name, float_type_, StaticDims(shape));
  params_.emplace(name, t);
  return t;
}

Tensor OnnxOps::FloatConst(const std::vector<int64_t>& shape, const std::vector<float>& v,
                           int32_t elem_type, const std::string& hint) {
  const std::string name = Fresh(hint);
  WriteInitializer(name, shape, v.data(), elem_type);
  ++constants_;
  return Make(name, elem_type, StaticDims(shape));
}

Tensor OnnxOps::ScalarLike(const Tensor& like, float v) {
  const int32_t et = Of(like).elem_type;
  if (et == kInt64) {
    Tensor t = Int64Scalar(static_cast<int64_t>(v));
    return t;
  }
  return FloatConst({}, {v}, et, "scalar");
}

Tensor OnnxOps::Int64s(const std::vector<int64_t>& v) {
  const std::string name = Fresh("ints");
  auto* t = graph_.add_initializer();
  t->set_name(name);
  t->add_dims(static_cast<int64_t>(v.size()));
  t->set_data_type(kInt64);
  for (auto x : v) t->add_int64_data(x);
  ++constants_;
  return Make(name, kInt64, {GraphDim::Static(static_cast<int64_t>(v.size()))});
}

Tensor OnnxOps::Int64Scalar(int64_t v) {
  const std::string name = Fresh("int");
  auto* t = graph_.add_initializer();
  t->set_name(name);
  t->set_data_type(kInt64);
  t->add_int64_data(v);
  ++constants_;
  return Make(name, kInt64, {});
}

Tensor OnnxOps::DimOf(const Tensor& x, int64_t axis) {
  const auto& t = Of(x);
  axis = NormAxis(axis, static_cast<int64_t>(t.dims.size()), "DimOf");
  const std::string s = Fresh("shape");
  auto& n = AddNode("Shape", {t.name}, s);
  SetInt(n, "start", axis);
  SetInt(n, "end", axis + 1);
  const std::string out = Fresh("dim");
  AddNode("Squeeze", {s, Of(Int64s({0})).name}, out);
  return Make(out, kInt64, {});
}

Tensor OnnxOps::ShapeTensor(const Tensor& x) {
  const auto& t = Of(x);
  const std::string out = Fresh("Shape");
  AddNode("Shape", {t.name}, out);
  return Make(out, kInt64, {GraphDim::Static(static_cast<int64_t>(t.dims.size()))});
}

Tensor OnnxOps::CastTo(const Tensor& x, int32_t elem_type) {
  const auto& t = Of(x);
  if (t.elem_type == elem_type) return x;
  const std::string out = Fresh("cast");
  SetInt(AddNode("Cast", {t.name}, out), "to", elem_type);
  return Make(out, elem_type, t.dims);
}

Tensor OnnxOps::Op1(const std::string& op, const Tensor& x) {
  const auto& t = Of(x);
  const std::string out = Fresh(op);
  AddNode(op, {t.name}, out);
  return Make(out, t.elem_type, t.dims);
}

Tensor OnnxOps::Binary(const std::string& op, const Tensor& a, const Tensor& b) {
  const auto& ta = Of(a);
  const auto& tb = Of(b);
  const std::string out = Fresh(op);
  AddNode(op, {ta.name, tb.name}, out);
  const bool compare = op == "Equal" || op == "Greater" || op == "Less";
  return Make(out, compare ? kBool : ta.elem_type, BroadcastDims(ta.dims, tb.dims));
}

Tensor OnnxOps::ReduceMean(const Tensor& x, const std::vector<int64_t>& axes, bool keepdims) {
  const auto& t = Of(x);
  const auto rank = static_cast<int64_t>(t.dims.size());
  std::vector<int64_t> norm;
  for (auto a : axes) norm.push_back(NormAxis(a, rank, "Mean"));
  const std::string out = Fresh("ReduceMean");
  auto& n = AddNode("ReduceMean", {t.name}, out);
  SetInts(n, "axes", norm);
  SetInt(n, "keepdims", keepdims ? 1 : 0);
  std::vector<GraphDim> dims;
  for (int64_t i = 0; i < rank; ++i) {
    const bool reduced = std::find(norm.begin(), norm.end(), i) != norm.end();
    if (!reduced)
      dims.push_back(t.dims[i]);
    else if (keepdims)
      dims.push_back(GraphDim::Static(1));
  }
  return Make(out, t.elem_type, std::move(dims));
}

Tensor OnnxOps::TransposedWeight(const Tensor& w) {
  const auto& t = Of(w);
  if (auto it = transposed_.find(t.name); it != transposed_.end()) return it->second;
  Tensor r = Transpose(w, {1, 0});
  transposed_.emplace(t.name, r);
  return r;
}

// ---- dense algebra ----

Tensor OnnxOps::Linear(const Tensor& x, const Tensor& w, const Tensor& b) {
  const auto& tw = Of(w);
  if (tw.dims.size() != 2) throw RuntimeError("ONNX lowering: Linear weight must be 2-D");
  Tensor y = MatMul(x, TransposedWeight(w));
  return b ? Add(y, b) : y;
}

Tensor OnnxOps::MatMul(const Tensor& a, const Tensor& b) {
  const auto& ta = Of(a);
  const auto& tb = Of(b);
  if (ta.dims.size() < 2 || tb.dims.size() < 2)
    throw RuntimeError("ONNX lowering: MatMul needs rank >= 2");
  std::vector<GraphDim> ba(ta.dims.begin(), ta.dims.end() - 2),
      bb(tb.dims.begin(), tb.dims.end() - 2);
  auto dims = BroadcastDims(ba, bb);
  dims.push_back(ta.dims[ta.dims.size() - 2]);
  dims.push_back(tb.dims.back());
  const std::string out = Fresh("MatMul");
  AddNode("MatMul", {ta.name, tb.name}, out);
  return Make(out, ta.elem_type, std::move(dims));
}

Tensor OnnxOps::Add(const Tensor& a, const Tensor& b) { return Binary("Add", a, b); }
Tensor OnnxOps::Sub(const Tensor& a, const Tensor& b) { return Binary("Sub", a, b); }
Tensor OnnxOps::Mul(const Tensor& a, const Tensor& b) { return Binary("Mul", a, b); }
Tensor OnnxOps::Div(const Tensor& a, const Tensor& b) { return Binary("Div", a, b); }
Tensor OnnxOps::Scale(const Tensor& x, float s) { return Mul(x, ScalarLike(x, s)); }
Tensor OnnxOps::Pow(const Tensor& x, float p) {
  if (p == 2.0f) return Mul(x, x);
  return Binary("Pow", x, ScalarLike(x, p));
}
Tensor OnnxOps::Sqrt(const Tensor& x) { return Op1("Sqrt", x); }
Tensor OnnxOps::Log(const Tensor& x) { return Op1("Log", x); }
Tensor OnnxOps::Exp(const Tensor& x) { return Op1("Exp", x); }
Tensor OnnxOps::Abs(const Tensor& x) { return Op1("Abs", x); }

Tensor OnnxOps::Clamp(const Tensor& x, std::optional<float> lo, std::optional<float> hi) {
  const auto& t = Of(x);
  const std::string lo_name = lo ? Of(ScalarLike(x, *lo)).name : "";
  const std::string hi_name = hi ? Of(ScalarLike(x, *hi)).name : "";
  const std::string out = Fresh("Clip");
  AddNode("Clip", {t.name, lo_name, hi_name}, out);
  return Make(out, t.elem_type, t.dims);
}

// ---- normalisation and activations ----

Tensor OnnxOps::LayerNorm(const Tensor& x, const Tensor& w, const Tensor& b, float eps) {
  const auto& t = Of(x);
  const std::string out = Fresh("LayerNormalization");
  auto& n = AddNode("LayerNormalization", {t.name, Of(w).name}, out);
  if (b) n.add_input(Of(b).name);
  SetInt(n, "axis", -1);
  SetFloat(n, "epsilon", eps);
  return Make(out, t.elem_type, t.dims);
}

Tensor OnnxOps::RmsNorm(const Tensor& x, const Tensor& w, float eps) {
  const int32_t et = Of(x).elem_type;
  Tensor x32 = CastTo(x, kFloat);  // statistics in fp32, as HF does
  Tensor ms = ReduceMean(Mul(x32, x32), {-1}, true);
  Tensor inv = Op1("Reciprocal", Sqrt(Add(ms, ScalarLike(ms, eps))));
  return Mul(CastTo(Mul(x32, inv), et), w);
}

Tensor OnnxOps::GroupNorm(const Tensor& x, int64_t groups, const Tensor& w, const Tensor& b,
                          float eps) {
  const auto& t = Of(x);
  const auto rank = static_cast<int64_t>(t.dims.size());
  if (rank < 3) throw RuntimeError("ONNX lowering: GroupNorm needs rank >= 3");
  Tensor shape = ShapeTensor(x);
  Tensor g = Reshape(x, {0, groups, -1});
  Tensor mean = ReduceMean(g, {2}, true);
  Tensor d = Sub(g, mean);
  Tensor var = ReduceMean(Mul(d, d), {2}, true);
  Tensor y = Div(d, Sqrt(Add(var, ScalarLike(var, eps))));
  const std::string back = Fresh("Reshape");
  AddNode("Reshape", {Of(y).name, Of(shape).name}, back);
  Tensor yr = Make(back, t.elem_type, t.dims);
  std::vector<int64_t> axes;
  for (int64_t i = 1; i < rank - 1; ++i) axes.push_back(i);
  auto expand = [&](const Tensor& p) {
    const std::string out = Fresh("Unsqueeze");
    AddNode("Unsqueeze", {Of(p).name, Of(Int64s(axes)).name}, out);
    std::vector<GraphDim> dims = {Of(p).dims[0]};
    for (size_t i = 0; i < axes.size(); ++i) dims.push_back(GraphDim::Static(1));
    return Make(out, Of(p).elem_type, dims);
  };
  if (w) yr = Mul(yr, expand(w));
  if (b) yr = Add(yr, expand(b));
  return yr;
}

Tensor OnnxOps::BatchNormFrozen(const Tensor& x, const Tensor& w, const Tensor& b,
                                const Tensor& mean, const Tensor& var, float eps) {
  const auto& t = Of(x);
  const std::string out = Fresh("BatchNormalization");
  auto& n = AddNode("BatchNormalization",
                    {t.name, Of(w).name, Of(b).name, Of(mean).name, Of(var).name}, out);
  SetFloat(n, "epsilon", eps);
  return Make(out, t.elem_type, t.dims);
}

Tensor OnnxOps::Act(const Tensor& x, Activation a) {
  switch (a) {
    case Activation::kRelu:
      return Op1("Relu", x);
    case Activation::kTanh:
      return Op1("Tanh", x);
    case Activation::kSigmoid:
      return Op1("Sigmoid", x);
    case Activation::kSilu:
      return Mul(x, Op1("Sigmoid", x));
    case Activation::kQuickGelu:
      return Mul(x, Op1("Sigmoid", Scale(x, 1.702f)));
    case Activation::kGelu: {  // Gelu is an op only from opset 20: the erf formula
      Tensor e = Op1("Erf", Scale(x, static_cast<float>(M_SQRT1_2)));
      return Mul(Scale(x, 0.5f), Add(e, ScalarLike(x, 1.0f)));
    }
    case Activation::kGeluTanh: {
      Tensor inner = Add(x, Scale(Mul(Mul(x, x), x), 0.044715f));
      Tensor th = Op1("Tanh", Scale(inner, static_cast<float>(std::sqrt(2.0 / M_PI))));
      return Mul(Scale(x, 0.5f), Add(th, ScalarLike(x, 1.0f)));
    }
  }
  throw RuntimeError("ONNX lowering: unknown activation");
}

Tensor OnnxOps::Softmax(const Tensor& x, int64_t axis) {
  const auto& t = Of(x);
  const std::string out = Fresh("Softmax");
  SetInt(AddNode("Softmax", {t.name}, out), "axis", axis);
  return Make(out, t.elem_type, t.dims);
}

// ---- losses ----

Tensor OnnxOps::CrossEntropy(const Tensor&, const Tensor&) {
  throw UnsupportedError("training losses in the ONNX lowering (inference graphs only)");
}
Tensor OnnxOps::MeanSquaredError(const Tensor&, const Tensor&) {
  throw UnsupportedError("training losses in the ONNX lowering (inference graphs only)");
}

}  // namespace accelbench::models
