// Database::Import, Database::Merge and the missing-configuration report.
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "store/database.h"
#include "store/database_impl.h"
#include "store/schema.h"

namespace accelbench::store {

namespace fs = std::filesystem;

int64_t Database::Import(const ImportBatch& batch) {
  Connection& c = *impl_->conn;
  Transaction t(c);
  for (const auto& run : batch.runs)
    if (!detail::RunExists(c, run.run_id)) detail::WriteRun(c, run);
  int64_t added = 0;
  for (const auto& r : batch.results) {
    if (detail::ResultExists(c, r.result_id)) continue;
    auto it = batch.samples_ms.find(r.result_id);
    std::span<const double> s;
    if (it != batch.samples_ms.end()) s = it->second;
    detail::WriteResult(*impl_, r, s);
    ++added;
  }
  t.Commit();
  return added;
}

namespace {

int64_t Count(Connection& c, const std::string& table) {
  return c.Query("SELECT count(*) FROM " + table).Int(0, 0);
}

// A temporary copy of a database file, removed on destruction.
struct TempCopy {
  std::string path;
  ~TempCopy() {
    std::error_code ec;
    if (!path.empty()) {
      fs::remove(path, ec);
      fs::remove(path + ".wal", ec);
    }
  }
};

}  // namespace

void Database::RefuseAsOutput(const std::string& output, const std::string& what) const {
  if (output.empty()) return;
  std::error_code ec;
  // The same file (a link or another spelling), or the WAL's name: no WAL exists after a clean
  // close, and a file written under its name would be replayed into the database at its next open.
  const bool db = fs::equivalent(output, path_, ec);
  const auto full = [&ec](const std::string& p) {
    return fs::weakly_canonical(fs::absolute(p), ec);
  };
  const bool wal =
      full(output) == full(path_ + ".wal") || fs::equivalent(output, path_ + ".wal", ec);
  if (db || wal)
    throw UsageError(what + " output " + output + " is the database " + path_ +
                     (db ? "" : "'s WAL") + "; choose another file");
}

int Database::ProbeMergeSource(const std::string& other) const {
  std::error_code ec;
  if (!fs::exists(other, ec)) throw RuntimeError("database " + other + " does not exist");
  if (fs::equivalent(other, path_, ec)) throw UsageError("cannot merge " + other + " into itself");
  detail::CheckDuckDbFile(other);
  OpenOptions ro;
  ro.read_only = true;
  ro.lock_timeout_s = impl_->lock_timeout_s;
  int v = 0;
  {
    auto probe = detail::OpenWithRetry(other, ro);  // waits for a writer holding it
    Connection pc(*probe);
    v = ReadSchemaVersion(pc);
  }
  if (v <= 0) throw RuntimeError(other + " is not an accelbench database");
  if (v > kSchemaVersion)
    throw RuntimeError("database " + other + " has schema version " + std::to_string(v) +
                       ", newer than this accelbench supports (" + std::to_string(kSchemaVersion) +
                       ")");
  return v;
}

MergeReport Database::Merge(const std::vector<std::string>& other_paths) {
  Connection& c = *impl_->conn;
  MergeReport rep;
  // Every source is checked (present, not this database, a DuckDB file, an accelbench schema this
  // build can read) before any is merged: a bad one named last leaves this database unchanged.
  std::vector<int> versions;
  for (const auto& other : other_paths) versions.push_back(ProbeMergeSource(other));
  for (size_t i = 0; i < other_paths.size(); ++i) {
    const std::string& other = other_paths[i];
    std::error_code ec;
    // An older source is migrated in a temporary copy so the file given is never modified.
    TempCopy tmp;
    std::string source = other;
    {
      const int v = versions[i];
      if (v < kSchemaVersion) {
        tmp.path = (fs::temp_directory_path() /
                    ("accelbench-merge-" + std::to_string(getpid()) + "-" + NewUuid() + ".duckdb"))
                       .string();
        fs::copy_file(other, tmp.path);
        if (fs::exists(other + ".wal", ec)) fs::copy_file(other + ".wal", tmp.path + ".wal");
        { Database m = Open(tmp.path); }
        source = tmp.path;
      }
    }
    c.Exec("ATTACH " + SqlQuote(source) + " AS merge_src (READ_ONLY)");
    struct Detach {
      Connection& c;
      ~Detach() {
        try {
          c.Exec("DETACH merge_src");
        } catch (...) {
        }
      }
    } detach{c};
    int64_t runs0 = Count(c, "runs"), res0 = Count(c, "results"), smp0 = Count(c, "samples");
    int64_t pred0 = Count(c, "predictions"), tune0 = Count(c, "webgpu_autotune");
    Transaction t(c);
    c.Exec(
        "INSERT INTO environments BY NAME SELECT * FROM merge_src.environments s WHERE "
        "s.environment_id NOT IN (SELECT environment_id FROM environments)");
    c.Exec(
        "INSERT INTO runs BY NAME SELECT * FROM merge_src.runs s WHERE s.run_id NOT IN (SELECT "
        "run_id FROM runs)");
    c.Exec(
        "INSERT INTO models BY NAME SELECT * FROM merge_src.models s WHERE s.model_id NOT IN "
        "(SELECT model_id FROM models)");
    // Children before parents: samples and failures of results this database lacks.
    c.Exec(
        "INSERT INTO samples BY NAME SELECT * FROM merge_src.samples s WHERE s.result_id NOT IN "
        "(SELECT result_id FROM results)");
    c.Exec(
        "INSERT INTO failures BY NAME SELECT * FROM merge_src.failures s WHERE s.result_id NOT IN "
        "(SELECT result_id FROM results)");
    std::string cols;
    for (const auto& f : ResultFields()) cols += (cols.empty() ? "" : ", ") + SqlIdent(f.name);
    c.Exec("INSERT INTO results (" + cols + ") SELECT " + cols +
           " FROM merge_src.results s WHERE s.result_id NOT IN (SELECT result_id FROM results)");
    c.Exec(
        "INSERT INTO calibrations BY NAME SELECT * FROM merge_src.calibrations s WHERE NOT EXISTS "
        "(SELECT 1 FROM calibrations k WHERE k.device = s.device AND k.precision = s.precision "
        "AND k.measured_utc IS NOT DISTINCT FROM s.measured_utc)");
    // Predictions (labelled as such in their own table) and WebGPU workgroup autotuning rows:
    // a prediction by its id, an autotune measurement by everything that identifies it.
    c.Exec(
        "INSERT INTO predictions BY NAME SELECT * FROM merge_src.predictions s WHERE "
        "s.prediction_id NOT IN (SELECT prediction_id FROM predictions)");
    c.Exec(
        "INSERT INTO webgpu_autotune BY NAME SELECT * FROM merge_src.webgpu_autotune s WHERE NOT "
        "EXISTS (SELECT 1 FROM webgpu_autotune k WHERE k.run_id IS NOT DISTINCT FROM s.run_id AND "
        "k.browser = s.browser AND k.adapter_architecture = s.adapter_architecture AND k.kernel = "
        "s.kernel AND k.problem IS NOT DISTINCT FROM s.problem AND k.workgroup = s.workgroup AND "
        "k.measured_utc IS NOT DISTINCT FROM s.measured_utc)");
    t.Commit();
    rep.predictions_added += Count(c, "predictions") - pred0;
    rep.autotune_rows_added += Count(c, "webgpu_autotune") - tune0;
    rep.runs_added += Count(c, "runs") - runs0;
    rep.results_added += Count(c, "results") - res0;
    rep.samples_added += Count(c, "samples") - smp0;
  }
  rep.missing = MissingPlanned();
  return rep;
}

std::map<std::string, std::vector<std::string>> Database::MissingPlanned() {
  std::map<std::string, std::vector<std::string>> out;
  auto runs = impl_->conn->Query(
      "SELECT run_id, planned_config_keys FROM runs WHERE planned_config_keys IS NOT NULL AND "
      "planned_config_keys <> '[]' ORDER BY run_id");
  for (size_t r = 0; r < runs.Rows(); ++r) {
    std::string run_id = runs.String(0, r);
    auto keys = nlohmann::json::parse(runs.String(1, r), nullptr, false);
    if (!keys.is_array()) continue;
    std::set<std::string> have = CompletedConfigKeys(run_id);
    for (const auto& k : keys)
      if (k.is_string() && !have.count(k.get<std::string>()))
        out[run_id].push_back(k.get<std::string>());
  }
  return out;
}

}  // namespace accelbench::store
