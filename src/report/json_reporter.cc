// JSON (an array of objects) and JSON Lines (one object per line): every field, nulls as null.
#include <nlohmann/json.hpp>

#include "report/reporter.h"

namespace accelbench::report {

nlohmann::ordered_json RecordToJson(const ResultRecord& r) {
  nlohmann::ordered_json o = nlohmann::ordered_json::object();
  for (const auto& f : ResultFields()) {
    FieldValue v = f.get(r);
    if (auto* s = std::get_if<std::string>(&v))
      o[f.name] = *s;
    else if (auto* i = std::get_if<int64_t>(&v))
      o[f.name] = *i;
    else if (auto* d = std::get_if<double>(&v))
      o[f.name] = *d;
    else
      o[f.name] = nullptr;
  }
  return o;
}

namespace {

class JsonReporter : public Reporter {
 public:
  void Report(std::span<const ResultRecord> records, std::ostream& out) const override {
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    for (const auto& r : records) arr.push_back(RecordToJson(r));
    out << arr.dump(2) << "\n";
  }
};

class JsonlReporter : public Reporter {
 public:
  void Report(std::span<const ResultRecord> records, std::ostream& out) const override {
    for (const auto& r : records) out << RecordToJson(r).dump() << "\n";
  }
};

}  // namespace

std::unique_ptr<Reporter> MakeJsonReporter() { return std::make_unique<JsonReporter>(); }
std::unique_ptr<Reporter> MakeJsonlReporter() { return std::make_unique<JsonlReporter>(); }

}  // namespace accelbench::report
