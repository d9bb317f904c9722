#pragma once
// The results database: DuckDB behind a small RAII API. One file holds runs, environments, models,
// results (columns generated from the ResultRecord field table), raw samples, failures and GEMM
// calibrations. Opening migrates older schemas forward; a newer schema is refused.
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"

namespace accelbench::store {

class Connection;

struct OpenOptions {
  bool read_only = false;
  double lock_timeout_s = 30;  // wait this long for another process's write lock
};

struct RunRecord {
  std::string run_id;
  std::string started_utc;         // ISO 8601 UTC; filled with now when empty
  std::string finished_utc;        // empty while running
  std::string status = "running";  // running | finished | interrupted | failed | imported
  std::map<std::string, std::string> tags;
  std::string command;                         // command line
  std::string requested_settings_json = "{}";  // what the user asked for
  std::string settings_json = "{}";            // effective (validated) settings
  std::string environment_json = "{}";         // hardware/software fingerprint
  std::string host;
  std::string accelbench_version;  // filled from this build when empty
  std::string accelbench_commit;
  std::vector<std::string> planned_config_keys;  // for resume / shard merge reports
};

struct ResultFilter {
  std::optional<std::string> run_id, model, preset, platform, runtime, precision, mode, config_key;
  std::optional<std::string> status;
  bool latest_only = false;  // one row per config_key (the newest)
  int64_t limit = 0;         // 0 = no limit
};

// A value of a query cell: null, text, integer or real.
using Value = FieldValue;
std::string ValueToString(const Value& v);  // "" for null; reals in shortest round-trip form

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
};

struct RunSummary {
  RunRecord run;
  int64_t results = 0, failed = 0;
};

struct MergeReport {
  int64_t runs_added = 0, results_added = 0, samples_added = 0;
  int64_t predictions_added = 0, autotune_rows_added = 0;  // predictions, webgpu_autotune
  // run_id -> config keys the run planned but no result has
  std::map<std::string, std::vector<std::string>> missing;
};

// Opening waits (retry with backoff) up to lock_timeout_s while another process holds the file;
// DuckDB allows one read-write process per file, and a reader also waits for a writer. Refuses
// non-DuckDB files, DuckDB files without accelbench's schema, and newer schema versions; migrates
// older ones (reported on stderr). Every method throws RuntimeError with DuckDB's message.
class Database {
 public:
  static Database Open(const std::string& path, const OpenOptions& options = {});
  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  ~Database();

  // Throws RuntimeError when the run id exists (a resumed run keeps its row: check Run(id) first).
  void InsertRun(const RunRecord& run);
  void FinishRun(const std::string& run_id, const std::string& status);
  void SetPlannedConfigKeys(const std::string& run_id, const std::vector<std::string>& keys);
  // One transaction: the result row + its raw samples (+ a failures row when failed).
  void InsertResult(const ResultRecord& r, std::span<const double> samples_ms);
  std::set<std::string> CompletedConfigKeys(const std::string& run_id);
  std::vector<ResultRecord> Results(const ResultFilter& f = {});
  std::vector<double> Samples(const std::string& result_id);
  std::vector<RunSummary> Runs();
  std::optional<RunRecord> Run(const std::string& run_id);
  void StoreCalibration(const std::string& device, const std::string& precision, double flops);
  std::optional<double> LookupCalibration(const std::string& device, const std::string& precision);
  // STREAM-triad memory bandwidth of a device (issue 8): a calibrations row with precision
  // 'stream_triad', gemm_flops NULL, mem_bandwidth in bytes/s.
  void StoreMemoryBandwidth(const std::string& device, double bytes_per_s);
  std::optional<double> LookupMemoryBandwidth(const std::string& device);
  QueryResult Query(const std::string& sql);
  int SchemaVersion();
  const std::string& path() const { return path_; }
  // Throws UsageError when `output` names this database's file or its WAL (a report or export
  // written there would replace the database), with `what` ("report", "export") in the message.
  void RefuseAsOutput(const std::string& output, const std::string& what) const;

  // Bulk import: runs, results and samples in ONE transaction (all or nothing). Rows whose ids
  // already exist are skipped. Returns the number of results added.
  struct ImportBatch {
    std::vector<RunRecord> runs;
    std::vector<ResultRecord> results;
    std::map<std::string, std::vector<double>> samples_ms;  // result_id -> samples
  };
  int64_t Import(const ImportBatch& batch);
  // Adds the rows of other databases that this one lacks (by id); the others are not modified.
  MergeReport Merge(const std::vector<std::string>& other_paths);
  // Checks one merge source and returns its schema version; throws with the reason.
  int ProbeMergeSource(const std::string& other) const;
  // Missing planned configurations per run (runs that recorded planned_config_keys).
  std::map<std::string, std::vector<std::string>> MissingPlanned();

  Connection& connection();
  // Another handle on the same open file with its own DuckDB connection, so that two threads can
  // query at once (one thread per handle). The file stays open while any handle lives.
  Database NewSession() const;
  struct Impl;  // internal (database_impl.h)

 private:
  Database();
  std::unique_ptr<Impl> impl_;
  std::string path_;
};

// Random 128-bit id (std::random_device) formatted as a version-4 UUID.
std::string NewUuid();
// Current UTC time as ISO 8601 with milliseconds ("2026-11-27T18:03:39.123Z").
std::string NowUtc();

}  // namespace accelbench::store
