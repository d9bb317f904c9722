#include "quant/plan_search.h"

#include <algorithm>
#include <map>

#include "core/errors.h"

namespace accelbench::quant {

Objective ParseObjective(std::string_view s) {
  if (s == "latency") return Objective::kLatency;
  if (s == "memory") return Objective::kMemory;
  throw UsageError("unknown objective '" + std::string(s) + "'; valid values are: latency, memory");
}

std::string_view ToString(Objective o) { return o == Objective::kLatency ? "latency" : "memory"; }

std::vector<RankedPlan> RankPlans(const PlanMeasurement& fp32,
                                  std::span<const GroupSensitivity> groups, double max_dev,
                                  Objective objective, int64_t int4_group_size) {
  // Options per group, in LayerGroups() order: fp32 plus every measured precision.
  std::vector<std::string> names;
  std::map<std::string, std::vector<const GroupSensitivity*>> options;
  for (const auto& g : LayerGroups())
    for (const auto& s : groups)
      if (s.group == g) {
        if (options[g].empty()) names.push_back(g);
        options[g].push_back(&s);
      }
  std::vector<RankedPlan> out;
  std::vector<size_t> choice(names.size(), 0);  // 0 = fp32, i = options[g][i - 1]
  while (true) {
    RankedPlan r;
    r.plan.int4_group_size = int4_group_size;
    r.predicted = fp32;
    bool lowered = false;
    for (size_t i = 0; i < names.size(); ++i) {
      if (choice[i] == 0) continue;
      const auto* s = options[names[i]][choice[i] - 1];
      r.plan.groups[names[i]] = s->precision;
      r.predicted.rel_dev += s->m.rel_dev;
      r.predicted.weight_bytes += s->m.weight_bytes - fp32.weight_bytes;
      r.predicted.latency_ms += s->m.latency_ms - fp32.latency_ms;
      lowered = true;
    }
    if (lowered && r.predicted.rel_dev <= max_dev) out.push_back(std::move(r));
    size_t i = 0;  // next assignment (odometer)
    for (; i < names.size(); ++i) {
      if (++choice[i] <= options[names[i]].size()) break;
      choice[i] = 0;
    }
    if (i == names.size()) break;
  }
  auto key = [objective](const RankedPlan& p) {
    const auto& m = p.predicted;
    return objective == Objective::kLatency ? std::tuple{m.latency_ms, m.weight_bytes, m.rel_dev}
                                            : std::tuple{m.weight_bytes, m.latency_ms, m.rel_dev};
  };
  std::stable_sort(out.begin(), out.end(),
                   [&](const RankedPlan& a, const RankedPlan& b) { return key(a) < key(b); });
  return out;
}

}  // namespace accelbench::quant
