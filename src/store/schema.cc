#include "store/schema.h"

#include <set>

#include "core/errors.h"
#include "core/result.h"
#include "store/duck.h"

namespace accelbench::store {

namespace {

std::string TypeOf(FieldType t) {
  switch (t) {
    case FieldType::kString:
      return "VARCHAR";
    case FieldType::kInt:
      return "BIGINT";
    case FieldType::kReal:
      return "DOUBLE";
  }
  return "VARCHAR";
}

// Tables other than results, as the current version defines them.
constexpr const char* kCurrentTables = R"sql(
CREATE TABLE schema_version (version INTEGER NOT NULL, applied_utc VARCHAR NOT NULL);
CREATE TABLE runs (run_id VARCHAR NOT NULL, started_utc VARCHAR, finished_utc VARCHAR,
  status VARCHAR, tags VARCHAR, command VARCHAR, settings_json VARCHAR, environment_id VARCHAR,
  host VARCHAR, accelbench_version VARCHAR, accelbench_commit VARCHAR,
  requested_settings_json VARCHAR DEFAULT '{}', planned_config_keys VARCHAR DEFAULT '[]');
CREATE TABLE environments (environment_id VARCHAR NOT NULL, host VARCHAR, fingerprint_json VARCHAR,
  cpu_model VARCHAR, os VARCHAR, first_seen_utc VARCHAR);
CREATE TABLE models (model_id VARCHAR NOT NULL, family VARCHAR, preset VARCHAR, params BIGINT,
  flops_per_item DOUBLE, config_json VARCHAR);
CREATE TABLE samples (result_id VARCHAR NOT NULL, iteration BIGINT NOT NULL, latency_ms DOUBLE,
  metric VARCHAR DEFAULT 'latency_ms');
CREATE TABLE failures (result_id VARCHAR NOT NULL, run_id VARCHAR, config_key VARCHAR,
  reason VARCHAR, recorded_utc VARCHAR);
CREATE TABLE calibrations (device VARCHAR NOT NULL, precision VARCHAR NOT NULL, gemm_flops DOUBLE,
  measured_utc VARCHAR, mem_bandwidth DOUBLE);
CREATE TABLE webgpu_autotune (run_id VARCHAR, browser VARCHAR NOT NULL, adapter_vendor VARCHAR,
  adapter_architecture VARCHAR NOT NULL, software_adapter BOOLEAN, kernel VARCHAR NOT NULL,
  problem VARCHAR, workgroup VARCHAR NOT NULL, median_ms DOUBLE, error VARCHAR, chosen BOOLEAN,
  measured_utc VARCHAR);
CREATE TABLE predictions (prediction_id VARCHAR NOT NULL, created_utc VARCHAR, model VARCHAR,
  preset VARCHAR, platform VARCHAR, runtime VARCHAR, precision VARCHAR, mode VARCHAR,
  batch BIGINT, seq_len BIGINT, predictor VARCHAR, predicted_p50_ms DOUBLE,
  interval_low_ms DOUBLE, interval_high_ms DOUBLE, interval_level DOUBLE, roofline_ms DOUBLE,
  peaks_source VARCHAR, training_rows BIGINT, neighbours_json VARCHAR);
)sql";

// ---- history: version 1 exactly as it was (do not edit) ----
constexpr const char* kV1Ddl = R"sql(
CREATE TABLE schema_version (version INTEGER NOT NULL, applied_utc VARCHAR NOT NULL);
CREATE TABLE runs (run_id VARCHAR NOT NULL, started_utc VARCHAR, finished_utc VARCHAR,
  status VARCHAR, tags VARCHAR, command VARCHAR, settings_json VARCHAR, environment_id VARCHAR,
  host VARCHAR, accelbench_version VARCHAR, accelbench_commit VARCHAR);
CREATE TABLE environments (environment_id VARCHAR NOT NULL, host VARCHAR, fingerprint_json VARCHAR,
  cpu_model VARCHAR, os VARCHAR, first_seen_utc VARCHAR);
CREATE TABLE models (model_id VARCHAR NOT NULL, family VARCHAR, preset VARCHAR, params BIGINT,
  flops_per_item DOUBLE, config_json VARCHAR);
CREATE TABLE results (result_id VARCHAR, run_id VARCHAR, config_key VARCHAR, host VARCHAR,
  started_utc VARCHAR, origin VARCHAR, model VARCHAR, preset VARCHAR, config_json VARCHAR,
  params BIGINT, platform VARCHAR, platform_kind VARCHAR, runtime VARCHAR, runtime_version VARCHAR,
  precision VARCHAR, mode VARCHAR, batch_size BIGINT, seq_len BIGINT, threads BIGINT,
  options_json VARCHAR, status VARCHAR, reason VARCHAR, iterations BIGINT, warmup_iterations BIGINT,
  load_ms DOUBLE, first_inference_ms DOUBLE, time_to_steady_ms DOUBLE, lat_min_ms DOUBLE,
  lat_mean_ms DOUBLE, lat_stddev_ms DOUBLE, lat_cv DOUBLE, lat_p50_ms DOUBLE, lat_p90_ms DOUBLE,
  lat_p95_ms DOUBLE, lat_p99_ms DOUBLE, lat_p999_ms DOUBLE, throughput DOUBLE,
  throughput_unit VARCHAR, peak_rss_mb DOUBLE, peak_device_mem_mb DOUBLE, flops_per_step DOUBLE,
  achieved_tflops DOUBLE);
CREATE TABLE samples (result_id VARCHAR NOT NULL, iteration BIGINT NOT NULL, latency_ms DOUBLE);
CREATE TABLE failures (result_id VARCHAR NOT NULL, run_id VARCHAR, config_key VARCHAR,
  reason VARCHAR, recorded_utc VARCHAR);
)sql";

// Migration i takes version i+1 to i+2 (index 0: v1 -> v2). Never edit a released step.
const std::vector<std::vector<std::string>>& Migrations() {
  static const std::vector<std::vector<std::string>> steps = {
      // v1 -> v2: batch_size renamed batch; samples gain a metric column so other per-iteration
      // series fit; GEMM calibrations stored.
      {"ALTER TABLE results RENAME COLUMN batch_size TO batch",
       "ALTER TABLE samples ADD COLUMN metric VARCHAR DEFAULT 'latency_ms'",
       "UPDATE samples SET metric = 'latency_ms' WHERE metric IS NULL",
       "CREATE TABLE calibrations (device VARCHAR NOT NULL, precision VARCHAR NOT NULL, "
       "gemm_flops DOUBLE, measured_utc VARCHAR)"},
      // v2 -> v3: requested settings recorded next to effective ones; planned configurations kept
      // so a shard merge can report missing ones. (New result fields arrive by SyncResultColumns.)
      {"ALTER TABLE runs ADD COLUMN requested_settings_json VARCHAR DEFAULT '{}'",
       "ALTER TABLE runs ADD COLUMN planned_config_keys VARCHAR DEFAULT '[]'",
       "UPDATE runs SET requested_settings_json = '{}' WHERE requested_settings_json IS NULL",
       "UPDATE runs SET planned_config_keys = '[]' WHERE planned_config_keys IS NULL"},
      // v3 -> v4 (issue 6): the WebGPU autotuner's trials and choice per browser and adapter.
      {"CREATE TABLE webgpu_autotune (run_id VARCHAR, browser VARCHAR NOT NULL, "
       "adapter_vendor VARCHAR, adapter_architecture VARCHAR NOT NULL, software_adapter BOOLEAN, "
       "kernel VARCHAR NOT NULL, problem VARCHAR, workgroup VARCHAR NOT NULL, median_ms DOUBLE, "
       "error VARCHAR, chosen BOOLEAN, measured_utc VARCHAR)"},
      // v4 -> v5 (issue 8): predictions live in their own table (never in results); the runner's
      // STREAM-triad memory bandwidth is stored next to the GEMM calibration.
      {"ALTER TABLE calibrations ADD COLUMN mem_bandwidth DOUBLE",
       "CREATE TABLE predictions (prediction_id VARCHAR NOT NULL, created_utc VARCHAR, "
       "model VARCHAR, preset VARCHAR, platform VARCHAR, runtime VARCHAR, precision VARCHAR, "
       "mode VARCHAR, batch BIGINT, seq_len BIGINT, predictor VARCHAR, predicted_p50_ms DOUBLE, "
       "interval_low_ms DOUBLE, interval_high_ms DOUBLE, interval_level DOUBLE, "
       "roofline_ms DOUBLE, peaks_source VARCHAR, training_rows BIGINT, neighbours_json VARCHAR)"},
  };
  return steps;
}

void RecordVersion(Connection& c, int v) {
  c.Exec("DELETE FROM schema_version");
  c.Exec("INSERT INTO schema_version VALUES (" + std::to_string(v) +
         ", strftime(now() AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ'))");
}

}  // namespace

std::string ResultColumnType(const char* field_name) {
  const FieldDef* f = FindResultField(field_name);
  return f ? TypeOf(f->type) : "VARCHAR";
}

std::string ResultsTableDdl() {
  std::string ddl = "CREATE TABLE results (";
  bool first = true;
  for (const auto& f : ResultFields()) {
    if (!first) ddl += ", ";
    first = false;
    ddl += SqlIdent(f.name) + " " + TypeOf(f.type);
  }
  return ddl + ")";
}

void CreateViews(Connection& c) {
  c.Exec(
      "CREATE OR REPLACE VIEW latest_results AS SELECT * FROM results QUALIFY row_number() OVER "
      "(PARTITION BY config_key ORDER BY started_utc DESC, result_id DESC) = 1");
  // Speedup against the CPU platform run by libtorch, same model/preset/batch/precision/mode
  // (and sequence length); latest result of each configuration on both sides.
  c.Exec(
      "CREATE OR REPLACE VIEW results_vs_cpu AS "
      "WITH base AS (SELECT model, preset, batch, precision, mode, seq_len, "
      "  min(lat_p50_ms) AS cpu_lat_p50_ms, max(throughput) AS cpu_throughput FROM latest_results "
      "  WHERE (platform_kind = 'cpu' OR platform = 'cpu') AND runtime = 'libtorch' "
      "  AND status IN ('ok', 'not_converged') GROUP BY ALL) "
      "SELECT r.*, b.cpu_lat_p50_ms, b.cpu_lat_p50_ms / r.lat_p50_ms AS speedup_vs_cpu "
      "FROM latest_results r LEFT JOIN base b ON r.model = b.model AND r.preset = b.preset "
      "AND r.batch = b.batch AND r.precision = b.precision AND r.mode = b.mode "
      "AND r.seq_len IS NOT DISTINCT FROM b.seq_len");
}

void CreateCurrentSchema(Connection& c) {
  Transaction t(c);
  c.Exec(kCurrentTables);
  c.Exec(ResultsTableDdl());
  CreateViews(c);
  RecordVersion(c, kSchemaVersion);
  t.Commit();
}

void CreateSchemaAtVersion(Connection& c, int version) {
  if (version < 1 || version > kSchemaVersion)
    throw RuntimeError("no schema version " + std::to_string(version));
  if (version == kSchemaVersion) return CreateCurrentSchema(c);
  Transaction t(c);
  c.Exec(kV1Ddl);
  for (int v = 1; v < version; ++v)
    for (const auto& sql : Migrations()[v - 1]) c.Exec(sql);
  RecordVersion(c, version);
  t.Commit();
}

int ReadSchemaVersion(Connection& c) {
  auto tables = c.Query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND "
      "table_catalog = current_database()");
  bool has_version = false;
  for (size_t r = 0; r < tables.Rows(); ++r)
    if (tables.String(0, r) == "schema_version") has_version = true;
  if (!has_version) return tables.Rows() == 0 ? 0 : -1;
  auto v = c.Query("SELECT max(version) FROM schema_version");
  if (v.Rows() == 0 || v.IsNull(0, 0)) return -1;
  return static_cast<int>(v.Int(0, 0));
}

void MigrateToCurrent(Connection& c, int from) {
  for (int v = from; v < kSchemaVersion; ++v) {
    Transaction t(c);
    // Views may name renamed columns; drop them and recreate at the end.
    c.Exec("DROP VIEW IF EXISTS results_vs_cpu");
    c.Exec("DROP VIEW IF EXISTS latest_results");
    for (const auto& sql : Migrations()[v - 1]) c.Exec(sql);
    RecordVersion(c, v + 1);
    t.Commit();
  }
  SyncResultColumns(c);
}

void SyncResultColumns(Connection& c) {
  auto cols = c.Query(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'results' AND "
      "table_schema = 'main' AND table_catalog = current_database()");
  std::set<std::string> have;
  for (size_t r = 0; r < cols.Rows(); ++r) have.insert(cols.String(0, r));
  Transaction t(c);
  for (const auto& f : ResultFields())
    if (!have.count(f.name))
      c.Exec("ALTER TABLE results ADD COLUMN " + SqlIdent(f.name) + " " + TypeOf(f.type));
  CreateViews(c);
  t.Commit();
}

const std::map<std::string, std::string>& ResultFieldRenames(int version) {
  static const std::map<std::string, std::string> v1 = {{"batch_size", "batch"}};
  static const std::map<std::string, std::string> none;
  return version <= 1 ? v1 : none;
}

}  // namespace accelbench::store
