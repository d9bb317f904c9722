// Writes the benchmark database of bench_dashboard: RUNS runs x CONFIGS configurations = one
// result each (default 1000 x 1000 = 1 million results). The rows are SYNTHETIC fixtures for the
// dashboard's latency benchmark, not measurements: origin "imported:bench-synthetic", every run
// tagged bench=synthetic. Usage: dashboard_bench_db PATH [RUNS] [CONFIGS]
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "store/database.h"
#include "store/duck.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: dashboard_bench_db PATH [RUNS] [CONFIGS]\n";
    return 2;
  }
  std::string path = argv[1];
  long runs = argc > 2 ? std::atol(argv[2]) : 1000, configs = argc > 3 ? std::atol(argv[3]) : 1000;
  if (runs < 1 || configs < 1) return 2;
  std::filesystem::remove(path);
  std::filesystem::remove(path + ".wal");
  try {
    auto db = accelbench::store::Database::Open(path);
    auto& c = db.connection();
    std::string R = std::to_string(runs), C = std::to_string(configs);
    // Runs one hour apart, ending now; tags carry a fake commit per run.
    c.Exec(
        "INSERT INTO runs (run_id, started_utc, finished_utc, status, tags, command, "
        "settings_json, environment_id, host, accelbench_version, accelbench_commit) "
        "SELECT 'bench-run-' || lpad(i::VARCHAR, 6, '0'), "
        "strftime(TIMESTAMP '2026-01-01' + to_hours(i), '%Y-%m-%dT%H:%M:%S.000Z'), "
        "strftime(TIMESTAMP '2026-01-01' + to_hours(i) + to_minutes(30), "
        "'%Y-%m-%dT%H:%M:%S.000Z'), 'imported', "
        "'{\"bench\":\"synthetic\",\"commit\":\"c' || i || '\",\"branch\":\"main\"}', "
        "'dashboard_bench_db', '{}', 'bench', 'bench-host', 'bench', 'bench' FROM range(" +
        R + ") t(i)");
    // Configurations: 10 models x 5 platforms x 4 precisions x 5 batch sizes (cycled), a 5%
    // step at the middle run for every 7th configuration.
    c.Exec(
        "INSERT INTO results (result_id, run_id, config_key, host, started_utc, origin, model, "
        "preset, platform, platform_kind, runtime, precision, mode, batch, seq_len, threads, "
        "status, iterations, lat_p50_ms, lat_p99_ms, lat_mean_ms, throughput, throughput_unit, "
        "peak_rss_mb) "
        "SELECT 'bench-' || i || '-' || j, 'bench-run-' || lpad(i::VARCHAR, 6, '0'), "
        "'libtorch|m' || (j % 10) || '|tiny|p' || ((j // 10) % 5) || '|' || "
        "['fp32','fp16','bf16','int8'][((j // 50) % 4) + 1] || '|inference|b' || "
        "(1 << ((j // 200) % 5)) || '|s128|t' || (j // 1000) || '|cfg' || j, "
        "'bench-host', strftime(TIMESTAMP '2026-01-01' + to_hours(i) + to_seconds(j % 1800), "
        "'%Y-%m-%dT%H:%M:%S.000Z'), 'imported:bench-synthetic', 'm' || (j % 10), 'tiny', "
        "'p' || ((j // 10) % 5), 'cpu', 'libtorch', "
        "['fp32','fp16','bf16','int8'][((j // 50) % 4) + 1], 'inference', "
        "1 << ((j // 200) % 5), 128, 2, 'ok', 100, lat, lat * 1.3, lat * 1.05, "
        "1000.0 / lat, 'items/s', 200 + j % 300 FROM (SELECT i, j, (5 + (j % 37)) * "
        "(1 + 0.02 * ((hash(i * 7919 + j) % 1000) / 1000.0 - 0.5)) * "
        "(CASE WHEN j % 7 = 0 AND i >= " +
        std::to_string(runs / 2) + " THEN 1.05 ELSE 1 END) AS lat FROM range(" + R +
        ") a(i), range(" + C + ") b(j))");
    c.Exec("CHECKPOINT");
    auto n = c.Query("SELECT count(*) FROM results");
    std::cout << n.Int(0, 0) << " results in " << runs << " runs written to " << path << "\n";
  } catch (const std::exception& e) {
    std::cerr << "dashboard_bench_db: " << e.what() << "\n";
    return 3;
  }
  return 0;
}
