#pragma once
// The learned predictor: gradient-boosted trees on log(p50 / roofline) with normalised
// split-conformal intervals. Difficulty sigma(x) = 0.05 + mean z-scored feature distance to the
// 3 nearest training rows, so configurations far from anything measured get wider intervals.
// Conformity scores come from K-fold out-of-fold residuals (cross-conformal), so no row is
// spent only on calibration.
#include <memory>
#include <string>
#include <vector>

#include "predict/features.h"
#include "predict/gbt.h"

namespace accelbench::predict {

struct Neighbour {
  size_t index = 0;     // into the training rows
  double distance = 0;  // z-scored feature distance
};

struct Prediction {
  double p50_ms = 0, low_ms = 0, high_ms = 0;  // predicted
  double roofline_ms = 0;
  double log_width = 0;               // log(high / low): the uncertainty --suggest ranks by
  std::vector<Neighbour> neighbours;  // most similar measured configurations, nearest first
};

enum class Method { kLearned, kRooflineScaled };
std::string_view ToString(Method m);

struct PredictorOptions {
  Method method = Method::kLearned;
  double alpha = 0.1;  // 90% intervals
  int folds = 5;
  GbtParams gbt;
};

class Predictor {
 public:
  static constexpr size_t kMinRows = 8;
  // Throws UsageError when fewer than kMinRows rows have a roofline and a measured p50.
  static Predictor Fit(std::vector<Row> rows, const PredictorOptions& o = {});
  Prediction Predict(const Row& q) const;
  const std::vector<Row>& rows() const { return rows_; }
  double conformal_q() const { return q_; }
  const PredictorOptions& options() const { return opt_; }

 private:
  struct Core;  // a fitted point model (gbt or scaled roofline) on a subset
  static Core FitCore(const std::vector<Row>& rows, const std::vector<size_t>& idx,
                      const PredictorOptions& o);
  static double PointLog(const Core& c, const Row& r);
  double Sigma(const std::vector<float>& z, const std::vector<size_t>& among,
               std::vector<Neighbour>* nearest) const;
  std::vector<float> Z(const Row& r) const;

  PredictorOptions opt_;
  std::vector<Row> rows_;
  std::vector<std::vector<float>> z_;  // z-scored features per row
  std::vector<float> mean_, sd_;
  std::shared_ptr<const Core> core_;
  double q_ = 0;
};

}  // namespace accelbench::predict
