#pragma once
// Held-out evaluation of the predictors over measured rows, and --suggest (what to measure next).
#include <string>
#include <vector>

#include "predict/predictor.h"

namespace accelbench::predict {

struct Scores {
  std::string method;  // "gradient-boosted trees", "roofline x median efficiency", "roofline"
  size_t n = 0;        // held-out predictions
  double mape = 0, within10 = 0, within25 = 0, spearman = 0, coverage = 0;  // NaN when n/a
};

struct Evaluation {
  std::string scheme;  // "leave-one-configuration-out", "leave-one-platform-out"
  size_t rows = 0, groups = 0;
  std::vector<Scores> scores;  // learned, roofline x median efficiency, raw roofline
  std::string note;            // why a scheme could not run (one platform only, ...)
};

// Scores of held-out (predicted, measured) pairs.
Scores Score(const std::string& method, const std::vector<double>& pred,
             const std::vector<double>& meas, const std::vector<double>& low,
             const std::vector<double>& high);

// Each configuration predicted by models fitted on all the others.
Evaluation LeaveOneConfigurationOut(const std::vector<Row>& rows, const PredictorOptions& o = {});
// Each platform (host/platform) predicted by models fitted on the other platforms only.
Evaluation LeaveOnePlatformOut(const std::vector<Row>& rows, const PredictorOptions& o = {});

struct Suggestion {
  Row row;  // configuration not yet measured
  Prediction prediction;
};
// Unmeasured neighbours of the measured grid (measured models x platforms x precisions x batch
// sizes 1..64 x sequence lengths), ranked by predicted interval width (widest first).
std::vector<Suggestion> Suggest(store::Database& db, const Predictor& p, size_t count);

}  // namespace accelbench::predict
