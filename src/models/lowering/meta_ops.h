#pragma once
// The shapes-only lowering: executes a family's forward on shapes (symbolic dims take their
// concrete sizes), never allocating weights. Counts parameters (once per unique name, so tied
// weights count once), FLOPs and weight bytes, and validates shapes on the way (a shape bug in a
// family throws RuntimeError here before any runtime sees it).
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "models/family.h"
#include "models/ops.h"

namespace accelbench::models {

struct ModelStats {
  int64_t params = 0;
  // FLOPs per call of the traced function (a multiply-add counts 2). Conventions:
  //   linear/matmul 2*M*N*K; attention 4*B*H*Sq*Sk*D (QK^T and PV, full square even when causal);
  //   conv 2*Cin/groups*kernel per output element; elementwise ops 1 per output element,
  //   activations/softmax/norms a few per element (see meta_ops.cc). Training = 3x the forward
  //   of TrainingLoss (backward ~ 2x forward), optimizer step not counted.
  double flops = 0;
  double weight_bytes_fp32 = 0;  // 4 * params (constant buffers not included)
  // Elements written by the ops of one call (inputs, parameters, constants and reshape/unsqueeze
  // views excluded; training x3 like the FLOPs; decode: the step only). Times bytes per element
  // and ~2 (written once, read once) it approximates activation memory traffic (issue 8).
  double activation_elements = 0;
  std::map<std::string, int64_t> params_by_prefix;  // by first name component ("encoder", ...)
};

struct MetaTensor : TensorImpl {
  DType dtype = DType::kFloat;
  std::vector<int64_t> shape;
};

class MetaOps : public Ops {
 public:
  int64_t params() const { return params_; }
  double flops() const { return flops_; }
  double activation_elements() const { return activation_elems_; }
  const std::map<std::string, int64_t>& params_by_prefix() const { return by_prefix_; }
  const std::map<std::string, std::vector<int64_t>, std::less<>>& outputs() const {
    return outputs_;
  }
  static const std::vector<int64_t>& ShapeOf(const Tensor& t);
  struct ParamSpec {
    std::vector<int64_t> shape;
    WeightInit init;
  };
  // Every parameter seen, by name (lets an eager lowering materialise weights up front).
  const std::map<std::string, ParamSpec, std::less<>>& param_specs() const { return params_seen_; }
  // Every Linear call in order (issue 13: linear_groups.h finds projections sharing an input).
  // `input` is the facade tensor itself (kept alive, so its identity is unique in the trace);
  // weight / bias are parameter names, "" where the operand is not a parameter (or absent).
  struct LinearCall {
    Tensor input;
    std::string weight, bias;
  };
  const std::vector<LinearCall>& linear_calls() const { return linear_calls_; }

  Tensor Input(const std::string& name, DType dtype, const std::vector<Dim>& dims) override;
  void Output(const std::string& name, const Tensor& x) override;
  Tensor Param(const std::string& name, const std::vector<int64_t>& shape,
               WeightInit init) override;
  Tensor Constant(const std::string& name, const std::vector<int64_t>& shape,
                  const std::vector<float>& values) override;

  Tensor Linear(const Tensor& x, const Tensor& w, const Tensor& b) override;
  Tensor MatMul(const Tensor& a, const Tensor& b) override;
  Tensor Add(const Tensor& a, const Tensor& b) override;
  Tensor Sub(const Tensor& a, const Tensor& b) override;
  Tensor Mul(const Tensor& a, const Tensor& b) override;
  Tensor Div(const Tensor& a, const Tensor& b) override;
  Tensor Scale(const Tensor& x, float s) override;
  Tensor Pow(const Tensor& x, float p) override;
  Tensor Sqrt(const Tensor& x) override;
  Tensor Log(const Tensor& x) override;
  Tensor Exp(const Tensor& x) override;
  Tensor Abs(const Tensor& x) override;
  Tensor Clamp(const Tensor& x, std::optional<float> lo, std::optional<float> hi) override;

  Tensor LayerNorm(const Tensor& x, const Tensor& w, const Tensor& b, float eps) override;
  Tensor RmsNorm(const Tensor& x, const Tensor& w, float eps) override;
  Tensor GroupNorm(const Tensor& x, int64_t groups, const Tensor& w, const Tensor& b,
                   float eps) override;
  Tensor BatchNormFrozen(const Tensor& x, const Tensor& w, const Tensor& b, const Tensor& mean,
                         const Tensor& var, float eps) override;
  Tensor Act(const Tensor& x, Activation a) override;
  Tensor Softmax(const Tensor& x, int64_t axis) override;

  Tensor Attention(const Tensor& q, const Tensor& k, const Tensor& v,
                   const AttentionOptions& opt) override;
  Tensor Rotary(const Tensor& x, int64_t offset, float theta) override;
  Tensor Positions(const Tensor& x, int64_t axis, int64_t offset) override;
  Tensor RelativePositionBias(const Tensor& table, const Tensor& q_like, const Tensor& k_like,
                              int64_t q_offset, const RelativePositionBucketOptions& opt) override;

  Tensor Conv1d(const Tensor& x, const Tensor& w, const Tensor& b, int64_t stride, int64_t padding,
                int64_t groups) override;
  Tensor Conv2d(const Tensor& x, const Tensor& w, const Tensor& b, int64_t stride, int64_t padding,
                int64_t groups) override;
  Tensor MaxPool2d(const Tensor& x, int64_t kernel, int64_t stride, int64_t padding) override;
  Tensor Mean(const Tensor& x, const std::vector<int64_t>& axes, bool keepdims) override;

  Tensor Embedding(const Tensor& table, const Tensor& ids) override;
  Tensor TakeAlongBatch(const Tensor& x, const Tensor& index) override;
  Tensor ArgMax(const Tensor& x, int64_t axis) override;

  Tensor Reshape(const Tensor& x, const std::vector<int64_t>& spec) override;
  Tensor Transpose(const Tensor& x, const std::vector<int64_t>& perm) override;
  Tensor Concat(const std::vector<Tensor>& xs, int64_t axis) override;
  Tensor Slice(const Tensor& x, int64_t axis, int64_t start, int64_t end) override;
  Tensor Unsqueeze(const Tensor& x, int64_t axis) override;
  Tensor BroadcastBatch(const Tensor& x, const Tensor& like) override;
  Tensor Cast(const Tensor& x, DType to) override;
  int64_t SizeOf(const Tensor& x, int64_t axis) override;

  Tensor CrossEntropy(const Tensor& logits, const Tensor& labels) override;
  Tensor MeanSquaredError(const Tensor& a, const Tensor& b) override;

 private:
  Tensor Make(std::vector<int64_t> shape, DType dtype = DType::kFloat);
  Tensor Leaf(std::vector<int64_t> shape, DType dtype = DType::kFloat);  // not counted as written
  Tensor Elementwise(const Tensor& a, const Tensor& b, double flops_per_elem);
  Tensor Unary(const Tensor& x, double flops_per_elem);

  int64_t params_ = 0;
  double flops_ = 0;
  double activation_elems_ = 0;
  std::map<std::string, ParamSpec, std::less<>> params_seen_;
  std::map<std::string, int64_t> by_prefix_;
  std::map<std::string, std::vector<int64_t>, std::less<>> outputs_;
  std::map<const TensorImpl*, std::string> param_of_;  // the leaves Param returned -> name
  std::vector<Tensor> param_leaves_;                   // keeps those leaves' identities unique
  std::vector<LinearCall> linear_calls_;
};

// Traces the family on shapes for the given mode: inference -> Forward; training -> TrainingLoss
// (FLOPs x3); prefill -> Prefill (Forward for non-generative families); decode -> one Decode
// step after a prefill of seq_len tokens (FLOPs of the decode step only).
ModelStats Analyze(const Family& family, const Config& cfg, const Workload& w,
                   Mode mode = Mode::kInference);

}  // namespace accelbench::models
