#include "report/reporter.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/errors.h"

namespace accelbench::report {

std::unique_ptr<Reporter> MakeTableReporter();
std::unique_ptr<Reporter> MakeCsvReporter();
std::unique_ptr<Reporter> MakeJsonReporter();
std::unique_ptr<Reporter> MakeJsonlReporter();
std::unique_ptr<Reporter> MakeMarkdownReporter();

const std::vector<std::string>& ReporterFormats() {
  static const std::vector<std::string> f = {"table", "csv", "json", "jsonl", "md"};
  return f;
}

std::unique_ptr<Reporter> MakeReporter(std::string_view format) {
  if (format == "table") return MakeTableReporter();
  if (format == "csv") return MakeCsvReporter();
  if (format == "json") return MakeJsonReporter();
  if (format == "jsonl") return MakeJsonlReporter();
  if (format == "md" || format == "markdown") return MakeMarkdownReporter();
  throw UsageError("unknown format '" + std::string(format) +
                   "'; valid values are: " + JoinNames(ReporterFormats()));
}

std::string ExactText(const FieldValue& v) {
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (auto* d = std::get_if<double>(&v)) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *d);  // shortest round-trip form
    return ec == std::errc() ? std::string(buf, end) : std::string("nan");
  }
  return "";
}

std::string HumanText(const FieldValue& v) {
  if (std::holds_alternative<std::monostate>(v)) return "-";
  if (auto* d = std::get_if<double>(&v)) {
    char s[48];
    double a = std::fabs(*d);
    if (a != 0 && (a >= 1e7 || a < 1e-3))
      std::snprintf(s, sizeof s, "%.3e", *d);
    else if (a >= 100)
      std::snprintf(s, sizeof s, "%.1f", *d);
    else
      std::snprintf(s, sizeof s, "%.4g", *d);
    return s;
  }
  std::string out = ExactText(v);
  for (char& c : out)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return out;
}

std::string HeaderWithUnit(const FieldDef& f) {
  std::string h = f.name;
  if (f.unit && *f.unit) h += std::string(" (") + f.unit + ")";
  return h;
}

std::vector<const FieldDef*> SummaryFields() {
  std::vector<const FieldDef*> out;
  for (const auto& f : ResultFields())
    if (f.summary) out.push_back(&f);
  return out;
}

}  // namespace accelbench::report
