#pragma once
// The search of `accelbench tune-precision`: from each layer group's measured sensitivity (the
// output deviation, weight bytes and latency of the plan that lowers only that group), rank the
// plans that lower several groups. Plan figures are PREDICTED by adding the single-group deltas;
// the command then measures the chosen plan before it accepts it.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/enums.h"
#include "quant/precision_plan.h"

namespace accelbench::quant {

enum class Objective { kLatency, kMemory };
Objective ParseObjective(std::string_view s);  // latency|memory; UsageError
std::string_view ToString(Objective o);

struct PlanMeasurement {  // one measured plan
  double rel_dev = 0;     // output_rel_dev vs fp32
  double weight_bytes = 0;
  double latency_ms = 0;  // median step time
};

struct GroupSensitivity {  // the plan lowering `group` to `precision`, all else fp32
  std::string group;
  Precision precision = Precision::kInt8;
  PlanMeasurement m;
};

struct RankedPlan {
  PrecisionPlan plan;
  PlanMeasurement predicted;  // additive prediction from the single-group measurements
};

// Every assignment of fp32 / int8 / int4 (those measured) to the measured groups that lowers at
// least one group and whose predicted deviation is <= max_dev, best predicted objective first
// (ties: the other objective, then lower deviation). Empty when none is predicted to fit.
std::vector<RankedPlan> RankPlans(const PlanMeasurement& fp32,
                                  std::span<const GroupSensitivity> groups, double max_dev,
                                  Objective objective, int64_t int4_group_size = 64);

}  // namespace accelbench::quant
