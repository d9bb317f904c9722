#include "store/database.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/build_info.h"
#include "core/errors.h"
#include "store/database_impl.h"
#include "store/schema.h"

namespace accelbench::store {

namespace fs = std::filesystem;

namespace detail {

void CheckDuckDbFile(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return;
  if (fs::is_directory(path, ec))
    throw RuntimeError(path + " is a directory, not a DuckDB database");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw RuntimeError("cannot read database file " + path);
  char head[12] = {};
  in.read(head, sizeof head);
  // DuckDB's main header: 8-byte checksum, then the magic bytes "DUCK".
  if (in.gcount() < 12 || std::string_view(head + 8, 4) != "DUCK")
    throw RuntimeError(path + " is not a DuckDB database (left untouched)");
}

}  // namespace detail

namespace {

bool IsLockError(const std::string& msg) {
  return msg.find("Could not set lock") != std::string::npos ||
         msg.find("Conflicting lock") != std::string::npos;
}

}  // namespace

std::unique_ptr<DuckDatabase> detail::OpenWithRetry(const std::string& path, const OpenOptions& o) {
  auto start = std::chrono::steady_clock::now();
  double delay = 0.05;
  // Absent or shorter than DuckDB's header when we came: another process may be creating it
  // right now (DuckDB reads the header before it takes the lock, and finds it half written).
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  const bool maybe_being_created = ec || size < 4096;
  for (;;) {
    try {
      return std::make_unique<DuckDatabase>(path, o.read_only);
    } catch (const RuntimeError& e) {
      std::string msg = e.what();
      const bool half_written =
          maybe_being_created && msg.find("not a valid DuckDB database file") != std::string::npos;
      if (!IsLockError(msg) && !half_written)
        throw RuntimeError("cannot open database " + path + ": " + msg);
      double waited =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (waited >= o.lock_timeout_s) {
        if (half_written) throw RuntimeError("cannot open database " + path + ": " + msg);
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.0f", std::ceil(waited));
        throw RuntimeError("database " + path +
                           " is locked by another accelbench process (waited " + buf + " s)");
      }
      std::this_thread::sleep_for(
          std::chrono::duration<double>(std::min(delay, o.lock_timeout_s - waited)));
      delay = std::min(delay * 2, 1.0);
    }
  }
}

namespace {

std::string EnvString(const nlohmann::json& j, std::initializer_list<const char*> path) {
  const nlohmann::json* cur = &j;
  for (const char* k : path) {
    if (!cur->is_object() || !cur->contains(k)) return "";
    cur = &(*cur)[k];
  }
  return cur->is_string() ? cur->get<std::string>() : "";
}

}  // namespace

Database::Database() : impl_(std::make_unique<Impl>()) {}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() {
  if (impl_) {
    impl_->insert_result.reset();
    impl_->conn.reset();
    impl_->db.reset();
  }
}

Connection& Database::connection() { return *impl_->conn; }

Database Database::NewSession() const {
  Database d;
  d.path_ = path_;
  d.impl_->read_only = impl_->read_only;
  d.impl_->lock_timeout_s = impl_->lock_timeout_s;
  d.impl_->db = impl_->db;
  d.impl_->conn = std::make_unique<Connection>(*d.impl_->db);
  return d;
}

Database Database::Open(const std::string& path, const OpenOptions& options) {
  std::error_code ec;
  bool exists = fs::exists(path, ec);
  if (options.read_only && !exists) throw RuntimeError("database " + path + " does not exist");
  if (exists && fs::is_regular_file(path, ec) && fs::file_size(path, ec) == 0)
    throw RuntimeError(path + " is an empty file, not a DuckDB database (left untouched)");
  detail::CheckDuckDbFile(path);

  Database d;
  d.path_ = path;
  d.impl_->read_only = options.read_only;
  d.impl_->lock_timeout_s = options.lock_timeout_s;
  d.impl_->db = detail::OpenWithRetry(path, options);
  d.impl_->conn = std::make_unique<Connection>(*d.impl_->db);
  int v = ReadSchemaVersion(*d.impl_->conn);
  if (v < 0) throw RuntimeError(path + " is a DuckDB database but not an accelbench one");
  if (v > kSchemaVersion)
    throw RuntimeError("database " + path + " has schema version " + std::to_string(v) +
                       ", newer than this accelbench supports (" + std::to_string(kSchemaVersion) +
                       "); upgrade accelbench");
  if (v == 0) {
    if (options.read_only)
      throw RuntimeError("database " + path + " is empty (no accelbench schema)");
    CreateCurrentSchema(*d.impl_->conn);
  } else if (v < kSchemaVersion) {
    if (options.read_only) {  // migrate through a short read-write open, then reopen
      d.impl_->conn.reset();
      d.impl_->db.reset();
      OpenOptions rw = options;
      rw.read_only = false;
      { Database m = Open(path, rw); }
      return Open(path, options);
    }
    std::cerr << "accelbench: migrating database " << path << " from schema version " << v << " to "
              << kSchemaVersion << "\n";
    MigrateToCurrent(*d.impl_->conn, v);
  } else if (!options.read_only) {
    SyncResultColumns(*d.impl_->conn);
  }
  return d;
}

int Database::SchemaVersion() { return ReadSchemaVersion(*impl_->conn); }

namespace detail {

bool RunExists(Connection& c, const std::string& run_id) {
  return c.Prepare("SELECT 1 FROM runs WHERE run_id = $1").Bind(1, run_id).Execute().Rows() > 0;
}

bool ResultExists(Connection& c, const std::string& result_id) {
  return c.Prepare("SELECT 1 FROM results WHERE result_id = $1")
             .Bind(1, result_id)
             .Execute()
             .Rows() > 0;
}

void WriteRun(Connection& c, const RunRecord& run) {
  if (run.run_id.empty()) throw RuntimeError("run without run_id");
  nlohmann::json env = nlohmann::json::parse(run.environment_json, nullptr, false);
  if (env.is_discarded()) env = nlohmann::json::object();
  std::string env_id = Fnv1aHex(run.environment_json);
  auto found =
      c.Prepare("SELECT 1 FROM environments WHERE environment_id = $1").Bind(1, env_id).Execute();
  if (found.Rows() == 0) {
    std::string host = EnvString(env, {"host"});
    if (host.empty()) host = EnvString(env, {"hostname"});
    if (host.empty()) host = run.host;
    std::string cpu = EnvString(env, {"cpu", "model"});
    if (cpu.empty()) cpu = EnvString(env, {"cpu_model"});
    std::string os = EnvString(env, {"os"});
    if (os.empty()) os = EnvString(env, {"kernel"});
    c.Prepare("INSERT INTO environments VALUES ($1, $2, $3, $4, $5, $6)")
        .Bind(1, env_id)
        .Bind(2, host)
        .Bind(3, run.environment_json)
        .Bind(4, cpu)
        .Bind(5, os)
        .Bind(6, run.started_utc.empty() ? NowUtc() : run.started_utc)
        .Execute();
  }
  const auto& build = GetBuildInfo();
  c.Prepare(
       "INSERT INTO runs (run_id, started_utc, finished_utc, status, tags, command, settings_json, "
       "environment_id, host, accelbench_version, accelbench_commit, requested_settings_json, "
       "planned_config_keys) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
      .Bind(1, run.run_id)
      .Bind(2, run.started_utc.empty() ? NowUtc() : run.started_utc)
      .Bind(3, run.finished_utc)
      .Bind(4, run.status)
      .Bind(5, nlohmann::json(run.tags).dump())
      .Bind(6, run.command)
      .Bind(7, run.settings_json)
      .Bind(8, env_id)
      .Bind(9, run.host)
      .Bind(10,
            run.accelbench_version.empty() ? std::string(build.version) : run.accelbench_version)
      .Bind(11, run.accelbench_commit.empty() ? std::string(build.commit) : run.accelbench_commit)
      .Bind(12, run.requested_settings_json)
      .Bind(13, nlohmann::json(run.planned_config_keys).dump())
      .Execute();
}

void WriteResult(Database::Impl& impl, const ResultRecord& r, std::span<const double> samples_ms) {
  Connection& c = *impl.conn;
  if (r.result_id.empty()) throw RuntimeError("result without result_id");
  const auto& fields = ResultFields();
  if (!impl.insert_result) {
    std::string cols, params;
    for (size_t i = 0; i < fields.size(); ++i) {
      cols += (i ? ", " : "") + SqlIdent(fields[i].name);
      params += (i ? ", $" : "$") + std::to_string(i + 1);
    }
    impl.insert_result = std::make_unique<Statement>(
        c, "INSERT INTO results (" + cols + ") VALUES (" + params + ")");
  }
  for (size_t i = 0; i < fields.size(); ++i) impl.insert_result->BindValue(i + 1, fields[i].get(r));
  impl.insert_result->Execute();

  if (!samples_ms.empty()) {
    Appender app(c, "samples");
    duckdb_logical_type types[4] = {duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR),
                                    duckdb_create_logical_type(DUCKDB_TYPE_BIGINT),
                                    duckdb_create_logical_type(DUCKDB_TYPE_DOUBLE),
                                    duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR)};
    duckdb_data_chunk chunk = duckdb_create_data_chunk(types, 4);
    for (auto& t : types) duckdb_destroy_logical_type(&t);
    struct ChunkGuard {
      duckdb_data_chunk& ch;
      ~ChunkGuard() { duckdb_destroy_data_chunk(&ch); }
    } guard{chunk};
    const size_t cap = duckdb_vector_size();
    for (size_t off = 0; off < samples_ms.size(); off += cap) {
      size_t n = std::min(cap, samples_ms.size() - off);
      duckdb_data_chunk_reset(chunk);
      duckdb_vector id = duckdb_data_chunk_get_vector(chunk, 0);
      auto* it =
          static_cast<int64_t*>(duckdb_vector_get_data(duckdb_data_chunk_get_vector(chunk, 1)));
      auto* lat =
          static_cast<double*>(duckdb_vector_get_data(duckdb_data_chunk_get_vector(chunk, 2)));
      duckdb_vector metric = duckdb_data_chunk_get_vector(chunk, 3);
      for (size_t k = 0; k < n; ++k) {
        duckdb_vector_assign_string_element_len(id, k, r.result_id.data(), r.result_id.size());
        it[k] = static_cast<int64_t>(off + k);
        lat[k] = samples_ms[off + k];
        duckdb_vector_assign_string_element_len(metric, k, "latency_ms", 10);
      }
      duckdb_data_chunk_set_size(chunk, n);
      app.AppendChunk(chunk);
    }
    app.Close();
  }
  if (r.status == ResultStatus::kFailed) {
    c.Prepare("INSERT INTO failures VALUES ($1, $2, $3, $4, $5)")
        .Bind(1, r.result_id)
        .Bind(2, r.run_id)
        .Bind(3, r.config_key)
        .Bind(4, r.reason)
        .Bind(5, NowUtc())
        .Execute();
  }
  if (!r.model.empty()) {
    std::string model_id = Fnv1aHex(r.model + "\n" + r.preset + "\n" + r.config_json);
    auto found = c.Prepare("SELECT 1 FROM models WHERE model_id = $1").Bind(1, model_id).Execute();
    if (found.Rows() == 0) {
      Statement s(c, "INSERT INTO models VALUES ($1, $2, $3, $4, $5, $6)");
      s.Bind(1, model_id).Bind(2, r.model).Bind(3, r.preset).Bind(4, r.params);
      if (r.flops_per_step && r.batch > 0)
        s.Bind(5, *r.flops_per_step / static_cast<double>(r.batch));
      else
        s.BindNull(5);
      s.Bind(6, r.config_json).Execute();
    }
  }
}

}  // namespace detail

void Database::InsertRun(const RunRecord& run) {
  Transaction t(*impl_->conn);
  if (detail::RunExists(*impl_->conn, run.run_id))
    throw RuntimeError("run " + run.run_id + " already exists in " + path_);
  detail::WriteRun(*impl_->conn, run);
  t.Commit();
}

void Database::FinishRun(const std::string& run_id, const std::string& status) {
  impl_->conn->Prepare("UPDATE runs SET status = $1, finished_utc = $2 WHERE run_id = $3")
      .Bind(1, status)
      .Bind(2, NowUtc())
      .Bind(3, run_id)
      .Execute();
}

void Database::SetPlannedConfigKeys(const std::string& run_id,
                                    const std::vector<std::string>& keys) {
  impl_->conn->Prepare("UPDATE runs SET planned_config_keys = $1 WHERE run_id = $2")
      .Bind(1, nlohmann::json(keys).dump())
      .Bind(2, run_id)
      .Execute();
}

void Database::InsertResult(const ResultRecord& r, std::span<const double> samples_ms) {
  Transaction t(*impl_->conn);
  if (detail::ResultExists(*impl_->conn, r.result_id))
    throw RuntimeError("result " + r.result_id + " already stored");
  detail::WriteResult(*impl_, r, samples_ms);
  t.Commit();
}

std::set<std::string> Database::CompletedConfigKeys(const std::string& run_id) {
  auto res = impl_->conn->Prepare("SELECT DISTINCT config_key FROM results WHERE run_id = $1")
                 .Bind(1, run_id)
                 .Execute();
  std::set<std::string> out;
  for (size_t r = 0; r < res.Rows(); ++r) out.insert(res.String(0, r));
  return out;
}

std::vector<ResultRecord> Database::Results(const ResultFilter& f) {
  const auto& fields = ResultFields();
  std::string sql = "SELECT ";
  for (size_t i = 0; i < fields.size(); ++i) sql += (i ? ", " : "") + SqlIdent(fields[i].name);
  sql += f.latest_only ? " FROM latest_results WHERE true" : " FROM results WHERE true";
  std::vector<std::string> binds;
  auto add = [&](const std::optional<std::string>& v, const char* col) {
    if (!v) return;
    binds.push_back(*v);
    sql += std::string(" AND ") + col + " = $" + std::to_string(binds.size());
  };
  add(f.run_id, "run_id");
  add(f.model, "model");
  add(f.preset, "preset");
  add(f.platform, "platform");
  add(f.runtime, "runtime");
  add(f.precision, "precision");
  add(f.mode, "mode");
  add(f.config_key, "config_key");
  add(f.status, "status");
  sql += " ORDER BY started_utc, result_id";
  if (f.limit > 0) sql += " LIMIT " + std::to_string(f.limit);
  Statement s(*impl_->conn, sql);
  for (size_t i = 0; i < binds.size(); ++i) s.Bind(i + 1, binds[i]);
  auto res = s.Execute();
  std::vector<ResultRecord> out(res.Rows());
  for (size_t r = 0; r < res.Rows(); ++r)
    for (size_t c = 0; c < fields.size(); ++c) fields[c].set(out[r], res.Get(c, r));
  return out;
}

std::vector<double> Database::Samples(const std::string& result_id) {
  auto res = impl_->conn
                 ->Prepare(
                     "SELECT latency_ms FROM samples WHERE result_id = $1 AND metric = "
                     "'latency_ms' ORDER BY iteration")
                 .Bind(1, result_id)
                 .Execute();
  std::vector<double> out(res.Rows());
  for (size_t r = 0; r < out.size(); ++r) out[r] = res.Real(0, r);
  return out;
}

namespace {
RunRecord ReadRun(Result& res, size_t r) {
  RunRecord run;
  run.run_id = res.String(0, r);
  run.started_utc = res.String(1, r);
  run.finished_utc = res.String(2, r);
  run.status = res.String(3, r);
  auto tags = nlohmann::json::parse(res.String(4, r), nullptr, false);
  if (tags.is_object())
    for (auto& [k, v] : tags.items()) run.tags[k] = v.is_string() ? v.get<std::string>() : v.dump();
  run.command = res.String(5, r);
  run.settings_json = res.String(6, r);
  run.environment_json = res.String(7, r);
  run.host = res.String(8, r);
  run.accelbench_version = res.String(9, r);
  run.accelbench_commit = res.String(10, r);
  run.requested_settings_json = res.String(11, r);
  auto keys = nlohmann::json::parse(res.String(12, r), nullptr, false);
  if (keys.is_array())
    for (auto& k : keys)
      if (k.is_string()) run.planned_config_keys.push_back(k.get<std::string>());
  return run;
}
constexpr const char* kRunColumns =
    "r.run_id, r.started_utc, r.finished_utc, r.status, r.tags, r.command, r.settings_json, "
    "e.fingerprint_json, r.host, r.accelbench_version, r.accelbench_commit, "
    "r.requested_settings_json, r.planned_config_keys";
}  // namespace

std::vector<RunSummary> Database::Runs() {
  auto res = impl_->conn->Query(
      std::string("SELECT ") + kRunColumns +
      ", (SELECT count(*) FROM results x WHERE x.run_id = r.run_id), (SELECT count(*) FROM "
      "results x WHERE x.run_id = r.run_id AND x.status = 'failed') FROM runs r LEFT JOIN "
      "environments e USING (environment_id) ORDER BY r.started_utc, r.run_id");
  std::vector<RunSummary> out;
  for (size_t r = 0; r < res.Rows(); ++r)
    out.push_back({ReadRun(res, r), res.Int(13, r), res.Int(14, r)});
  return out;
}

std::optional<RunRecord> Database::Run(const std::string& run_id) {
  auto res = impl_->conn
                 ->Prepare(std::string("SELECT ") + kRunColumns +
                           " FROM runs r LEFT JOIN environments e USING (environment_id) WHERE "
                           "r.run_id = $1")
                 .Bind(1, run_id)
                 .Execute();
  if (res.Rows() == 0) return std::nullopt;
  return ReadRun(res, 0);
}

void Database::StoreCalibration(const std::string& device, const std::string& precision,
                                double flops) {
  impl_->conn
      ->Prepare(
          "INSERT INTO calibrations (device, precision, gemm_flops, measured_utc) VALUES ($1, $2, "
          "$3, $4)")
      .Bind(1, device)
      .Bind(2, precision)
      .Bind(3, flops)
      .Bind(4, NowUtc())
      .Execute();
}

void Database::StoreMemoryBandwidth(const std::string& device, double bytes_per_s) {
  impl_->conn
      ->Prepare(
          "INSERT INTO calibrations (device, precision, mem_bandwidth, measured_utc) VALUES ($1, "
          "'stream_triad', $2, $3)")
      .Bind(1, device)
      .Bind(2, bytes_per_s)
      .Bind(3, NowUtc())
      .Execute();
}

std::optional<double> Database::LookupMemoryBandwidth(const std::string& device) {
  auto res = impl_->conn
                 ->Prepare(
                     "SELECT mem_bandwidth FROM calibrations WHERE device = $1 AND mem_bandwidth "
                     "IS NOT NULL ORDER BY measured_utc DESC LIMIT 1")
                 .Bind(1, device)
                 .Execute();
  if (res.Rows() == 0 || res.IsNull(0, 0)) return std::nullopt;
  return res.Real(0, 0);
}

std::optional<double> Database::LookupCalibration(const std::string& device,
                                                  const std::string& precision) {
  auto res = impl_->conn
                 ->Prepare(
                     "SELECT gemm_flops FROM calibrations WHERE device = $1 AND precision = $2 "
                     "ORDER BY measured_utc DESC LIMIT 1")
                 .Bind(1, device)
                 .Bind(2, precision)
                 .Execute();
  if (res.Rows() == 0 || res.IsNull(0, 0)) return std::nullopt;
  return res.Real(0, 0);
}

QueryResult Database::Query(const std::string& sql) {
  auto res = impl_->conn->Query(sql);
  QueryResult out;
  for (size_t c = 0; c < res.Columns(); ++c) out.columns.push_back(res.ColumnName(c));
  for (size_t r = 0; r < res.Rows(); ++r) {
    std::vector<Value> row;
    for (size_t c = 0; c < res.Columns(); ++c) row.push_back(res.Get(c, r));
    out.rows.push_back(std::move(row));
  }
  return out;
}

}  // namespace accelbench::store
