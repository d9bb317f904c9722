// Import of every supported format (and malformed files: rejected, database unchanged) and the
// export/import round trip.
#include <gtest/gtest.h>

#include <fstream>

#include "core/errors.h"
#include "store/duck.h"
#include "store/schema.h"
#include "store/transfer.h"
#include "store_test_util.h"

namespace accelbench::store {
namespace {

using testing::MakeResult;
using testing::MakeRun;
using testing::TempDir;

std::string Write(const TempDir& tmp, const std::string& name, const std::string& text) {
  std::string path = tmp.Path(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

int64_t Count(Database& db, const std::string& table) {
  return std::get<int64_t>(db.Query("SELECT count(*) FROM " + table).rows[0][0]);
}

std::string ErrorOf(Database& db, const std::vector<std::string>& files) {
  try {
    ImportFiles(db, files);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(Import, IpfsSingleObjectAndList) {
  TempDir tmp;
  auto db = Database::Open(tmp.Path("a.duckdb"));
  auto one = Write(tmp, "one.json", R"({"model_name": "bert-base-uncased", "hardware_type": "cuda",
    "results": [{"batch_size": 1, "precision": "fp16", "average_latency_ms": 3.5,
                 "throughput_items_per_second": 285.7, "memory_peak_mb": 812},
                {"batch_size": 8, "precision": "fp32", "latency": 9.0, "throughput": 888.0,
                 "memory_peak": 1024}]})");
  auto list = Write(tmp, "list.json", R"([{"model_name": "vit", "hardware_type": "cpu",
    "results": [{"batch_size": 2, "precision": "fp32", "latency": 20.0, "throughput": 100,
                 "memory_peak_mb": 300}]}])");
  std::string fmt;
  ParseImportFile(one, &fmt);
  EXPECT_EQ(fmt, "ipfs-results");
  EXPECT_EQ(ImportFiles(db, {one, list}), 3);
  auto rows = db.Results({.model = "bert-base-uncased", .precision = "fp16"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].origin, "imported:ipfs-results");
  EXPECT_EQ(rows[0].platform, "cuda");
  EXPECT_EQ(rows[0].batch, 1);
  EXPECT_DOUBLE_EQ(*rows[0].lat_mean_ms, 3.5);
  EXPECT_DOUBLE_EQ(*rows[0].throughput, 285.7);
  EXPECT_DOUBLE_EQ(*rows[0].peak_device_mem_mb, 812);
  EXPECT_TRUE(db.Samples(rows[0].result_id).empty());
  auto vit = db.Results({.model = "vit"});
  ASSERT_EQ(vit.size(), 1u);
  EXPECT_DOUBLE_EQ(*vit[0].peak_rss_mb, 300);  // cpu memory is host memory
  EXPECT_EQ(Count(db, "samples"), 0);
}

TEST(Import, IpfsTestRunsAndBenchmarkResults) {
  TempDir tmp;
  auto db = Database::Open(tmp.Path("a.duckdb"));
  auto runs = Write(tmp, "runs.json", R"({"test_runs": [
    {"model_name": "t5-small", "hardware_type": "openvino", "batch_size": 4, "precision": "int8",
     "average_latency_ms": 11.0, "throughput_items_per_second": 363.6},
    {"model_name": "clip", "hardware_type": "cpu", "results": [{"batch_size": 1, "latency": 50}]}]})");
  auto bench = Write(tmp, "benchmark_results.json", R"({"timestamp": "20250302_123456",
    "benchmarks": {"embedding": {"bert-base-uncased": {"cuda": {"status": "completed",
      "model_load_time": 2.34, "benchmark_results": {
        "batch_1_seq_32": {"status": "completed", "avg_latency": 0.0023, "throughput": 434.78},
        "batch_4_seq_128": {"status": "failed"}}}}}}})");
  std::string fmt;
  ParseImportFile(bench, &fmt);
  EXPECT_EQ(fmt, "ipfs-benchmark-results");
  ParseImportFile(runs, &fmt);
  EXPECT_EQ(fmt, "ipfs-test-runs");
  EXPECT_EQ(ImportFiles(db, {runs, bench}), 3);
  auto t5 = db.Results({.model = "t5-small"});
  ASSERT_EQ(t5.size(), 1u);
  EXPECT_EQ(t5[0].batch, 4);
  EXPECT_EQ(t5[0].precision, "int8");
  EXPECT_EQ(t5[0].origin, "imported:ipfs-test-runs");
  auto b = db.Results({.model = "bert-base-uncased"});
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].batch, 1);
  EXPECT_EQ(b[0].seq_len, 32);
  EXPECT_DOUBLE_EQ(*b[0].lat_mean_ms, 2.3);  // seconds in the file
  EXPECT_DOUBLE_EQ(*b[0].load_ms, 2340);
  EXPECT_EQ(b[0].started_utc, "2025-03-02T12:34:56Z");
  EXPECT_EQ(b[0].origin, "imported:ipfs-benchmark-results");
}

TEST(Import, CsvWithFieldNameHeader) {
  TempDir tmp;
  auto db = Database::Open(tmp.Path("a.duckdb"));
  auto csv = Write(tmp, "r.csv",
                   "model,platform,precision,batch,lat_p50_ms,reason\n"
                   "bert,cpu,fp32,1,12.5,\"a, quoted \"\"reason\"\"\"\n"
                   "vit,cuda:0,fp16,8,,\n");
  EXPECT_EQ(ImportFiles(db, {csv}), 2);
  auto bert = db.Results({.model = "bert"});
  ASSERT_EQ(bert.size(), 1u);
  EXPECT_EQ(bert[0].reason, "a, quoted \"reason\"");
  EXPECT_DOUBLE_EQ(*bert[0].lat_p50_ms, 12.5);
  EXPECT_EQ(bert[0].origin, "imported:csv");
  EXPECT_FALSE(db.Results({.model = "vit"})[0].lat_p50_ms.has_value());
  EXPECT_EQ(Count(db, "runs"), 1);
}

TEST(Import, MalformedFilesAreRejectedWithLocationAndNothingIsImported) {
  TempDir tmp;
  auto db = Database::Open(tmp.Path("a.duckdb"));
  auto good = Write(tmp, "good.json", R"({"model_name": "m", "hardware_type": "cpu",
    "results": [{"batch_size": 1, "latency": 5}]})");
  struct Case {
    std::string name, text, expect;
  };
  std::vector<Case> cases = {
      {"bad.json", "{\"test_runs\": [\n{\"model_name\": \"x\",\n \"hardware_type\": }\n]}",
       "bad.json: line 3"},
      {"bad_record.json",
       R"({"test_runs": [{"model_name": "a", "hardware_type": "cpu", "latency": 1},
                         {"model_name": "b", "hardware_type": "cpu", "latency": "slow"}]})",
       "record 2"},
      {"bad.csv", "model,platform,batch\nbert,cpu,1\nvit,cpu,eight\n", "bad.csv: line 3"},
      {"bad_header.csv", "model,platform,colour\nbert,cpu,red\n",
       "line 1: unknown column 'colour'"},
      {"short.csv", "model,platform,batch\nbert,cpu\n", "line 2: expected 3 cells"},
      {"bad.jsonl",
       "{\"format\":\"accelbench-export\",\"schema_version\":3}\n{\"result\":{\"result_id\":\"x\"}}"
       "\nnot json\n",
       "bad.jsonl: line 3"},
      {"future.json", R"({"format": "accelbench-export", "schema_version": 99, "results": []})",
       "schema version 99"},
      {"unknown.json", R"({"hello": "world"})", "unrecognised format"},
      // A number too large for a double: nlohmann throws out_of_range, not parse_error (found
      // by fuzz_import; it used to escape as an uncaught exception).
      {"overflow.json", R"({"test_runs": [{"model_name": "m", "latency": 1E400}]})",
       "overflow.json: invalid JSON ([json.exception.out_of_range.406] number overflow"},
  };
  for (const auto& c : cases) {
    auto bad = Write(tmp, c.name, c.text);
    std::string err = ErrorOf(db, {good, bad});
    EXPECT_NE(err.find(c.expect), std::string::npos) << c.name << ": " << err;
    EXPECT_EQ(Count(db, "results"), 0) << c.name;
    EXPECT_EQ(Count(db, "runs"), 0) << c.name;
  }
}

TEST(ExportImport, RoundTripEveryFormatKeepsRowsAndSamples) {
  TempDir tmp;
  std::string src_path = tmp.Path("src.duckdb");
  auto src = Database::Open(src_path);
  src.InsertRun(MakeRun("run-1"));
  auto a = MakeResult("run-1", "k1");
  a.reason = "line one\nline \"two\", with comma";
  a.lat_p999_ms = 1.0 / 3.0;
  src.InsertResult(a, std::vector<double>{1.25, 2.5, 1e-9});
  auto f = MakeResult("run-1", "k2");
  f.status = ResultStatus::kFailed;
  f.lat_p50_ms = std::nullopt;
  src.InsertResult(f, {});
  auto originals = src.Results();

  for (std::string fmt : {"json", "jsonl", "csv", "parquet"}) {
    std::string out = tmp.Path("export." + fmt);
    auto files = ExportResults(src, {.format = fmt, .output = out});
    EXPECT_EQ(files[0], out);
    auto dst = Database::Open(tmp.Path("dst-" + fmt + ".duckdb"));
    EXPECT_EQ(ImportFiles(dst, {out}), 2) << fmt;
    auto back = dst.Results();
    ASSERT_EQ(back.size(), originals.size()) << fmt;
    for (size_t i = 0; i < back.size(); ++i)
      for (const auto& field : ResultFields())
        EXPECT_EQ(ValueToString(field.get(back[i])), ValueToString(field.get(originals[i])))
            << fmt << " " << field.name;
    // csv carries no samples; csv and parquet carry the results table only (no runs).
    if (fmt != "csv") EXPECT_EQ(dst.Samples(a.result_id), src.Samples(a.result_id)) << fmt;
    if (fmt == "json" || fmt == "jsonl")
      EXPECT_EQ(dst.Run("run-1")->command, "accelbench run --models bert") << fmt;
    EXPECT_EQ(ImportFiles(dst, {out}), 0) << fmt;  // importing again adds nothing
  }
  auto files = ExportResults(src, {.format = "parquet", .output = tmp.Path("x.parquet")});
  ASSERT_EQ(files.size(), 2u);
  auto n = src.Query("SELECT count(*) FROM read_parquet(" + SqlQuote(files[1]) + ")");
  EXPECT_EQ(std::get<int64_t>(n.rows[0][0]), 3);
  // The samples file alone is refused with what to do instead; nothing is stored.
  auto dst = Database::Open(tmp.Path("dst-samples.duckdb"));
  EXPECT_NE(ErrorOf(dst, {files[1]}).find("this is a samples file"), std::string::npos);
  EXPECT_EQ(Count(dst, "results"), 0);
}

TEST(ExportImport, CsvWithByteOrderMarkImports) {
  TempDir tmp;
  auto csv = Write(tmp, "bom.csv", "\xEF\xBB\xBFmodel,platform,batch,lat_p50_ms\nbert,cpu,4,2.5\n");
  auto db = Database::Open(tmp.Path("a.duckdb"));
  EXPECT_EQ(ImportFiles(db, {csv}), 1);
  auto rows = db.Results();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].model, "bert");
  EXPECT_EQ(rows[0].batch, 4);
}

TEST(ExportImport, ParquetThatIsNotOursIsRefused) {
  TempDir tmp;
  auto db = Database::Open(tmp.Path("a.duckdb"));
  const std::string other = tmp.Path("other.parquet");
  db.connection().Exec("COPY (SELECT 1 AS x) TO " + SqlQuote(other) + " (FORMAT parquet)");
  EXPECT_NE(ErrorOf(db, {other}).find("unknown column 'x'"), std::string::npos);
  const std::string cut = tmp.Path("cut.parquet");
  std::ofstream(cut, std::ios::binary) << "PAR1 and then nothing a reader can use";
  EXPECT_NE(ErrorOf(db, {cut}).find("not a readable Parquet file"), std::string::npos);
  EXPECT_EQ(Count(db, "results"), 0);
}

TEST(ExportImport, OlderExportVersionIsRenamedOnImport) {
  TempDir tmp;
  auto v1 = Write(tmp, "v1.json", R"({"format": "accelbench-export", "schema_version": 1,
    "runs": [], "results": [{"result_id": "old-1", "run_id": "r", "config_key": "k",
      "model": "bert", "platform": "cpu", "batch_size": 16, "status": "ok",
      "lat_p50_ms": 7.5, "samples_ms": [7.0, 8.0]}]})");
  auto db = Database::Open(tmp.Path("a.duckdb"));
  EXPECT_EQ(ImportFiles(db, {v1}), 1);
  auto rows = db.Results();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].batch, 16);
  EXPECT_EQ(db.Samples("old-1"), (std::vector<double>{7.0, 8.0}));
  // batch_size is not a field of the current version's export.
  auto v3 = Write(tmp, "v3.json", R"({"format": "accelbench-export", "schema_version": 3,
    "results": [{"result_id": "new-1", "batch_size": 16}]})");
  EXPECT_NE(ErrorOf(db, {v3}).find("unknown field 'batch_size'"), std::string::npos);
}

}  // namespace
}  // namespace accelbench::store
