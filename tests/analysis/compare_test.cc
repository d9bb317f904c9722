// analysis::Compare on hand-made results with known samples: speedup and its bootstrap CI, the
// "no baseline" listing, fairness flags, precision gains, batch scaling and training cost.
#include "analysis/compare.h"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "core/errors.h"
#include "stats/stats.h"

namespace accelbench::analysis {
namespace {

ResultRecord Rec(std::string id, std::string platform, std::string precision, int64_t batch = 1,
                 std::string mode = "inference") {
  ResultRecord r;
  r.result_id = std::move(id);
  r.model = "bert";
  r.preset = "tiny";
  r.platform = platform;
  r.platform_kind = platform.substr(0, platform.find(':'));
  r.runtime = "libtorch";
  r.precision = std::move(precision);
  r.mode = std::move(mode);
  r.batch = batch;
  r.seq_len = 128;
  r.threads = 4;
  return r;
}

struct Fixture {
  std::vector<ResultRecord> results;
  std::map<std::string, std::vector<double>> samples;
  SampleLookup Lookup() const {
    return [this](const std::string& id) {
      auto it = samples.find(id);
      return it == samples.end() ? std::vector<double>{} : it->second;
    };
  }
};

const ComparisonRecord* Find(const std::vector<ComparisonRecord>& rows, ComparisonKind k,
                             const std::string& result_id) {
  for (const auto& r : rows)
    if (r.kind == k && r.result_id == result_id) return &r;
  return nullptr;
}

TEST(Compare, ConstantSamplesGiveExactSpeedupAndDegenerateCi) {
  Fixture f;
  f.results = {Rec("cpu", "cpu", "fp32"), Rec("gpu", "cuda:0", "fp32")};
  f.samples["cpu"] = {10, 10, 10, 10, 10, 10};
  f.samples["gpu"] = {2.5, 2.5, 2.5, 2.5};
  auto rows = Compare(f.results, f.Lookup());
  const auto* s = Find(rows, ComparisonKind::kSpeedup, "gpu");
  ASSERT_NE(s, nullptr);
  EXPECT_DOUBLE_EQ(*s->value, 4.0);
  EXPECT_DOUBLE_EQ(*s->ci_low, 4.0);
  EXPECT_DOUBLE_EQ(*s->ci_high, 4.0);
  EXPECT_DOUBLE_EQ(*s->metric, 2.5);
  EXPECT_DOUBLE_EQ(*s->reference_metric, 10.0);
  EXPECT_EQ(s->reference_result_id, "cpu");
  EXPECT_EQ(s->flags, "");
  // the baseline itself is not compared with itself
  EXPECT_EQ(Find(rows, ComparisonKind::kSpeedup, "cpu"), nullptr);
}

TEST(Compare, SpeedupCiIsTheSeededBootstrapOfTheRatioOfMedians) {
  Fixture f;
  f.results = {Rec("cpu", "cpu", "fp32"), Rec("gpu", "cuda:0", "fp32")};
  f.samples["cpu"] = {9, 10, 11, 10, 12, 9.5, 10.5, 30};
  f.samples["gpu"] = {2, 2.1, 1.9, 2.2, 2, 5};
  auto rows = Compare(f.results, f.Lookup(), {.resamples = 500});
  const auto* s = Find(rows, ComparisonKind::kSpeedup, "gpu");
  ASSERT_NE(s, nullptr);
  // medians 10.25 and 2.05: speedup 5 exactly
  EXPECT_DOUBLE_EQ(*s->value, 10.25 / 2.05);
  auto ci = stats::BootstrapMedianRatioCi(f.samples["cpu"], f.samples["gpu"], 0.95, 500);
  EXPECT_DOUBLE_EQ(*s->ci_low, ci.low);
  EXPECT_DOUBLE_EQ(*s->ci_high, ci.high);
  EXPECT_LE(*s->ci_low, *s->value);
  EXPECT_GE(*s->ci_high, *s->value);
  EXPECT_LT(*s->ci_low, *s->ci_high);
}

TEST(Compare, ConfigurationsWithoutBaselineAreListedNotDropped) {
  Fixture f;
  f.results = {Rec("cpu", "cpu", "fp32", 1), Rec("gpu8", "cuda:0", "fp32", 8)};
  f.samples["cpu"] = {1, 1, 1};
  f.samples["gpu8"] = {1, 1, 1};
  auto rows = Compare(f.results, f.Lookup());
  const auto* s = Find(rows, ComparisonKind::kSpeedup, "gpu8");
  ASSERT_NE(s, nullptr);
  EXPECT_FALSE(s->value.has_value());
  EXPECT_NE(s->flags.find("no baseline"), std::string::npos);
}

TEST(Compare, DifferentThreadsAreFlagged) {
  Fixture f;
  f.results = {Rec("cpu", "cpu", "fp32"), Rec("gpu", "cuda:0", "fp32")};
  f.results[1].threads = 16;
  f.results[1].status = ResultStatus::kNotConverged;
  f.samples["cpu"] = {4, 4, 4};
  f.samples["gpu"] = {1, 1, 1};
  auto rows = Compare(f.results, f.Lookup());
  const auto* s = Find(rows, ComparisonKind::kSpeedup, "gpu");
  ASSERT_NE(s, nullptr);
  EXPECT_NE(s->flags.find("threads differ (16 vs 4)"), std::string::npos);
  EXPECT_NE(s->flags.find("not_converged"), std::string::npos);
}

TEST(Compare, FailedResultsTakeNoPartAndMissingSamplesFallBackToP50) {
  Fixture f;
  f.results = {Rec("cpu", "cpu", "fp32"), Rec("gpu", "cuda:0", "fp32"),
               Rec("bad", "cuda:1", "fp32")};
  f.results[0].lat_p50_ms = 6;
  f.results[1].lat_p50_ms = 2;
  f.results[2].status = ResultStatus::kFailed;
  auto rows = Compare(f.results, f.Lookup());
  EXPECT_EQ(Find(rows, ComparisonKind::kSpeedup, "bad"), nullptr);
  const auto* s = Find(rows, ComparisonKind::kSpeedup, "gpu");
  ASSERT_NE(s, nullptr);
  EXPECT_DOUBLE_EQ(*s->value, 3.0);
  EXPECT_FALSE(s->ci_low.has_value());
  EXPECT_NE(s->flags.find("no raw samples"), std::string::npos);
}

TEST(Compare, ChosenBaselineAndPrecisionGainsWithDeviation) {
  Fixture f;
  f.results = {Rec("g32", "cuda:0", "fp32"), Rec("g16", "cuda:0", "fp16")};
  f.results[1].output_max_abs_dev = 0.002;
  f.results[1].output_rel_dev = 0.001;
  f.samples["g32"] = {3, 3, 3};
  f.samples["g16"] = {1, 1, 1};
  CompareOptions opt;
  opt.baseline = ParseBaseline("platform=cuda,precision=fp32");
  auto rows = Compare(f.results, f.Lookup(), opt);
  const auto* s = Find(rows, ComparisonKind::kSpeedup, "g16");
  ASSERT_NE(s, nullptr);
  EXPECT_DOUBLE_EQ(*s->value, 3.0);
  const auto* p = Find(rows, ComparisonKind::kPrecision, "g16");
  ASSERT_NE(p, nullptr);
  EXPECT_DOUBLE_EQ(*p->value, 3.0);
  EXPECT_DOUBLE_EQ(*p->output_max_abs_dev, 0.002);
  EXPECT_DOUBLE_EQ(*p->output_rel_dev, 0.001);
}

TEST(Compare, BatchScalingEfficiencyAndTrainingCost) {
  Fixture f;
  f.results = {Rec("b1", "cpu", "fp32", 1), Rec("b4", "cpu", "fp32", 4),
               Rec("t1", "cpu", "fp32", 1, "training")};
  f.results[0].throughput = 100;
  f.results[1].throughput = 300;
  f.samples["b1"] = {2, 2, 2};
  f.samples["t1"] = {7, 7, 7};
  auto rows = Compare(f.results, f.Lookup());
  const auto* b = Find(rows, ComparisonKind::kBatchScaling, "b4");
  ASSERT_NE(b, nullptr);
  EXPECT_DOUBLE_EQ(*b->value, 0.75);  // 3x the throughput for 4x the batch
  const auto* t = Find(rows, ComparisonKind::kTrainVsInfer, "t1");
  ASSERT_NE(t, nullptr);
  EXPECT_DOUBLE_EQ(*t->value, 3.5);
  EXPECT_DOUBLE_EQ(*t->metric, 7.0);
  EXPECT_DOUBLE_EQ(*t->reference_metric, 2.0);
}

TEST(Compare, ParseBaselineRejectsBadSpecs) {
  auto b = ParseBaseline("platform=cuda");
  EXPECT_EQ(*b.platform, "cuda");
  EXPECT_FALSE(b.precision.has_value());
  EXPECT_THROW(ParseBaseline("gpu=1"), UsageError);
  EXPECT_THROW(ParseBaseline("platform"), UsageError);
}

TEST(Compare, WritersShareOneFieldTable) {
  Fixture f;
  f.results = {Rec("cpu", "cpu", "fp32"), Rec("gpu", "cuda:0", "fp32")};
  f.samples["cpu"] = {4, 4, 4};
  f.samples["gpu"] = {1, 1, 1};
  auto rows = Compare(f.results, f.Lookup());
  std::ostringstream csv, json, md;
  WriteComparisons(rows, "csv", csv);
  WriteComparisons(rows, "json", json);
  WriteComparisons(rows, "md", md);
  EXPECT_EQ(csv.str().substr(0, csv.str().find('\n')).find("kind,model,preset"), 0u);
  EXPECT_NE(csv.str().find("speedup,bert,tiny,inference,1,128,cuda:0,libtorch,fp32"),
            std::string::npos);
  EXPECT_NE(json.str().find("\"value\": 4.0"), std::string::npos);
  EXPECT_NE(md.str().find("| speedup | bert |"), std::string::npos);
  std::ostringstream bad;
  EXPECT_THROW(WriteComparisons(rows, "xml", bad), UsageError);
}

}  // namespace
}  // namespace accelbench::analysis
