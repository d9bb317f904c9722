#include "quant/precision_plan.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/errors.h"

namespace accelbench::quant {
namespace {

bool Has(std::string_view s, std::string_view part) { return s.find(part) != s.npos; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void CheckGroup(const std::string& g) {
  const auto& all = LayerGroups();
  if (std::find(all.begin(), all.end(), g) == all.end())
    throw UsageError("unknown layer group '" + g + "' in precision plan; valid groups are: " +
                     JoinNames(all) + " (and 'default')");
}

}  // namespace

const std::vector<std::string>& LayerGroups() {
  static const std::vector<std::string> g{"embeddings", "attention", "mlp", "lm_head", "other"};
  return g;
}

std::string GroupOfParam(std::string_view n, bool linear) {
  if (Has(n, "lm_head") || Has(n, "output_projection")) return "lm_head";
  if (Has(n, "embed") || Has(n, "wte") || Has(n, "wpe")) return linear ? "lm_head" : "embeddings";
  if (!linear) return "embeddings";
  if (Has(n, "attn") || Has(n, "attention") || Has(n, "q_proj") || Has(n, "k_proj") ||
      Has(n, "v_proj") || Has(n, "o_proj") || Has(n, ".query") || Has(n, ".key") ||
      Has(n, ".value") || Has(n, "EncDecAttention") || Has(n, "SelfAttention"))
    return "attention";
  if (Has(n, "mlp") || Has(n, "intermediate") || Has(n, "fc1") || Has(n, "fc2") || Has(n, "ffn") ||
      Has(n, "feed_forward") || Has(n, "DenseReluDense") || Has(n, "output.dense") ||
      Has(n, "gate_proj") || Has(n, "up_proj") || Has(n, "down_proj"))
    return "mlp";
  return "other";
}

Precision PrecisionPlan::For(std::string_view group) const {
  auto it = groups.find(std::string(group));
  return it == groups.end() ? default_precision : it->second;
}

PrecisionPlan PrecisionPlan::Uniform(Precision p, int64_t int4_group_size) {
  PrecisionPlan plan;
  plan.default_precision = p;
  plan.int4_group_size = int4_group_size;
  return plan;
}

bool PrecisionPlan::Uses(Precision p) const {
  if (default_precision == p) return true;
  return std::any_of(groups.begin(), groups.end(), [p](const auto& kv) { return kv.second == p; });
}

PrecisionPlan PrecisionPlan::Parse(std::string_view text) {
  PrecisionPlan plan;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    std::string_view item = Trim(text.substr(0, comma));
    text = comma == text.npos ? std::string_view{} : text.substr(comma + 1);
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    if (eq == item.npos)
      throw UsageError("precision plan item '" + std::string(item) +
                       "' is not group=precision (e.g. attention=int8,mlp=int4)");
    const std::string group(Trim(item.substr(0, eq)));
    const Precision p = ParsePrecision(Trim(item.substr(eq + 1)));
    if (group == "default") {
      plan.default_precision = p;
    } else {
      CheckGroup(group);
      plan.groups[group] = p;
    }
  }
  return plan;
}

std::string PrecisionPlan::ToString() const {
  std::string out = "default=" + std::string(accelbench::ToString(default_precision));
  for (const auto& g : LayerGroups()) {
    auto it = groups.find(g);
    if (it != groups.end() && it->second != default_precision)
      out += "," + g + "=" + std::string(accelbench::ToString(it->second));
  }
  return out;
}

nlohmann::json PrecisionPlan::ToJson() const {
  nlohmann::json g = nlohmann::json::object();
  for (const auto& [name, p] : groups) g[name] = std::string(accelbench::ToString(p));
  return {{"default", std::string(accelbench::ToString(default_precision))},
          {"groups", g},
          {"int4_group_size", int4_group_size},
          {"int4_symmetric", int4_symmetric}};
}

PrecisionPlan PrecisionPlan::FromJson(const nlohmann::json& j) {
  if (!j.is_object()) throw UsageError("precision plan JSON must be an object");
  PrecisionPlan plan;
  try {
    if (j.contains("default"))
      plan.default_precision = ParsePrecision(j.at("default").get<std::string>());
    if (j.contains("groups"))
      for (const auto& [name, p] : j.at("groups").items()) {
        CheckGroup(name);
        plan.groups[name] = ParsePrecision(p.get<std::string>());
      }
    if (j.contains("int4_group_size"))
      plan.int4_group_size = j.at("int4_group_size").get<int64_t>();
    if (j.contains("int4_symmetric")) plan.int4_symmetric = j.at("int4_symmetric").get<bool>();
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(std::string("bad precision plan JSON: ") + e.what());
  }
  if (plan.int4_group_size < 2 || plan.int4_group_size % 2 != 0)
    throw UsageError("int4_group_size must be even and >= 2, got " +
                     std::to_string(plan.int4_group_size));
  return plan;
}

}  // namespace accelbench::quant
