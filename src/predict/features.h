#pragma once
// One configuration as the predictor sees it: identity, analytic cost (FLOPs and bytes moved per
// step from the shapes-only lowering), the device's peaks, the roofline estimate, and the measured
// outcome when there is one. Rows are loaded from the results database (latest result of each
// configuration) or built for a configuration nobody measured.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "predict/peaks.h"

namespace accelbench::store {
class Database;
}

namespace accelbench::predict {

struct ConfigSpec {
  std::string model, preset, platform = "cpu", runtime = "libtorch", precision = "fp32",
                             mode = "inference";
  int64_t batch = 1;
  int64_t seq_len = 0;  // 0: the family takes no text (or its default)
  int64_t threads = 0;
  std::string host;
  std::string config_json;    // effective model config (overrides); empty: the preset's
  std::string Label() const;  // "bert/tiny cpu libtorch fp32 inference b8 s128"
  std::string PlatformKind() const { return platform.substr(0, platform.find(':')); }
};

struct ModelCost {
  double params = 0;
  double flops = 0;         // per step (model FLOPs, as models::Analyze counts them)
  double bytes = 0;         // weights once + activations written and read once, at the precision
  double weight_bytes = 0;  // params x bytes per element
};

struct Row {
  ConfigSpec cfg;
  ModelCost cost;
  Peaks peaks;
  double roofline_ms = 0;  // 0: no peak known
  // measured outcome (absent for a configuration nobody measured)
  std::string result_id;
  bool not_converged = false;
  std::optional<double> p50_ms, p99_ms, throughput, memory_mb, energy_j_per_item, rel_dev;
  std::string throughput_unit;
};

// Analytic cost of a configuration (shapes only; throws UsageError for unknown families/presets).
ModelCost CostOf(const ConfigSpec& c);
// max(FLOPs / peak FLOP/s, bytes / bandwidth) in ms; bandwidth term dropped when unknown; 0 when
// no FLOP peak is known.
double RooflineMs(const ModelCost& cost, const Peaks& peaks);
// Fills cost, peaks and roofline of `row.cfg` (vendor table only through `device_name`).
void Complete(store::Database& db, Row& row, const std::string& device_name = "");

// Latest result of every configuration with a p50 (status ok or not_converged), optionally only
// one model family; cost/peaks/roofline filled. Rows whose cost cannot be computed are skipped.
std::vector<Row> LoadMeasured(store::Database& db, const std::string& model = "");

// The feature vector (fixed order, FeatureNames()) and the learning target log(p50 / roofline).
const std::vector<std::string>& FeatureNames();
std::vector<float> Features(const Row& r);

}  // namespace accelbench::predict
