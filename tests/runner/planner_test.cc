// Planner: cartesian expansion, skip reasons (capability matrix, absent platforms), ordering.
#include <gtest/gtest.h>

#include <set>

#include "runner/planner.h"

namespace accelbench::runner {
namespace {

Sweep TestDoubleSweep() {
  Sweep s;
  s.runtime = kTestDoubleRuntime;
  s.models = {"m1", "m2"};
  s.platforms = {"cpu", "cuda"};
  s.precisions = {Precision::kFp32, Precision::kBf16};
  s.modes = {Mode::kInference};
  s.batches = {1, 8};
  s.seq_lens = {128};
  s.preset = "tiny";
  return s;
}

PlanContext CpuOnly() {
  PlanContext ctx;
  ctx.platforms.push_back({PlatformKind::kCpu, "cpu", true, "", 0});
  ctx.platforms.push_back({PlatformKind::kCuda, "cuda", false, "no NVIDIA driver", 0});
  ctx.why_unsupported = [](PlatformKind k, Precision p, Mode,
                           const std::string&) -> std::optional<std::string> {
    if (k == PlatformKind::kCpu && p == Precision::kBf16) return "cpu lacks bf16 (test)";
    return std::nullopt;
  };
  return ctx;
}

TEST(Planner, ExpandsTheCartesianProduct) {
  const Plan plan = MakePlan(TestDoubleSweep(), CpuOnly());
  EXPECT_EQ(plan.Total(), 2u * 2u * 2u * 2u);
  std::set<std::string> keys;
  for (const auto& c : plan.runnable) keys.insert(c.config_key);
  for (const auto& c : plan.skipped) keys.insert(c.config_key);
  EXPECT_EQ(keys.size(), plan.Total()) << "config keys must be unique";
}

TEST(Planner, SkipsWithReasons) {
  const Plan plan = MakePlan(TestDoubleSweep(), CpuOnly());
  ASSERT_EQ(plan.runnable.size(), 4u);  // m1/m2 x cpu fp32 x batch 1/8
  for (const auto& c : plan.runnable) {
    EXPECT_EQ(c.platform, "cpu");
    EXPECT_EQ(c.precision, Precision::kFp32);
  }
  int absent = 0, unsupported = 0;
  for (const auto& c : plan.skipped) {
    if (c.skip_reason.find("no NVIDIA driver") != std::string::npos) ++absent;
    if (c.skip_reason == "cpu lacks bf16 (test)") ++unsupported;
  }
  EXPECT_EQ(absent, 8);
  EXPECT_EQ(unsupported, 4);
}

TEST(Planner, UndetectedPlatformIsSkippedNotAnError) {
  auto s = TestDoubleSweep();
  s.platforms = {"rocm"};
  const Plan plan = MakePlan(s, CpuOnly());
  EXPECT_TRUE(plan.runnable.empty());
  ASSERT_FALSE(plan.skipped.empty());
  EXPECT_NE(plan.skipped[0].skip_reason.find("not detected"), std::string::npos);
}

TEST(Planner, GroupsLoadEachModelOnceAndKeysAreStable) {
  auto s = TestDoubleSweep();
  s.platforms = {"cpu"};
  s.precisions = {Precision::kFp32};
  s.batches = {1, 8, 32};
  s.modes = {Mode::kInference, Mode::kTraining};
  const Plan a = MakePlan(s, CpuOnly());
  const auto groups = Groups(a.runnable);
  ASSERT_EQ(groups.size(), 2u);  // one per model
  EXPECT_EQ(groups[0].size(), 6u);
  for (const auto& c : groups[0]) EXPECT_EQ(c.model, "m1");
  EXPECT_EQ(groups[0][0].batch, 1);
  EXPECT_EQ(groups[0][1].batch, 8);
  EXPECT_EQ(groups[0][2].batch, 32);
  const Plan b = MakePlan(s, CpuOnly());
  ASSERT_EQ(a.runnable.size(), b.runnable.size());
  for (size_t i = 0; i < a.runnable.size(); ++i)
    EXPECT_EQ(a.runnable[i].config_key, b.runnable[i].config_key);
  EXPECT_EQ(a.runnable[0].config_key, "test-double|m1|tiny|cpu|fp32|inference|b1|s128|t0");
}

}  // namespace
}  // namespace accelbench::runner
