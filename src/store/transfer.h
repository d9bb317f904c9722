#pragma once
// Export of results (csv, json, jsonl, parquet) and import of historical result files.
//
// Export formats (the export carries schema_version so any later accelbench can import it):
//   json    {"format": "accelbench-export", "schema_version": N, "exported_utc": ..., "runs":
//   [...],
//            "results": [{<every result field>, "samples_ms": [...]}, ...]}
//   jsonl   line 1: {"format": "accelbench-export", "schema_version": N, ...}; then one
//           {"run": {...}} line per run and one {"result": {..., "samples_ms": [...]}} per result
//   csv     FILE: header = result field names, one row per result; samples in FILE.samples.csv
//           (result_id, metric, iteration, latency_ms)
//   parquet FILE: the results table; samples in FILE.samples.parquet
// Import (format detected from the content):
//   accelbench json/jsonl exports of any schema version <= current (ids and samples kept, so
//   re-importing adds nothing); JSON arrays / JSON Lines of result objects as printed by
//   `db show --format json|jsonl`; CSV whose header is result field names (any subset containing
//   model and platform); and the Python IPFS Accelerate framework's result files (see import.cc).
#include <string>
#include <vector>

#include "store/database.h"

namespace accelbench::store {

struct ExportOptions {
  std::string format = "json";  // csv | json | jsonl | parquet
  std::string output;           // file path
  ResultFilter filter;
};

// Writes the export; returns the files written (the main file first).
std::vector<std::string> ExportResults(Database& db, const ExportOptions& options);

// Parses one file into an import batch (nothing is written). Throws UsageError
// "FILE: line L: problem" or "FILE: record N: problem" for malformed input. `format` receives a
// short name of the detected format ("accelbench-json", "csv", "ipfs-test-runs", ...).
Database::ImportBatch ParseImportFile(const std::string& path, std::string* format = nullptr);

// Parses every file, then writes all of them in ONE transaction: a malformed file leaves the
// database unchanged. Returns the number of results added.
int64_t ImportFiles(Database& db, const std::vector<std::string>& paths);

}  // namespace accelbench::store
