#pragma once
// Issue 13: `--backend-option gemm_tune=on` -- the linear layers' GEMMs on CUDA run through
// cuBLASLt with the algorithm measured fastest for each problem shape, the way cuDNN's benchmark
// mode picks convolution algorithms and TensorRT times its tactics. ATen asks cuBLAS (or
// cuBLASLt's first heuristic) for one algorithm per call; at the small row counts of batch-1
// fp32 inference (vit-base: 197 rows) that choice leaves most of an H100's SMs idle, and the
// split-K variants that would fill them are never timed.
//
// Per shape (rows x out x in, dtype, bias), the first call outside a CUDA-graph capture tunes:
// cuBLASLt's heuristic candidates (and their split-K variants where the algorithm supports
// split-K) run on the call's own operands, each result is checked against at::linear (max |d|
// within the CUDA-graph replay tolerance, CompareReplay), and the fastest valid one is kept only
// if it beats at::linear timed the same way; otherwise that shape stays with at::linear. Same
// arithmetic as ATen's: fp32 accumulates in fp32 (TF32 only where tf32=on), fp16/bf16 in fp32.
// The CUDA code needs a CUDA libtorch and cuBLASLt (ACCELBENCH_TORCH_CUDA and
// ACCELBENCH_CUBLASLT, set by CMake); elsewhere Create says why not.
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace accelbench::backends::torch_backend {

// One timed candidate of a shape: its mean time per call, and whether its output matched
// at::linear's.
struct GemmTrial {
  double ms = 0;
  bool valid = false;
};

// The index of the fastest valid trial, or -1 where none is valid or none is faster than
// `aten_ms` (at::linear on the same operands): that shape then stays with at::linear.
int ChooseGemmTrial(const std::vector<GemmTrial>& trials, double aten_ms);

// What tuning found for one shape, for the `gemm_tune_shapes` detail.
struct GemmShapeReport {
  int64_t m = 0, n = 0, k = 0;
  std::string dtype;
  bool bias = false;
  int tried = 0, valid = 0;
  double aten_ms = 0, best_ms = 0;  // best_ms: the fastest valid candidate (0: none)
  bool uses_lt = false;             // the kept algorithm is cuBLASLt's (else at::linear)
  std::string algo;                 // the kept candidate, e.g. "algo 21, tile 18, split-k 4"
  std::string error;                // why the shape could not be tuned ("": it was)
};

// "<rows>x<in> -> <out> fp32+bias: at::linear <a> ms -> <b> ms (<a/b>x, algo <id>, tile <id>,
// stages <id>, split-k <n>; <n> tried, <n> valid)", "...: stays at::linear <a> ms (fastest
// cuBLASLt <b> ms; ...)" or "...: not tuned: <error>" (golden strings in gemm_tune_test).
std::string FormatGemmShape(const GemmShapeReport& r);

class GemmTuner {
 public:
  // A tuner for `device` (tf32: what precision fp32 allows, as ATen's switch), or nullptr with
  // the reason in `why` ("not a CUDA device", "this build has no cuBLASLt", a cuBLASLt error).
  static std::unique_ptr<GemmTuner> Create(c10::Device device, bool tf32, std::string& why);
  virtual ~GemmTuner() = default;

  // y = x w^T + b (x [..., in], w [out, in], b [out] or undefined) through the tuned algorithm;
  // an undefined tensor where this call is not served (another device or dtype, operands not
  // contiguous or not 16-byte aligned, a shape first seen inside a graph capture, or a shape
  // where at::linear was faster): the caller then runs at::linear.
  virtual at::Tensor Linear(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b) = 0;

  // "on (<n> shapes tuned in <t> ms: <a> cuBLASLt, <b> at::linear[; at::linear for: <why>])"
  // -- the `gemm_tune` detail.
  virtual std::string Summary() const = 0;
  // One line per tuned shape, slowest at::linear first (FormatGemmShape), "; "-separated.
  virtual std::string ShapesDetail() const = 0;
  virtual const std::vector<GemmShapeReport>& Reports() const = 0;
};

}  // namespace accelbench::backends::torch_backend
