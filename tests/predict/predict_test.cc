// Predictor unit tests: metrics against hand-computed values, roofline known values, vendor spec
// lookup, conformal coverage on synthetic data, held-out evaluation.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/errors.h"
#include "predict/evaluate.h"
#include "predict/features.h"
#include "predict/metrics.h"
#include "predict/peaks.h"
#include "predict/predictor.h"

namespace accelbench::predict {
namespace {

TEST(Metrics, HandComputed) {
  const std::vector<double> pred = {11, 8, 30, 100}, meas = {10, 10, 25, 100};
  // |11-10|/10 = 0.1, |8-10|/10 = 0.2, |30-25|/25 = 0.2, 0
  EXPECT_NEAR(MeanAbsPercentageError(pred, meas), 0.5 / 4, 1e-12);
  EXPECT_DOUBLE_EQ(ShareWithin(pred, meas, 0.10), 0.5);  // 0.1 counts as within
  EXPECT_DOUBLE_EQ(ShareWithin(pred, meas, 0.25), 1.0);
  EXPECT_DOUBLE_EQ(ShareWithin(pred, meas, 0.05), 0.25);
}

TEST(Metrics, SpearmanHandComputed) {
  EXPECT_NEAR(Spearman(std::vector<double>{1, 2, 3, 4}, std::vector<double>{10, 20, 30, 40}), 1.0,
              1e-12);
  EXPECT_NEAR(Spearman(std::vector<double>{1, 2, 3, 4}, std::vector<double>{4, 3, 2, 1}), -1.0,
              1e-12);
  // ranks a = 1 2 3 4 5, b = 2 1 4 3 5: d^2 = 1+1+1+1+0 = 4 -> 1 - 6*4/(5*24) = 0.8
  EXPECT_NEAR(Spearman(std::vector<double>{1, 2, 3, 4, 5}, std::vector<double>{2, 1, 4, 3, 5}), 0.8,
              1e-12);
  // ties: a = 1 2 2 3 -> ranks 1 2.5 2.5 4; b = 1 2 3 4; Pearson of ranks = 0.9486832981
  EXPECT_NEAR(Spearman(std::vector<double>{1, 2, 2, 3}, std::vector<double>{1, 2, 3, 4}),
              0.9486832980505138, 1e-12);
  EXPECT_TRUE(std::isnan(Spearman(std::vector<double>{1}, std::vector<double>{1})));
}

TEST(Metrics, CoverageAndConformalQuantile) {
  const std::vector<double> lo = {0, 5, 9}, hi = {2, 6, 11}, m = {1, 7, 11};
  EXPECT_NEAR(Coverage(lo, hi, m), 2.0 / 3, 1e-12);
  // n = 9, alpha 0.1: ceil(10 * 0.9) = 9th smallest
  const std::vector<double> r = {9, 1, 8, 2, 7, 3, 6, 4, 5};
  EXPECT_DOUBLE_EQ(ConformalQuantile(r, 0.1), 9);
  // alpha 0.5: ceil(10 * 0.5) = 5th smallest
  EXPECT_DOUBLE_EQ(ConformalQuantile(r, 0.5), 5);
  EXPECT_TRUE(std::isinf(ConformalQuantile(std::vector<double>{1, 2}, 0.1)));
}

TEST(Evaluate, ScoreMatchesHandComputed) {
  const auto s = Score("x", {11, 8, 30, 100}, {10, 10, 25, 100}, {9, 9, 20, 90}, {12, 9.5, 26, 99});
  EXPECT_EQ(s.n, 4u);
  EXPECT_NEAR(s.mape, 0.125, 1e-12);
  EXPECT_DOUBLE_EQ(s.within10, 0.5);
  EXPECT_DOUBLE_EQ(s.within25, 1.0);
  EXPECT_NEAR(s.coverage, 0.5, 1e-12);  // 10 in [9,12], 10 not in [9,9.5], 25 in, 100 not
  // pred ranks 2 1 3 4 vs meas ranks 1.5 1.5 3 4
  EXPECT_NEAR(s.spearman,
              Spearman(std::vector<double>{11, 8, 30, 100}, std::vector<double>{10, 10, 25, 100}),
              1e-12);
}

TEST(Roofline, KnownValues) {
  ModelCost c;
  c.flops = 2e9;
  c.bytes = 1e8;
  Peaks p;
  p.flops = 1e11;
  EXPECT_DOUBLE_EQ(RooflineMs(c, p), 20.0);  // compute only: 2e9 / 1e11 s
  p.bandwidth = 1e10;
  EXPECT_DOUBLE_EQ(RooflineMs(c, p), 20.0);  // memory 10 ms < compute 20 ms
  p.bandwidth = 1e9;
  EXPECT_DOUBLE_EQ(RooflineMs(c, p), 100.0);  // memory bound
  p.flops = 0;
  EXPECT_DOUBLE_EQ(RooflineMs(c, p), 0.0);  // unknown peak
}

TEST(Roofline, CostOfBertTinyGrowsWithBatchAndPrecisionShrinksBytes) {
  ConfigSpec a;
  a.model = "bert";
  a.preset = "tiny";
  a.seq_len = 32;
  a.batch = 1;
  const auto c1 = CostOf(a);
  a.batch = 4;
  const auto c4 = CostOf(a);
  EXPECT_GT(c1.flops, 0);
  EXPECT_NEAR(c4.flops / c1.flops, 4.0, 0.4);  // linear in batch (pooler etc. too)
  EXPECT_GT(c4.bytes, c1.bytes);
  EXPECT_DOUBLE_EQ(c1.weight_bytes, 4 * c1.params);
  a.precision = "bf16";
  EXPECT_DOUBLE_EQ(CostOf(a).weight_bytes, 2 * c1.params);
  EXPECT_LT(CostOf(a).bytes, c4.bytes);
}

TEST(Peaks, VendorTable) {
  ASSERT_NE(FindVendorSpec("h100"), nullptr);
  EXPECT_STREQ(FindVendorSpec("h100")->name, "NVIDIA H100 SXM");
  EXPECT_STREQ(DefaultVendorSpec("cuda")->name, "NVIDIA H100 SXM");
  EXPECT_STREQ(DefaultVendorSpec("rocm")->name, "AMD Instinct MI300X");
  EXPECT_EQ(DefaultVendorSpec("cpu"), nullptr);
  EXPECT_EQ(FindVendorSpec("tpu"), nullptr);
  EXPECT_DOUBLE_EQ(VendorFlops(*FindVendorSpec("A100 SXM"), "fp16"), 312e12);
  EXPECT_DOUBLE_EQ(FindVendorSpec("MI300X")->bandwidth, 5.3e12);
}

// Synthetic rows: latency = roofline x exp(g(batch, precision) + noise), features from the row.
std::vector<Row> Synthetic(int n, uint32_t seed, double noise) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> lb(0, 6), lf(0, 30), lp(0, 1);
  std::normal_distribution<double> eps(0, noise);
  std::vector<Row> rows;
  for (int i = 0; i < n; ++i) {
    Row r;
    r.cfg.model = "bert";
    r.cfg.preset = "tiny";
    r.cfg.batch = int64_t{1} << lb(rng);
    r.cfg.seq_len = 128;
    r.cfg.precision = lp(rng) ? "bf16" : "fp32";
    r.cfg.threads = 2;
    r.cost.params = 1e6 * (1 + lf(rng));
    r.cost.flops = 2 * r.cost.params * 128 * static_cast<double>(r.cfg.batch);
    r.cost.bytes = r.cost.params * 4 + 1e5 * static_cast<double>(r.cfg.batch);
    r.peaks.flops = 5e10;
    r.peaks.bandwidth = 2e10;
    r.roofline_ms = RooflineMs(r.cost, r.peaks);
    const double g = 1.5 - 0.15 * std::log2(static_cast<double>(r.cfg.batch)) +
                     (r.cfg.precision == "bf16" ? -0.4 : 0);
    r.p50_ms = r.roofline_ms * std::exp(g + eps(rng));
    r.result_id = "r" + std::to_string(i);
    rows.push_back(r);
  }
  return rows;
}

TEST(Predictor, ConformalCoverageOnSyntheticData) {
  const auto train = Synthetic(200, 1, 0.1), test = Synthetic(400, 2, 0.1);
  const auto p = Predictor::Fit(train);  // 90% intervals
  std::vector<double> lo, hi, m, pred;
  for (const auto& r : test) {
    const auto x = p.Predict(r);
    lo.push_back(x.low_ms);
    hi.push_back(x.high_ms);
    m.push_back(*r.p50_ms);
    pred.push_back(x.p50_ms);
    EXPECT_LE(x.low_ms, x.p50_ms);
    EXPECT_GE(x.high_ms, x.p50_ms);
    EXPECT_EQ(x.neighbours.size(), 3u);
  }
  const double cov = Coverage(lo, hi, m);
  EXPECT_GE(cov, 0.82) << "90% conformal intervals should cover ~90% of exchangeable test points";
  EXPECT_LE(cov, 0.995);
  EXPECT_GT(Spearman(pred, m), 0.95);
}

TEST(Predictor, TooFewRowsIsAUsageError) {
  EXPECT_THROW(Predictor::Fit(Synthetic(Predictor::kMinRows - 1, 3, 0.1)), UsageError);
  EXPECT_NO_THROW(Predictor::Fit(Synthetic(Predictor::kMinRows, 3, 0.1)));
}

TEST(Evaluate, LearnedBeatsRawRooflineOnSyntheticData) {
  const auto rows = Synthetic(60, 4, 0.05);
  const auto e = LeaveOneConfigurationOut(rows);
  ASSERT_EQ(e.scores.size(), 3u);
  EXPECT_EQ(e.scores[0].n, 60u);
  EXPECT_LT(e.scores[0].mape, e.scores[2].mape);
  EXPECT_LT(e.scores[0].mape, e.scores[1].mape);
  EXPECT_GT(e.scores[0].within25, 0.8);
  const auto lp = LeaveOnePlatformOut(rows);
  EXPECT_EQ(lp.groups, 1u);
  EXPECT_NE(lp.note.find("only one platform"), std::string::npos);
}

}  // namespace
}  // namespace accelbench::predict
