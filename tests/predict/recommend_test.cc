// The recommender on hand-made rows with known values: the known optimum under each objective and
// constraint, the Pareto front, "no configuration meets", bad input; predictions on top of
// measured rows are labelled and stored only in the predictions table.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/errors.h"
#include "predict/prediction_store.h"
#include "predict/recommend.h"
#include "store/database.h"

namespace accelbench::predict {
namespace {

struct TempDb {
  std::filesystem::path dir;
  std::optional<store::Database> db;
  TempDb() {
    dir = std::filesystem::temp_directory_path() /
          ("accelbench-predict-test-" + std::to_string(getpid()) + "-" + store::NewUuid());
    std::filesystem::create_directories(dir);
    db = store::Database::Open((dir / "t.duckdb").string());
    store::RunRecord run;
    run.run_id = "run1";
    run.host = "testhost";
    db->InsertRun(run);
  }
  ~TempDb() {
    db.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  void Add(const std::string& platform, const std::string& precision, int64_t batch, double p50,
           double p99, double throughput, double mem, std::optional<double> energy,
           std::optional<double> dev, const std::string& model = "bert") {
    ResultRecord r;
    r.result_id = store::NewUuid();
    r.run_id = "run1";
    r.config_key = model + "|" + platform + "|" + precision + "|" + std::to_string(batch);
    r.host = "testhost";
    r.started_utc = "2026-11-27T10:00:01.000Z";
    r.model = model;
    r.preset = "tiny";
    r.platform = platform;
    r.platform_kind = platform.substr(0, platform.find(':'));
    r.runtime = "libtorch";
    r.precision = precision;
    r.mode = "inference";
    r.batch = batch;
    r.seq_len = 128;
    r.threads = 2;
    r.iterations = 10;
    r.lat_p50_ms = p50;
    r.lat_p99_ms = p99;
    r.throughput = throughput;
    r.throughput_unit = "items/s";
    r.peak_rss_mb = mem;
    r.energy_j_per_item = energy;
    r.output_rel_dev = dev;
    db->InsertResult(r, std::vector<double>{p50});
  }
};

// Known values (model bert/tiny, seq 128, inference):
//   platform prec batch  p50  p99  items/s  MB    J/item  dev     $/M (cpu 0.1/h, cuda 2.5/h)
//   cpu      fp32  1     2    3    500      300   0.5     (ref)   0.0556
//   cpu      fp32  8     10   12   800      400   0.3     (ref)   0.0347
//   cpu      bf16  8     6    7    1333     350   0.2     0.02    0.0208
//   cuda:0   fp16  8     1    1.5  8000     2000  -       0.001   0.0868
//   cuda:0   fp32  1     0.5  0.6  2000     1500  -       (ref)   0.347
class RecommendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    t.Add("cpu", "fp32", 1, 2, 3, 500, 300, 0.5, std::nullopt);
    t.Add("cpu", "fp32", 8, 10, 12, 800, 400, 0.3, std::nullopt);
    t.Add("cpu", "bf16", 8, 6, 7, 1333, 350, 0.2, 0.02);
    t.Add("cuda:0", "fp16", 8, 1, 1.5, 8000, 2000, std::nullopt, 0.001);
    t.Add("cuda:0", "fp32", 1, 0.5, 0.6, 2000, 1500, std::nullopt, std::nullopt);
  }
  RecommendRequest Req(Objective o) {
    RecommendRequest r;
    r.model = "bert";
    r.objective = o;
    r.platforms = {"cpu", "cuda"};
    r.predict_batches.clear();  // measured rows only: the optimum is known exactly
    return r;
  }
  std::string Pick(const RecommendRequest& r) {
    const auto rec = Recommend(*t.db, r);
    if (!rec.chosen) return "none: " + rec.none_reason;
    const auto& c = rec.candidates[*rec.chosen];
    return c.row.cfg.platform + " " + c.row.cfg.precision + " b" + std::to_string(c.row.cfg.batch);
  }
  TempDb t;
};

TEST_F(RecommendTest, EachObjective) {
  EXPECT_EQ(Pick(Req(Objective::kThroughput)), "cuda:0 fp16 b8");
  EXPECT_EQ(Pick(Req(Objective::kLatencyP50)), "cuda:0 fp32 b1");
  EXPECT_EQ(Pick(Req(Objective::kLatencyP99)), "cuda:0 fp32 b1");
  EXPECT_EQ(Pick(Req(Objective::kMemory)), "cpu fp32 b1");
  EXPECT_EQ(Pick(Req(Objective::kEnergy)), "cpu bf16 b8");  // cuda rows have no energy
  auto cost = Req(Objective::kCost);
  cost.price_per_hour = {{"cpu", 0.1}, {"cuda", 2.5}};
  EXPECT_EQ(Pick(cost), "cpu bf16 b8");
  cost.price_per_hour = {{"cpu", 10.0}, {"cuda", 2.5}};  // 10/3600/1333*1e6 = 2.08 > 0.0868
  EXPECT_EQ(Pick(cost), "cuda:0 fp16 b8");
}

TEST_F(RecommendTest, CostPerMillionItems) {
  auto r = Req(Objective::kCost);
  r.price_per_hour = {{"cpu", 0.1}, {"cuda", 2.5}};
  const auto rec = Recommend(*t.db, r);
  ASSERT_TRUE(rec.chosen);
  EXPECT_NEAR(*rec.candidates[*rec.chosen].cost_per_million, 0.1 / 3600 / 1333 * 1e6, 1e-9);
}

TEST_F(RecommendTest, EachConstraint) {
  auto r = Req(Objective::kThroughput);
  r.platforms = {"cpu"};
  EXPECT_EQ(Pick(r), "cpu bf16 b8");
  r.max_deviation = 0.0001;  // bf16 deviates 0.02: only fp32 remains
  EXPECT_EQ(Pick(r), "cpu fp32 b8");
  r = Req(Objective::kThroughput);
  r.max_deviation = 0.01;
  EXPECT_EQ(Pick(r), "cuda:0 fp16 b8");
  r.precisions = {"fp32"};
  EXPECT_EQ(Pick(r), "cuda:0 fp32 b1");
  r = Req(Objective::kThroughput);
  r.memory_budget_mb = 1000;
  EXPECT_EQ(Pick(r), "cpu bf16 b8");
  r = Req(Objective::kThroughput);
  r.slo_ms = 1.0;  // p99 <= 1 ms
  EXPECT_EQ(Pick(r), "cuda:0 fp32 b1");
  r.slo_percentile = "p50";  // p50 <= 1 ms: fp16 b8 (p50 1.0) qualifies
  EXPECT_EQ(Pick(r), "cuda:0 fp16 b8");
}

TEST_F(RecommendTest, NothingMeetsTheConstraint) {
  auto r = Req(Objective::kThroughput);
  r.slo_ms = 0.1;
  const auto rec = Recommend(*t.db, r);
  EXPECT_FALSE(rec.chosen);
  EXPECT_NE(rec.none_reason.find("no configuration meets latency SLO p99 <= 0.1 ms"),
            std::string::npos)
      << rec.none_reason;
  r = Req(Objective::kThroughput);
  r.memory_budget_mb = 100;
  EXPECT_EQ(Pick(r), "none: no configuration meets memory budget 100 MB");
}

TEST_F(RecommendTest, ParetoFront) {
  const auto rec = Recommend(*t.db, Req(Objective::kThroughput));
  std::set<std::string> front;
  for (const auto& c : rec.candidates)
    if (c.pareto)
      front.insert(c.row.cfg.platform + " " + c.row.cfg.precision + " b" +
                   std::to_string(c.row.cfg.batch));
  // cpu fp32 b8 is dominated by cpu bf16 b8 (faster, lower latency, less memory).
  EXPECT_EQ(front, (std::set<std::string>{"cuda:0 fp16 b8", "cuda:0 fp32 b1", "cpu fp32 b1",
                                          "cpu bf16 b8"}));
  for (const auto& c : rec.candidates) EXPECT_FALSE(c.predicted);
}

TEST_F(RecommendTest, BadInput) {
  auto r = Req(Objective::kThroughput);
  r.model = "nosuchmodel";
  EXPECT_THROW(Recommend(*t.db, r), UsageError);
  r = Req(Objective::kThroughput);
  r.memory_budget_mb = 0;
  EXPECT_THROW(Recommend(*t.db, r), UsageError);
  r = Req(Objective::kThroughput);
  r.slo_ms = -5;
  EXPECT_THROW(Recommend(*t.db, r), UsageError);
  r = Req(Objective::kThroughput);
  r.platforms = {"tpu"};
  EXPECT_THROW(Recommend(*t.db, r), UsageError);
  r = Req(Objective::kCost);  // no prices
  EXPECT_THROW(Recommend(*t.db, r), UsageError);
  EXPECT_THROW(ParseObjective("speed"), UsageError);
  r = Req(Objective::kThroughput);
  r.model = "vit";  // nothing measured, too few rows to predict
  EXPECT_THROW(Recommend(*t.db, r), UsageError);
}

TEST_F(RecommendTest, PredictedCandidatesAreLabelledAndRestOnPredictions) {
  // A CPU GEMM calibration and enough measured rows for the predictor.
  t.db->StoreCalibration("testhost/cpu", "fp32", 5e10);
  t.db->StoreMemoryBandwidth("testhost/cpu", 1e10);
  for (int b : {2, 4, 16, 32})
    t.Add("cpu", "fp32", b, 2.0 * b / 1.5, 2.2 * b / 1.5, 750, 300 + 10.0 * b, std::nullopt,
          std::nullopt);
  auto r = Req(Objective::kThroughput);
  r.platforms = {"cuda"};
  r.predict_batches = {64};
  r.host = "testhost";
  const auto rec = Recommend(*t.db, r);
  ASSERT_TRUE(rec.chosen) << rec.none_reason << rec.predictions_note;
  bool any_predicted = false;
  for (const auto& c : rec.candidates) {
    if (!c.predicted) continue;
    any_predicted = true;
    EXPECT_EQ(c.row.cfg.batch, 64);
    ASSERT_TRUE(c.prediction);
    EXPECT_LE(c.prediction->low_ms, c.p50_ms);
    EXPECT_TRUE(c.row.peaks.vendor_spec);  // cuda never calibrated: H100 spec sheet
    EXPECT_NE(c.row.peaks.Describe().find("vendor spec"), std::string::npos);
  }
  EXPECT_TRUE(any_predicted);
  // results untouched by predictions
  EXPECT_EQ(t.db->Results().size(), 9u);
}

TEST_F(RecommendTest, PredictionsGoToTheirOwnTable) {
  t.db->StoreCalibration("testhost/cpu", "fp32", 5e10);
  for (int b : {2, 4, 16, 32})
    t.Add("cpu", "fp32", b, 2.0 * b / 1.5, 2.2 * b / 1.5, 750, 300, std::nullopt, std::nullopt);
  const auto rows = LoadMeasured(*t.db);
  ASSERT_GE(rows.size(), Predictor::kMinRows);
  const auto p = Predictor::Fit(rows);
  Row q;
  q.cfg.model = "bert";
  q.cfg.preset = "tiny";
  q.cfg.batch = 64;
  q.cfg.seq_len = 128;
  q.cfg.host = "testhost";
  Complete(*t.db, q);
  ASSERT_GT(q.roofline_ms, 0);
  EXPECT_EQ(q.peaks.flops, 5e10);
  const auto pr = p.Predict(q);
  const size_t before = t.db->Results().size();
  StorePrediction(*t.db, q, pr, p);
  EXPECT_EQ(CountPredictions(*t.db), 1);
  EXPECT_EQ(t.db->Results().size(), before);
}

}  // namespace
}  // namespace accelbench::predict
