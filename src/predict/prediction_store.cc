#include "predict/prediction_store.h"

#include <nlohmann/json.hpp>

#include "store/database.h"
#include "store/duck.h"

namespace accelbench::predict {

std::string StorePrediction(store::Database& db, const Row& query, const Prediction& p,
                            const Predictor& predictor) {
  nlohmann::json nb = nlohmann::json::array();
  for (const auto& n : p.neighbours) {
    const auto& r = predictor.rows()[n.index];
    nb.push_back({{"result_id", r.result_id},
                  {"config", r.cfg.Label()},
                  {"measured_p50_ms", *r.p50_ms},
                  {"distance", n.distance}});
  }
  const std::string id = store::NewUuid();
  const auto& c = query.cfg;
  db.connection()
      .Prepare(
          "INSERT INTO predictions VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
          "$14, $15, $16, $17, $18, $19)")
      .Bind(1, id)
      .Bind(2, store::NowUtc())
      .Bind(3, c.model)
      .Bind(4, c.preset)
      .Bind(5, c.platform)
      .Bind(6, c.runtime)
      .Bind(7, c.precision)
      .Bind(8, c.mode)
      .Bind(9, c.batch)
      .Bind(10, c.seq_len)
      .Bind(11, std::string(ToString(predictor.options().method)))
      .Bind(12, p.p50_ms)
      .Bind(13, p.low_ms)
      .Bind(14, p.high_ms)
      .Bind(15, 1 - predictor.options().alpha)
      .Bind(16, p.roofline_ms)
      .Bind(17, query.peaks.Describe())
      .Bind(18, static_cast<int64_t>(predictor.rows().size()))
      .Bind(19, nb.dump())
      .Execute();
  return id;
}

int64_t CountPredictions(store::Database& db) {
  auto r = db.connection().Query("SELECT count(*) FROM predictions");
  return r.Int(0, 0);
}

}  // namespace accelbench::predict
