// Merging databases: no duplicates, merging twice adds nothing, missing planned configurations.
#include <gtest/gtest.h>

#include "core/errors.h"
#include "store/duck.h"
#include "store/schema.h"
#include "store_test_util.h"

namespace accelbench::store {
namespace {

using testing::MakeResult;
using testing::MakeRun;
using testing::TempDir;

TEST(Merge, TwoDatabasesWithoutDuplicates) {
  TempDir tmp;
  std::string a_path = tmp.Path("a.duckdb"), b_path = tmp.Path("b.duckdb");
  {
    auto b = Database::Open(b_path);
    auto run = MakeRun("run-b");
    run.planned_config_keys = {"kb1", "kb2", "kb3"};
    b.InsertRun(run);
    b.InsertResult(MakeResult("run-b", "kb1"), std::vector<double>{1, 2});
    b.InsertResult(MakeResult("run-b", "kb2"), std::vector<double>{3});
    b.StoreCalibration("cuda:0", "fp16", 7e14);
  }
  auto a = Database::Open(a_path);
  a.InsertRun(MakeRun("run-a"));
  a.InsertResult(MakeResult("run-a", "ka1"), std::vector<double>{5});

  auto rep = a.Merge({b_path});
  EXPECT_EQ(rep.runs_added, 1);
  EXPECT_EQ(rep.results_added, 2);
  EXPECT_EQ(rep.samples_added, 3);
  ASSERT_EQ(rep.missing.size(), 1u);
  EXPECT_EQ(rep.missing.at("run-b"), (std::vector<std::string>{"kb3"}));
  EXPECT_EQ(a.Results().size(), 3u);
  EXPECT_DOUBLE_EQ(*a.LookupCalibration("cuda:0", "fp16"), 7e14);

  auto again = a.Merge({b_path});
  EXPECT_EQ(again.runs_added, 0);
  EXPECT_EQ(again.results_added, 0);
  EXPECT_EQ(again.samples_added, 0);
  EXPECT_EQ(a.Results().size(), 3u);
  EXPECT_EQ(a.Query("SELECT count(*) FROM samples").rows[0][0], Value(int64_t{4}));
  EXPECT_EQ(a.Query("SELECT count(*) FROM calibrations").rows[0][0], Value(int64_t{1}));
  EXPECT_EQ(a.Query("SELECT count(*) FROM environments").rows[0][0], Value(int64_t{1}));
  EXPECT_THROW(a.Merge({a_path}), UsageError);
  EXPECT_THROW(a.Merge({tmp.Path("absent.duckdb")}), RuntimeError);
}

// Predictions and WebGPU autotune rows travel with a merge too, once.
TEST(Merge, CopiesPredictionsAndAutotuneRowsOnce) {
  TempDir tmp;
  std::string a_path = tmp.Path("a.duckdb"), b_path = tmp.Path("b.duckdb");
  {
    auto b = Database::Open(b_path);
    b.Query(
        "INSERT INTO predictions (prediction_id, model, platform, predictor, predicted_p50_ms) "
        "VALUES ('p1', 'bert', 'cuda', 'gbt', 1.5), ('p2', 'vit', 'cpu', 'roofline', 7.0)");
    b.Query(
        "INSERT INTO webgpu_autotune VALUES ('r1', 'chromium', 'google', 'swiftshader', true, "
        "'mel', '80x3000', '64x1', 2.5, NULL, true, '2026-11-28T00:00:00Z'), ('r1', 'chromium', "
        "'google', 'swiftshader', true, 'mel', '80x3000', '128x1', 3.0, NULL, false, "
        "'2026-11-28T00:00:00Z')");
  }
  auto a = Database::Open(a_path);
  a.Query("INSERT INTO predictions (prediction_id, model) VALUES ('p1', 'bert')");
  auto rep = a.Merge({b_path});
  EXPECT_EQ(rep.predictions_added, 1);  // p1 was already there
  EXPECT_EQ(rep.autotune_rows_added, 2);
  EXPECT_EQ(a.Query("SELECT predicted_p50_ms FROM predictions WHERE prediction_id = 'p2'").rows,
            (std::vector<std::vector<Value>>{{Value(7.0)}}));
  EXPECT_EQ(a.Query("SELECT workgroup FROM webgpu_autotune WHERE chosen").rows,
            (std::vector<std::vector<Value>>{{Value(std::string("64x1"))}}));
  auto again = a.Merge({b_path});
  EXPECT_EQ(again.predictions_added, 0);
  EXPECT_EQ(again.autotune_rows_added, 0);
  EXPECT_EQ(a.Query("SELECT count(*) FROM webgpu_autotune").rows[0][0], Value(int64_t{2}));
  EXPECT_EQ(a.Query("SELECT count(*) FROM predictions").rows[0][0], Value(int64_t{2}));
}

TEST(Merge, OlderSourceIsMigratedInACopyAndLeftUntouched) {
  TempDir tmp;
  std::string old_path = tmp.Path("old.duckdb");
  {
    DuckDatabase raw(old_path, false);
    Connection c(raw);
    CreateSchemaAtVersion(c, 1);
    c.Exec(
        "INSERT INTO results (result_id, run_id, config_key, batch_size, status) VALUES "
        "('old-1', 'r', 'k', 4, 'ok')");
  }
  auto a = Database::Open(tmp.Path("a.duckdb"));
  auto rep = a.Merge({old_path});
  EXPECT_EQ(rep.results_added, 1);
  EXPECT_EQ(a.Results()[0].batch, 4);
  DuckDatabase raw(old_path, true);
  Connection c(raw);
  EXPECT_EQ(ReadSchemaVersion(c), 1);
}

}  // namespace
}  // namespace accelbench::store
