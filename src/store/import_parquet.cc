// db import of our own Parquet export (`db export --format parquet -o FILE`): FILE holds result
// rows under the typed record's column names, FILE.samples.parquet the raw samples. DuckDB's own
// Parquet reader reads both, in a private in-memory database; nothing is written anywhere.
#include <filesystem>
#include <set>
#include <variant>

#include "core/errors.h"
#include "store/duck.h"
#include "store/import_rows.h"

namespace accelbench::store::detail {
namespace {

[[noreturn]] void Fail(const std::string& where, const std::string& what) {
  throw UsageError(where + ": " + what);
}

Result Read(Connection& c, const std::string& path, const std::string& select,
            const std::string& rest = "") {
  try {
    return c.Query(select + " FROM read_parquet(" + SqlQuote(path) + ")" + rest);
  } catch (const std::exception& e) {
    Fail(path, std::string("not a readable Parquet file (") + e.what() + ")");
  }
}

// A cell as the field's type: Parquet keeps BIGINT, DOUBLE and VARCHAR as the export wrote them;
// a whole-number double in an integer column (another tool's file) is accepted, nothing else.
FieldValue Typed(const FieldDef& f, FieldValue v, const std::string& where) {
  if (std::holds_alternative<std::monostate>(v)) return v;
  const auto bad = [&](const char* want) {
    Fail(where, std::string("column ") + f.name + " must be " + want);
  };
  switch (f.type) {
    case FieldType::kString:
      if (!std::holds_alternative<std::string>(v)) bad("text");
      return v;
    case FieldType::kInt:
      if (auto* d = std::get_if<double>(&v)) {
        if (!(*d >= -9.2e18 && *d <= 9.2e18) || *d != static_cast<double>(static_cast<int64_t>(*d)))
          bad("an integer");
        return static_cast<int64_t>(*d);
      }
      if (!std::holds_alternative<int64_t>(v)) bad("an integer");
      return v;
    default:
      if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
      if (!std::holds_alternative<double>(v)) bad("a number");
      return v;
  }
}

}  // namespace

Database::ImportBatch ParseParquetFile(const std::string& path) {
  DuckDatabase mem("", false);  // in memory
  Connection c(mem);
  Result res = Read(c, path, "SELECT *");
  std::vector<std::string> names;
  for (size_t i = 0; i < res.Columns(); ++i) names.push_back(res.ColumnName(i));
  if (names == std::vector<std::string>{"result_id", "metric", "iteration", "latency_ms"})
    Fail(path,
         "this is a samples file; import the results file it belongs to (its samples come "
         "along)");
  const std::vector<const FieldDef*> cols = ResultColumns(names, path);

  Database::ImportBatch b;
  RunRecord run = ImportRun(path, "parquet");
  bool run_used = false;
  std::set<std::string> ids;
  for (size_t row = 0; row < res.Rows(); ++row) {
    const std::string where = path + ": row " + std::to_string(row + 1);
    ResultRecord r;
    r.origin = "";
    for (size_t col = 0; col < cols.size(); ++col) {
      const FieldDef& f = *cols[col];
      try {
        f.set(r, Typed(f, res.Get(col, row), where));
      } catch (const UsageError&) {
        throw;
      } catch (const std::exception& e) {
        Fail(where, e.what());
      }
    }
    FinishImportedRow(r, run, "parquet", run_used);
    ids.insert(r.result_id);
    b.results.push_back(std::move(r));
  }
  if (run_used) b.runs.push_back(run);

  const std::string samples_path = path + ".samples.parquet";
  std::error_code ec;
  if (std::filesystem::exists(samples_path, ec)) {
    Result s = Read(c, samples_path, "SELECT result_id, latency_ms",
                    " WHERE metric = 'latency_ms' ORDER BY result_id, iteration");
    for (size_t row = 0; row < s.Rows(); ++row) {
      const std::string id = s.String(0, row);
      if (!ids.count(id) || s.IsNull(1, row)) continue;
      b.samples_ms[id].push_back(s.Real(1, row));
    }
  }
  return b;
}

}  // namespace accelbench::store::detail
