// tune-precision's plan ranking (src/quant/plan_search.h).
#include <gtest/gtest.h>

#include "core/errors.h"
#include "quant/plan_search.h"

namespace accelbench::quant {
namespace {

TEST(PlanSearch, RanksWithinBudgetByObjective) {
  const PlanMeasurement fp32{0, 1000, 10};
  const std::vector<GroupSensitivity> s{
      {"attention", Precision::kInt8, {0.01, 800, 8}},
      {"attention", Precision::kInt4, {0.05, 700, 9}},
      {"mlp", Precision::kInt8, {0.02, 700, 7}},
      {"mlp", Precision::kInt4, {0.08, 550, 9.5}},
  };
  auto lat = RankPlans(fp32, s, 0.031, Objective::kLatency);
  ASSERT_FALSE(lat.empty());
  EXPECT_EQ(lat[0].plan.ToString(), "default=fp32,attention=int8,mlp=int8");
  EXPECT_NEAR(lat[0].predicted.rel_dev, 0.03, 1e-12);
  EXPECT_NEAR(lat[0].predicted.latency_ms, 5, 1e-12);  // 10 - 2 - 3
  EXPECT_NEAR(lat[0].predicted.weight_bytes, 500, 1e-9);
  for (const auto& p : lat) EXPECT_LE(p.predicted.rel_dev, 0.031);
  EXPECT_EQ(lat.size(), 3u);  // attention int8, mlp int8, both

  auto mem = RankPlans(fp32, s, 0.09, Objective::kMemory);
  ASSERT_FALSE(mem.empty());
  // attention int8 + mlp int4: 0.01 + 0.08 = 0.09 <= 0.09, 1000 - 200 - 450 = 350 B (the least).
  EXPECT_EQ(mem[0].plan.ToString(), "default=fp32,attention=int8,mlp=int4");
  EXPECT_NEAR(mem[0].predicted.weight_bytes, 350, 1e-9);
  auto mem2 = RankPlans(fp32, s, 0.075, Objective::kMemory);  // attention int4 + mlp int8: 400 B
  ASSERT_FALSE(mem2.empty());
  EXPECT_EQ(mem2[0].plan.ToString(), "default=fp32,attention=int4,mlp=int8");
  EXPECT_TRUE(RankPlans(fp32, s, 0.001, Objective::kMemory).empty());
  EXPECT_THROW(ParseObjective("speed"), UsageError);
}

}  // namespace
}  // namespace accelbench::quant
