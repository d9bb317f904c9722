// Aligned terminal table of the summary fields; numbers right-aligned, units in the headers.
#include <algorithm>

#include "report/reporter.h"

namespace accelbench::report {
namespace {

class TableReporter : public Reporter {
 public:
  void Report(std::span<const ResultRecord> records, std::ostream& out) const override {
    auto fields = SummaryFields();
    std::vector<std::vector<std::string>> cells;
    std::vector<size_t> width;
    for (const auto* f : fields) width.push_back(HeaderWithUnit(*f).size());
    for (const auto& r : records) {
      std::vector<std::string> row;
      for (size_t i = 0; i < fields.size(); ++i) {
        row.push_back(HumanText(fields[i]->get(r)));
        width[i] = std::max(width[i], row.back().size());
      }
      cells.push_back(std::move(row));
    }
    auto line = [&](const std::vector<std::string>& row, bool header) {
      std::string s;
      for (size_t i = 0; i < fields.size(); ++i) {
        bool right = !header && fields[i]->type != FieldType::kString;
        std::string pad(width[i] - row[i].size(), ' ');
        if (i) s += "  ";
        s += right ? pad + row[i] : row[i] + pad;
      }
      while (!s.empty() && s.back() == ' ') s.pop_back();
      out << s << "\n";
    };
    std::vector<std::string> header;
    for (const auto* f : fields) header.push_back(HeaderWithUnit(*f));
    line(header, true);
    std::vector<std::string> rule;
    for (size_t w : width) rule.push_back(std::string(w, '-'));
    line(rule, true);
    for (const auto& row : cells) line(row, false);
    if (records.empty()) out << "(no results)\n";
  }
};

}  // namespace

std::unique_ptr<Reporter> MakeTableReporter() { return std::make_unique<TableReporter>(); }

}  // namespace accelbench::report
