#include "models/config.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "core/errors.h"

namespace accelbench::models {

const ConfigValue& Config::Get(std::string_view key) const {
  auto it = fields_.find(key);
  if (it == fields_.end()) throw RuntimeError("model config has no field '" + std::string(key) + "'");
  return it->second;
}

int64_t Config::Int(std::string_view key) const {
  const auto& v = Get(key);
  if (auto* i = std::get_if<int64_t>(&v)) return *i;
  if (auto* b = std::get_if<bool>(&v)) return *b ? 1 : 0;
  throw RuntimeError("model config field '" + std::string(key) + "' is not an integer");
}

double Config::Real(std::string_view key) const {
  const auto& v = Get(key);
  if (auto* d = std::get_if<double>(&v)) return *d;
  if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  throw RuntimeError("model config field '" + std::string(key) + "' is not a number");
}

bool Config::Bool(std::string_view key) const {
  const auto& v = Get(key);
  if (auto* b = std::get_if<bool>(&v)) return *b;
  if (auto* i = std::get_if<int64_t>(&v)) return *i != 0;
  throw RuntimeError("model config field '" + std::string(key) + "' is not a boolean");
}

const std::string& Config::Str(std::string_view key) const {
  const auto& v = Get(key);
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  throw RuntimeError("model config field '" + std::string(key) + "' is not a string");
}

void Config::Override(std::string_view assignment) {
  auto eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0)
    throw UsageError("--set expects key=value, got '" + std::string(assignment) + "'");
  std::string key(assignment.substr(0, eq));
  std::string value(assignment.substr(eq + 1));
  auto it = fields_.find(key);
  if (it == fields_.end()) {
    std::vector<std::string> names;
    for (const auto& [k, v] : fields_) names.push_back(k);
    throw UsageError("unknown config field '" + key + "'; valid fields are: " + JoinNames(names));
  }
  auto bad = [&](const char* type) {
    return UsageError("config field '" + key + "' expects " + type + ", got '" + value + "'");
  };
  std::visit(
      [&](auto& cur) {
        using V = std::decay_t<decltype(cur)>;
        if constexpr (std::is_same_v<V, int64_t>) {
          int64_t x{};
          auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), x);
          if (ec != std::errc() || p != value.data() + value.size()) throw bad("an integer");
          cur = x;
        } else if constexpr (std::is_same_v<V, double>) {
          try {
            size_t pos = 0;
            double x = std::stod(value, &pos);
            if (pos != value.size()) throw bad("a number");
            cur = x;
          } catch (const std::logic_error&) {
            throw bad("a number");
          }
        } else if constexpr (std::is_same_v<V, bool>) {
          if (value == "true" || value == "1") cur = true;
          else if (value == "false" || value == "0") cur = false;
          else throw bad("true or false");
        } else {
          cur = value;
        }
      },
      it->second);
}

std::string ToString(const ConfigValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using V = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<V, std::string>) return x;
        else if constexpr (std::is_same_v<V, bool>) return x ? "true" : "false";
        else return nlohmann::json(x).dump();
      },
      v);
}

std::string Config::ToJson() const {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& field : fields_) {
    const std::string& k = field.first;  // (clang 14 cannot capture structured bindings)
    std::visit([&](const auto& x) { j[k] = x; }, field.second);
  }
  return j.dump();
}

}  // namespace accelbench::models
