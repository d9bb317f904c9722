#include "store/csv.h"

#include "core/errors.h"

namespace accelbench::store {

std::vector<CsvRow> ParseCsv(const std::string& text, const std::string& name) {
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string cell;
  int line = 1;
  row.line = 1;
  bool quoted = false, any = false;
  int quote_line = 0;
  auto end_record = [&] {
    row.cells.push_back(cell);
    cell.clear();
    bool blank = row.cells.size() == 1 && row.cells[0].empty() && !any;
    if (!blank) rows.push_back(std::move(row));
    row = CsvRow{};
    any = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        cell += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      any = true;
      quote_line = line;
    } else if (c == ',') {
      row.cells.push_back(cell);
      cell.clear();
      any = true;
    } else if (c == '\r') {
      // tolerate CRLF
    } else if (c == '\n') {
      end_record();
      ++line;
      row.line = line;
    } else {
      cell += c;
      any = true;
    }
  }
  if (quoted)
    throw UsageError(name + ": line " + std::to_string(quote_line) + ": unterminated quoted cell");
  if (any || !cell.empty()) end_record();
  return rows;
}

}  // namespace accelbench::store
