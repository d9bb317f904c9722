#pragma once
// The predictions table: every prediction `accelbench predict` prints is stored here, never in
// results.
#include <string>

#include "predict/predictor.h"

namespace accelbench::store {
class Database;
}

namespace accelbench::predict {

// Stores one prediction; returns its id.
std::string StorePrediction(store::Database& db, const Row& query, const Prediction& p,
                            const Predictor& predictor);
// Number of stored predictions (tests).
int64_t CountPredictions(store::Database& db);

}  // namespace accelbench::predict
