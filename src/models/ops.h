#pragma once
// The tensor-ops facade every model family is written against, once.
//
// Lowerings implement `Ops`:
//   - lowering/meta:   shapes only; counts parameters, FLOPs and bytes without allocating.
//   - backends/torch:  executes eagerly on libtorch (CPU/CUDA/ROCm/MPS); autograd gives training.
//   - lowering/onnx:   records the calls into an ONNX graph (opset 17) with the same weights.
//
// Conventions (ONNX-like, so every lowering can honour them with dynamic shapes):
//   - Tensors are row-major; axes may be negative (counted from the end).
//   - `Linear` weights are [out, in] (torch layout); y = x W^T + b.
//   - `Reshape` specs use 0 = "copy this dim from the input" and -1 = "infer".
//   - Attention takes q [B, H, Sq, D], k/v [B, Hkv, Sk, D] with H % Hkv == 0 (grouped-query).
//   - Parameters are identified by name; asking twice for a name returns the same parameter
//     (tied weights). Their values come from `WeightInit` + the model seed (weights.h), so every
//     lowering sees identical weights.
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace accelbench::models {

enum class DType { kFloat, kInt64, kBool };  // kFloat = the model's compute precision

// A dimension: static size, or a symbolic name ("batch", "seq") with a concrete size for this run.
struct Dim {
  int64_t size = 0;
  std::string symbol;  // empty = static
  static Dim Static(int64_t n) { return {n, {}}; }
  static Dim Symbolic(std::string name, int64_t n) { return {n, std::move(name)}; }
};

// Opaque handle; each lowering derives its own value type.
struct TensorImpl {
  virtual ~TensorImpl() = default;
};
class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}
  explicit operator bool() const { return impl_ != nullptr; }
  TensorImpl* impl() const { return impl_.get(); }
  template <typename T>
  T& As() const {
    return static_cast<T&>(*impl_);
  }

 private:
  std::shared_ptr<TensorImpl> impl_;
};

struct WeightInit {
  enum class Kind { kNormal, kZeros, kOnes, kConstant };
  Kind kind = Kind::kNormal;
  float value = 0.02f;  // stddev for kNormal, the value for kConstant
  static WeightInit Normal(float std = 0.02f) { return {Kind::kNormal, std}; }
  static WeightInit Zeros() { return {Kind::kZeros, 0}; }
  static WeightInit Ones() { return {Kind::kOnes, 1}; }
  static WeightInit Constant(float v) { return {Kind::kConstant, v}; }
};

enum class Activation { kRelu, kGelu, kGeluTanh, kQuickGelu, kSilu, kTanh, kSigmoid };

struct AttentionOptions {
  bool causal = false;        // causal over the last Sq positions of Sk (KV-cache aware)
  std::optional<float> scale;  // default 1/sqrt(D)
  Tensor key_padding_mask;     // optional [B, Sk] int64, 1 = attend, 0 = padding
  Tensor bias;                 // optional additive bias broadcastable to [B, H, Sq, Sk]
};

struct RelativePositionBucketOptions {  // T5
  bool bidirectional = true;
  int64_t num_buckets = 32;
  int64_t max_distance = 128;
};

class Ops {
 public:
  virtual ~Ops() = default;

  // ---- graph boundary ----
  virtual Tensor Input(const std::string& name, DType dtype, const std::vector<Dim>& dims) = 0;
  virtual void Output(const std::string& name, const Tensor& x) = 0;
  virtual Tensor Param(const std::string& name, const std::vector<int64_t>& shape,
                       WeightInit init) = 0;
  // A non-trainable buffer with given values (e.g. mel filters, sinusoidal tables).
  virtual Tensor Constant(const std::string& name, const std::vector<int64_t>& shape,
                          const std::vector<float>& values) = 0;

  // ---- dense algebra ----
  virtual Tensor Linear(const Tensor& x, const Tensor& w, const Tensor& b = {}) = 0;
  virtual Tensor MatMul(const Tensor& a, const Tensor& b) = 0;
  virtual Tensor Add(const Tensor& a, const Tensor& b) = 0;
  virtual Tensor Sub(const Tensor& a, const Tensor& b) = 0;
  virtual Tensor Mul(const Tensor& a, const Tensor& b) = 0;
  virtual Tensor Div(const Tensor& a, const Tensor& b) = 0;
  virtual Tensor Scale(const Tensor& x, float s) = 0;  // x * s
  virtual Tensor Pow(const Tensor& x, float p) = 0;
  virtual Tensor Sqrt(const Tensor& x) = 0;
  virtual Tensor Log(const Tensor& x) = 0;  // natural log
  virtual Tensor Exp(const Tensor& x) = 0;
  virtual Tensor Abs(const Tensor& x) = 0;
  virtual Tensor Clamp(const Tensor& x, std::optional<float> lo, std::optional<float> hi) = 0;

  // ---- normalisation and activations ----
  virtual Tensor LayerNorm(const Tensor& x, const Tensor& w, const Tensor& b, float eps) = 0;
  virtual Tensor RmsNorm(const Tensor& x, const Tensor& w, float eps) = 0;
  // Normalises over all dims but batch (axis 0) and channels (axis 1) per group.
  virtual Tensor GroupNorm(const Tensor& x, int64_t groups, const Tensor& w, const Tensor& b,
                           float eps) = 0;
  // Inference-style batch norm with fixed statistics (DETR's frozen batch norm), channels at axis 1.
  virtual Tensor BatchNormFrozen(const Tensor& x, const Tensor& w, const Tensor& b,
                                 const Tensor& mean, const Tensor& var, float eps) = 0;
  virtual Tensor Act(const Tensor& x, Activation a) = 0;
  virtual Tensor Softmax(const Tensor& x, int64_t axis) = 0;

  // ---- attention and positions ----
  virtual Tensor Attention(const Tensor& q, const Tensor& k, const Tensor& v,
                           const AttentionOptions& opt) = 0;
  // Rotary embedding (rotate-half convention, as HF LLaMA) on x [B, H, S, D]; positions are
  // offset + 0..S-1.
  virtual Tensor Rotary(const Tensor& x, int64_t offset, float theta) = 0;
  // int64 [S] = offset + 0..S-1, S = size of x along axis.
  virtual Tensor Positions(const Tensor& x, int64_t axis, int64_t offset) = 0;
  // T5 relative attention bias: table [num_buckets, H] -> [1, H, Sq, Sk]; q positions are
  // q_offset + 0..Sq-1, where Sq/Sk are the sizes of axis 2 of q_like and k_like.
  virtual Tensor RelativePositionBias(const Tensor& table, const Tensor& q_like,
                                      const Tensor& k_like, int64_t q_offset,
                                      const RelativePositionBucketOptions& opt) = 0;

  // ---- convolution and pooling (channels first) ----
  virtual Tensor Conv1d(const Tensor& x, const Tensor& w, const Tensor& b, int64_t stride,
                        int64_t padding, int64_t groups = 1) = 0;
  virtual Tensor Conv2d(const Tensor& x, const Tensor& w, const Tensor& b, int64_t stride,
                        int64_t padding, int64_t groups = 1) = 0;
  virtual Tensor MaxPool2d(const Tensor& x, int64_t kernel, int64_t stride, int64_t padding) = 0;
  virtual Tensor Mean(const Tensor& x, const std::vector<int64_t>& axes, bool keepdims) = 0;

  // ---- lookup and indexing ----
  virtual Tensor Embedding(const Tensor& table, const Tensor& ids) = 0;
  // For each batch row b: x[b, index[b], ...]; x [B, S, ...], index int64 [B].
  virtual Tensor TakeAlongBatch(const Tensor& x, const Tensor& index) = 0;
  virtual Tensor ArgMax(const Tensor& x, int64_t axis) = 0;  // int64, axis removed

  // ---- shape ----
  virtual Tensor Reshape(const Tensor& x, const std::vector<int64_t>& spec) = 0;
  virtual Tensor Transpose(const Tensor& x, const std::vector<int64_t>& perm) = 0;
  virtual Tensor Concat(const std::vector<Tensor>& xs, int64_t axis) = 0;
  virtual Tensor Slice(const Tensor& x, int64_t axis, int64_t start, int64_t end) = 0;  // end may be INT64_MAX
  virtual Tensor Unsqueeze(const Tensor& x, int64_t axis) = 0;
  // Repeats x (leading dim 1) along axis 0 to the size of like's axis 0 (e.g. CLS tokens).
  virtual Tensor BroadcastBatch(const Tensor& x, const Tensor& like) = 0;
  virtual Tensor Cast(const Tensor& x, DType to) = 0;
  // Concrete size of x along axis for this run (a symbolic dim reports its current size). For
  // host-side bookkeeping only, never baked into shapes: generative families use it to advance
  // DecodeState::length (the KV-cache length, which feeds Rotary/Positions offsets). Every
  // lowering knows its shapes.
  virtual int64_t SizeOf(const Tensor& x, int64_t axis) = 0;

  // ---- losses (training; lowerings that cannot train throw UnsupportedError) ----
  // logits [N, C] (or [B, S, C]) and int64 labels [N] (or [B, S]); mean over elements.
  virtual Tensor CrossEntropy(const Tensor& logits, const Tensor& labels) = 0;
  virtual Tensor MeanSquaredError(const Tensor& a, const Tensor& b) = 0;
};

}  // namespace accelbench::models
