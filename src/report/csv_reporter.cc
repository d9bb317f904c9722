// CSV (RFC 4180): every field, header row = field names, nulls as empty cells.
#include "report/reporter.h"

namespace accelbench::report {
namespace {

std::string CsvCell(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

class CsvReporter : public Reporter {
 public:
  void Report(std::span<const ResultRecord> records, std::ostream& out) const override {
    const auto& fields = ResultFields();
    for (size_t i = 0; i < fields.size(); ++i) out << (i ? "," : "") << fields[i].name;
    out << "\n";
    for (const auto& r : records) {
      for (size_t i = 0; i < fields.size(); ++i)
        out << (i ? "," : "") << CsvCell(ExactText(fields[i].get(r)));
      out << "\n";
    }
  }
};

}  // namespace

std::unique_ptr<Reporter> MakeCsvReporter() { return std::make_unique<CsvReporter>(); }

}  // namespace accelbench::report
