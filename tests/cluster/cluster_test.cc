// Sharded sweeps and cluster plans (issue 10): shard parsing, launcher detection, LPT balance,
// shard database paths, cluster-file validation and the golden launch plans.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "cluster/cluster_config.h"
#include "cluster/shard.h"
#include "core/errors.h"

namespace accelbench::cluster {
namespace {

EnvLookup Env(std::map<std::string, std::string> m) {
  return [m](const std::string& k) -> std::optional<std::string> {
    auto it = m.find(k);
    if (it == m.end()) return std::nullopt;
    return it->second;
  };
}

TEST(Shard, ParsesAndRejectsOutOfRange) {
  auto s = ParseShard("2/3");
  EXPECT_EQ(s.index, 2);
  EXPECT_EQ(s.count, 3);
  EXPECT_EQ(s.Label(), "2/3");
  EXPECT_THROW(ParseShard("3/3"), UsageError);
  EXPECT_THROW(ParseShard("-1/3"), UsageError);
  EXPECT_THROW(ParseShard("1/0"), UsageError);
  EXPECT_THROW(ParseShard("1"), UsageError);
  EXPECT_THROW(ParseShard("a/3"), UsageError);
  try {
    ParseShard("5/3");
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("out of range 0..2"), std::string::npos) << e.what();
  }
}

TEST(Shard, DetectsLaunchers) {
  auto o = DetectLauncherShard(Env({{"OMPI_COMM_WORLD_RANK", "1"},
                                    {"OMPI_COMM_WORLD_SIZE", "3"},
                                    {"OMPI_MCA_ess_base_jobid", "77"}}));
  ASSERT_TRUE(o);
  EXPECT_EQ(o->index, 1);
  EXPECT_EQ(o->count, 3);
  EXPECT_EQ(o->source, "openmpi");
  EXPECT_EQ(SharedRunId("", *o, Env({})), "openmpi-77");
  EXPECT_EQ(SharedRunId("mine", *o, Env({})), "mine");
  EXPECT_EQ(SharedRunId("", *o, Env({{"ACCELBENCH_RUN_ID", "env"}})), "env");

  auto p = DetectLauncherShard(Env({{"PMI_RANK", "0"}, {"PMI_SIZE", "2"}}));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->source, "pmi");

  // srun step: SLURM_STEP_ID set; the batch script alone (no step) is not a shard.
  EXPECT_FALSE(DetectLauncherShard(Env({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "4"}})));
  auto s = DetectLauncherShard(Env({{"SLURM_PROCID", "3"},
                                    {"SLURM_NTASKS", "4"},
                                    {"SLURM_STEP_NUM_TASKS", "4"},
                                    {"SLURM_STEP_ID", "0"},
                                    {"SLURM_JOB_ID", "991"}}));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 3);
  EXPECT_EQ(SharedRunId("", *s, Env({})), "slurm-991");

  auto a = DetectLauncherShard(Env({{"SLURM_ARRAY_TASK_ID", "5"},
                                    {"SLURM_ARRAY_TASK_MIN", "4"},
                                    {"SLURM_ARRAY_TASK_COUNT", "2"},
                                    {"SLURM_ARRAY_JOB_ID", "12"}}));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->index, 1);
  EXPECT_EQ(a->count, 2);
  EXPECT_EQ(SharedRunId("", *a, Env({})), "slurm-12");

  EXPECT_THROW(
      DetectLauncherShard(Env({{"OMPI_COMM_WORLD_RANK", "4"}, {"OMPI_COMM_WORLD_SIZE", "3"}})),
      UsageError);
  EXPECT_FALSE(DetectLauncherShard(Env({})));
}

TEST(Shard, LptBalancesCostNotCount) {
  // One big item and four small ones over two shards: by count 3/2, by cost 1/4.
  const std::vector<double> costs = {10, 2.5, 2.5, 2.5, 2.5};
  const auto owner = AssignLpt(costs, 2);
  EXPECT_EQ(owner[0], 0);
  for (size_t i = 1; i < costs.size(); ++i) EXPECT_EQ(owner[i], 1);
  // Deterministic: the same input gives the same assignment.
  EXPECT_EQ(AssignLpt(costs, 2), owner);
  // Classic LPT example: 7,6,5,4,3,2 on 3 shards -> loads 9,9,9.
  const std::vector<double> c2 = {7, 6, 5, 4, 3, 2};
  const auto o2 = AssignLpt(c2, 3);
  std::vector<double> load(3, 0);
  for (size_t i = 0; i < c2.size(); ++i) load[o2[i]] += c2[i];
  EXPECT_EQ(load, (std::vector<double>{9, 9, 9}));
}

TEST(Shard, PlanSharesCoverEverythingOnce) {
  runner::Plan plan;
  for (int i = 0; i < 7; ++i) {
    runner::PlannedConfig c;
    c.config_key = "k" + std::to_string(i);
    c.platform_kind = "cpu";
    c.flops_per_step = 1e9 * (i + 1);
    plan.runnable.push_back(c);
  }
  for (int i = 0; i < 4; ++i) {
    runner::PlannedConfig c;
    c.config_key = "s" + std::to_string(i);
    c.skip_reason = "absent";
    plan.skipped.push_back(c);
  }
  runner::HarnessOptions h;
  std::multiset<std::string> seen;
  for (int i = 0; i < 3; ++i) {
    ShardSpec s;
    s.index = i;
    s.count = 3;
    const auto share = ShardPlan(plan, s, h);
    for (const auto& c : share.runnable) seen.insert(c.config_key);
    for (const auto& c : share.skipped) seen.insert(c.config_key);
    // planner order kept inside a share
    for (size_t j = 1; j < share.runnable.size(); ++j)
      EXPECT_LT(share.runnable[j - 1].config_key, share.runnable[j].config_key);
  }
  EXPECT_EQ(seen.size(), 11u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 11u);
}

TEST(Shard, DatabasePaths) {
  ShardSpec s;
  s.index = 1;
  s.count = 3;
  EXPECT_EQ(ShardDbPath("out/a.duckdb", s, "h"), "out/a.shard-1-of-3.duckdb");
  EXPECT_EQ(ShardDbPath("out/{host}-{shard}.duckdb", s, "node7"), "out/node7-1-of-3.duckdb");
  EXPECT_EQ(ShardDbPath("a.duckdb", ShardSpec{}, "h"), "a.duckdb");
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ClusterPlan, GoldenPlans) {
  const std::string dir = std::string(ACCELBENCH_SOURCE_DIR) + "/tests/cluster/";
  for (const std::string name : {"mpirun", "slurm", "slurm_array"}) {
    const auto c = LoadClusterConfig(dir + "configs/" + name + ".yaml");
    const std::string got = PlanText(c);
    const std::string golden = dir + "golden/" + name + ".txt";
    if (std::getenv("ACCELBENCH_UPDATE_GOLDEN")) std::ofstream(golden) << got;
    EXPECT_EQ(got, Slurp(golden)) << name;
  }
}

TEST(ClusterPlan, BadInput) {
  auto parse = [](const std::string& y) { return ParseClusterConfig(y, "c.yaml"); };
  EXPECT_THROW(parse("launcher: mpirun\n"), UsageError);  // no hosts
  EXPECT_THROW(parse("hosts: [a]\nlauncher: pbs\n"), UsageError);
  EXPECT_THROW(parse("hosts: [a]\ncolour: red\n"), UsageError);
  EXPECT_THROW(parse("hosts:\n  - {name: a, devices: 2, ranks: 3}\n"), UsageError);
  EXPECT_THROW(parse("hosts:\n  - {name: a, ranks: 0}\n"), UsageError);
  EXPECT_THROW(parse("hosts: [a, a]\n"), UsageError);
  try {
    parse("hosts:\n  - {name: a, ranks: 2}\n  - {name: b, ranks: 2}\nworld_size: 5\n");
    FAIL() << "world size 5 > 4 slots accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("larger than the hosts allow"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("c.yaml:4"), std::string::npos) << e.what();
  }
  const auto c = parse("hosts: [good, bad]\n");
  EXPECT_EQ(c.world_size, 2);
  const Resolver fake = [](const std::string& h) -> std::optional<std::string> {
    if (h == "bad") return std::string("Name or service not known");
    return std::nullopt;
  };
  try {
    CheckHostsResolve(c, fake);
    FAIL() << "unreachable host accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("host bad is unreachable"), std::string::npos);
  }
  EXPECT_FALSE(SystemResolver()("localhost"));
}

}  // namespace
}  // namespace accelbench::cluster
