// Internal to the store's importers (import.cc, import_parquet.cc): what a table-shaped file (CSV,
// Parquet) shares once its cells are typed values.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace accelbench::store::detail {

// model/preset/platform/runtime/precision/mode/bB/sS: the key of a row that has none.
std::string DeriveConfigKey(const ResultRecord& r);

// Fills what a row may leave out: a fresh result id, origin "imported:<format>", the import run
// (added to the batch once, by the caller, when `run_used` ends true), its start time and a
// configuration key derived from the row's own fields.
void FinishImportedRow(ResultRecord& r, const RunRecord& run, const std::string& format,
                       bool& run_used);

// The result fields named by a table's columns (a CSV header, a Parquet schema): an unknown name or
// a missing model/platform column is a UsageError at `where`.
std::vector<const FieldDef*> ResultColumns(const std::vector<std::string>& names,
                                           const std::string& where);

// The import run of one file (tags import_file, import_format).
RunRecord ImportRun(const std::string& path, const std::string& format);

// Our own `db export --format parquet` file: the results table, and its samples from the
// FILE.samples.parquet beside it when that exists. Read by DuckDB's Parquet reader.
Database::ImportBatch ParseParquetFile(const std::string& path);

}  // namespace accelbench::store::detail
