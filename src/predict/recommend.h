#pragma once
// The recommender: over the measured configurations of one model (latest result of each) plus,
// where the learned predictor fits, predicted ones for unmeasured platform/precision/batch
// combinations, filter by the constraints, rank by the objective, and mark the Pareto front
// (throughput up, latency down, memory down). Predicted numbers are labelled as such.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "predict/features.h"
#include "predict/predictor.h"

namespace accelbench::store {
class Database;
}

namespace accelbench::predict {

enum class Objective { kThroughput, kLatencyP50, kLatencyP99, kMemory, kEnergy, kCost };
// "throughput", "latency" (= latency-p50), "latency-p50", "latency-p99", "memory", "energy",
// "cost"; UsageError otherwise.
Objective ParseObjective(const std::string& s);
std::string_view ToString(Objective o);

struct RecommendRequest {
  std::string model;
  std::string preset;  // empty: the only measured one (or the reference preset when measured)
  std::string mode = "inference";
  int64_t seq_len = -1;  // -1: the most measured sequence length
  Objective objective = Objective::kThroughput;
  std::optional<double> slo_ms;        // latency SLO at slo_percentile
  std::string slo_percentile = "p99";  // "p50" or "p99"
  std::optional<double> memory_budget_mb;
  std::vector<std::string> platforms;   // kinds ("cuda") or instances ("cuda:0"); empty: any
  std::vector<std::string> precisions;  // empty: any
  std::optional<double> max_deviation;  // max output_rel_dev of lower precisions vs fp32
  std::map<std::string, double> price_per_hour;  // platform kind or instance -> price per hour
  std::vector<int64_t> predict_batches = {1, 2, 4, 8, 16, 32, 64};  // empty: no predictions
  std::string host;                                                 // for predicted rows' peaks
  std::string device_name;  // vendor-spec device for never-calibrated platforms
};

struct Candidate {
  Row row;
  bool predicted = false;
  std::optional<Prediction> prediction;
  double throughput = 0;  // items/s
  double p50_ms = 0, p99_ms = 0;
  std::optional<double> memory_mb, energy_j_per_item, cost_per_million, deviation;
  bool feasible = true;
  std::string why_not;  // first unmet constraint
  bool pareto = false;
  std::optional<double> objective_value;
};

struct Recommendation {
  std::string model, preset, mode;
  int64_t seq_len = 0;
  std::vector<Candidate> candidates;  // sorted: feasible by objective first, then the rest
  std::optional<size_t> chosen;       // index into candidates
  std::string none_reason;            // "no configuration meets ..." when chosen is empty
  std::string predictions_note;       // why no predictions were made, when none were
  bool RestsOnPrediction() const { return chosen && candidates[*chosen].predicted; }
};

// Throws UsageError for unknown models/platforms/precisions, non-positive budgets/SLOs/prices and
// a model without any usable measurement (nor enough rows to predict it).
Recommendation Recommend(store::Database& db, const RecommendRequest& req);

}  // namespace accelbench::predict
