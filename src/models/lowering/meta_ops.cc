#include "models/lowering/meta_ops.h"

#include <algorithm>
#include <climits>
#include <sstream>

#include "core/errors.h"
#include "models/weights.h"

namespace accelbench::models {
namespace {

std::string Str(const std::vector<int64_t>& s) {
  std::ostringstream o;
  o << '[';
  for (size_t i = 0; i < s.size(); ++i) o << (i ? ", " : "") << s[i];
  o << ']';
  return o.str();
}

[[noreturn]] void Fail(const std::string& op, const std::string& why) {
  throw RuntimeError("shape error in " + op + ": " + why);
}

int64_t Axis(int64_t axis, size_t rank, const char* op) {
  const auto r = static_cast<int64_t>(rank);
  if (axis < 0) axis += r;
  if (axis < 0 || axis >= r) Fail(op, "axis out of range for rank " + std::to_string(r));
  return axis;
}

std::vector<int64_t> Broadcast(const std::vector<int64_t>& a, const std::vector<int64_t>& b,
                               const char* op) {
  const size_t n = std::max(a.size(), b.size());
  std::vector<int64_t> out(n);
  for (size_t i = 0; i < n; ++i) {
    const int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    const int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    if (da != db && da != 1 && db != 1) Fail(op, "cannot broadcast " + Str(a) + " with " + Str(b));
    out[i] = da == 1 ? db : da;
  }
  return out;
}

double D(int64_t v) { return static_cast<double>(v); }

}  // namespace

const std::vector<int64_t>& MetaOps::ShapeOf(const Tensor& t) {
  if (!t) throw RuntimeError("MetaOps: use of an empty tensor");
  return t.As<MetaTensor>().shape;
}

Tensor MetaOps::Make(std::vector<int64_t> shape, DType dtype) {
  activation_elems_ += D(Numel(shape));
  return Leaf(std::move(shape), dtype);
}

Tensor MetaOps::Leaf(std::vector<int64_t> shape, DType dtype) {
  auto t = std::make_shared<MetaTensor>();
  t->shape = std::move(shape);
  t->dtype = dtype;
  return Tensor(std::move(t));
}

Tensor MetaOps::Elementwise(const Tensor& a, const Tensor& b, double flops_per_elem) {
  auto s = Broadcast(ShapeOf(a), ShapeOf(b), "elementwise op");
  flops_ += flops_per_elem * D(Numel(s));
  return Make(std::move(s), a.As<MetaTensor>().dtype);
}

Tensor MetaOps::Unary(const Tensor& x, double flops_per_elem) {
  flops_ += flops_per_elem * D(Numel(ShapeOf(x)));
  return Make(ShapeOf(x), x.As<MetaTensor>().dtype);
}

Tensor MetaOps::Input(const std::string&, DType dtype, const std::vector<Dim>& dims) {
  std::vector<int64_t> s;
  for (const auto& d : dims) s.push_back(d.size);
  return Leaf(std::move(s), dtype);
}

void MetaOps::Output(const std::string& name, const Tensor& x) { outputs_[name] = ShapeOf(x); }

Tensor MetaOps::Param(const std::string& name, const std::vector<int64_t>& shape, WeightInit init) {
  auto it = params_seen_.find(name);
  if (it != params_seen_.end()) {
    if (it->second.shape != shape)
      Fail("Param", "'" + name + "' requested as " + Str(shape) + " and " + Str(it->second.shape));
  } else {
    // Real models have thousands of weight tensors; a config with millions (--set num_layers=1e8)
    // would take this process's memory before it said anything.
    constexpr size_t kMaxParamTensors = 1'000'000;
    if (params_seen_.size() >= kMaxParamTensors)
      throw UsageError("this model config has more than " + std::to_string(kMaxParamTensors) +
                       " weight tensors; its layer counts are too large");
    params_seen_.emplace(name, ParamSpec{shape, init});
    const int64_t n = Numel(shape);
    if (__builtin_add_overflow(params_, n, &params_))
      throw UsageError("this model config has more than 2^63 parameters; its sizes are too large");
    by_prefix_[name.substr(0, name.find('.'))] += n;
  }
  Tensor leaf = Leaf(shape);
  param_of_[leaf.impl()] = name;
  param_leaves_.push_back(leaf);
  return leaf;
}

Tensor MetaOps::Constant(const std::string& name, const std::vector<int64_t>& shape,
                         const std::vector<float>& values) {
  if (static_cast<int64_t>(values.size()) != Numel(shape))
    Fail("Constant",
         "'" + name + "' has " + std::to_string(values.size()) + " values for shape " + Str(shape));
  return Leaf(shape);
}

Tensor MetaOps::Linear(const Tensor& x, const Tensor& w, const Tensor& b) {
  const auto& xs = ShapeOf(x);
  const auto& ws = ShapeOf(w);
  if (ws.size() != 2 || xs.empty() || xs.back() != ws[1])
    Fail("Linear", "input " + Str(xs) + " with weight " + Str(ws));
  if (b && (ShapeOf(b).size() != 1 || ShapeOf(b)[0] != ws[0]))
    Fail("Linear", "bias " + Str(ShapeOf(b)) + " for weight " + Str(ws));
  const auto name = [&](const Tensor& t) {
    auto n = t ? param_of_.find(t.impl()) : param_of_.end();
    return n == param_of_.end() ? std::string() : n->second;
  };
  linear_calls_.push_back({x, name(w), name(b)});
  auto out = xs;
  out.back() = ws[0];
  const double m = D(Numel(xs) / xs.back());
  flops_ += 2 * m * D(ws[0]) * D(ws[1]) + (b ? m * D(ws[0]) : 0);
  return Make(std::move(out));
}

Tensor MetaOps::MatMul(const Tensor& a, const Tensor& b) {
  auto as = ShapeOf(a), bs = ShapeOf(b);
  if (as.size() < 2 || bs.size() < 2 || as.back() != bs[bs.size() - 2])
    Fail("MatMul", Str(as) + " x " + Str(bs));
  const int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
  auto batch = Broadcast(std::vector<int64_t>(as.begin(), as.end() - 2),
                         std::vector<int64_t>(bs.begin(), bs.end() - 2), "MatMul");
  flops_ += 2 * D(Numel(batch)) * D(m) * D(n) * D(k);
  batch.push_back(m);
  batch.push_back(n);
  return Make(std::move(batch));
}

Tensor MetaOps::Add(const Tensor& a, const Tensor& b) { return Elementwise(a, b, 1); }
Tensor MetaOps::Sub(const Tensor& a, const Tensor& b) { return Elementwise(a, b, 1); }
Tensor MetaOps::Mul(const Tensor& a, const Tensor& b) { return Elementwise(a, b, 1); }
Tensor MetaOps::Div(const Tensor& a, const Tensor& b) { return Elementwise(a, b, 1); }
Tensor MetaOps::Scale(const Tensor& x, float) { return Unary(x, 1); }
Tensor MetaOps::Pow(const Tensor& x, float) { return Unary(x, 1); }
Tensor MetaOps::Sqrt(const Tensor& x) { return Unary(x, 1); }
Tensor MetaOps::Log(const Tensor& x) { return Unary(x, 1); }
Tensor MetaOps::Exp(const Tensor& x) { return Unary(x, 1); }
Tensor MetaOps::Abs(const Tensor& x) { return Unary(x, 1); }
Tensor MetaOps::Clamp(const Tensor& x, std::optional<float>, std::optional<float>) {
  return Unary(x, 1);
}

Tensor MetaOps::LayerNorm(const Tensor& x, const Tensor& w, const Tensor& b, float) {
  const auto& xs = ShapeOf(x);
  if (ShapeOf(w) != std::vector<int64_t>{xs.back()} || (b && ShapeOf(b) != ShapeOf(w)))
    Fail("LayerNorm", "input " + Str(xs) + " with weight " + Str(ShapeOf(w)));
  return Unary(x, 5);  // mean, variance, normalise, scale, shift
}

Tensor MetaOps::RmsNorm(const Tensor& x, const Tensor& w, float) {
  const auto& xs = ShapeOf(x);
  if (ShapeOf(w) != std::vector<int64_t>{xs.back()})
    Fail("RmsNorm", "input " + Str(xs) + " with weight " + Str(ShapeOf(w)));
  return Unary(x, 4);
}

Tensor MetaOps::GroupNorm(const Tensor& x, int64_t groups, const Tensor& w, const Tensor&, float) {
  const auto& xs = ShapeOf(x);
  if (xs.size() < 2 || groups <= 0 || xs[1] % groups != 0 ||
      ShapeOf(w) != std::vector<int64_t>{xs[1]})
    Fail("GroupNorm", "input " + Str(xs) + " groups " + std::to_string(groups));
  return Unary(x, 5);
}

Tensor MetaOps::BatchNormFrozen(const Tensor& x, const Tensor& w, const Tensor&, const Tensor&,
                                const Tensor&, float) {
  const auto& xs = ShapeOf(x);
  if (xs.size() < 2 || ShapeOf(w) != std::vector<int64_t>{xs[1]})
    Fail("BatchNormFrozen", "input " + Str(xs) + " with weight " + Str(ShapeOf(w)));
  return Unary(x, 2);
}

Tensor MetaOps::Act(const Tensor& x, Activation a) {
  return Unary(x, a == Activation::kRelu ? 1 : 4);
}

Tensor MetaOps::Softmax(const Tensor& x, int64_t axis) {
  Axis(axis, ShapeOf(x).size(), "Softmax");
  return Unary(x, 5);
}

Tensor MetaOps::Attention(const Tensor& q, const Tensor& k, const Tensor& v,
                          const AttentionOptions& opt) {
  const auto &qs = ShapeOf(q), &ks = ShapeOf(k), &vs = ShapeOf(v);
  if (qs.size() != 4 || ks.size() != 4 || vs.size() != 4 || qs[0] != ks[0] || ks != vs ||
      qs[3] != ks[3] || ks[1] == 0 || qs[1] % ks[1] != 0)
    Fail("Attention", "q " + Str(qs) + " k " + Str(ks) + " v " + Str(vs));
  if (opt.key_padding_mask) {
    const auto& ms = ShapeOf(opt.key_padding_mask);
    if (ms.size() != 2 || ms[0] != qs[0] || ms[1] != ks[2])
      Fail("Attention", "key padding mask " + Str(ms) + " for k " + Str(ks));
  }
  if (opt.bias) Broadcast(ShapeOf(opt.bias), {qs[0], qs[1], qs[2], ks[2]}, "Attention bias");
  const double scores = D(qs[0]) * D(qs[1]) * D(qs[2]) * D(ks[2]);
  flops_ += 4 * scores * D(qs[3]) + 5 * scores;  // QK^T + PV, softmax
  return Make(qs);
}

Tensor MetaOps::Rotary(const Tensor& x, int64_t, float) {
  if (ShapeOf(x).size() != 4 || ShapeOf(x)[3] % 2 != 0) Fail("Rotary", Str(ShapeOf(x)));
  return Unary(x, 3);
}

Tensor MetaOps::Positions(const Tensor& x, int64_t axis, int64_t) {
  const auto& xs = ShapeOf(x);
  return Make({xs[Axis(axis, xs.size(), "Positions")]}, DType::kInt64);
}

Tensor MetaOps::RelativePositionBias(const Tensor& table, const Tensor& q_like,
                                     const Tensor& k_like, int64_t,
                                     const RelativePositionBucketOptions& opt) {
  const auto& ts = ShapeOf(table);
  if (ts.size() != 2 || ts[0] != opt.num_buckets || ShapeOf(q_like).size() < 3 ||
      ShapeOf(k_like).size() < 3)
    Fail("RelativePositionBias", "table " + Str(ts));
  return Make({1, ts[1], ShapeOf(q_like)[2], ShapeOf(k_like)[2]});
}

Tensor MetaOps::Conv1d(const Tensor& x, const Tensor& w, const Tensor& b, int64_t stride,
                       int64_t padding, int64_t groups) {
  const auto &xs = ShapeOf(x), &ws = ShapeOf(w);
  if (xs.size() != 3 || ws.size() != 3 || xs[1] != ws[1] * groups || ws[0] % groups != 0)
    Fail("Conv1d", "input " + Str(xs) + " weight " + Str(ws));
  const int64_t l = (xs[2] + 2 * padding - ws[2]) / stride + 1;
  if (l <= 0) Fail("Conv1d", "input " + Str(xs) + " too short for kernel " + Str(ws));
  std::vector<int64_t> out{xs[0], ws[0], l};
  flops_ += D(Numel(out)) * (2 * D(ws[1]) * D(ws[2]) + (b ? 1 : 0));
  return Make(std::move(out));
}

Tensor MetaOps::Conv2d(const Tensor& x, const Tensor& w, const Tensor& b, int64_t stride,
                       int64_t padding, int64_t groups) {
  const auto &xs = ShapeOf(x), &ws = ShapeOf(w);
  if (xs.size() != 4 || ws.size() != 4 || xs[1] != ws[1] * groups || ws[0] % groups != 0)
    Fail("Conv2d", "input " + Str(xs) + " weight " + Str(ws));
  const int64_t h = (xs[2] + 2 * padding - ws[2]) / stride + 1;
  const int64_t wd = (xs[3] + 2 * padding - ws[3]) / stride + 1;
  if (h <= 0 || wd <= 0) Fail("Conv2d", "input " + Str(xs) + " too small for kernel " + Str(ws));
  std::vector<int64_t> out{xs[0], ws[0], h, wd};
  flops_ += D(Numel(out)) * (2 * D(ws[1]) * D(ws[2]) * D(ws[3]) + (b ? 1 : 0));
  return Make(std::move(out));
}

Tensor MetaOps::MaxPool2d(const Tensor& x, int64_t kernel, int64_t stride, int64_t padding) {
  const auto& xs = ShapeOf(x);
  if (xs.size() != 4) Fail("MaxPool2d", Str(xs));
  std::vector<int64_t> out{xs[0], xs[1], (xs[2] + 2 * padding - kernel) / stride + 1,
                           (xs[3] + 2 * padding - kernel) / stride + 1};
  flops_ += D(Numel(out)) * D(kernel * kernel);
  return Make(std::move(out));
}

Tensor MetaOps::Mean(const Tensor& x, const std::vector<int64_t>& axes, bool keepdims) {
  const auto& xs = ShapeOf(x);
  std::vector<bool> reduce(xs.size(), false);
  for (auto a : axes) reduce[Axis(a, xs.size(), "Mean")] = true;
  std::vector<int64_t> out;
  for (size_t i = 0; i < xs.size(); ++i) {
    if (!reduce[i])
      out.push_back(xs[i]);
    else if (keepdims)
      out.push_back(1);
  }
  flops_ += D(Numel(xs));
  return Make(std::move(out));
}

Tensor MetaOps::Embedding(const Tensor& table, const Tensor& ids) {
  const auto& ts = ShapeOf(table);
  if (ts.size() != 2) Fail("Embedding", "table " + Str(ts));
  auto out = ShapeOf(ids);
  out.push_back(ts[1]);
  return Make(std::move(out));
}

Tensor MetaOps::TakeAlongBatch(const Tensor& x, const Tensor& index) {
  const auto &xs = ShapeOf(x), &is = ShapeOf(index);
  if (xs.size() < 2 || is.size() != 1 || is[0] != xs[0])
    Fail("TakeAlongBatch", "x " + Str(xs) + " index " + Str(is));
  std::vector<int64_t> out{xs[0]};
  out.insert(out.end(), xs.begin() + 2, xs.end());
  return Make(std::move(out), x.As<MetaTensor>().dtype);
}

Tensor MetaOps::ArgMax(const Tensor& x, int64_t axis) {
  auto out = ShapeOf(x);
  out.erase(out.begin() + Axis(axis, out.size(), "ArgMax"));
  return Make(std::move(out), DType::kInt64);
}

Tensor MetaOps::Reshape(const Tensor& x, const std::vector<int64_t>& spec) {
  const auto& xs = ShapeOf(x);
  std::vector<int64_t> out(spec.size());
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < spec.size(); ++i) {
    if (spec[i] == 0) {
      if (i >= xs.size()) Fail("Reshape", "0 at axis " + std::to_string(i) + " of " + Str(xs));
      out[i] = xs[i];
    } else if (spec[i] == -1) {
      if (infer >= 0) Fail("Reshape", "two -1 in spec " + Str(spec));
      infer = static_cast<int64_t>(i);
      continue;
    } else {
      out[i] = spec[i];
    }
    known *= out[i];
  }
  const int64_t n = Numel(xs);
  if (infer >= 0) {
    if (known == 0 || n % known != 0) Fail("Reshape", Str(xs) + " to " + Str(spec));
    out[infer] = n / known;
  } else if (known != n) {
    Fail("Reshape", Str(xs) + " to " + Str(spec));
  }
  return Leaf(std::move(out), x.As<MetaTensor>().dtype);
}

Tensor MetaOps::Transpose(const Tensor& x, const std::vector<int64_t>& perm) {
  const auto& xs = ShapeOf(x);
  if (perm.size() != xs.size()) Fail("Transpose", Str(xs) + " perm " + Str(perm));
  std::vector<int64_t> out;
  for (auto p : perm) out.push_back(xs[Axis(p, xs.size(), "Transpose")]);
  return Make(std::move(out), x.As<MetaTensor>().dtype);
}

Tensor MetaOps::Concat(const std::vector<Tensor>& xs, int64_t axis) {
  if (xs.empty()) Fail("Concat", "no inputs");
  auto out = ShapeOf(xs[0]);
  const int64_t a = Axis(axis, out.size(), "Concat");
  for (size_t i = 1; i < xs.size(); ++i) {
    const auto& s = ShapeOf(xs[i]);
    if (s.size() != out.size()) Fail("Concat", Str(out) + " with " + Str(s));
    for (size_t d = 0; d < s.size(); ++d)
      if (static_cast<int64_t>(d) != a && s[d] != out[d])
        Fail("Concat", Str(out) + " with " + Str(s));
    out[a] += s[a];
  }
  return Make(std::move(out), xs[0].As<MetaTensor>().dtype);
}

Tensor MetaOps::Slice(const Tensor& x, int64_t axis, int64_t start, int64_t end) {
  auto out = ShapeOf(x);
  const int64_t a = Axis(axis, out.size(), "Slice");
  const int64_t n = out[a];
  if (start < 0) start += n;
  if (end < 0) end += n;
  start = std::clamp<int64_t>(start, 0, n);
  end = std::clamp<int64_t>(end, start, n);
  out[a] = end - start;
  return Make(std::move(out), x.As<MetaTensor>().dtype);
}

Tensor MetaOps::Unsqueeze(const Tensor& x, int64_t axis) {
  auto out = ShapeOf(x);
  const int64_t a = Axis(axis, out.size() + 1, "Unsqueeze");
  out.insert(out.begin() + a, 1);
  return Leaf(std::move(out), x.As<MetaTensor>().dtype);
}

Tensor MetaOps::BroadcastBatch(const Tensor& x, const Tensor& like) {
  auto out = ShapeOf(x);
  if (out.empty() || out[0] != 1) Fail("BroadcastBatch", "leading dim must be 1: " + Str(out));
  out[0] = ShapeOf(like)[0];
  return Make(std::move(out), x.As<MetaTensor>().dtype);
}

Tensor MetaOps::Cast(const Tensor& x, DType to) { return Make(ShapeOf(x), to); }

int64_t MetaOps::SizeOf(const Tensor& x, int64_t axis) {
  const auto& s = ShapeOf(x);
  return s[Axis(axis, s.size(), "SizeOf")];
}

Tensor MetaOps::CrossEntropy(const Tensor& logits, const Tensor& labels) {
  auto ls = ShapeOf(logits);
  ls.pop_back();
  if (ls != ShapeOf(labels))
    Fail("CrossEntropy", "logits " + Str(ShapeOf(logits)) + " labels " + Str(ShapeOf(labels)));
  flops_ += 5 * D(Numel(ShapeOf(logits)));
  return Make({});
}

Tensor MetaOps::MeanSquaredError(const Tensor& a, const Tensor& b) {
  Elementwise(a, b, 3);
  return Make({});
}

ModelStats Analyze(const Family& family, const Config& cfg, const Workload& w, Mode mode) {
  MetaOps ops;
  Inputs in;
  for (const auto& d : family.InputsFor(cfg, w, mode))
    in.emplace(d.name, ops.Input(d.name, d.dtype, d.dims));
  double flops = 0, acts = 0;
  switch (mode) {
    case Mode::kInference:
      family.Forward(ops, cfg, in);
      flops = ops.flops();
      acts = ops.activation_elements();
      break;
    case Mode::kTraining:
      family.TrainingLoss(ops, cfg, in);
      flops = 3 * ops.flops();
      acts = 3 * ops.activation_elements();
      break;
    case Mode::kPrefill:
    case Mode::kDecode: {
      if (!family.Info().generative) {
        family.Forward(ops, cfg, in);
        flops = ops.flops();
        acts = ops.activation_elements();
        break;
      }
      DecodeState st;
      family.Prefill(ops, cfg, in, st);
      flops = ops.flops();
      acts = ops.activation_elements();
      if (mode == Mode::kDecode) {
        auto ids = ops.Input("decode_ids", DType::kInt64,
                             {Dim::Symbolic("batch", w.batch), Dim::Static(1)});
        family.Decode(ops, cfg, ids, st);
        flops = ops.flops() - flops;
        acts = ops.activation_elements() - acts;
      }
      break;
    }
  }
  ModelStats s;
  s.params = ops.params();
  s.flops = flops;
  s.weight_bytes_fp32 = 4.0 * static_cast<double>(ops.params());
  s.activation_elements = acts;
  s.params_by_prefix = ops.params_by_prefix();
  return s;
}

}  // namespace accelbench::models
