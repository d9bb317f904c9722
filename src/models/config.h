#pragma once
// Model configurations are data: a preset is a named set of fields, and any field can be
// overridden (`--set hidden_size=1024`). Unknown fields are a usage error.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace accelbench::models {

using ConfigValue = std::variant<int64_t, double, bool, std::string>;

class Config {
 public:
  Config() = default;
  Config(std::initializer_list<std::pair<const std::string, ConfigValue>> fields)
      : fields_(fields) {}

  int64_t Int(std::string_view key) const;
  double Real(std::string_view key) const;  // ints convert
  bool Bool(std::string_view key) const;
  const std::string& Str(std::string_view key) const;
  bool Has(std::string_view key) const { return fields_.contains(std::string(key)); }

  void Set(const std::string& key, ConfigValue v) { fields_[key] = std::move(v); }
  // Parses "key=value" and overrides an existing field with a value of the same type.
  // Throws UsageError for unknown keys (listing the valid ones) or ill-typed values.
  void Override(std::string_view assignment);

  const std::map<std::string, ConfigValue, std::less<>>& Fields() const { return fields_; }
  std::string ToJson() const;

 private:
  const ConfigValue& Get(std::string_view key) const;
  std::map<std::string, ConfigValue, std::less<>> fields_;
};

std::string ToString(const ConfigValue& v);

}  // namespace accelbench::models
