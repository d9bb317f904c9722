// The dashboard's snapshot (issue 9): the connection pool lets requests query in parallel, the
// per-snapshot response cache is dropped with its snapshot, and the one-configuration history
// query (no window function) answers exactly what the general query answers.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "../store/store_test_util.h"
#include "server/api.h"
#include "server/snapshot.h"

namespace accelbench::server {
namespace {

using store::testing::MakeResult;
using store::testing::MakeRun;
using store::testing::TempDir;

void AddRun(store::Database& db, const std::string& id, int minute,
            const std::vector<std::pair<std::string, double>>& configs) {
  auto run = MakeRun(id);
  char ts[64];
  std::snprintf(ts, sizeof ts, "2026-11-27T%02d:%02d:00.000Z", 10 + minute / 60, minute % 60);
  run.started_utc = ts;
  db.InsertRun(run);
  for (const auto& [key, p50] : configs) {
    auto r = MakeResult(id, key);
    r.started_utc = ts;
    r.lat_p50_ms = p50;
    db.InsertResult(r, std::vector<double>{p50});
  }
  db.FinishRun(id, "finished");
}

std::string MakeDb(TempDir& tmp, int runs) {
  const std::string path = tmp.Path("s.duckdb");
  auto db = store::Database::Open(path);
  for (int i = 0; i < runs; ++i)
    AddRun(db, "run-" + std::to_string(i), i, {{"k/a", 10.0 + i}, {"k/b", 20.0 + i}});
  return path;
}

TEST(Snapshot, PoolLeasesDistinctConnectionsThatQueryAtOnce) {
  TempDir tmp;
  SnapshotSource src(MakeDb(tmp, 3),
                     {.refresh_s = 3600, .work_dir = tmp.Path(""), .connections = 3});
  auto snap = src.Current();
  auto a = snap->Acquire();
  auto b = snap->Acquire();
  auto c = snap->Acquire();
  EXPECT_NE(&a.db(), &b.db());
  EXPECT_NE(&b.db(), &c.db());
  EXPECT_NE(&a.db(), &c.db());
  // A fourth request waits until a connection comes back.
  std::atomic<bool> got{false};
  std::thread t([&] {
    auto d = snap->Acquire();
    got = true;
    EXPECT_EQ(store::ValueToString(d.db().Query("SELECT count(*) FROM results").rows.at(0).at(0)),
              "6");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(got.load());
  { auto released = std::move(c); }
  t.join();
  EXPECT_TRUE(got.load());
  // Two threads query through their own leases at the same time.
  std::thread t1([&] {
    EXPECT_EQ(store::ValueToString(a.db().Query("SELECT count(*) FROM runs").rows[0][0]), "3");
  });
  std::thread t2([&] {
    EXPECT_EQ(store::ValueToString(b.db().Query("SELECT count(*) FROM runs").rows[0][0]), "3");
  });
  t1.join();
  t2.join();
}

TEST(Snapshot, CachedAnswersLiveAndDieWithTheirSnapshot) {
  TempDir tmp;
  const std::string path = MakeDb(tmp, 2);
  SnapshotSource src(path, {.refresh_s = 3600, .work_dir = tmp.Path("")});
  auto first = src.Current();
  EXPECT_FALSE(first->Cached("history?x").has_value());
  first->Remember("history?x", "{\"n\":2}");
  EXPECT_EQ(first->Cached("history?x").value(), "{\"n\":2}");
  EXPECT_FALSE(src.Refresh());  // unchanged file: same snapshot, same cache
  EXPECT_EQ(src.Current().get(), first.get());
  {
    auto db = store::Database::Open(path);
    AddRun(db, "run-late", 30, {{"k/a", 99.0}});
  }
  ASSERT_TRUE(src.Refresh());
  auto second = src.Current();
  EXPECT_GT(second->generation, first->generation);
  EXPECT_FALSE(second->Cached("history?x").has_value());
  auto lease = second->Acquire();
  Session s(*second, lease.db());
  auto h = nlohmann::json::parse(ApiHistory(s, ResultQuery{.config_key = "k/a"}));
  ASSERT_EQ(h["series"].size(), 1u);
  EXPECT_EQ(h["series"][0]["points"].size(), 3u);
  EXPECT_EQ(h["series"][0]["points"][2]["value"], 99.0);
}

TEST(Snapshot, OneConfigurationHistoryEqualsTheGeneralQuery) {
  TempDir tmp;
  SnapshotSource src(MakeDb(tmp, 12), {.refresh_s = 3600, .work_dir = tmp.Path("")});
  auto snap = src.Current();
  auto lease = snap->Acquire();
  Session s(*snap, lease.db());
  for (int64_t limit : {1, 5, 12, 500}) {
    ResultQuery one{.config_key = "k/b", .limit = limit};
    ResultQuery all{.limit = limit};
    auto a = nlohmann::json::parse(ApiHistory(s, one));
    auto b = nlohmann::json::parse(ApiHistory(s, all));
    ASSERT_EQ(a["series"].size(), 1u);
    ASSERT_EQ(b["series"].size(), 2u);
    EXPECT_EQ(b["series"][1]["config_key"], "k/b");
    EXPECT_EQ(a["series"][0], b["series"][1]) << "limit " << limit;
    // Oldest first, the newest `limit` points.
    const auto& pts = a["series"][0]["points"];
    ASSERT_EQ(pts.size(), static_cast<size_t>(std::min<int64_t>(limit, 12)));
    EXPECT_EQ(pts.back()["value"], 31.0);
    for (size_t i = 1; i < pts.size(); ++i)
      EXPECT_LT(pts[i - 1]["started_utc"], pts[i]["started_utc"]);
  }
}

}  // namespace
}  // namespace accelbench::server
