#pragma once
// Issue 13: the libtorch lowering with a static (preallocated) self-attention KV cache, so that
// a decode step has the same shapes and reads the same buffers at every token -- the condition
// for capturing it into a CUDA graph and replaying it (torch_gpu.h), and for kernels that build
// a plan per shape (cuDNN attention) to build it once.
//
// Each decoder layer gets one buffer per K and V, [B, Hkv, capacity, D], allocated at the first
// prefill (capacity = prompt length + `decode_capacity`) and reused by every later prefill. The
// current position lives in a device scalar (SetPosition, outside any graph): a step writes its
// keys/values there (index_copy_), rotary and learned positions read it, and attention over a
// buffer masks the keys after each query's position. The host `offset` arguments of the facade
// are ignored for those ops: they equal the position by contract (DecodeState::length).
#include <optional>
#include <vector>

#include "backends/torch/torch_ops.h"
#include "models/blocks/kv_cache.h"

namespace accelbench::backends::torch_backend {

class StaticKvTorchOps : public TorchOps, public models::blocks::KvCacheStore {
 public:
  StaticKvTorchOps(c10::Device device, c10::ScalarType dtype, uint64_t seed,
                   int64_t decode_capacity);

  // The position the next forward starts at (DecodeState::length): 0 before a prefill. Launches
  // one fill on the device (never call it inside a captured graph).
  void SetPosition(int64_t position);
  int64_t position() const { return position_; }
  // Keys per layer buffer (0 before the first prefill).
  int64_t capacity() const { return capacity_; }
  // Bytes of all K/V buffers.
  int64_t CacheBytes() const;
  // Also forgets this step's attention mask.
  void ForgetStepCache() override {
    TorchOps::ForgetStepCache();
    mask_key_.reset();
  }

  bool AppendKv(size_t layer, models::Tensor& stored_k, models::Tensor& stored_v, models::Tensor& k,
                models::Tensor& v) override;
  models::Tensor Attention(const models::Tensor& q, const models::Tensor& k,
                           const models::Tensor& v, const models::AttentionOptions& opt) override;
  models::Tensor Rotary(const models::Tensor& x, int64_t offset, float theta) override;
  models::Tensor Positions(const models::Tensor& x, int64_t axis, int64_t offset) override;

 private:
  bool IsBuffer(const at::Tensor& t) const;

  int64_t decode_capacity_;
  int64_t capacity_ = 0;
  int64_t position_ = 0;
  at::Tensor pos_;  // int64 scalar on the device
  std::vector<at::Tensor> k_, v_;
  // The additive attention mask over a buffer (0 / -inf, [1, 1, Sq, capacity]) of this step.
  struct MaskKey {
    int64_t position, sq, sk;
    c10::ScalarType dtype;
    bool inference;
    bool operator==(const MaskKey&) const = default;
  };
  std::optional<MaskKey> mask_key_;
  at::Tensor mask_;
};

}  // namespace accelbench::backends::torch_backend
