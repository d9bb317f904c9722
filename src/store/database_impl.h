#pragma once
// Internals shared by the Database implementation files (not part of the public API).
#include <memory>
#include <optional>
#include <string>

#include "store/database.h"
#include "store/duck.h"

namespace accelbench::store {

struct Database::Impl {
  std::shared_ptr<DuckDatabase> db;  // shared by the sessions of one open file
  std::unique_ptr<Connection> conn;
  std::unique_ptr<Statement> insert_result;  // prepared lazily
  bool read_only = false;
  double lock_timeout_s = 30;
};

namespace detail {
// Writers that run inside the caller's transaction.
void WriteRun(Connection& c, const RunRecord& run);
void WriteResult(Database::Impl& impl, const ResultRecord& r, std::span<const double> samples_ms);
bool ResultExists(Connection& c, const std::string& result_id);
bool RunExists(Connection& c, const std::string& run_id);
// Checks that an existing file is a DuckDB database without modifying it.
void CheckDuckDbFile(const std::string& path);
std::string Fnv1aHex(std::string_view s);
// Opens the file, waiting with backoff while another process holds its lock (clear message after
// options.lock_timeout_s).
std::unique_ptr<DuckDatabase> OpenWithRetry(const std::string& path, const OpenOptions& options);
}  // namespace detail

}  // namespace accelbench::store
