// Markdown table of the summary fields (GitHub-flavoured), units in the headers.
#include "report/reporter.h"

namespace accelbench::report {
namespace {

std::string MdCell(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

class MarkdownReporter : public Reporter {
 public:
  void Report(std::span<const ResultRecord> records, std::ostream& out) const override {
    auto fields = SummaryFields();
    out << "|";
    for (const auto* f : fields) out << " " << MdCell(HeaderWithUnit(*f)) << " |";
    out << "\n|";
    for (const auto* f : fields) out << (f->type == FieldType::kString ? " --- |" : " ---: |");
    out << "\n";
    for (const auto& r : records) {
      out << "|";
      for (const auto* f : fields) out << " " << MdCell(HumanText(f->get(r))) << " |";
      out << "\n";
    }
  }
};

}  // namespace

std::unique_ptr<Reporter> MakeMarkdownReporter() { return std::make_unique<MarkdownReporter>(); }

}  // namespace accelbench::report
