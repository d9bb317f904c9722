#pragma once
// Minimal RFC 4180 CSV reader that remembers the line each record starts on.
#include <string>
#include <vector>

namespace accelbench::store {

struct CsvRow {
  int line = 0;  // 1-based line where the record starts
  std::vector<std::string> cells;
};

// Throws UsageError "NAME: line L: ..." on an unterminated quoted cell.
std::vector<CsvRow> ParseCsv(const std::string& text, const std::string& name);

}  // namespace accelbench::store
