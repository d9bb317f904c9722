#pragma once
// The ONNX lowering: records the facade's calls into an onnx::GraphProto (opset 17) with the
// seeded weights of weights.h, so ONNX Runtime (native or in the browser) runs the same
// architecture with the same weights as libtorch.
//
// - Graph inputs keep Dim::symbol as dim_param (dynamic batch / sequence); everything that
//   depends on a dynamic size (positions, causal masks, rotary tables, relative position
//   buckets) is computed in-graph from Shape nodes.
// - Parameters become initializers (once per name, so tied weights stay tied). Initializers
//   above a size threshold go to an external data file written while recording, so large
//   models never sit in memory twice and never hit protobuf's 2 GB limit.
// - fp16: initializers, float inputs and float constants are FLOAT16 and the graph computes in
//   fp16, except RMS norm statistics, rotary tables and bucket logarithms (computed in fp32).
// - Training ops (losses) throw UnsupportedError.
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/enums.h"
#include "models/ops.h"

namespace onnx {
class GraphProto;
class NodeProto;
}  // namespace onnx

namespace accelbench::models {

// A dimension as far as the graph knows it: static (value >= 0), symbolic (param) or unknown.
// `size` is the concrete size of this recording (Dim::size of the inputs), for SizeOf only.
struct GraphDim {
  int64_t value = -1;
  std::string param;
  int64_t size = -1;
  static GraphDim Static(int64_t v) { return {v, {}, v}; }
  bool IsStatic() const { return value >= 0; }
  bool IsUnknown() const { return value < 0 && param.empty(); }
  bool SameAs(const GraphDim& o) const { return value == o.value && param == o.param; }
};

struct OnnxTensor : TensorImpl {
  std::string name;            // value name in the graph
  int32_t elem_type = 0;       // onnx::TensorProto_DataType
  std::vector<GraphDim> dims;  // rank is always known
};

struct OnnxOpsOptions {
  Precision precision = Precision::kFp32;  // fp32 or fp16
  uint64_t seed = 0;                       // weight seed (weights.h)
  // Initializers with more bytes than this go to `external_data_path` (when set).
  int64_t external_data_threshold_bytes = 1 << 20;
  std::string external_data_path;      // file written while recording; empty = all inline
  std::string external_data_location;  // the name stored in the model (relative to the model)
};

class OnnxOps : public Ops {
 public:
  OnnxOps(onnx::GraphProto& graph, OnnxOpsOptions opt);
  ~OnnxOps() override;

  int64_t initializers() const { return static_cast<int64_t>(params_.size() + constants_); }
  int32_t float_type() const { return float_type_; }
  static const OnnxTensor& Of(const Tensor& t);

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
  // Graph building helpers.
  std::string Fresh(const std::string& hint);
  Tensor Make(std::string name, int32_t elem_type, std::vector<GraphDim> dims);
  onnx::NodeProto& AddNode(const std::string& op, const std::vector<std::string>& inputs,
                           const std::string& output);
  Tensor Op1(const std::string& op, const Tensor& x);  // same-shape unary op
  Tensor Binary(const std::string& op, const Tensor& a, const Tensor& b);
  Tensor ScalarLike(const Tensor& like, float v);  // rank-0 constant of like's elem type
  Tensor Int64s(const std::vector<int64_t>& v);    // 1-D int64 constant
  Tensor Int64Scalar(int64_t v);                   // rank-0 int64 constant
  Tensor FloatConst(const std::vector<int64_t>& shape, const std::vector<float>& v,
                    int32_t elem_type, const std::string& hint);
  Tensor DimOf(const Tensor& x, int64_t axis);             // rank-0 int64 size of x along axis
  Tensor ShapeTensor(const Tensor& x);                     // 1-D int64 shape of x
  Tensor Range(const Tensor& start, const Tensor& limit);  // int64 [limit - start]
  Tensor CastTo(const Tensor& x, int32_t elem_type);
  Tensor ReduceMean(const Tensor& x, const std::vector<int64_t>& axes, bool keepdims);
  Tensor TransposedWeight(const Tensor& w);
  Tensor Conv(const Tensor& x, const Tensor& w, const Tensor& b, int64_t stride, int64_t padding,
              int64_t groups, int spatial);
  void WriteInitializer(const std::string& name, const std::vector<int64_t>& shape,
                        const float* values, int32_t elem_type);

  onnx::GraphProto& graph_;
  OnnxOpsOptions opt_;
  int32_t float_type_;
  int64_t counter_ = 0;
  int64_t constants_ = 0;
  std::map<std::string, Tensor, std::less<>> params_;
  std::map<std::string, Tensor, std::less<>> transposed_;    // Linear weights, transposed once
  std::map<std::string, std::string, std::less<>> outputs_;  // output name -> value name
  std::unique_ptr<std::ofstream> external_;
  int64_t external_offset_ = 0;
};

}  // namespace accelbench::models
