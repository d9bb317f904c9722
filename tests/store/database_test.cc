// Schema, insert/read-back, resume keys, calibrations and read-only behaviour of the store.
#include <gtest/gtest.h>

#include <vector>

#include "core/errors.h"
#include "store/duck.h"
#include "store/schema.h"
#include "store_test_util.h"

namespace accelbench::store {
namespace {

using testing::MakeResult;
using testing::MakeRun;
using testing::TempDir;

TEST(Schema, ResultsColumnsComeFromFieldTable) {
  TempDir tmp;
  auto db = Database::Open(tmp.Path("a.duckdb"));
  auto q = db.Query(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'results' "
      "ORDER BY ordinal_position");
  ASSERT_EQ(q.rows.size(), ResultFields().size());
  for (size_t i = 0; i < q.rows.size(); ++i) {
    EXPECT_EQ(ValueToString(q.rows[i][0]), ResultFields()[i].name);
    EXPECT_EQ(ValueToString(q.rows[i][1]), ResultColumnType(ResultFields()[i].name));
  }
  EXPECT_EQ(db.SchemaVersion(), kSchemaVersion);
}

TEST(Database, InsertAndReadBackWithSql) {
  TempDir tmp;
  auto db = Database::Open(tmp.Path("a.duckdb"));
  db.InsertRun(MakeRun("run-1"));
  auto r = MakeResult("run-1", "bert/tiny/cpu/fp32/b1");
  r.lat_p999_ms = std::nullopt;
  std::vector<double> samples = {9.5, 10.0, 10.5};
  db.InsertResult(r, samples);

  auto back = db.Results({.run_id = "run-1"});
  ASSERT_EQ(back.size(), 1u);
  for (const auto& f : ResultFields())
    EXPECT_EQ(ValueToString(f.get(back[0])), ValueToString(f.get(r))) << f.name;
  EXPECT_FALSE(back[0].lat_p999_ms.has_value());
  EXPECT_EQ(db.Samples(r.result_id), samples);

  auto q = db.Query("SELECT count(*), sum(latency_ms), min(metric) FROM samples");
  EXPECT_EQ(std::get<int64_t>(q.rows[0][0]), 3);
  EXPECT_DOUBLE_EQ(std::get<double>(q.rows[0][1]), 30.0);
  EXPECT_EQ(std::get<std::string>(q.rows[0][2]), "latency_ms");
  auto m = db.Query("SELECT family, preset, params, flops_per_item FROM models");
  ASSERT_EQ(m.rows.size(), 1u);
  EXPECT_EQ(std::get<int64_t>(m.rows[0][2]), 1234);
  auto env = db.Query("SELECT cpu_model, host FROM environments");
  EXPECT_EQ(ValueToString(env.rows[0][0]), "Test CPU");

  auto runs = db.Runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].run.tags.at("purpose"), "test");
  EXPECT_EQ(runs[0].results, 1);
  db.FinishRun("run-1", "finished");
  EXPECT_EQ(db.Run("run-1")->status, "finished");
  EXPECT_FALSE(db.Run("run-1")->finished_utc.empty());
  EXPECT_THROW(db.InsertResult(r, samples), RuntimeError);  // same id twice
  EXPECT_THROW(db.InsertRun(MakeRun("run-1")), RuntimeError);
}

TEST(Database, FailedResultAddsFailureRowAndResumeKeys) {
  TempDir tmp;
  auto db = Database::Open(tmp.Path("a.duckdb"));
  db.InsertRun(MakeRun("run-1"));
  db.InsertResult(MakeResult("run-1", "k1"), std::vector<double>{1.0});
  auto f = MakeResult("run-1", "k2");
  f.status = ResultStatus::kFailed;
  f.reason = "killed by signal 9";
  db.InsertResult(f, {});
  db.InsertResult(MakeResult("run-2", "k3"), {});
  EXPECT_EQ(db.CompletedConfigKeys("run-1"), (std::set<std::string>{"k1", "k2"}));
  auto q = db.Query("SELECT reason FROM failures");
  ASSERT_EQ(q.rows.size(), 1u);
  EXPECT_EQ(ValueToString(q.rows[0][0]), "killed by signal 9");
  EXPECT_EQ(db.Results({.status = "failed"}).size(), 1u);
}

TEST(Database, ResultsPersistAcrossReopen) {
  TempDir tmp;
  std::string path = tmp.Path("a.duckdb");
  std::string id;
  {
    auto db = Database::Open(path);
    auto r = MakeResult("run-1", "k1");
    id = r.result_id;
    db.InsertResult(r, std::vector<double>{1, 2, 3});
  }
  auto db = Database::Open(path, {.read_only = true});
  EXPECT_EQ(db.Samples(id).size(), 3u);
}

TEST(Database, Calibrations) {
  TempDir tmp;
  auto db = Database::Open(tmp.Path("a.duckdb"));
  EXPECT_FALSE(db.LookupCalibration("cpu", "fp32").has_value());
  db.StoreCalibration("cpu", "fp32", 4.5e10);
  db.StoreCalibration("cpu", "bf16", 1.8e11);
  EXPECT_DOUBLE_EQ(*db.LookupCalibration("cpu", "fp32"), 4.5e10);
  EXPECT_DOUBLE_EQ(*db.LookupCalibration("cpu", "bf16"), 1.8e11);
  EXPECT_FALSE(db.LookupCalibration("cuda:0", "fp32").has_value());
}

TEST(Database, ReadOnlyQueryRefusesWrites) {
  TempDir tmp;
  std::string path = tmp.Path("a.duckdb");
  { auto db = Database::Open(path); }
  auto db = Database::Open(path, {.read_only = true});
  EXPECT_THROW(db.Query("INSERT INTO calibrations VALUES ('x', 'fp32', 1, 'now')"), RuntimeError);
  EXPECT_THROW(db.Query("DROP TABLE results"), RuntimeError);
  EXPECT_EQ(db.Query("SELECT count(*) FROM results").rows.size(), 1u);
  EXPECT_THROW(Database::Open(tmp.Path("absent.duckdb"), {.read_only = true}), RuntimeError);
}

TEST(Database, ViewsLatestAndSpeedupVsCpu) {
  TempDir tmp;
  auto db = Database::Open(tmp.Path("a.duckdb"));
  auto old_cpu = MakeResult("r", "bert/cpu", "cpu", 40.0);
  old_cpu.started_utc = "2026-11-27T09:00:00.000Z";
  db.InsertResult(old_cpu, {});
  db.InsertResult(MakeResult("r", "bert/cpu", "cpu", 20.0), {});
  db.InsertResult(MakeResult("r", "bert/cuda", "cuda:0", 2.0), {});
  auto latest = db.Query("SELECT lat_p50_ms FROM latest_results WHERE config_key = 'bert/cpu'");
  ASSERT_EQ(latest.rows.size(), 1u);
  EXPECT_DOUBLE_EQ(std::get<double>(latest.rows[0][0]), 20.0);
  auto sp = db.Query("SELECT speedup_vs_cpu FROM results_vs_cpu WHERE platform = 'cuda:0'");
  ASSERT_EQ(sp.rows.size(), 1u);
  EXPECT_DOUBLE_EQ(std::get<double>(sp.rows[0][0]), 10.0);
  EXPECT_EQ(db.Results({.latest_only = true}).size(), 2u);
}

TEST(Uuid, UniqueAndWellFormed) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(NewUuid());
  EXPECT_EQ(ids.size(), 1000u);
  std::string u = NewUuid();
  ASSERT_EQ(u.size(), 36u);
  EXPECT_EQ(u[14], '4');
  EXPECT_EQ(u[8], '-');
}

}  // namespace
}  // namespace accelbench::store
