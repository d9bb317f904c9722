// Migrations from every older schema version, refusal of newer ones, locking and bad files.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "core/errors.h"
#include "store/duck.h"
#include "store/schema.h"
#include "store_test_util.h"

namespace accelbench::store {
namespace {

using testing::MakeResult;
using testing::MakeRun;
using testing::TempDir;

// table -> [(column, type)] of a database file.
std::string Columns(Database& db) {
  auto q = db.Query(
      "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE "
      "table_schema = 'main' AND table_catalog = current_database() ORDER BY table_name, "
      "column_name");
  std::string out;
  for (auto& row : q.rows)
    out += ValueToString(row[0]) + "." + ValueToString(row[1]) + " " + ValueToString(row[2]) + "\n";
  return out;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class MigrationTest : public ::testing::TestWithParam<int> {};

TEST_P(MigrationTest, OlderVersionMigratesToCurrentKeepingRows) {
  const int version = GetParam();
  TempDir tmp;
  std::string old_path = tmp.Path("old.duckdb");
  {
    DuckDatabase raw(old_path, false);
    Connection c(raw);
    CreateSchemaAtVersion(c, version);
    std::string batch_col = version == 1 ? "batch_size" : "batch";
    c.Exec(
        "INSERT INTO runs (run_id, started_utc, status, tags, settings_json) VALUES ('r1', "
        "'2026-01-01T00:00:00Z', 'finished', '{}', '{}')");
    c.Exec(
        "INSERT INTO results (result_id, run_id, config_key, model, platform, precision, mode, " +
        batch_col +
        ", status, lat_p50_ms) VALUES ('id1', 'r1', 'k1', 'bert', 'cpu', 'fp32', "
        "'inference', 8, 'ok', 12.5)");
    c.Exec(
        "INSERT INTO samples (result_id, iteration, latency_ms) VALUES ('id1', 0, 12.0), ('id1', "
        "1, 13.0)");
    EXPECT_EQ(ReadSchemaVersion(c), version);
  }
  std::string fresh_path = tmp.Path("fresh.duckdb");
  auto fresh = Database::Open(fresh_path);
  auto db = Database::Open(old_path);
  EXPECT_EQ(db.SchemaVersion(), kSchemaVersion);
  EXPECT_EQ(Columns(db), Columns(fresh));  // same tables, columns and types as a new database
  auto rows = db.Results();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].batch, 8);
  EXPECT_DOUBLE_EQ(*rows[0].lat_p50_ms, 12.5);
  EXPECT_EQ(db.Samples("id1"), (std::vector<double>{12.0, 13.0}));
  EXPECT_EQ(db.Run("r1")->planned_config_keys.size(), 0u);
  // The views work on the migrated database.
  EXPECT_EQ(db.Query("SELECT * FROM results_vs_cpu").rows.size(), 1u);
  db.InsertResult(MakeResult("r1", "k2"), std::vector<double>{1.0});
  EXPECT_EQ(db.Results().size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(EveryOlderVersion, MigrationTest, ::testing::Range(1, kSchemaVersion));

TEST(Migration, ReadOnlyOpenOfOlderDatabaseMigratesFirst) {
  TempDir tmp;
  std::string path = tmp.Path("old.duckdb");
  {
    DuckDatabase raw(path, false);
    Connection c(raw);
    CreateSchemaAtVersion(c, 1);
  }
  auto db = Database::Open(path, {.read_only = true});
  EXPECT_EQ(db.SchemaVersion(), kSchemaVersion);
}

TEST(Migration, NewerDatabaseIsRefused) {
  TempDir tmp;
  std::string path = tmp.Path("new.duckdb");
  {
    auto db = Database::Open(path);
    db.connection().Exec("UPDATE schema_version SET version = " +
                         std::to_string(kSchemaVersion + 1));
  }
  try {
    Database::Open(path);
    FAIL() << "opened a newer database";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("newer than this accelbench supports"), std::string::npos)
        << e.what();
  }
}

TEST(BadFile, NonDuckDbFileIsRefusedAndLeftUntouched) {
  TempDir tmp;
  std::string path = tmp.Path("notes.duckdb");
  {
    std::ofstream out(path, std::ios::binary);
    out << "these are my notes, not a database\n";
    for (int i = 0; i < 1000; ++i) out << "line " << i << "\n";
  }
  std::string before = ReadBytes(path);
  try {
    Database::Open(path);
    FAIL() << "opened a text file";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("not a DuckDB database"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Database::Open(path, {.read_only = true}), RuntimeError);
  EXPECT_EQ(ReadBytes(path), before);
  EXPECT_FALSE(std::filesystem::exists(path + ".wal"));

  std::string empty = tmp.Path("empty.duckdb");
  { std::ofstream out(empty); }
  EXPECT_THROW(Database::Open(empty), RuntimeError);
  EXPECT_EQ(std::filesystem::file_size(empty), 0u);
}

TEST(BadFile, ForeignDuckDbDatabaseIsRefused) {
  TempDir tmp;
  std::string path = tmp.Path("other.duckdb");
  {
    DuckDatabase raw(path, false);
    Connection c(raw);
    c.Exec("CREATE TABLE precious (x INTEGER)");
    c.Exec("INSERT INTO precious VALUES (42)");
  }
  EXPECT_THROW(Database::Open(path), RuntimeError);
  DuckDatabase raw(path, true);
  Connection c(raw);
  EXPECT_EQ(c.Query("SELECT count(*) FROM information_schema.tables").Int(0, 0), 1);
}

TEST(Locking, SecondWriterWaitsThenFailsClearly) {
  TempDir tmp;
  std::string path = tmp.Path("locked.duckdb");
  { auto db = Database::Open(path); }
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(ready[0]);
    int code = 0;
    try {
      auto db = Database::Open(path);
      char ok = 1;
      if (write(ready[1], &ok, 1) != 1) code = 2;
      sleep(5);
    } catch (...) {
      code = 1;
    }
    _exit(code);
  }
  close(ready[1]);
  char ok = 0;
  ASSERT_EQ(read(ready[0], &ok, 1), 1);
  close(ready[0]);
  auto start = std::chrono::steady_clock::now();
  try {
    Database::Open(path, {.read_only = false, .lock_timeout_s = 1.0});
    FAIL() << "opened a database another process holds";
  } catch (const RuntimeError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("is locked by another accelbench process (waited"), std::string::npos)
        << msg;
  }
  double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GE(waited, 1.0);  // it waited rather than failing at once
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  // Once the holder is gone the database opens and nothing was lost.
  auto db = Database::Open(path, {.read_only = false, .lock_timeout_s = 5});
  EXPECT_EQ(db.SchemaVersion(), kSchemaVersion);
}

TEST(Locking, WriterWaitsForHolderToFinish) {
  TempDir tmp;
  std::string path = tmp.Path("locked.duckdb");
  { auto db = Database::Open(path); }
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(ready[0]);
    {
      auto db = Database::Open(path);
      db.InsertResult(MakeResult("r", "k-child"), std::vector<double>{1.0});
      char ok = 1;
      if (write(ready[1], &ok, 1) != 1) _exit(2);
      usleep(700 * 1000);
    }
    _exit(0);
  }
  close(ready[1]);
  char ok = 0;
  ASSERT_EQ(read(ready[0], &ok, 1), 1);
  auto db = Database::Open(path, {.read_only = false, .lock_timeout_s = 20});
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_EQ(db.CompletedConfigKeys("r").count("k-child"), 1u);
}

}  // namespace
}  // namespace accelbench::store
