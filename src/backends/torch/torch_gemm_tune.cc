// Issue 13: gemm_tune=on -- per-shape cuBLASLt algorithm selection for the linear layers
// (torch_gemm_tune.h). The timing and checking live here; the CUDA code only where the build has
// a CUDA libtorch and the cuBLASLt header. cuBLASLt itself is the library libtorch loaded, found
// at run time (dlopen RTLD_NOLOAD): linking a CUDA toolkit's copy could put a second, older
// libcublasLt.so.13 first in the search order, under libtorch's own cuBLAS.
#include "backends/torch/torch_gemm_tune.h"

#include <algorithm>
#include <cstdio>
#include <set>

#if defined(ACCELBENCH_TORCH_CUDA) && defined(ACCELBENCH_CUBLASLT) && __has_include(<cublasLt.h>)
#include <ATen/cuda/CUDAContext.h>
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/Sleep.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cublasLt.h>
#include <cuda_runtime_api.h>
#include <dlfcn.h>

#include <chrono>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "backends/torch/torch_gpu.h"  // CompareReplay: the graph's tolerance
#define ACCELBENCH_GEMM_TUNE 1
#endif

namespace accelbench::backends::torch_backend {

int ChooseGemmTrial(const std::vector<GemmTrial>& trials, double aten_ms) {
  int best = -1;
  for (size_t i = 0; i < trials.size(); ++i)
    if (trials[i].valid && (best < 0 || trials[i].ms < trials[best].ms)) best = static_cast<int>(i);
  if (best >= 0 && !(trials[best].ms < aten_ms)) return -1;
  return best;
}

std::string FormatGemmShape(const GemmShapeReport& r) {
  char buf[320];
  std::snprintf(buf, sizeof buf, "%lldx%lld -> %lld %s%s", static_cast<long long>(r.m),
                static_cast<long long>(r.k), static_cast<long long>(r.n), r.dtype.c_str(),
                r.bias ? "+bias" : "");
  std::string out = buf;
  if (!r.error.empty()) return out + ": not tuned: " + r.error;
  if (r.uses_lt) {
    std::snprintf(buf, sizeof buf,
                  ": at::linear %.4f ms -> %.4f ms (%.2fx, %s; %d tried, %d valid)", r.aten_ms,
                  r.best_ms, r.aten_ms / r.best_ms, r.algo.c_str(), r.tried, r.valid);
  } else if (r.valid > 0) {
    std::snprintf(buf, sizeof buf,
                  ": stays at::linear %.4f ms (fastest cuBLASLt %.4f ms; %d tried, %d valid)",
                  r.aten_ms, r.best_ms, r.tried, r.valid);
  } else {
    std::snprintf(buf, sizeof buf, ": stays at::linear %.4f ms (%d tried, none valid)", r.aten_ms,
                  r.tried);
  }
  return out + buf;
}

#ifndef ACCELBENCH_GEMM_TUNE

std::unique_ptr<GemmTuner> GemmTuner::Create(c10::Device device, bool, std::string& why) {
  why = !device.is_cuda() ? "not a CUDA device"
                          : "this build has no cuBLASLt (a CUDA libtorch and the cuBLASLt header "
                            "are needed)";
  return nullptr;
}

#else

namespace {

constexpr size_t kWorkspaceBytes = size_t{32} << 20;
constexpr int kHeuristics = 16;     // cuBLASLt's ranked candidates asked for
constexpr int kMaxCandidates = 48;  // with the split-K variants
constexpr double kShapeBudgetS = 1.5;

// The cuBLASLt functions used here, as pointers of the same names (found before the header's
// declarations by unqualified calls in this namespace), set by LoadLt.
#define ACCELBENCH_LT_FUNCTIONS(X)        \
  X(cublasLtGetStatusString)              \
  X(cublasLtCreate)                       \
  X(cublasLtDestroy)                      \
  X(cublasLtMatmul)                       \
  X(cublasLtMatmulDescCreate)             \
  X(cublasLtMatmulDescDestroy)            \
  X(cublasLtMatmulDescSetAttribute)       \
  X(cublasLtMatrixLayoutCreate)           \
  X(cublasLtMatrixLayoutDestroy)          \
  X(cublasLtMatmulPreferenceCreate)       \
  X(cublasLtMatmulPreferenceDestroy)      \
  X(cublasLtMatmulPreferenceSetAttribute) \
  X(cublasLtMatmulAlgoGetHeuristic)       \
  X(cublasLtMatmulAlgoCheck)              \
  X(cublasLtMatmulAlgoConfigGetAttribute) \
  X(cublasLtMatmulAlgoConfigSetAttribute) \
  X(cublasLtMatmulAlgoCapGetAttribute)
#define ACCELBENCH_LT_POINTER(f) decltype(&::f) f = nullptr;
ACCELBENCH_LT_FUNCTIONS(ACCELBENCH_LT_POINTER)
#undef ACCELBENCH_LT_POINTER

// "" once the pointers are set from the libcublasLt.so.<major> this process has (libtorch's),
// else why not.
const std::string& LoadLt() {
  static const std::string why = [] {
    const std::string name = "libcublasLt.so." + std::to_string(CUBLAS_VER_MAJOR);
    void* lib = dlopen(name.c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (!lib) lib = dlopen(name.c_str(), RTLD_NOW);
    if (!lib) {
      const char* e = dlerror();
      return "cannot load " + name + ": " + (e ? e : "not found");
    }
    std::string missing;
#define ACCELBENCH_LT_FIND(f)                        \
  f = reinterpret_cast<decltype(f)>(dlsym(lib, #f)); \
  if (!f) missing += std::string(missing.empty() ? "" : ", ") + #f;
    ACCELBENCH_LT_FUNCTIONS(ACCELBENCH_LT_FIND)
#undef ACCELBENCH_LT_FIND
    return missing.empty() ? std::string() : name + " lacks " + missing;
  }();
  return why;
}

void Check(cublasStatus_t s, const char* what) {
  if (s != CUBLAS_STATUS_SUCCESS)
    throw std::runtime_error(std::string(what) + ": " + cublasLtGetStatusString(s));
}

// Owns one cuBLASLt object (handle or descriptor) and destroys it with *Destroy.
template <typename T, cublasStatus_t (**Destroy)(T)>
class LtObject {
 public:
  LtObject() = default;
  explicit LtObject(T h) : h_(h) {}
  ~LtObject() {
    if (h_) (*Destroy)(h_);
  }
  LtObject(LtObject&& o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
  LtObject& operator=(LtObject&& o) noexcept {
    if (this != &o) {
      if (h_) (*Destroy)(h_);
      h_ = std::exchange(o.h_, nullptr);
    }
    return *this;
  }
  LtObject(const LtObject&) = delete;
  LtObject& operator=(const LtObject&) = delete;
  T get() const { return h_; }

 private:
  T h_ = nullptr;
};
using LtHandle = LtObject<cublasLtHandle_t, &cublasLtDestroy>;
using LtDesc = LtObject<cublasLtMatmulDesc_t, &cublasLtMatmulDescDestroy>;
using LtLayout = LtObject<cublasLtMatrixLayout_t, &cublasLtMatrixLayoutDestroy>;
using LtPref = LtObject<cublasLtMatmulPreference_t, &cublasLtMatmulPreferenceDestroy>;

template <typename V>
void SetDesc(cublasLtMatmulDesc_t d, cublasLtMatmulDescAttributes_t a, const V& v) {
  Check(cublasLtMatmulDescSetAttribute(d, a, &v, sizeof v), "cublasLtMatmulDescSetAttribute");
}

LtLayout Layout(cudaDataType_t t, int64_t rows, int64_t cols, int64_t ld) {
  cublasLtMatrixLayout_t l = nullptr;
  Check(cublasLtMatrixLayoutCreate(&l, t, static_cast<uint64_t>(rows), static_cast<uint64_t>(cols),
                                   ld),
        "cublasLtMatrixLayoutCreate");
  return LtLayout(l);
}

// One attribute of an algorithm (its configuration or its capabilities), read by `get`.
template <typename V, typename Attr>
V AlgoAttr(cublasStatus_t (*get)(const cublasLtMatmulAlgo_t*, Attr, void*, size_t, size_t*),
           const cublasLtMatmulAlgo_t& a, Attr attr) {
  V v{};
  size_t written = 0;
  get(&a, attr, &v, sizeof v, &written);
  return v;
}
template <typename V>
V AlgoConfig(const cublasLtMatmulAlgo_t& a, cublasLtMatmulAlgoConfigAttributes_t attr) {
  return AlgoAttr<V>(cublasLtMatmulAlgoConfigGetAttribute, a, attr);
}
template <typename V>
V AlgoCap(const cublasLtMatmulAlgo_t& a, cublasLtMatmulAlgoCapAttributes_t attr) {
  return AlgoAttr<V>(cublasLtMatmulAlgoCapGetAttribute, a, attr);
}

std::string Describe(const cublasLtMatmulAlgo_t& a) {
  return "algo " + std::to_string(AlgoConfig<int32_t>(a, CUBLASLT_ALGO_CONFIG_ID)) + ", tile " +
         std::to_string(AlgoConfig<uint32_t>(a, CUBLASLT_ALGO_CONFIG_TILE_ID)) + ", stages " +
         std::to_string(AlgoConfig<uint32_t>(a, CUBLASLT_ALGO_CONFIG_STAGES_ID)) + ", split-k " +
         std::to_string(AlgoConfig<int32_t>(a, CUBLASLT_ALGO_CONFIG_SPLITK_NUM));
}

struct Candidate {
  cublasLtMatmulAlgo_t algo{};
  size_t workspace = 0;
};

// One shape's matmul: y [m, n] = x [m, k] w[n, k]^T (+ b [n]). Column-major for cuBLASLt:
// D (n x m, ld n) = op(A) B with A = w as k x n (ld k, transposed), B = x as k x m (ld k).
struct Problem {
  LtDesc desc;
  LtLayout a, b, c;
  bool bias = false;
  bool uses_lt = false;
  Candidate best;
  uint32_t align_a = 256, align_b = 256;
};

// m, n, k, dtype, bias, and the alignment (bytes, up to 256) of x, w and b: cuBLASLt's
// candidates are asked for the operands' actual alignment (its default assumes 256; the bias
// pointer's is read from the descriptor), so a shape met again with less aligned operands (a
// fused group's bias slice) is a new problem.
using Key = std::tuple<int64_t, int64_t, int64_t, int, bool, uint32_t, uint32_t, uint32_t>;

uint32_t Alignment(const void* p) {
  const auto a = reinterpret_cast<uintptr_t>(p);
  uint32_t align = 256;
  while (align > 1 && a % align != 0) align /= 2;
  return align;
}

// GPU time of `reps` back-to-back calls: the stream is held by a sleep kernel while the host
// enqueues them, so launch overhead is not counted (as in a CUDA-graph replay).
double GpuMsPerCall(const std::function<void()>& call, int reps) {
  const auto stream = at::cuda::getCurrentCUDAStream();
  at::cuda::CUDAEvent start(cudaEventDefault), end(cudaEventDefault);
  at::cuda::sleep(int64_t{1000000} + int64_t{40000} * reps);  // ~0.5 ms + ~20 us per call
  start.record(stream);
  for (int i = 0; i < reps; ++i) call();
  end.record(stream);
  end.synchronize();
  return static_cast<double>(start.elapsed_time(end)) / reps;
}

class LtGemmTuner final : public GemmTuner {
 public:
  LtGemmTuner(c10::Device device, bool tf32) : device_(device), tf32_(tf32) {
    const c10::cuda::CUDAGuard guard(device_);
    cublasLtHandle_t h = nullptr;
    Check(cublasLtCreate(&h), "cublasLtCreate");
    handle_ = LtHandle(h);
    workspace_ = at::empty({static_cast<int64_t>(kWorkspaceBytes)},
                           at::TensorOptions().device(device).dtype(at::kByte));
  }

  at::Tensor Linear(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b) override {
    int64_t m = 0, n = 0, k = 0;
    if (const std::string why = NotServed(x, w, b, m, n, k); !why.empty()) {
      if (unserved_.size() < 8) unserved_.insert(why);
      return {};
    }
    const c10::cuda::CUDAGuard guard(device_);
    const Key key{m,
                  n,
                  k,
                  static_cast<int>(x.scalar_type()),
                  b.defined(),
                  Alignment(x.data_ptr()),
                  Alignment(w.data_ptr()),
                  b.defined() ? Alignment(b.data_ptr()) : 0u};
    auto it = problems_.find(key);
    if (it == problems_.end()) {
      cudaStreamCaptureStatus status = cudaStreamCaptureStatusNone;
      cudaStreamIsCapturing(at::cuda::getCurrentCUDAStream(), &status);
      if (status != cudaStreamCaptureStatusNone) {  // no timing inside a capture
        unserved_.insert("a shape first seen inside a CUDA-graph capture");
        return {};
      }
      return Tune(key, x, w, b);
    }
    Problem& p = it->second;
    if (!p.uses_lt) return {};
    at::Tensor y = at::empty(OutSizes(x, n), x.options());
    if (Run(p, p.best, x, w, b, y) != CUBLAS_STATUS_SUCCESS) {  // launched nothing: ATen's turn
      p.uses_lt = false;
      unserved_.insert("a shape whose cuBLASLt call failed");
      return {};
    }
    return y;
  }

  std::string Summary() const override {
    int lt = 0, aten = 0, failed = 0;
    for (const auto& r : reports_) (r.error.empty() ? (r.uses_lt ? lt : aten) : failed)++;
    char buf[200];
    std::snprintf(buf, sizeof buf, "on (%zu shapes tuned in %.0f ms: %d cuBLASLt, %d at::linear",
                  reports_.size(), tune_s_ * 1e3, lt, aten);
    std::string out = buf;
    if (failed) out += ", " + std::to_string(failed) + " not tuned";
    if (!unserved_.empty()) {
      out += "; at::linear for:";
      bool first = true;
      for (const auto& u : unserved_) {
        out += (first ? " " : ", ") + u;
        first = false;
      }
    }
    return out + ")";
  }

  std::string ShapesDetail() const override {
    std::vector<GemmShapeReport> sorted = reports_;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.aten_ms > b.aten_ms; });
    std::string out;
    for (const auto& r : sorted) out += (out.empty() ? "" : "; ") + FormatGemmShape(r);
    return out;
  }

  const std::vector<GemmShapeReport>& Reports() const override { return reports_; }

 private:
  static std::vector<int64_t> OutSizes(const at::Tensor& x, int64_t n) {
    std::vector<int64_t> s(x.sizes().begin(), x.sizes().end());
    s.back() = n;
    return s;
  }

  std::string NotServed(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b, int64_t& m,
                        int64_t& n, int64_t& k) const {
    const auto t = x.scalar_type();
    if (x.device() != device_ || w.device() != device_) return "another device";
    if (t != at::kFloat && t != at::kHalf && t != at::kBFloat16) return "another dtype";
    if (w.scalar_type() != t || (b.defined() && b.scalar_type() != t)) return "mixed dtypes";
    if (at::GradMode::is_enabled() &&
        (x.requires_grad() || w.requires_grad() || (b.defined() && b.requires_grad())))
      return "training (autograd)";
    if (w.dim() != 2 || x.dim() < 1 || x.size(-1) != w.size(1)) return "unexpected shapes";
    if (!x.is_contiguous() || !w.is_contiguous() || (b.defined() && !b.is_contiguous()))
      return "non-contiguous operands";
    k = w.size(1);
    n = w.size(0);
    m = k > 0 ? x.numel() / k : 0;
    if (m == 0 || n == 0 || k == 0) return "empty operands";
    if (b.defined() && (b.dim() != 1 || b.size(0) != n)) return "unexpected bias shape";
    const int64_t elem = static_cast<int64_t>(x.element_size());
    const auto aligned = [](const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; };
    if ((k * elem) % 16 != 0 || (n * elem) % 16 != 0)
      return "rows not a multiple of 16 bytes (in " + std::to_string(k) + ", out " +
             std::to_string(n) + ")";
    if (!aligned(x.data_ptr()) || !aligned(w.data_ptr()) || (b.defined() && !aligned(b.data_ptr())))
      return "operands not 16-byte aligned";
    return "";
  }

  cudaDataType_t DataType(at::ScalarType t) const {
    return t == at::kFloat ? CUDA_R_32F : (t == at::kHalf ? CUDA_R_16F : CUDA_R_16BF);
  }

  Problem MakeProblem(const Key& key) const {
    const auto [m, n, k, dtype, bias, align_x, align_w, align_b] = key;
    const auto t = static_cast<at::ScalarType>(dtype);
    const cudaDataType_t dt = DataType(t);
    Problem p;
    cublasLtMatmulDesc_t d = nullptr;
    const cublasComputeType_t compute =
        t == at::kFloat && tf32_ ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F;
    Check(cublasLtMatmulDescCreate(&d, compute, CUDA_R_32F), "cublasLtMatmulDescCreate");
    p.desc = LtDesc(d);
    SetDesc(d, CUBLASLT_MATMUL_DESC_TRANSA, CUBLAS_OP_T);
    SetDesc(d, CUBLASLT_MATMUL_DESC_TRANSB, CUBLAS_OP_N);
    SetDesc(d, CUBLASLT_MATMUL_DESC_EPILOGUE,
            bias ? CUBLASLT_EPILOGUE_BIAS : CUBLASLT_EPILOGUE_DEFAULT);
    p.bias = bias;
    p.a = Layout(dt, k, n, k);
    p.b = Layout(dt, k, m, k);
    p.c = Layout(dt, n, m, n);
    p.align_a = align_w;  // A is w, B is x; C/D are outputs this tuner allocates (256-aligned)
    p.align_b = align_x;
    return p;
  }

  cublasStatus_t Run(const Problem& p, const Candidate& c, const at::Tensor& x, const at::Tensor& w,
                     const at::Tensor& b, at::Tensor& y) const {
    if (p.bias) {
      const void* ptr = b.data_ptr();
      SetDesc(p.desc.get(), CUBLASLT_MATMUL_DESC_BIAS_POINTER, ptr);
    }
    const float alpha = 1.f, beta = 0.f;
    return cublasLtMatmul(handle_.get(), p.desc.get(), &alpha, w.data_ptr(), p.a.get(),
                          x.data_ptr(), p.b.get(), &beta, y.data_ptr(), p.c.get(), y.data_ptr(),
                          p.c.get(), &c.algo, workspace_.data_ptr(), c.workspace,
                          at::cuda::getCurrentCUDAStream());
  }

  // cuBLASLt's ranked candidates, then split-K variants of those that support it (the lever
  // at small row counts: more CTAs over the same output).
  std::vector<Candidate> Candidates(const Problem& p) const {
    cublasLtMatmulPreference_t pr = nullptr;
    Check(cublasLtMatmulPreferenceCreate(&pr), "cublasLtMatmulPreferenceCreate");
    LtPref pref(pr);
    const uint64_t ws = kWorkspaceBytes;
    Check(cublasLtMatmulPreferenceSetAttribute(pr, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws,
                                               sizeof ws),
          "cublasLtMatmulPreferenceSetAttribute");
    for (const auto& [attr, align] :
         {std::pair{CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, p.align_a},
          std::pair{CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES, p.align_b}})
      Check(cublasLtMatmulPreferenceSetAttribute(pr, attr, &align, sizeof align),
            "cublasLtMatmulPreferenceSetAttribute");
    std::vector<cublasLtMatmulHeuristicResult_t> res(kHeuristics);
    int count = 0;
    Check(cublasLtMatmulAlgoGetHeuristic(handle_.get(), p.desc.get(), p.a.get(), p.b.get(),
                                         p.c.get(), p.c.get(), pr, kHeuristics, res.data(), &count),
          "cublasLtMatmulAlgoGetHeuristic");
    std::vector<Candidate> out;
    const auto add = [&](const cublasLtMatmulAlgo_t& a, size_t workspace) {
      for (const auto& c : out)
        if (std::memcmp(&c.algo, &a, sizeof a) == 0) return;
      if (static_cast<int>(out.size()) < kMaxCandidates) out.push_back({a, workspace});
    };
    for (int i = 0; i < count; ++i)
      if (res[i].state == CUBLAS_STATUS_SUCCESS) add(res[i].algo, res[i].workspaceSize);
    const size_t ranked = out.size();
    for (size_t i = 0; i < ranked; ++i) {
      const cublasLtMatmulAlgo_t base = out[i].algo;
      if (AlgoCap<int32_t>(base, CUBLASLT_ALGO_CAP_SPLITK_SUPPORT) == 0) continue;
      const uint32_t schemes = AlgoCap<uint32_t>(base, CUBLASLT_ALGO_CAP_REDUCTION_SCHEME_MASK);
      uint32_t scheme = 0;
      for (uint32_t s : {uint32_t{CUBLASLT_REDUCTION_SCHEME_COMPUTE_TYPE},
                         uint32_t{CUBLASLT_REDUCTION_SCHEME_OUTPUT_TYPE},
                         uint32_t{CUBLASLT_REDUCTION_SCHEME_INPLACE}})
        if (schemes & s) {
          scheme = s;
          break;
        }
      if (scheme == 0) continue;
      for (int32_t split : {2, 4, 8, 16}) {
        cublasLtMatmulAlgo_t a = base;
        if (cublasLtMatmulAlgoConfigSetAttribute(&a, CUBLASLT_ALGO_CONFIG_SPLITK_NUM, &split,
                                                 sizeof split) != CUBLAS_STATUS_SUCCESS ||
            cublasLtMatmulAlgoConfigSetAttribute(&a, CUBLASLT_ALGO_CONFIG_REDUCTION_SCHEME, &scheme,
                                                 sizeof scheme) != CUBLAS_STATUS_SUCCESS)
          continue;
        cublasLtMatmulHeuristicResult_t check{};
        // AlgoCheck does not see the alignment preferences: compare the algorithm's own needs.
        if (cublasLtMatmulAlgoCheck(handle_.get(), p.desc.get(), p.a.get(), p.b.get(), p.c.get(),
                                    p.c.get(), &a, &check) == CUBLAS_STATUS_SUCCESS &&
            check.workspaceSize <= kWorkspaceBytes &&
            AlgoCap<uint32_t>(a, CUBLASLT_ALGO_CAP_MIN_ALIGNMENT_A_BYTES) <= p.align_a &&
            AlgoCap<uint32_t>(a, CUBLASLT_ALGO_CAP_MIN_ALIGNMENT_B_BYTES) <= p.align_b &&
            AlgoCap<uint32_t>(a, CUBLASLT_ALGO_CAP_MIN_ALIGNMENT_C_BYTES) <= 256 &&
            AlgoCap<uint32_t>(a, CUBLASLT_ALGO_CAP_MIN_ALIGNMENT_D_BYTES) <= 256)
          add(a, check.workspaceSize);
      }
    }
    return out;
  }

  // Times at::linear and every candidate on the call's own operands; keeps the fastest valid
  // candidate if it beats at::linear. Returns this call's output.
  at::Tensor Tune(const Key& key, const at::Tensor& x, const at::Tensor& w, const at::Tensor& b) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto [m, n, k, dtype, bias, align_x, align_w, align_b] = key;
    GemmShapeReport r;
    r.m = m;
    r.n = n;
    r.k = k;
    r.dtype =
        x.scalar_type() == at::kFloat ? "fp32" : (x.scalar_type() == at::kHalf ? "fp16" : "bf16");
    r.bias = bias;
    const c10::optional<at::Tensor> bopt =
        b.defined() ? c10::optional<at::Tensor>(b) : c10::nullopt;
    at::Tensor ref = at::linear(x, w, bopt);
    Problem& p = problems_.emplace(key, Problem{}).first->second;
    try {
      p = MakeProblem(key);
      // The bias pointer before the search: cuBLASLt reads its alignment from it.
      if (bias) SetDesc(p.desc.get(), CUBLASLT_MATMUL_DESC_BIAS_POINTER, b.data_ptr());
      const auto aten = [&] { at::linear(x, w, bopt); };
      const double first = GpuMsPerCall(aten, 1);
      const int reps = std::clamp(static_cast<int>(2.0 / std::max(first, 1e-3)), 3, 20);
      r.aten_ms = GpuMsPerCall(aten, reps);
      const std::vector<Candidate> cands = Candidates(p);
      std::vector<GemmTrial> trials(cands.size());
      at::Tensor y = at::empty_like(ref);
      for (size_t i = 0; i < cands.size(); ++i) {
        if (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() >
            kShapeBudgetS)
          break;
        ++r.tried;
        // NaN first: a candidate that writes nothing must not pass with the last one's output.
        y.fill_(std::numeric_limits<double>::quiet_NaN());
        if (Run(p, cands[i], x, w, b, y) != CUBLAS_STATUS_SUCCESS) continue;
        std::string check;
        if (!CompareReplay(ref, y, check).empty()) continue;
        trials[i].valid = true;
        ++r.valid;
        trials[i].ms = GpuMsPerCall([&] { Run(p, cands[i], x, w, b, y); }, reps);
      }
      const int best = ChooseGemmTrial(trials, r.aten_ms);
      for (const auto& tr : trials)
        if (tr.valid && (r.best_ms == 0 || tr.ms < r.best_ms)) r.best_ms = tr.ms;
      if (best >= 0) {
        p.uses_lt = true;
        p.best = cands[static_cast<size_t>(best)];
        r.uses_lt = true;
        r.algo = Describe(p.best.algo);
      }
    } catch (const std::exception& e) {  // a cuBLASLt error: this shape stays with at::linear
      p.uses_lt = false;
      r.error = std::string(e.what()).substr(0, 160);
    }
    reports_.push_back(r);
    tune_s_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return ref;
  }

  c10::Device device_;
  bool tf32_;
  LtHandle handle_;
  at::Tensor workspace_;
  std::map<Key, Problem> problems_;
  std::vector<GemmShapeReport> reports_;
  std::set<std::string> unserved_;
  double tune_s_ = 0;
};

}  // namespace

std::unique_ptr<GemmTuner> GemmTuner::Create(c10::Device device, bool tf32, std::string& why) {
  if (!device.is_cuda()) {
    why = "not a CUDA device";
    return nullptr;
  }
  if (const std::string& why_not = LoadLt(); !why_not.empty()) {
    why = why_not;
    return nullptr;
  }
  try {
    // "cuda" names no index, while tensors carry theirs ("cuda:0"): compare with the latter.
    if (!device.has_index()) device = c10::Device(c10::kCUDA, c10::cuda::current_device());
    return std::make_unique<LtGemmTuner>(device, tf32);
  } catch (const std::exception& e) {
    why = std::string(e.what()).substr(0, 200);
    return nullptr;
  }
}

#endif  // ACCELBENCH_GEMM_TUNE

}  // namespace accelbench::backends::torch_backend
