#include "predict/gbt.h"

#include <xgboost/c_api.h>

#include <string>

#include "core/errors.h"

namespace accelbench::predict {
namespace {

void Check(int rc, const char* what) {
  if (rc != 0) throw RuntimeError(std::string("xgboost ") + what + ": " + XGBGetLastError());
}

class Matrix {
 public:
  Matrix(std::span<const float> x, size_t cols) {
    if (cols == 0 || x.size() % cols != 0) throw RuntimeError("xgboost: bad feature matrix shape");
    Check(XGDMatrixCreateFromMat(x.data(), x.size() / cols, cols, -1e30f, &h_),
          "DMatrixCreateFromMat");
  }
  ~Matrix() {
    if (h_) XGDMatrixFree(h_);
  }
  Matrix(const Matrix&) = delete;
  Matrix& operator=(const Matrix&) = delete;
  DMatrixHandle get() const { return h_; }

 private:
  DMatrixHandle h_ = nullptr;
};

}  // namespace

Gbt Gbt::Fit(std::span<const float> x, size_t cols, std::span<const float> y, const GbtParams& p) {
  static const bool quiet = [] {
    XGBSetGlobalConfig(R"({"verbosity": 0})");
    return true;
  }();
  (void)quiet;
  Matrix m(x, cols);
  if (y.size() * cols != x.size()) throw RuntimeError("xgboost: label count differs from rows");
  Check(XGDMatrixSetFloatInfo(m.get(), "label", y.data(), y.size()), "SetFloatInfo");
  Gbt g;
  g.cols_ = cols;
  DMatrixHandle hs[] = {m.get()};
  BoosterHandle b = nullptr;
  Check(XGBoosterCreate(hs, 1, &b), "BoosterCreate");
  g.booster_ = b;
  auto set = [&](const char* k, const std::string& v) {
    Check(XGBoosterSetParam(b, k, v.c_str()), "SetParam");
  };
  set("objective", "reg:squarederror");
  set("tree_method", "exact");
  set("nthread", "1");
  set("seed", "0");
  set("max_depth", std::to_string(p.max_depth));
  set("eta", std::to_string(p.eta));
  set("min_child_weight", std::to_string(p.min_child_weight));
  set("lambda", std::to_string(p.lambda));
  set("base_score", "0");
  for (int i = 0; i < p.rounds; ++i) Check(XGBoosterUpdateOneIter(b, i, m.get()), "UpdateOneIter");
  return g;
}

Gbt::Gbt(Gbt&& o) noexcept : booster_(o.booster_), cols_(o.cols_) { o.booster_ = nullptr; }
Gbt& Gbt::operator=(Gbt&& o) noexcept {
  if (this != &o) {
    if (booster_) XGBoosterFree(booster_);
    booster_ = o.booster_;
    cols_ = o.cols_;
    o.booster_ = nullptr;
  }
  return *this;
}
Gbt::~Gbt() {
  if (booster_) XGBoosterFree(booster_);
}

std::vector<double> Gbt::Predict(std::span<const float> x) const {
  Matrix m(x, cols_);
  bst_ulong n = 0;
  const float* out = nullptr;
  Check(XGBoosterPredict(booster_, m.get(), 0, 0, 0, &n, &out), "Predict");
  return std::vector<double>(out, out + n);
}

}  // namespace accelbench::predict
