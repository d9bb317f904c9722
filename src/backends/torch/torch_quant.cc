#include "backends/torch/torch_quant.h"

#include <ATen/core/dispatch/Dispatcher.h>

#include <cmath>
#include <limits>
#include <mutex>

#include "core/errors.h"
#include "quant/int4.h"

// CUDA int8 matmul (issue 11): at::_int_mm (int8 x int8 -> int32 on cuBLASLt) exists from torch
// 2.1; Debian's libtorch 1.13 (CPU only) lacks it, and the path compiles out.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
#define ACCELBENCH_CUDA_INT_MM 1
#endif

namespace accelbench::backends::torch_backend {

using models::Tensor;

namespace {

const void* Key(const at::Tensor& t) { return t.unsafeGetTensorImpl(); }

c10::IValue CallBoxed(const char* name, std::vector<c10::IValue> stack) {
  auto op = c10::Dispatcher::singleton().findSchemaOrThrow(name, "");
  op.callBoxed(&stack);
  return stack.at(0);
}

// Symmetric per-row int8: q = round(w / s), s = max|w| / 127 (fp32 scales).
std::pair<at::Tensor, at::Tensor> Int8Rows(const at::Tensor& w) {
  at::Tensor s = (w.abs().amax(1) / 127.0).clamp_min(1e-12).to(at::kFloat);
  at::Tensor q = at::round(w / s.unsqueeze(1)).clamp(-127, 127).to(at::kChar);
  return {q, s};
}

}  // namespace

// int4 storage of a [rows, cols] fp32 weight: packed nibbles, fp16 scales, zero points. Outside
// the anonymous namespace: QuantLinear and QuantEmbedding (external linkage) hold one.
struct Int4Store {
  at::Tensor packed;  // uint8 [rows, blocks * g / 2]
  at::Tensor scales;  // fp16 [rows, blocks]
  at::Tensor zeros;   // fp32 [rows, blocks] (asymmetric only; symmetric uses 8)
  int64_t rows = 0, cols = 0, group = 64, blocks = 0;
  bool symmetric = true;
  int64_t bytes = 0;

  // group <= 0: one group per row (per output channel). A group never exceeds the (even) row
  // length: a longer one would only add zero padding.
  static Int4Store Make(const at::Tensor& w, int64_t group, bool symmetric, c10::Device dev) {
    const int64_t row = w.size(1) + w.size(1) % 2;
    group = group <= 0 ? row : std::min(group, row);
    at::Tensor host = w.detach().to(at::kCPU, at::kFloat).contiguous();
    const auto m = quant::QuantizeInt4({host.data_ptr<float>(), static_cast<size_t>(host.numel())},
                                       host.size(0), host.size(1), group, symmetric);
    Int4Store s;
    s.rows = m.rows;
    s.cols = m.cols;
    s.group = group;
    s.blocks = m.Blocks();
    s.symmetric = symmetric;
    s.packed = at::from_blob(const_cast<uint8_t*>(m.packed.data()), {m.rows, s.blocks * group / 2},
                             at::kByte)
                   .clone()
                   .to(dev);
    s.scales = at::from_blob(const_cast<float*>(m.scales.data()), {m.rows, s.blocks}, at::kFloat)
                   .to(at::kHalf)
                   .to(dev);
    if (!symmetric)
      s.zeros =
          at::from_blob(const_cast<uint8_t*>(m.zero_points.data()), {m.rows, s.blocks}, at::kByte)
              .to(at::kFloat)
              .to(dev);
    s.bytes = static_cast<int64_t>(m.StorageBytes(2));
    return s;
  }
  // Dequantizes rows (all when `rows_idx` is undefined) to fp32 [n, cols].
  at::Tensor Dequant(const at::Tensor& rows_idx = {}) const {
    at::Tensor p = rows_idx.defined() ? packed.index_select(0, rows_idx) : packed;
    at::Tensor sc = rows_idx.defined() ? scales.index_select(0, rows_idx) : scales;
    const int64_t n = p.size(0);
    at::Tensor q = at::stack({p.bitwise_and(15), p.bitwise_right_shift(4)}, -1)
                       .reshape({n, blocks, group})
                       .to(at::kFloat);
    if (symmetric) {
      q = q.sub_(8);
    } else {
      q = q.sub_((rows_idx.defined() ? zeros.index_select(0, rows_idx) : zeros).unsqueeze(-1));
    }
    q = q.mul_(sc.to(at::kFloat).unsqueeze(-1)).reshape({n, blocks * group});
    return cols == blocks * group ? q : q.slice(1, 0, cols);
  }
};

struct QuantLinear {
  Precision precision = Precision::kFp32;
  c10::IValue packed;         // int8 (CPU): LinearPackedParams
  at::Tensor q8, scale8;      // int8 (CUDA, at::_int_mm): int8 [N, K] rows, fp32 scales [N]
  bool reduce_range = false;  // fbgemm on AVX2: 7-bit activations avoid vpmaddubsw saturation
  int64_t out_features = 0;
  Int4Store int4;
  int64_t bytes = 0;

  at::Tensor Run(const at::Tensor& x, const at::Tensor& b) const {
    if (precision == Precision::kInt4)
      return at::linear(x, int4.Dequant(),
                        b.defined() ? c10::optional<at::Tensor>(b) : c10::optional<at::Tensor>());
    const auto in = x.size(-1);
    auto sizes = x.sizes().vec();
    sizes.back() = out_features;
    at::Tensor y =
        q8.defined()
            ? CudaInt8(x.reshape({-1, in}).to(at::kFloat))
            : CallBoxed("quantized::linear_dynamic",
                        {x.reshape({-1, in}).contiguous().to(at::kFloat), packed, reduce_range})
                  .toTensor();
    if (b.defined()) y = y + b;
    return y.reshape(sizes);
  }

  // Dynamic per-row symmetric int8 activations times the int8 weight on the GPU's int8 matmul,
  // rescaled to fp32 (the CPU path's scheme: per-channel weights, activations per call).
  at::Tensor CudaInt8(const at::Tensor& x) const {
#ifdef ACCELBENCH_CUDA_INT_MM
    at::Tensor sx = (x.abs().amax(1, /*keepdim=*/true) / 127.0).clamp_min(1e-12);
    at::Tensor xq = at::round(x / sx).clamp(-127, 127).to(at::kChar);
    const int64_t m = xq.size(0);
    if (m <= 16)  // _int_mm needs more than 16 rows: pad with zero rows
      xq = at::cat({xq, at::zeros({32 - m, xq.size(1)}, xq.options())}, 0);
    at::Tensor acc = at::_int_mm(xq, q8.t()).slice(0, 0, m);
    return acc.to(at::kFloat) * sx * scale8.unsqueeze(0);
#else
    (void)x;
    throw UnsupportedError(*CudaInt8Unsupported(q8.device()));
#endif
  }
};

struct QuantEmbedding {
  Precision precision = Precision::kFp32;
  at::Tensor q8, scale8;  // int8 rows + fp16 per-row scales
  Int4Store int4;
  int64_t bytes = 0;

  at::Tensor Run(const at::Tensor& ids) const {
    at::Tensor flat = ids.reshape({-1});
    at::Tensor rows = precision == Precision::kInt4
                          ? int4.Dequant(flat)
                          : q8.index_select(0, flat).to(at::kFloat) *
                                scale8.index_select(0, flat).to(at::kFloat).unsqueeze(1);
    auto sizes = ids.sizes().vec();
    sizes.push_back(rows.size(1));
    return rows.reshape(sizes);
  }
};

struct QuantTorchOps::Entry {
  std::string name;
  std::unique_ptr<QuantLinear> linear;        // null: Linear uses `fp`
  std::unique_ptr<QuantEmbedding> embedding;  // null: Embedding uses `fp`
  at::Tensor fp;                              // kept only when one use stays in fp32
};

KvPrecision ParseKvPrecision(const std::string& s) {
  if (s == "fp16") return KvPrecision::kFp16;
  if (s == "int8") return KvPrecision::kInt8;
  if (s == "int4" || s == "4bit") return KvPrecision::kInt4;
  throw UsageError("unknown kv_cache precision '" + s + "'; valid values are: fp16, int8, int4");
}

std::string ToString(KvPrecision p) {
  switch (p) {
    case KvPrecision::kCompute:
      return "compute";
    case KvPrecision::kFp16:
      return "fp16";
    case KvPrecision::kInt8:
      return "int8";
    case KvPrecision::kInt4:
      return "int4";
  }
  return "?";
}

std::optional<QuantSetup> QuantRequest(const LoadRequest& req) {
  const auto& o = req.options;
  auto opt = [&](const char* k) -> const std::string* {
    auto it = o.find(k);
    return it == o.end() ? nullptr : &it->second;
  };
  const bool low = req.precision == Precision::kInt8 || req.precision == Precision::kInt4;
  if (!low && !opt("precision_plan") && !opt("kv_cache")) return std::nullopt;
  QuantSetup q;
  if (const auto* text = opt("precision_plan")) {
    q.plan = quant::PrecisionPlan::Parse(*text);
    Precision lowest = Precision::kFp32;
    for (Precision p : {Precision::kInt8, Precision::kInt4})
      if (q.plan.Uses(p)) lowest = p;
    if (lowest != req.precision)
      throw UsageError("precision_plan '" + q.plan.ToString() + "' runs groups in " +
                       std::string(accelbench::ToString(lowest)) + ": run it with --precision " +
                       std::string(accelbench::ToString(lowest)) +
                       " (the lowest precision of "
                       "the plan labels the result)");
  } else if (low) {
    q.plan = quant::PrecisionPlan::Uniform(req.precision);
  } else if (req.precision != Precision::kFp32) {
    throw UnsupportedError("kv_cache with --precision " +
                           std::string(accelbench::ToString(req.precision)) +
                           ": the libtorch quantized lowering computes in fp32 (use fp32, int8 "
                           "or int4)");
  }
  if (const auto* g = opt("int4_group")) {
    const std::string bad =
        "int4_group must be an even integer >= 2 or 'channel', got '" + *g + "'";
    if (*g == "channel") {
      q.plan.int4_group_size = 0;  // one scale per output channel (row)
    } else {
      try {
        q.plan.int4_group_size = std::stoll(*g);
      } catch (const std::exception&) {
        throw UsageError(bad);
      }
      if (q.plan.int4_group_size < 2 || q.plan.int4_group_size % 2 != 0) throw UsageError(bad);
    }
  }
  if (const auto* s = opt("int4_scheme")) {
    if (*s != "sym" && *s != "asym")
      throw UsageError("int4_scheme must be sym or asym, got '" + *s + "'");
    q.plan.int4_symmetric = *s == "sym";
  }
  if (const auto* kv = opt("kv_cache")) {
    if (req.mode != Mode::kDecode && req.mode != Mode::kPrefill)
      throw UsageError("kv_cache=" + *kv + " applies to --mode decode or prefill");
    q.kv = ParseKvPrecision(*kv);
  }
  if (const auto* sc = opt("kv_scales")) {
    if (*sc != "token" && *sc != "head")
      throw UsageError("kv_scales must be token or head, got '" + *sc + "'");
    if (q.kv != KvPrecision::kInt8 && q.kv != KvPrecision::kInt4)
      throw UsageError("kv_scales applies to kv_cache=int8|int4");
    q.kv_per_head = *sc == "head";
  }
  if (opt("memory_budget") && q.kv == KvPrecision::kCompute)
    throw UsageError(
        "memory_budget needs kv_cache=fp16|int8|int4 (the budget is for weights + "
        "KV cache)");
  return q;
}

std::optional<std::string> CudaInt8Unsupported(c10::Device device) {
#ifdef ACCELBENCH_CUDA_INT_MM
  if (!at::hasCUDA()) return "int8 on " + device.str() + ": this libtorch was built without CUDA";
  try {  // probe the kernel once per device: cuBLASLt int8 needs compute capability >= 7.5
    at::Tensor a = at::ones({32, 32}, at::TensorOptions().dtype(at::kChar).device(device));
    (void)at::_int_mm(a, a.t()).sum().item<int64_t>();
  } catch (const std::exception& e) {
    std::string msg = e.what();
    return "int8 on " + device.str() + ": at::_int_mm failed (" + msg.substr(0, msg.find('\n')) +
           ")";
  }
  return std::nullopt;
#else
  return "int8 on " + device.str() + ": libtorch " + TORCH_VERSION +
         " has no CUDA int8 matmul (at::_int_mm needs torch >= 2.1; quantized::linear_dynamic "
         "is CPU-only)";
#endif
}

std::string Int8Engine() {
  static std::once_flag once;
  static std::string name;
  std::call_once(once, [] {
    const auto& engines = at::globalContext().supportedQEngines();
    auto has = [&](at::QEngine e) {
      return std::find(engines.begin(), engines.end(), e) != engines.end();
    };
    for (auto [e, n] : {std::pair{at::QEngine::FBGEMM, "fbgemm"},
                        {at::QEngine::ONEDNN, "onednn"},
                        {at::QEngine::QNNPACK, "qnnpack"}})
      if (has(e)) {
        at::globalContext().setQEngine(e);
        name = n;
        return;
      }
  });
  return name;
}

QuantTorchOps::QuantTorchOps(c10::Device device, uint64_t seed, quant::PrecisionPlan plan,
                             KvPrecision kv)
    : TorchOps(device, at::kFloat, seed, /*trainable=*/false), plan_(std::move(plan)), kv_(kv) {}

QuantTorchOps::~QuantTorchOps() = default;

Tensor QuantTorchOps::Linear(const Tensor& x, const Tensor& w, const Tensor& b) {
  const at::Tensor& wt = Unwrap(w);
  if (!quantized_) {
    linear_uses_.insert(Key(wt));
    return TorchOps::Linear(x, w, b);
  }
  auto it = entries_.find(Key(wt));
  if (it == entries_.end()) return TorchOps::Linear(x, w, b);
  const Entry& e = *it->second;
  const at::Tensor bias = b ? Unwrap(b) : at::Tensor();
  if (e.linear) return Wrap(e.linear->Run(Unwrap(x), bias));
  return TorchOps::Linear(x, Wrap(e.fp), b);
}

Tensor QuantTorchOps::Embedding(const Tensor& table, const Tensor& ids) {
  const at::Tensor& t = Unwrap(table);
  if (!quantized_) {
    embedding_uses_.insert(Key(t));
    return TorchOps::Embedding(table, ids);
  }
  auto it = entries_.find(Key(t));
  if (it == entries_.end()) return TorchOps::Embedding(table, ids);
  const Entry& e = *it->second;
  if (e.embedding) return Wrap(e.embedding->Run(Unwrap(ids)));
  return TorchOps::Embedding(Wrap(e.fp), ids);
}

int64_t QuantTorchOps::Quantize() {
  if (quantized_) return static_cast<int64_t>(entries_.size());
  const bool cuda = !device().is_cpu();
  if (plan_.Uses(Precision::kInt8) && cuda)
    if (auto why = CudaInt8Unsupported(device())) throw UnsupportedError(*why);
  if (plan_.Uses(Precision::kInt8) && !cuda && Int8Engine().empty())
    throw UnsupportedError("int8: this libtorch has no quantized engine (fbgemm/onednn/qnnpack)");
  for (Precision p : {Precision::kFp16, Precision::kBf16})
    if (plan_.Uses(p))
      throw UnsupportedError(std::string(accelbench::ToString(p)) +
                             " layer groups inside an int8/int4 plan are not implemented by the "
                             "libtorch lowering (groups run in fp32, int8 or int4)");
  int64_t n = 0;
  const auto params = this->params();  // copy: ReplaceParam edits the map
  for (const auto& [name, t] : params) {
    const bool lin = linear_uses_.count(Key(t)) > 0, emb = embedding_uses_.count(Key(t)) > 0;
    if ((!lin && !emb) || t.dim() != 2) continue;
    const Precision pl = lin ? plan_.For(quant::GroupOfParam(name, true)) : Precision::kFp32;
    const Precision pe = emb ? plan_.For(quant::GroupOfParam(name, false)) : Precision::kFp32;
    if (lin) group_elements_[quant::GroupOfParam(name, true)] += t.numel();
    if (emb) group_elements_[quant::GroupOfParam(name, false)] += t.numel();
    if (pl == Precision::kFp32 && pe == Precision::kFp32) continue;
    auto e = std::make_unique<Entry>();
    e->name = name;
    at::Tensor w = t.detach().to(at::kFloat).contiguous();
    if (pl != Precision::kFp32) {
      e->linear = std::make_unique<QuantLinear>();
      auto& q = *e->linear;
      q.precision = pl;
      q.out_features = w.size(0);
      if (pl == Precision::kInt4) {
        q.int4 = Int4Store::Make(w, plan_.int4_group_size, plan_.int4_symmetric, device());
        q.bytes = q.int4.bytes;
      } else if (cuda) {
        if (w.size(0) % 8 != 0 || w.size(1) % 8 != 0)
          throw UnsupportedError("int8 on " + device().str() + ": at::_int_mm needs in/out " +
                                 "features that are multiples of 8; " + name + " is " +
                                 std::to_string(w.size(0)) + "x" + std::to_string(w.size(1)));
        auto [qi, s] = Int8Rows(w);
        q.q8 = qi.to(device());
        q.scale8 = s.to(device());
        q.bytes = w.numel() + w.size(0) * 4;  // int8 values + fp32 per-channel scales
      } else {
        auto [qi, s] = Int8Rows(w);
        at::Tensor wq = at::quantize_per_channel(w, s.to(at::kDouble),
                                                 at::zeros({w.size(0)}, at::kLong), 0, at::kQInt8);
        q.packed = CallBoxed("quantized::linear_prepack", {wq, c10::IValue()});
        q.reduce_range = Int8Engine() == "fbgemm";
        q.bytes = w.numel() + w.size(0) * 4;  // int8 values + fp32 per-channel scales
      }
    }
    if (pe != Precision::kFp32) {
      e->embedding = std::make_unique<QuantEmbedding>();
      auto& q = *e->embedding;
      q.precision = pe;
      if (pe == Precision::kInt4 && e->linear && e->linear->precision == Precision::kInt4) {
        q.int4 = e->linear->int4;  // tied weight: one int4 copy serves both uses (counted once)
        q.bytes = 0;
      } else if (pe == Precision::kInt4) {
        q.int4 = Int4Store::Make(w, plan_.int4_group_size, plan_.int4_symmetric, device());
        q.bytes = q.int4.bytes;
      } else {
        auto [qi, s] = Int8Rows(w);
        q.q8 = qi.to(device());
        q.scale8 = s.to(at::kHalf).to(device());
        q.bytes = w.numel() + w.size(0) * 2;
      }
    }
    if ((lin && !e->linear) || (emb && !e->embedding)) e->fp = t;  // one use stays fp32
    at::Tensor placeholder =
        at::full({1}, std::numeric_limits<float>::quiet_NaN(), t.options()).expand(t.sizes());
    ReplaceParam(name, placeholder);
    entries_.emplace(Key(placeholder), std::move(e));
    ++n;
  }
  quantized_ = true;
  return n;
}

int64_t QuantTorchOps::WeightBytes() const {
  int64_t bytes = 0;
  for (const auto& [name, t] : params())
    if (!entries_.count(Key(t))) bytes += static_cast<int64_t>(t.nbytes());
  for (const auto& [k, e] : entries_) {
    if (e->linear) bytes += e->linear->bytes;
    if (e->embedding) bytes += e->embedding->bytes;
    if (e->fp.defined()) bytes += static_cast<int64_t>(e->fp.nbytes());
  }
  return bytes;
}

// ---- KV cache ----

namespace {

// A stored cache entry: values (fp16, int8 or packed int4) + fp16 scales, one per (token, head)
// or, with per-head scales, one per head fixed at the first append (prefill) and reused after.
struct KvTensor : models::TensorImpl {
  KvPrecision precision = KvPrecision::kFp16;
  bool per_head = false;
  at::Tensor values;  // [B, H, S, D] fp16 / int8, or [B, H, S, D/2] uint8 for int4
  at::Tensor scales;  // [B, H, S, 1] (per token) or [B, H, 1, 1] (per head) fp16 (int8/int4)
  int64_t Bytes() const {
    return static_cast<int64_t>(values.nbytes() + (scales.defined() ? scales.nbytes() : 0));
  }
};

KvTensor Encode(const at::Tensor& x, KvPrecision p, bool per_head, const at::Tensor& fixed) {
  KvTensor out;
  out.precision = p;
  out.per_head = per_head;
  if (p == KvPrecision::kFp16) {
    out.values = x.to(at::kHalf);
    return out;
  }
  const double qmax = p == KvPrecision::kInt8 ? 127 : 7;
  at::Tensor s = fixed.defined() ? fixed
                 : per_head      ? (x.abs().amax({-2, -1}, true) / qmax).to(at::kHalf)
                                 : (x.abs().amax(-1, true) / qmax).to(at::kHalf);
  at::Tensor sf = s.to(at::kFloat);
  sf = at::where(sf > 0, sf, at::ones_like(sf));
  at::Tensor q = at::round(x.to(at::kFloat) / sf).clamp(-qmax, qmax);
  out.scales = s;
  if (p == KvPrecision::kInt8) {
    out.values = q.to(at::kChar);
  } else {
    at::Tensor u = (q + 8).to(at::kByte);  // 1..15
    auto pairs = u.unflatten(-1, {u.size(-1) / 2, 2});
    out.values = pairs.select(-1, 0).bitwise_or(pairs.select(-1, 1).bitwise_left_shift(4));
  }
  return out;
}

at::Tensor Decode(const KvTensor& t, at::ScalarType dtype) {
  if (t.precision == KvPrecision::kFp16) return t.values.to(dtype);
  at::Tensor q;
  if (t.precision == KvPrecision::kInt8) {
    q = t.values.to(at::kFloat);
  } else {
    q = at::stack({t.values.bitwise_and(15), t.values.bitwise_right_shift(4)}, -1)
            .flatten(-2)
            .to(at::kFloat)
            .sub_(8);
  }
  return q.mul_(t.scales.to(at::kFloat)).to(dtype);
}

void AppendOne(Tensor& stored, Tensor& x, KvPrecision p, bool per_head, at::ScalarType dtype) {
  const at::Tensor& step = TorchOps::Unwrap(x);
  const KvTensor* old = stored ? &stored.As<KvTensor>() : nullptr;
  KvTensor enc = Encode(step, p, per_head, old && per_head ? old->scales : at::Tensor());
  if (old) {
    enc.values = at::cat({old->values, enc.values}, 2);
    if (enc.scales.defined() && !per_head) enc.scales = at::cat({old->scales, enc.scales}, 2);
  }
  auto impl = std::make_shared<KvTensor>(std::move(enc));
  x = TorchOps::Wrap(Decode(*impl, dtype));
  stored = Tensor(impl);
}

}  // namespace

bool QuantTorchOps::AppendKv(size_t /*layer*/, Tensor& stored_k, Tensor& stored_v, Tensor& k,
                             Tensor& v) {
  if (kv_ == KvPrecision::kCompute) return false;
  if (kv_ == KvPrecision::kInt4 && Unwrap(k).size(-1) % 2 != 0)
    throw UnsupportedError("int4 KV cache needs an even head size, got " +
                           std::to_string(Unwrap(k).size(-1)));
  AppendOne(stored_k, k, kv_, kv_per_head_, dtype());
  AppendOne(stored_v, v, kv_, kv_per_head_, dtype());
  return true;
}

int64_t KvCacheBytes(const models::DecodeState& st, int64_t* fixed_bytes) {
  int64_t bytes = 0;
  if (fixed_bytes) *fixed_bytes = 0;
  for (const auto* list : {&st.k, &st.v})
    for (const auto& t : *list) {
      if (!t) continue;
      if (auto* kv = dynamic_cast<KvTensor*>(t.impl())) {
        bytes += kv->Bytes();
        if (fixed_bytes && kv->per_head && kv->scales.defined())
          *fixed_bytes += static_cast<int64_t>(kv->scales.nbytes());
      } else {
        bytes += static_cast<int64_t>(TorchOps::Unwrap(t).nbytes());
      }
    }
  return bytes;
}

}  // namespace accelbench::backends::torch_backend
