#pragma once
// Gradient-boosted regression trees through XGBoost's C API (Debian libxgboost-dev), behind RAII.
// Deterministic: one thread, fixed seed, exact tree method.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace accelbench::predict {

struct GbtParams {
  int rounds = 200;
  int max_depth = 4;
  double eta = 0.08;
  double min_child_weight = 1;
  double lambda = 1;
};

class Gbt {
 public:
  // Rows of `x` are samples (row-major, `cols` features). Throws RuntimeError with XGBoost's
  // message.
  static Gbt Fit(std::span<const float> x, size_t cols, std::span<const float> y,
                 const GbtParams& p = {});
  Gbt(Gbt&&) noexcept;
  Gbt& operator=(Gbt&&) noexcept;
  ~Gbt();
  std::vector<double> Predict(std::span<const float> x) const;
  size_t cols() const { return cols_; }

 private:
  Gbt() = default;
  void* booster_ = nullptr;
  size_t cols_ = 0;
};

}  // namespace accelbench::predict
