#pragma once
// Reporters render ResultRecords in one format each (table, csv, json, jsonl, md). Every format is
// generated from the ResultRecord field table (core/result.h), so columns cannot drift apart.
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace accelbench::report {

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void Report(std::span<const ResultRecord> records, std::ostream& out) const = 0;
};

// Formats: "table", "csv", "json", "jsonl", "md". Unknown -> UsageError listing the valid ones.
std::unique_ptr<Reporter> MakeReporter(std::string_view format);
const std::vector<std::string>& ReporterFormats();

// Shared value formatting.
// Exact text of a value for machine formats: "" for null, shortest round-trip form for reals.
std::string ExactText(const FieldValue& v);
// Human text for the terminal/Markdown tables: reals with 4 significant digits, "-" for null.
std::string HumanText(const FieldValue& v);
// Column header "name (unit)" (unit omitted when dimensionless).
std::string HeaderWithUnit(const FieldDef& f);
// Fields shown in the summary tables (FieldDef::summary).
std::vector<const FieldDef*> SummaryFields();

}  // namespace accelbench::report
