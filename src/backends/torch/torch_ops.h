#pragma once
// Lowering 1: the Ops facade executed eagerly on libtorch (any device libtorch has). Parameters
// come from the seeded weights (models/weights.h), are created once, cached by name, cast to the
// precision's dtype on the device, and require grad when training.
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "backends/torch/torch_gemm_tune.h"
#include "models/lowering/linear_groups.h"
#include "models/ops.h"

namespace accelbench::backends::torch_backend {

struct TorchTensor : models::TensorImpl {
  explicit TorchTensor(at::Tensor v) : t(std::move(v)) {}
  at::Tensor t;
};

class TorchOps : public models::Ops {
 public:
  TorchOps(c10::Device device, c10::ScalarType dtype, uint64_t seed, bool trainable);

  static models::Tensor Wrap(at::Tensor t);
  static const at::Tensor& Unwrap(const models::Tensor& t);

  // Inputs are bound by name before a forward; Input() validates their shapes.
  void BindInput(const std::string& name, at::Tensor t) { inputs_[name] = std::move(t); }
  // Creates a parameter now (used to materialise all weights at load time, outside timing).
  void Preload(const std::string& name, const std::vector<int64_t>& shape, models::WeightInit init);
  std::vector<at::Tensor> Parameters() const;
  // Issue 11 (torch_quant.h): the parameters by name, and swapping a parameter's tensor (same
  // shape).
  const std::map<std::string, at::Tensor>& params() const { return params_; }
  void ReplaceParam(const std::string& name, at::Tensor t) { params_[name] = std::move(t); }
  const std::map<std::string, at::Tensor>& outputs() const { return outputs_; }
  void ClearOutputs() { outputs_.clear(); }
  // "sdpa" (at::scaled_dot_product_attention), "explicit" (matmul/softmax) or "" before any call;
  // issue 13: "sdpa (flash)" / "sdpa (cudnn, flash)" with the kernels libtorch picked, where this
  // libtorch tells (sdpa_compat.h).
  std::string attention_path() const;
  c10::Device device() const { return device_; }
  // Drops what is cached for one step (the rotary tables, RotaryTables; a subclass's masks);
  // host-only. A CUDA-graph capture starts with it, so the graph builds its own.
  virtual void ForgetStepCache() {
    rotary_key_.reset();
    fused_out_ = {};
  }
  // Issue 13 (torch_fused_linear.cc): each group of projections reading one tensor
  // (models/lowering/linear_groups.h) runs as one linear over the concatenated weights, each
  // caller getting its slice of the output; the group's parameters become views of the
  // concatenation (no second copy; a missing bias is a zero slice). For inference; call after
  // every parameter exists. Returns the number of groups fused (groups whose parameters are
  // missing, of another dtype or trainable are skipped).
  int FuseLinearGroups(const std::vector<models::LinearGroup>& groups);

  c10::ScalarType dtype() const { return dtype_; }
  // Issue 13 (gemm_tune=on): every linear goes to `tuner` first (torch_gemm_tune.h); at::linear
  // where it does not serve the call.
  void SetGemmTuner(std::unique_ptr<GemmTuner> tuner) { gemm_tuner_ = std::move(tuner); }
  const GemmTuner* gemm_tuner() const { return gemm_tuner_.get(); }
  // Issue 13 (attention=explicit): matmul/softmax attention even where libtorch has sdpa.
  void set_explicit_attention(bool on) { explicit_attention_ = on; }

  models::Tensor Input(const std::string& name, models::DType dtype,
                       const std::vector<models::Dim>& dims) override;
  void Output(const std::string& name, const models::Tensor& x) override;
  models::Tensor Param(const std::string& name, const std::vector<int64_t>& shape,
                       models::WeightInit init) override;
  models::Tensor Constant(const std::string& name, const std::vector<int64_t>& shape,
                          const std::vector<float>& values) override;

  models::Tensor Linear(const models::Tensor& x, const models::Tensor& w,
                        const models::Tensor& b) override;
  models::Tensor MatMul(const models::Tensor& a, const models::Tensor& b) override;
  models::Tensor Add(const models::Tensor& a, const models::Tensor& b) override;
  models::Tensor Sub(const models::Tensor& a, const models::Tensor& b) override;
  models::Tensor Mul(const models::Tensor& a, const models::Tensor& b) override;
  models::Tensor Div(const models::Tensor& a, const models::Tensor& b) override;
  models::Tensor Scale(const models::Tensor& x, float s) override;
  models::Tensor Pow(const models::Tensor& x, float p) override;
  models::Tensor Sqrt(const models::Tensor& x) override;
  models::Tensor Log(const models::Tensor& x) override;
  models::Tensor Exp(const models::Tensor& x) override;
  models::Tensor Abs(const models::Tensor& x) override;
  models::Tensor Clamp(const models::Tensor& x, std::optional<float> lo,
                       std::optional<float> hi) override;

  models::Tensor LayerNorm(const models::Tensor& x, const models::Tensor& w,
                           const models::Tensor& b, float eps) override;
  models::Tensor RmsNorm(const models::Tensor& x, const models::Tensor& w, float eps) override;
  models::Tensor GroupNorm(const models::Tensor& x, int64_t groups, const models::Tensor& w,
                           const models::Tensor& b, float eps) override;
  models::Tensor BatchNormFrozen(const models::Tensor& x, const models::Tensor& w,
                                 const models::Tensor& b, const models::Tensor& mean,
                                 const models::Tensor& var, float eps) override;
  models::Tensor Act(const models::Tensor& x, models::Activation a) override;
  models::Tensor Softmax(const models::Tensor& x, int64_t axis) override;

  models::Tensor Attention(const models::Tensor& q, const models::Tensor& k,
                           const models::Tensor& v, const models::AttentionOptions& opt) override;
  models::Tensor Rotary(const models::Tensor& x, int64_t offset, float theta) override;
  models::Tensor Positions(const models::Tensor& x, int64_t axis, int64_t offset) override;
  models::Tensor RelativePositionBias(const models::Tensor& table, const models::Tensor& q_like,
                                      const models::Tensor& k_like, int64_t q_offset,
                                      const models::RelativePositionBucketOptions& opt) override;

  models::Tensor Conv1d(const models::Tensor& x, const models::Tensor& w, const models::Tensor& b,
                        int64_t stride, int64_t padding, int64_t groups) override;
  models::Tensor Conv2d(const models::Tensor& x, const models::Tensor& w, const models::Tensor& b,
                        int64_t stride, int64_t padding, int64_t groups) override;
  models::Tensor MaxPool2d(const models::Tensor& x, int64_t kernel, int64_t stride,
                           int64_t padding) override;
  models::Tensor Mean(const models::Tensor& x, const std::vector<int64_t>& axes,
                      bool keepdims) override;

  models::Tensor Embedding(const models::Tensor& table, const models::Tensor& ids) override;
  models::Tensor TakeAlongBatch(const models::Tensor& x, const models::Tensor& index) override;
  models::Tensor ArgMax(const models::Tensor& x, int64_t axis) override;

  models::Tensor Reshape(const models::Tensor& x, const std::vector<int64_t>& spec) override;
  models::Tensor Transpose(const models::Tensor& x, const std::vector<int64_t>& perm) override;
  models::Tensor Concat(const std::vector<models::Tensor>& xs, int64_t axis) override;
  models::Tensor Slice(const models::Tensor& x, int64_t axis, int64_t start, int64_t end) override;
  models::Tensor Unsqueeze(const models::Tensor& x, int64_t axis) override;
  models::Tensor BroadcastBatch(const models::Tensor& x, const models::Tensor& like) override;
  models::Tensor Cast(const models::Tensor& x, models::DType to) override;
  int64_t SizeOf(const models::Tensor& x, int64_t axis) override { return Unwrap(x).size(axis); }

  models::Tensor CrossEntropy(const models::Tensor& logits, const models::Tensor& labels) override;
  models::Tensor MeanSquaredError(const models::Tensor& a, const models::Tensor& b) override;

 protected:
  // Issue 13: the rotary cos/sin tables [S, D] of t [B, H, S, D] for positions first..first+S-1,
  // computed once and reused while the same positions, sizes, theta and dtype come back (q and
  // k of every layer of one forward: 2 x layers fewer table builds per step). `positions` makes
  // the float positions [S] on a miss. A CUDA graph capture must start with ForgetStepCache()
  // so that the graph computes its own tables instead of reading a cached tensor.
  const std::pair<at::Tensor, at::Tensor>& RotaryTables(
      const at::Tensor& t, int64_t first, float theta,
      const std::function<at::Tensor()>& positions);
  // t * cos + rotate_half(t) * sin (Hugging Face's apply_rotary_pos_emb).
  static at::Tensor ApplyRotary(const at::Tensor& t,
                                const std::pair<at::Tensor, at::Tensor>& cos_sin);
  // x w^T + b: the GEMM tuner's where it serves the call, else at::linear (b undefined: none).
  at::Tensor LinearKernel(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b);
  // The attention kernel call: q [B, H, Sq, D], k/v [B, Hkv, Sk, D] (grouped-query heads are
  // repeated here); `allowed` a boolean "may attend" mask broadcastable to [B, H, Sq, Sk] (none:
  // everything), `bias` additive (undefined: none), `plain_causal` Sq == Sk causal without a mask.
  at::Tensor AttentionKernel(const at::Tensor& q, at::Tensor k, at::Tensor v,
                             const c10::optional<at::Tensor>& allowed, const at::Tensor& bias,
                             bool plain_causal, double scale);

 private:
  c10::Device device_;
  c10::ScalarType dtype_;
  uint64_t seed_;
  bool trainable_;
  std::map<std::string, at::Tensor> params_;  // ordered by name: a stable optimizer order
  std::map<std::string, at::Tensor> constants_;
  std::map<std::string, at::Tensor> inputs_;
  std::map<std::string, at::Tensor> outputs_;
  std::string attention_path_;
  std::set<std::string> attention_kernels_;
  struct RotaryKey {
    int64_t first, s, d;
    float theta;
    c10::ScalarType dtype;
    c10::Device device;
    bool inference;
    bool operator==(const RotaryKey&) const = default;
  };
  std::optional<RotaryKey> rotary_key_;
  struct FusedGroup {
    at::Tensor weight, bias;  // [sum of rows, in], [sum of rows] (undefined: no member has one)
    std::vector<int64_t> offset, rows;
    std::vector<bool> has_bias;
  };
  std::vector<FusedGroup> fused_;
  std::map<const void*, std::pair<size_t, size_t>> fused_member_;  // weight data -> group, member
  struct FusedOutput {
    models::Tensor input;  // the facade tensor computed from (kept, so its identity is unique)
    size_t group = 0;
    at::Tensor out;     // [..., sum of rows]
    size_t served = 0;  // members handed their slice
  };
  FusedOutput fused_out_;
  std::pair<at::Tensor, at::Tensor> rotary_tables_;
  int kernel_checks_ = 0;
  std::unique_ptr<GemmTuner> gemm_tuner_;
  bool explicit_attention_ = false;
};

// Runs each facade op once on tiny tensors in `dtype` on `device`; returns "" when all work, else
// "<Op>: <first line of libtorch's error>" for the first op that fails (e.g. a missing Half
// kernel on CPU in libtorch 1.13).
std::string FirstFailingOp(c10::Device device, c10::ScalarType dtype);

}  // namespace accelbench::backends::torch_backend
