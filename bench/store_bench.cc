// Results-store speed: sample-row ingest through the appender (target >= 500,000 rows/s) and a
// percentile summary query over 10 million samples (target < 1 s). Run: build-*/bench/bench_store
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <vector>

#include "store/database.h"
#include "store/duck.h"

namespace {

using accelbench::ResultRecord;
namespace store = accelbench::store;

std::string TempDb(const std::string& tag) {
  auto p = std::filesystem::temp_directory_path() /
           ("accelbench-bench-" + tag + "-" + std::to_string(getpid()) + ".duckdb");
  std::filesystem::remove(p);
  std::filesystem::remove(p.string() + ".wal");
  return p.string();
}

ResultRecord Record(int i) {
  ResultRecord r;
  r.result_id = store::NewUuid();
  r.run_id = "bench-run";
  r.config_key = "bench/" + std::to_string(i);
  r.model = "bert";
  r.preset = "tiny";
  r.platform = "cpu";
  r.runtime = "libtorch";
  r.precision = "fp32";
  r.mode = "inference";
  return r;
}

std::vector<double> Samples(size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> dist(2.0, 0.2);
  std::vector<double> s(n);
  for (auto& x : s) x = dist(rng);
  return s;
}

// One InsertResult (one transaction: result row + samples via the appender) per iteration.
void BM_IngestSamples(benchmark::State& state) {
  std::string path = TempDb("ingest");
  auto samples = Samples(static_cast<size_t>(state.range(0)), 1);
  {
    auto db = store::Database::Open(path);
    int i = 0;
    for (auto _ : state) db.InsertResult(Record(i++), samples);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["rows_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * state.range(0)), benchmark::Counter::kIsRate);
  std::filesystem::remove(path);
}
BENCHMARK(BM_IngestSamples)
    ->Arg(1000)
    ->Arg(100000)
    ->Arg(1000000)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Summary (count, mean, min, p50/p90/p99/p99.9 per result) over 10 million samples in 1,000
// results. The database is built once, outside the timed region.
// Exact percentiles (quantile_cont) or DuckDB's approximate t-digest (approx_quantile).
void BM_SummaryQuery10M(benchmark::State& state) {
  const char* quantile = state.range(0) == 0 ? "quantile_cont" : "approx_quantile";
  // Built once per process, removed at exit.
  static struct SummaryDb {
    std::string path;
    ~SummaryDb() {
      std::error_code ec;
      if (!path.empty()) std::filesystem::remove(path, ec);
    }
  } summary_db;
  std::string& path = summary_db.path;
  if (path.empty()) {
    path = TempDb("summary");
    auto db = store::Database::Open(path);
    for (int i = 0; i < 1000; ++i)
      db.InsertResult(Record(i), Samples(10000, static_cast<unsigned>(i)));
  }
  auto db = store::Database::Open(path, {.read_only = true});
  state.SetLabel(quantile);
  int64_t rows = 0;
  for (auto _ : state) {
    auto q = db.Query(
        std::string("SELECT result_id, count(*) AS n, avg(latency_ms), min(latency_ms), ") +
        quantile +
        "(latency_ms, [0.5, 0.9, 0.99, 0.999]) FROM samples WHERE metric = 'latency_ms' GROUP BY "
        "result_id");
    rows = static_cast<int64_t>(q.rows.size());
    benchmark::DoNotOptimize(rows);
  }
  state.counters["results"] = static_cast<double>(rows);
  state.counters["samples"] = 1e7;
}
BENCHMARK(BM_SummaryQuery10M)
    ->Arg(0)
    ->Arg(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);

}  // namespace

BENCHMARK_MAIN();
