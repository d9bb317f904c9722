#include "backends/torch/torch_static_kv.h"

#include <cmath>
#include <limits>
#include <string>

#include "core/errors.h"

namespace accelbench::backends::torch_backend {

using models::Tensor;

namespace {

std::string Shape(const at::Tensor& t) {
  std::string s = "[";
  for (int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
  return s + "]";
}

}  // namespace

StaticKvTorchOps::StaticKvTorchOps(c10::Device device, c10::ScalarType dtype, uint64_t seed,
                                   int64_t decode_capacity)
    : TorchOps(device, dtype, seed, false), decode_capacity_(decode_capacity) {
  if (decode_capacity < 1)
    throw UsageError("static KV cache: decode capacity must be positive, got " +
                     std::to_string(decode_capacity));
  pos_ = at::zeros({}, at::TensorOptions().device(device).dtype(at::kLong));
}

void StaticKvTorchOps::SetPosition(int64_t position) {
  if (position < 0 || (capacity_ > 0 && position > capacity_))
    throw RuntimeError("static KV cache: position " + std::to_string(position) +
                       " outside the cache (capacity " + std::to_string(capacity_) + ")");
  position_ = position;
  pos_.fill_(position);
  ForgetStepCache();
}

int64_t StaticKvTorchOps::CacheBytes() const {
  int64_t bytes = 0;
  for (const auto* list : {&k_, &v_})
    for (const auto& t : *list)
      if (t.defined()) bytes += static_cast<int64_t>(t.nbytes());
  return bytes;
}

bool StaticKvTorchOps::IsBuffer(const at::Tensor& t) const {
  for (const auto& b : k_)
    if (b.defined() && b.data_ptr() == t.data_ptr()) return true;
  return false;
}

bool StaticKvTorchOps::AppendKv(size_t layer, Tensor& stored_k, Tensor& stored_v, Tensor& k,
                                Tensor& v) {
  const at::Tensor& kt = Unwrap(k);
  const at::Tensor& vt = Unwrap(v);
  const int64_t s = kt.size(2);
  if (k_.size() <= layer) {
    k_.resize(layer + 1);
    v_.resize(layer + 1);
  }
  at::Tensor& kb = k_[layer];
  at::Tensor& vb = v_[layer];
  if (!stored_k) {  // a prefill: the prompt's keys/values at positions [0, S)
    if (position_ != 0)
      throw RuntimeError("static KV cache: a prefill must start at position 0, not " +
                         std::to_string(position_));
    if (!kb.defined()) {
      if (capacity_ == 0) capacity_ = s + decode_capacity_;
      auto shape = kt.sizes().vec();
      shape[2] = capacity_;
      kb = at::zeros(shape, kt.options());
      vb = at::zeros(shape, vt.options());
    }
    if (kb.size(0) != kt.size(0) || kb.size(1) != kt.size(1) || kb.size(3) != kt.size(3) ||
        s > capacity_)
      throw RuntimeError("static KV cache: layer " + std::to_string(layer) + " keys " + Shape(kt) +
                         " do not fit its buffer " + Shape(kb));
    kb.narrow(2, 0, s).copy_(kt);
    vb.narrow(2, 0, s).copy_(vt);
    stored_k = Wrap(kb);
    stored_v = Wrap(vb);
    return true;  // attention reads this step's keys only (plain causal over the prompt)
  }
  if (!IsBuffer(Unwrap(stored_k)))
    throw RuntimeError("static KV cache: layer " + std::to_string(layer) +
                       " was not filled by this cache's prefill");
  if (position_ + s > capacity_)
    throw RuntimeError("static KV cache full: position " + std::to_string(position_) + " + " +
                       std::to_string(s) + " tokens > capacity " + std::to_string(capacity_));
  // Written at the device position, so a replayed graph writes where the cache ends now.
  at::Tensor idx = pos_ + at::arange(s, pos_.options());
  kb.index_copy_(2, idx, kt);
  vb.index_copy_(2, idx, vt);
  k = stored_k;
  v = stored_v;
  return true;
}

Tensor StaticKvTorchOps::Attention(const Tensor& q, const Tensor& k, const Tensor& v,
                                   const models::AttentionOptions& opt) {
  const at::Tensor& kt = Unwrap(k);
  if (!IsBuffer(kt)) return TorchOps::Attention(q, k, v, opt);
  // Over a whole buffer: query i (at position pos + i) may read keys j <= pos + i; the rest of
  // the buffer is stale or empty. Causal or not, later keys do not exist yet.
  const at::Tensor& qt = Unwrap(q);
  const int64_t sq = qt.size(2), sk = kt.size(2);
  const MaskKey key{position_, sq, sk, qt.scalar_type(), c10::InferenceMode::is_enabled()};
  if (!mask_key_ || !(*mask_key_ == key)) {  // built once per step, shared by every layer
    at::Tensor qpos = (pos_ + at::arange(sq, pos_.options())).unsqueeze(1);
    at::Tensor allowed = at::arange(sk, pos_.options()).unsqueeze(0).le(qpos);
    mask_ = at::zeros({1, 1, sq, sk}, qt.options())
                .masked_fill(allowed.logical_not().unsqueeze(0).unsqueeze(0),
                             -std::numeric_limits<float>::infinity());
    mask_key_ = key;
  }
  const double scale = opt.scale ? *opt.scale : 1.0 / std::sqrt(static_cast<double>(qt.size(3)));
  if (!opt.key_padding_mask) {  // the additive mask as the bias (plus the model's own bias)
    at::Tensor bias = opt.bias ? Unwrap(opt.bias).to(qt.scalar_type()) + mask_ : mask_;
    return Wrap(AttentionKernel(qt, kt, Unwrap(v), c10::nullopt, bias, false, scale));
  }
  at::Tensor pad = Unwrap(opt.key_padding_mask).ne(0).unsqueeze(1).unsqueeze(1);
  if (pad.size(-1) != sk)
    throw UnsupportedError("static KV cache: a key padding mask over " +
                           std::to_string(pad.size(-1)) + " keys, the cache has " +
                           std::to_string(sk));
  at::Tensor bias = opt.bias ? Unwrap(opt.bias) : at::Tensor();
  return Wrap(
      AttentionKernel(qt, kt, Unwrap(v), at::logical_and(mask_.eq(0), pad), bias, false, scale));
}

Tensor StaticKvTorchOps::Rotary(const Tensor& x, int64_t /*offset*/, float theta) {
  const at::Tensor& t = Unwrap(x);
  // Keyed on the host position (SetPosition forgets the tables); built from the device one.
  return Wrap(ApplyRotary(t, RotaryTables(t, position_, theta, [&] {
                            return (pos_ + at::arange(t.size(2), pos_.options())).to(at::kFloat);
                          })));
}

Tensor StaticKvTorchOps::Positions(const Tensor& x, int64_t axis, int64_t /*offset*/) {
  return Wrap(pos_ + at::arange(Unwrap(x).size(axis), pos_.options()));
}

}  // namespace accelbench::backends::torch_backend
