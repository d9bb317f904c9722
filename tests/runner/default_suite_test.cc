// The default suite's choices: every family, each available platform, fp32 + the first
// supported lower precision, batch 1 and 8, inference; presets shrink with the budget.
#include <gtest/gtest.h>

#include "models/family.h"
#include "runner/default_suite.h"

namespace accelbench::runner {
namespace {

DefaultSuiteInputs Inputs(double budget_s, bool bf16) {
  DefaultSuiteInputs in;
  in.ctx.platforms.push_back({PlatformKind::kCpu, "cpu", true, "", 16LL << 30});
  in.ctx.platforms.push_back({PlatformKind::kCuda, "cuda", false, "absent", 0});
  in.ctx.why_unsupported = [bf16](PlatformKind, Precision p, Mode,
                                  const std::string&) -> std::optional<std::string> {
    if (p == Precision::kBf16 && !bf16) return "no bf16";
    return std::nullopt;
  };
  in.host_memory_bytes = 16LL << 30;
  in.planning_flops = [](const PlatformAvailability&) { return 2e10; };
  in.budget_s = budget_s;
  return in;
}

TEST(DefaultSuite, CoversEveryFamilyOnAvailablePlatforms) {
  const auto sweeps = DefaultSuite(Inputs(480, true));
  ASSERT_EQ(sweeps.size(), models::AllFamilies().size()) << "one sweep per family (cpu only)";
  for (const auto& s : sweeps) {
    EXPECT_EQ(s.platforms, (std::vector<std::string>{"cpu"}));
    EXPECT_EQ(s.batches, (std::vector<int64_t>{1, 8}));
    EXPECT_EQ(s.modes, (std::vector<Mode>{Mode::kInference}));
    EXPECT_EQ(s.precisions, (std::vector<Precision>{Precision::kFp32, Precision::kBf16}));
    EXPECT_NE(s.runtime, kTestDoubleRuntime);
  }
}

TEST(DefaultSuite, FallsBackToNextLowerPrecision) {
  const auto sweeps = DefaultSuite(Inputs(480, false));
  ASSERT_FALSE(sweeps.empty());
  // No bf16 here: fp16 is next (int8 waits for a quantizing runtime, issue 11).
  EXPECT_EQ(sweeps[0].precisions, (std::vector<Precision>{Precision::kFp32, Precision::kFp16}));
}

TEST(DefaultSuite, Fp32AloneWhenNoLowerPrecisionIsSupported) {
  auto in = Inputs(480, false);
  in.ctx.why_unsupported = [](PlatformKind, Precision p, Mode,
                              const std::string&) -> std::optional<std::string> {
    if (p != Precision::kFp32) return "not here";
    return std::nullopt;
  };
  const auto sweeps = DefaultSuite(in);
  ASSERT_FALSE(sweeps.empty());
  EXPECT_EQ(sweeps[0].precisions, (std::vector<Precision>{Precision::kFp32}));
}

TEST(DefaultSuite, TinyBudgetPicksTinyPresets) {
  for (const auto& s : DefaultSuite(Inputs(0.001, true)))
    EXPECT_EQ(s.preset, "tiny") << s.models[0];
  // A generous budget picks something larger than tiny for at least one family.
  bool larger = false;
  for (const auto& s : DefaultSuite(Inputs(1e9, true))) larger |= s.preset != "tiny";
  EXPECT_TRUE(larger);
}

}  // namespace
}  // namespace accelbench::runner
