#include "backends/torch/torch_ops.h"

#include <torch/version.h>

#include <cmath>
#include <functional>
#include <limits>
#include <sstream>

#include "backends/torch/sdpa_compat.h"
#include "core/errors.h"
#include "models/weights.h"

namespace accelbench::backends::torch_backend {

using models::Tensor;

namespace {

// at::scaled_dot_product_attention with a `scale` argument exists from PyTorch 2.1.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
constexpr bool kHaveSdpa = true;
#else
constexpr bool kHaveSdpa = false;
#endif

std::string ShapeStr(c10::IntArrayRef s) {
  std::ostringstream o;
  o << '[';
  for (size_t i = 0; i < s.size(); ++i) o << (i ? ", " : "") << s[i];
  o << ']';
  return o.str();
}

std::string DimsStr(const std::vector<models::Dim>& dims) {
  std::string out = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) out += ", ";
    out += dims[i].symbol.empty() ? std::to_string(dims[i].size) : dims[i].symbol;
  }
  return out + "]";
}

at::Tensor RotateHalf(const at::Tensor& x) {
  const int64_t h = x.size(-1) / 2;
  return at::cat({-x.slice(-1, h), x.slice(-1, 0, h)}, -1);
}

}  // namespace

TorchOps::TorchOps(c10::Device device, c10::ScalarType dtype, uint64_t seed, bool trainable)
    : device_(device), dtype_(dtype), seed_(seed), trainable_(trainable) {}

Tensor TorchOps::Wrap(at::Tensor t) { return Tensor(std::make_shared<TorchTensor>(std::move(t))); }

const at::Tensor& TorchOps::Unwrap(const Tensor& t) {
  if (!t) throw RuntimeError("TorchOps: use of an empty tensor");
  return t.As<TorchTensor>().t;
}

std::vector<at::Tensor> TorchOps::Parameters() const {
  std::vector<at::Tensor> out;
  for (const auto& [name, p] : params_) out.push_back(p);
  return out;
}

Tensor TorchOps::Input(const std::string& name, models::DType dtype,
                       const std::vector<models::Dim>& dims) {
  auto it = inputs_.find(name);
  if (it == inputs_.end()) throw UsageError("missing model input '" + name + "'");
  const at::Tensor& t = it->second;
  bool ok = t.dim() == static_cast<int64_t>(dims.size());
  for (size_t i = 0; ok && i < dims.size(); ++i)
    if (dims[i].symbol.empty() && t.size(static_cast<int64_t>(i)) != dims[i].size) ok = false;
  if (!ok)
    throw UsageError("input '" + name + "' has shape " + ShapeStr(t.sizes()) + "; expected " +
                     DimsStr(dims));
  switch (dtype) {
    case models::DType::kFloat:
      return Wrap(t.to(device_, dtype_));
    case models::DType::kInt64:
      return Wrap(t.to(device_, at::kLong));
    case models::DType::kBool:
      return Wrap(t.to(device_, at::kBool));
  }
  return Wrap(t);
}

void TorchOps::Output(const std::string& name, const Tensor& x) { outputs_[name] = Unwrap(x); }

void TorchOps::Preload(const std::string& name, const std::vector<int64_t>& shape,
                       models::WeightInit init) {
  Param(name, shape, init);
}

Tensor TorchOps::Param(const std::string& name, const std::vector<int64_t>& shape,
                       models::WeightInit init) {
  auto it = params_.find(name);
  if (it != params_.end()) {
    if (it->second.sizes() != c10::IntArrayRef(shape))
      throw RuntimeError("parameter '" + name + "' requested as " + ShapeStr(shape) + " and " +
                         ShapeStr(it->second.sizes()));
    return Wrap(it->second);
  }
  at::Tensor host = at::empty(shape, at::TensorOptions().dtype(at::kFloat));
  models::GenerateWeightInto(seed_, name, shape, init, host.data_ptr<float>());
  at::Tensor p = host.to(device_, dtype_);
  if (trainable_) p.requires_grad_(true);
  params_.emplace(name, p);
  return Wrap(p);
}

Tensor TorchOps::Constant(const std::string& name, const std::vector<int64_t>& shape,
                          const std::vector<float>& values) {
  auto it = constants_.find(name);
  if (it != constants_.end()) return Wrap(it->second);
  at::Tensor host = at::empty(shape, at::TensorOptions().dtype(at::kFloat));
  std::copy(values.begin(), values.end(), host.data_ptr<float>());
  at::Tensor c = host.to(device_, dtype_);
  constants_.emplace(name, c);
  return Wrap(c);
}

Tensor TorchOps::MatMul(const Tensor& a, const Tensor& b) {
  return Wrap(at::matmul(Unwrap(a), Unwrap(b)));
}
Tensor TorchOps::Add(const Tensor& a, const Tensor& b) { return Wrap(Unwrap(a) + Unwrap(b)); }
Tensor TorchOps::Sub(const Tensor& a, const Tensor& b) { return Wrap(Unwrap(a) - Unwrap(b)); }
Tensor TorchOps::Mul(const Tensor& a, const Tensor& b) { return Wrap(Unwrap(a) * Unwrap(b)); }
Tensor TorchOps::Div(const Tensor& a, const Tensor& b) { return Wrap(Unwrap(a) / Unwrap(b)); }
Tensor TorchOps::Scale(const Tensor& x, float s) { return Wrap(Unwrap(x) * s); }
Tensor TorchOps::Pow(const Tensor& x, float p) { return Wrap(at::pow(Unwrap(x), p)); }
Tensor TorchOps::Sqrt(const Tensor& x) { return Wrap(at::sqrt(Unwrap(x))); }
Tensor TorchOps::Log(const Tensor& x) { return Wrap(at::log(Unwrap(x))); }
Tensor TorchOps::Exp(const Tensor& x) { return Wrap(at::exp(Unwrap(x))); }
Tensor TorchOps::Abs(const Tensor& x) { return Wrap(at::abs(Unwrap(x))); }
Tensor TorchOps::Clamp(const Tensor& x, std::optional<float> lo, std::optional<float> hi) {
  c10::optional<at::Scalar> l, h;
  if (lo) l = *lo;
  if (hi) h = *hi;
  return Wrap(at::clamp(Unwrap(x), l, h));
}

Tensor TorchOps::LayerNorm(const Tensor& x, const Tensor& w, const Tensor& b, float eps) {
  const at::Tensor& t = Unwrap(x);
  return Wrap(at::layer_norm(t, {t.size(-1)}, Unwrap(w),
                             b ? c10::optional<at::Tensor>(Unwrap(b)) : c10::nullopt, eps));
}

Tensor TorchOps::RmsNorm(const Tensor& x, const Tensor& w, float eps) {
  // As Hugging Face LLaMA: statistics in fp32, scale in the compute dtype.
  const at::Tensor& t = Unwrap(x);
  at::Tensor f = t.to(at::kFloat);
  f = f * at::rsqrt(f.pow(2).mean(-1, true) + eps);
  return Wrap(Unwrap(w) * f.to(t.scalar_type()));
}

Tensor TorchOps::GroupNorm(const Tensor& x, int64_t groups, const Tensor& w, const Tensor& b,
                           float eps) {
  return Wrap(at::group_norm(Unwrap(x), groups, Unwrap(w),
                             b ? c10::optional<at::Tensor>(Unwrap(b)) : c10::nullopt, eps));
}

Tensor TorchOps::BatchNormFrozen(const Tensor& x, const Tensor& w, const Tensor& b,
                                 const Tensor& mean, const Tensor& var, float eps) {
  const at::Tensor& t = Unwrap(x);
  std::vector<int64_t> shape(t.dim(), 1);
  shape[1] = t.size(1);
  at::Tensor scale = Unwrap(w) * at::rsqrt(Unwrap(var) + eps);
  at::Tensor shift = Unwrap(b) - Unwrap(mean) * scale;
  return Wrap(t * scale.reshape(shape) + shift.reshape(shape));
}

Tensor TorchOps::Act(const Tensor& x, models::Activation a) {
  const at::Tensor& t = Unwrap(x);
  switch (a) {
    case models::Activation::kRelu:
      return Wrap(at::relu(t));
    case models::Activation::kGelu: {
      at::Tensor y = at::gelu(t);
      // libtorch's CPU gelu backward (the oneDNN path, taken for a contiguous fp32/bf16 input, as
      // in 1.13) assumes the incoming gradient has the input's layout. A gradient with other
      // strides -- a GELU followed by a transpose, as in the wav2vec2 and whisper conv front
      // ends -- is then read in the wrong order and partly from uninitialised memory: wrong
      // gradients in every step, inf/NaN losses now and then. Hand it a contiguous gradient.
      if (y.requires_grad() && y.device().is_cpu())
        y.register_hook([](const at::Tensor& g) { return g.contiguous(); });
      return Wrap(y);
    }
    case models::Activation::kGeluTanh:
      return Wrap(at::gelu(t, "tanh"));
    case models::Activation::kQuickGelu:
      return Wrap(t * at::sigmoid(t * 1.702));
    case models::Activation::kSilu:
      return Wrap(at::silu(t));
    case models::Activation::kTanh:
      return Wrap(at::tanh(t));
    case models::Activation::kSigmoid:
      return Wrap(at::sigmoid(t));
  }
  throw RuntimeError("unknown activation");
}

Tensor TorchOps::Softmax(const Tensor& x, int64_t axis) {
  const at::Tensor& t = Unwrap(x);
  return Wrap(at::softmax(t, axis, at::kFloat).to(t.scalar_type()));
}

std::string TorchOps::attention_path() const {
  if (attention_path_.empty() || attention_kernels_.empty()) return attention_path_;
  std::string out = attention_path_ + " (";
  for (const auto& k : attention_kernels_) out += (out.back() == '(' ? "" : ", ") + k;
  return out + ")";
}

Tensor TorchOps::Attention(const Tensor& qt, const Tensor& kt, const Tensor& vt,
                           const models::AttentionOptions& opt) {
  const at::Tensor& q = Unwrap(qt);
  const at::Tensor& k = Unwrap(kt);
  const int64_t sq = q.size(2), sk = k.size(2);
  const double scale = opt.scale ? *opt.scale : 1.0 / std::sqrt(static_cast<double>(q.size(3)));
  at::Tensor bias = opt.bias ? Unwrap(opt.bias) : at::Tensor();
  const bool causal_needed = opt.causal && sq > 1;
  // Sq == Sk causal without padding or bias: the kernels' own causal path, no mask.
  const bool plain_causal = causal_needed && sq == sk && !opt.key_padding_mask && !bias.defined();
  // Boolean "may attend" mask [B|1, 1, Sq, Sk], built only when needed.
  c10::optional<at::Tensor> allowed;
  if (causal_needed && !plain_causal) {
    auto bo = at::TensorOptions().device(q.device()).dtype(at::kLong);
    at::Tensor i = at::arange(sq, bo).unsqueeze(1) + (sk - sq);
    at::Tensor j = at::arange(sk, bo).unsqueeze(0);
    allowed = j.le(i).unsqueeze(0).unsqueeze(0);
  }
  if (opt.key_padding_mask) {
    at::Tensor pad = Unwrap(opt.key_padding_mask).ne(0).unsqueeze(1).unsqueeze(1);
    allowed = allowed ? at::logical_and(*allowed, pad) : pad;
  }
  return Wrap(AttentionKernel(q, k, Unwrap(vt), allowed, bias, plain_causal, scale));
}

at::Tensor TorchOps::AttentionKernel(const at::Tensor& q, at::Tensor k, at::Tensor v,
                                     const c10::optional<at::Tensor>& allowed,
                                     const at::Tensor& bias, bool plain_causal, double scale) {
  const int64_t heads = q.size(1), kv_heads = k.size(1);
  if (kv_heads != heads) {  // grouped-query: as HF repeat_kv (expand + reshape: no host sync,
    // so it can be captured into a CUDA graph on every libtorch version)
    const auto repeat = [&](const at::Tensor& t) {
      return t.unsqueeze(2)
          .expand({t.size(0), kv_heads, heads / kv_heads, t.size(2), t.size(3)})
          .reshape({t.size(0), heads, t.size(2), t.size(3)});
    };
    k = repeat(k);
    v = repeat(v);
  }
  if (kHaveSdpa && !explicit_attention_) {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
    attention_path_ = "sdpa";
    c10::optional<at::Tensor> mask;
    if (bias.defined()) {
      at::Tensor m = bias.to(q.scalar_type());
      if (allowed)
        m = m.masked_fill(allowed->logical_not(), -std::numeric_limits<float>::infinity());
      mask = m;
    } else if (allowed) {
      mask = *allowed;
    }
    // Which fused kernel libtorch picks (host-only), recorded for the first calls of a run.
    if (kernel_checks_ < 256) {
      ++kernel_checks_;
      if (auto kernel = sdpa::KernelFor(q, k, v, mask, plain_causal, scale))
        attention_kernels_.insert(*kernel);
    }
    return at::scaled_dot_product_attention(q, k, v, mask, 0.0, plain_causal, scale);
#endif
  }
  attention_path_ = "explicit";
  // The scale applied to q [Sq, D] rather than to the scores [Sq, Sk]: one pass over the smaller
  // tensor (exact where the scale is a power of two, head_dim 64 or 256). The scores are fresh,
  // so the masks are applied in place.
  at::Tensor scores = at::matmul(q * scale, k.transpose(-2, -1));
  if (scores.scalar_type() != at::kFloat) scores = scores.to(at::kFloat);
  if (bias.defined()) scores.add_(bias.to(at::kFloat));
  if (plain_causal) {
    auto bo = at::TensorOptions().device(q.device()).dtype(at::kLong);
    const int64_t sq = q.size(2), sk = k.size(2);
    at::Tensor i = at::arange(sq, bo).unsqueeze(1) + (sk - sq);
    scores.masked_fill_(at::arange(sk, bo).unsqueeze(0).gt(i),
                        std::numeric_limits<float>::lowest());
  }
  if (allowed) scores.masked_fill_(allowed->logical_not(), std::numeric_limits<float>::lowest());
  at::Tensor probs = at::softmax(scores, -1).to(q.scalar_type());
  return at::matmul(probs, v);
}

Tensor TorchOps::Rotary(const Tensor& x, int64_t offset, float theta) {
  const at::Tensor& t = Unwrap(x);
  auto fo = at::TensorOptions().device(t.device()).dtype(at::kFloat);
  return Wrap(ApplyRotary(t, RotaryTables(t, offset, theta, [&] {
                            return at::arange(offset, offset + t.size(2), fo);
                          })));
}

at::Tensor TorchOps::ApplyRotary(const at::Tensor& t,
                                 const std::pair<at::Tensor, at::Tensor>& cos_sin) {
  return t * cos_sin.first + RotateHalf(t) * cos_sin.second;
}

const std::pair<at::Tensor, at::Tensor>& TorchOps::RotaryTables(
    const at::Tensor& t, int64_t first, float theta, const std::function<at::Tensor()>& positions) {
  const RotaryKey key{first,
                      t.size(2),
                      t.size(3),
                      theta,
                      t.scalar_type(),
                      t.device(),
                      c10::InferenceMode::is_enabled()};
  if (rotary_key_ && *rotary_key_ == key) return rotary_tables_;
  const int64_t d = t.size(3);
  auto fo = at::TensorOptions().device(t.device()).dtype(at::kFloat);
  at::Tensor inv_freq = 1.0 / at::pow(static_cast<double>(theta), at::arange(0, d, 2, fo) / d);
  at::Tensor freqs = at::outer(positions(), inv_freq);
  at::Tensor emb = at::cat({freqs, freqs}, -1);
  rotary_tables_ = {emb.cos().to(t.scalar_type()), emb.sin().to(t.scalar_type())};
  rotary_key_ = key;
  return rotary_tables_;
}

Tensor TorchOps::Positions(const Tensor& x, int64_t axis, int64_t offset) {
  const at::Tensor& t = Unwrap(x);
  return Wrap(at::arange(offset, offset + t.size(axis),
                         at::TensorOptions().device(t.device()).dtype(at::kLong)));
}

Tensor TorchOps::RelativePositionBias(const Tensor& table, const Tensor& q_like,
                                      const Tensor& k_like, int64_t q_offset,
                                      const models::RelativePositionBucketOptions& opt) {
  // Hugging Face T5Attention._relative_position_bucket.
  const at::Tensor& tab = Unwrap(table);
  const int64_t sq = Unwrap(q_like).size(2), sk = Unwrap(k_like).size(2);
  auto lo = at::TensorOptions().device(tab.device()).dtype(at::kLong);
  at::Tensor ctx = at::arange(q_offset, q_offset + sq, lo).unsqueeze(1);
  at::Tensor mem = at::arange(sk, lo).unsqueeze(0);
  at::Tensor rel = mem - ctx;
  at::Tensor buckets = at::zeros_like(rel);
  int64_t nb = opt.num_buckets;
  if (opt.bidirectional) {
    nb /= 2;
    buckets = buckets + rel.gt(0).to(at::kLong) * nb;
    rel = rel.abs();
  } else {
    rel = -at::minimum(rel, at::zeros_like(rel));
  }
  const int64_t max_exact = nb / 2;
  at::Tensor small = rel.lt(max_exact);
  at::Tensor large =
      max_exact + (at::log(rel.to(at::kFloat) / max_exact) /
                   std::log(static_cast<double>(opt.max_distance) / max_exact) * (nb - max_exact))
                      .to(at::kLong);
  large = at::minimum(large, at::full_like(large, nb - 1));
  buckets = buckets + at::where(small, rel, large);
  at::Tensor values = at::embedding(tab, buckets);  // [Sq, Sk, H]
  return Wrap(values.permute({2, 0, 1}).unsqueeze(0));
}

Tensor TorchOps::Conv1d(const Tensor& x, const Tensor& w, const Tensor& b, int64_t stride,
                        int64_t padding, int64_t groups) {
  return Wrap(at::conv1d(Unwrap(x), Unwrap(w),
                         b ? c10::optional<at::Tensor>(Unwrap(b)) : c10::nullopt, {stride},
                         {padding}, {1}, groups));
}

Tensor TorchOps::Conv2d(const Tensor& x, const Tensor& w, const Tensor& b, int64_t stride,
                        int64_t padding, int64_t groups) {
  return Wrap(at::conv2d(Unwrap(x), Unwrap(w),
                         b ? c10::optional<at::Tensor>(Unwrap(b)) : c10::nullopt, {stride, stride},
                         {padding, padding}, {1, 1}, groups));
}

Tensor TorchOps::MaxPool2d(const Tensor& x, int64_t kernel, int64_t stride, int64_t padding) {
  return Wrap(at::max_pool2d(Unwrap(x), {kernel, kernel}, {stride, stride}, {padding, padding}));
}

Tensor TorchOps::Mean(const Tensor& x, const std::vector<int64_t>& axes, bool keepdims) {
  return Wrap(at::mean(Unwrap(x), axes, keepdims));
}

Tensor TorchOps::Embedding(const Tensor& table, const Tensor& ids) {
  return Wrap(at::embedding(Unwrap(table), Unwrap(ids)));
}

Tensor TorchOps::TakeAlongBatch(const Tensor& x, const Tensor& index) {
  const at::Tensor& t = Unwrap(x);
  const int64_t b = t.size(0), s = t.size(1);
  std::vector<int64_t> flat{b * s};
  for (int64_t d = 2; d < t.dim(); ++d) flat.push_back(t.size(d));
  at::Tensor rows =
      at::arange(b, at::TensorOptions().device(t.device()).dtype(at::kLong)) * s + Unwrap(index);
  return Wrap(t.reshape(flat).index_select(0, rows));
}

Tensor TorchOps::ArgMax(const Tensor& x, int64_t axis) { return Wrap(at::argmax(Unwrap(x), axis)); }

Tensor TorchOps::Reshape(const Tensor& x, const std::vector<int64_t>& spec) {
  const at::Tensor& t = Unwrap(x);
  std::vector<int64_t> s(spec);
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i] == 0) s[i] = t.size(static_cast<int64_t>(i));
  return Wrap(t.reshape(s));
}

Tensor TorchOps::Transpose(const Tensor& x, const std::vector<int64_t>& perm) {
  return Wrap(Unwrap(x).permute(perm));
}

Tensor TorchOps::Concat(const std::vector<Tensor>& xs, int64_t axis) {
  std::vector<at::Tensor> ts;
  for (const auto& x : xs) ts.push_back(Unwrap(x));
  return Wrap(at::cat(ts, axis));
}

Tensor TorchOps::Slice(const Tensor& x, int64_t axis, int64_t start, int64_t end) {
  return Wrap(Unwrap(x).slice(axis, start, end));
}

Tensor TorchOps::Unsqueeze(const Tensor& x, int64_t axis) {
  return Wrap(Unwrap(x).unsqueeze(axis));
}

Tensor TorchOps::BroadcastBatch(const Tensor& x, const Tensor& like) {
  const at::Tensor& t = Unwrap(x);
  std::vector<int64_t> s(t.dim(), -1);
  s[0] = Unwrap(like).size(0);
  return Wrap(t.expand(s));
}

Tensor TorchOps::Cast(const Tensor& x, models::DType to) {
  switch (to) {
    case models::DType::kFloat:
      return Wrap(Unwrap(x).to(dtype_));
    case models::DType::kInt64:
      return Wrap(Unwrap(x).to(at::kLong));
    case models::DType::kBool:
      return Wrap(Unwrap(x).to(at::kBool));
  }
  return x;
}

Tensor TorchOps::CrossEntropy(const Tensor& logits, const Tensor& labels) {
  const at::Tensor& l = Unwrap(logits);
  return Wrap(at::cross_entropy_loss(l.reshape({-1, l.size(-1)}).to(at::kFloat),
                                     Unwrap(labels).reshape({-1})));
}

Tensor TorchOps::MeanSquaredError(const Tensor& a, const Tensor& b) {
  return Wrap(at::mse_loss(Unwrap(a).to(at::kFloat), Unwrap(b).to(at::kFloat)));
}

std::string FirstFailingOp(c10::Device device, c10::ScalarType dtype) {
  c10::InferenceMode guard;
  TorchOps ops(device, dtype, 1, false);
  auto fo = at::TensorOptions().device(device).dtype(dtype);
  auto x = TorchOps::Wrap(at::randn({2, 4, 8}, at::TensorOptions().dtype(at::kFloat)).to(fo));
  auto w = ops.Param("w", {8, 8}, models::WeightInit::Normal());
  auto b = ops.Param("b", {8}, models::WeightInit::Zeros());
  auto q = TorchOps::Wrap(at::ones({2, 2, 4, 8}, fo));
  auto img = TorchOps::Wrap(at::ones({1, 4, 8, 8}, fo));
  auto cw = ops.Param("cw", {4, 4, 3, 3}, models::WeightInit::Normal());
  auto cb = ops.Param("cb", {4}, models::WeightInit::Zeros());
  auto ids = TorchOps::Wrap(at::zeros({2, 4}, at::TensorOptions().device(device).dtype(at::kLong)));
  const std::vector<std::pair<const char*, std::function<void()>>> probes = {
      {"Linear", [&] { ops.Linear(x, w, b); }},
      {"MatMul",
       [&] {
         ops.MatMul(q, ops.Transpose(q, {0, 1, 3, 2}));
       }},
      {"LayerNorm", [&] { ops.LayerNorm(x, b, b, 1e-5f); }},
      {"RmsNorm", [&] { ops.RmsNorm(x, b, 1e-5f); }},
      {"Act(gelu)", [&] { ops.Act(x, models::Activation::kGelu); }},
      {"Act(gelu_tanh)", [&] { ops.Act(x, models::Activation::kGeluTanh); }},
      {"Act(silu)", [&] { ops.Act(x, models::Activation::kSilu); }},
      {"Act(tanh)", [&] { ops.Act(x, models::Activation::kTanh); }},
      {"Act(sigmoid)", [&] { ops.Act(x, models::Activation::kSigmoid); }},
      {"Softmax", [&] { ops.Softmax(x, -1); }},
      {"Attention",
       [&] {
         models::AttentionOptions o;
         o.causal = true;
         ops.Attention(q, q, q, o);
       }},
      {"Rotary", [&] { ops.Rotary(q, 0, 10000.f); }},
      {"Embedding", [&] { ops.Embedding(w, ids); }},
      {"Conv2d", [&] { ops.Conv2d(img, cw, cb, 1, 1, 1); }},
      {"Conv1d",
       [&] {
         ops.Conv1d(x, ops.Param("c1", {4, 4, 3}, models::WeightInit::Normal()), {}, 1, 1, 1);
       }},
      {"GroupNorm", [&] { ops.GroupNorm(img, 2, cb, cb, 1e-5f); }},
      {"MaxPool2d", [&] { ops.MaxPool2d(img, 3, 2, 1); }},
      {"Mean", [&] { ops.Mean(x, {1}, false); }},
      {"Pow/Sqrt/Log/Exp", [&] { ops.Log(ops.Sqrt(ops.Exp(ops.Pow(x, 2.f)))); }},
  };
  for (const auto& [name, fn] : probes) {
    try {
      fn();
    } catch (const std::exception& e) {
      std::string msg = e.what();
      return std::string(name) + ": " + msg.substr(0, msg.find('\n'));
    }
  }
  return "";
}

}  // namespace accelbench::backends::torch_backend
