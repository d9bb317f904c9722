#include "models/lowering/linear_groups.h"

#include <map>
#include <set>

namespace accelbench::models {

std::vector<LinearGroup> SharedInputLinearGroups(const std::vector<MetaOps::LinearCall>& calls) {
  // Runs of consecutive Linear calls on one input tensor (other ops may come between them).
  std::vector<std::vector<const MetaOps::LinearCall*>> runs;
  for (const auto& c : calls) {
    if (runs.empty() || runs.back().front()->input.impl() != c.input.impl()) runs.emplace_back();
    runs.back().push_back(&c);
  }
  std::set<std::string> unusable;  // weights seen with two different biases
  std::map<std::string, std::string> bias_of;
  for (const auto& c : calls) {
    if (c.weight.empty()) continue;
    auto [it, fresh] = bias_of.try_emplace(c.weight, c.bias);
    if (!fresh && it->second != c.bias) unusable.insert(c.weight);
  }
  std::vector<LinearGroup> candidates;
  std::map<std::string, std::set<std::vector<std::string>>> groups_of;
  std::set<std::string> alone;  // weights of runs with a single projection
  for (const auto& run : runs) {
    LinearGroup g;
    std::set<std::string> seen;
    for (const MetaOps::LinearCall* c : run) {
      if (c->weight.empty() || !seen.insert(c->weight).second) continue;
      g.weights.push_back(c->weight);
      g.biases.push_back(c->bias);
    }
    if (g.weights.size() == 1) alone.insert(g.weights[0]);
    if (g.weights.size() < 2) continue;
    for (const auto& w : g.weights) groups_of[w].insert(g.weights);
    candidates.push_back(std::move(g));
  }
  // A weight in two different groups, or also used on its own, is not fused (computing its
  // whole group for one projection would be waste).
  std::vector<LinearGroup> out;
  std::set<std::vector<std::string>> emitted;
  for (auto& g : candidates) {
    bool ok = true;
    for (const auto& w : g.weights)
      ok = ok && !unusable.count(w) && groups_of[w].size() == 1 && !alone.count(w);
    if (ok && emitted.insert(g.weights).second) out.push_back(std::move(g));
  }
  return out;
}

}  // namespace accelbench::models
