// The ComparisonRecord field table and its writers (table, csv, json, jsonl, md), formatted with
// the same value rules as the ResultRecord reporters (report/reporter.h).
#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>

#include "analysis/compare.h"
#include "core/errors.h"
#include "report/reporter.h"

namespace accelbench::analysis {
namespace {

using C = ComparisonRecord;
FieldValue Opt(const std::optional<double>& v) {
  if (!v) return std::monostate{};
  return *v;
}

}  // namespace

const std::vector<ComparisonField>& ComparisonFields() {
  static const std::vector<ComparisonField> f = {
      {"kind", FieldType::kString, "",
       [](const C& c) -> FieldValue { return std::string(ToString(c.kind)); }},
      {"model", FieldType::kString, "", [](const C& c) -> FieldValue { return c.model; }},
      {"preset", FieldType::kString, "", [](const C& c) -> FieldValue { return c.preset; }},
      {"mode", FieldType::kString, "", [](const C& c) -> FieldValue { return c.mode; }},
      {"batch", FieldType::kInt, "", [](const C& c) -> FieldValue { return c.batch; }},
      {"seq_len", FieldType::kInt, "", [](const C& c) -> FieldValue { return c.seq_len; }},
      {"platform", FieldType::kString, "", [](const C& c) -> FieldValue { return c.platform; }},
      {"runtime", FieldType::kString, "", [](const C& c) -> FieldValue { return c.runtime; }},
      {"precision", FieldType::kString, "", [](const C& c) -> FieldValue { return c.precision; }},
      {"reference", FieldType::kString, "", [](const C& c) -> FieldValue { return c.reference; }},
      {"value", FieldType::kReal, "x", [](const C& c) { return Opt(c.value); }},
      {"ci_low", FieldType::kReal, "x", [](const C& c) { return Opt(c.ci_low); }},
      {"ci_high", FieldType::kReal, "x", [](const C& c) { return Opt(c.ci_high); }},
      {"metric", FieldType::kString, "", [](const C& c) -> FieldValue { return c.metric_name; }},
      {"value_candidate", FieldType::kReal, "", [](const C& c) { return Opt(c.metric); }},
      {"value_reference", FieldType::kReal, "", [](const C& c) { return Opt(c.reference_metric); }},
      {"output_max_abs_dev", FieldType::kReal, "",
       [](const C& c) { return Opt(c.output_max_abs_dev); }},
      {"output_rel_dev", FieldType::kReal, "", [](const C& c) { return Opt(c.output_rel_dev); }},
      {"flags", FieldType::kString, "", [](const C& c) -> FieldValue { return c.flags; }},
      {"result_id", FieldType::kString, "", [](const C& c) -> FieldValue { return c.result_id; }},
      {"reference_result_id", FieldType::kString, "",
       [](const C& c) -> FieldValue { return c.reference_result_id; }},
  };
  return f;
}

void WriteComparisons(std::span<const ComparisonRecord> rows, std::string_view format,
                      std::ostream& out) {
  const auto& fields = ComparisonFields();
  auto header = [](const ComparisonField& f) {
    std::string h = f.name;
    if (*f.unit) h += std::string(" (") + f.unit + ")";
    return h;
  };
  // The human tables leave out the ids (long and only useful to machines).
  std::vector<const ComparisonField*> human;
  for (const auto& f : fields)
    if (std::string_view(f.name).find("result_id") == std::string_view::npos) human.push_back(&f);
  if (format == "json" || format == "jsonl") {
    auto arr = nlohmann::ordered_json::array();
    for (const auto& r : rows) {
      nlohmann::ordered_json o;
      for (const auto& f : fields) {
        auto v = f.get(r);
        if (auto* s = std::get_if<std::string>(&v))
          o[f.name] = *s;
        else if (auto* i = std::get_if<int64_t>(&v))
          o[f.name] = *i;
        else if (auto* d = std::get_if<double>(&v))
          o[f.name] = *d;
        else
          o[f.name] = nullptr;
      }
      if (format == "jsonl")
        out << o.dump() << "\n";
      else
        arr.push_back(std::move(o));
    }
    if (format == "json") out << arr.dump(2) << "\n";
  } else if (format == "csv") {
    auto quote = [](const std::string& s) {
      if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
      std::string q = "\"";
      for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      return q + "\"";
    };
    for (size_t i = 0; i < fields.size(); ++i) out << (i ? "," : "") << fields[i].name;
    out << "\n";
    for (const auto& r : rows) {
      for (size_t i = 0; i < fields.size(); ++i)
        out << (i ? "," : "") << quote(report::ExactText(fields[i].get(r)));
      out << "\n";
    }
  } else if (format == "md" || format == "markdown") {
    auto cell = [](std::string s) {
      std::string o;
      for (char ch : s) o += ch == '|' ? std::string("\\|") : std::string(1, ch == '\n' ? ' ' : ch);
      return o;
    };
    out << "|";
    for (const auto* f : human) out << " " << cell(header(*f)) << " |";
    out << "\n|";
    for (const auto* f : human) out << (f->type == FieldType::kString ? " --- |" : " ---: |");
    out << "\n";
    for (const auto& r : rows) {
      out << "|";
      for (const auto* f : human) out << " " << cell(report::HumanText(f->get(r))) << " |";
      out << "\n";
    }
  } else if (format == "table") {
    std::vector<std::vector<std::string>> cells;
    std::vector<size_t> width;
    for (const auto* f : human) width.push_back(header(*f).size());
    for (const auto& r : rows) {
      auto& row = cells.emplace_back();
      for (size_t i = 0; i < human.size(); ++i) {
        row.push_back(report::HumanText(human[i]->get(r)));
        width[i] = std::max(width[i], row.back().size());
      }
    }
    auto line = [&](auto cell_of) {
      for (size_t i = 0; i < human.size(); ++i) {
        std::string s = cell_of(i);
        bool right = human[i]->type != FieldType::kString;
        std::string pad(width[i] - std::min(width[i], s.size()), ' ');
        out << (i ? "  " : "") << (right ? pad + s : s + (i + 1 < human.size() ? pad : ""));
      }
      out << "\n";
    };
    line([&](size_t i) { return header(*human[i]); });
    for (const auto& row : cells) line([&](size_t i) { return row[i]; });
  } else {
    throw UsageError("unknown format '" + std::string(format) +
                     "'; valid values are: table, csv, json, jsonl, md");
  }
}

}  // namespace accelbench::analysis
