#include "models/blocks/checks.h"

#include <sstream>
#include <stdexcept>

#include "core/errors.h"

namespace accelbench::models::blocks {

const Tensor& Require(const Inputs& in, std::string_view name, std::string_view family) {
  auto it = in.find(name);
  if (it == in.end() || !it->second)
    throw RuntimeError(std::string(family) + ": missing input '" + std::string(name) + "'");
  return it->second;
}

void RequirePositive(const Config& cfg, std::string_view key) {
  if (cfg.Int(key) <= 0)
    throw UsageError("config field '" + std::string(key) + "' must be positive, got " +
                     std::to_string(cfg.Int(key)));
}

void RequireDivisible(const Config& cfg, std::string_view a, std::string_view b) {
  RequirePositive(cfg, a);
  RequirePositive(cfg, b);
  if (cfg.Int(a) % cfg.Int(b) != 0)
    throw UsageError("config field '" + std::string(a) + "' (" + std::to_string(cfg.Int(a)) +
                     ") must be divisible by '" + std::string(b) + "' (" +
                     std::to_string(cfg.Int(b)) + ")");
}

std::vector<int64_t> ParseIntList(const std::string& text, const std::string& key) {
  std::vector<int64_t> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    try {
      size_t used = 0;
      const int64_t v = std::stoll(item, &used);
      if (used != item.size() || v <= 0) throw std::invalid_argument(item);
      out.push_back(v);
    } catch (const std::exception&) {
      throw UsageError("config field '" + key + "' must be a comma-separated list of positive " +
                       "integers, got '" + text + "'");
    }
  }
  if (out.empty()) throw UsageError("config field '" + key + "' is empty");
  return out;
}

}  // namespace accelbench::models::blocks
