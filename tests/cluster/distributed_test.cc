// Data-parallel training (issue 10) on loopback: with 1, 2 and 3 ranks (threads of this test,
// each its own gloo process group over a c10d FileStore), the parameters after one step are
// identical on every rank and equal, within tolerance, to a single-process step on the
// concatenated batch.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <thread>

#include "backends/torch/distributed_train.h"

namespace accelbench::backends {
namespace {

DistTrainJob Tiny() {
  DistTrainJob j;
  j.family = "bert";
  j.preset = "tiny";
  j.workload.batch = 2;
  j.workload.seq_len = 8;
  j.threads = 1;
  j.lr = 1e-2;  // a visible step
  j.timeout_s = 60;
  return j;
}

double MaxAbsDiff(const std::vector<float>& a, const std::vector<float>& b) {
  EXPECT_EQ(a.size(), b.size());
  double m = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i)
    m = std::max(m, static_cast<double>(std::fabs(a[i] - b[i])));
  return m;
}

class DataParallel : public ::testing::TestWithParam<int> {};

TEST_P(DataParallel, OneStepEqualsSingleProcessOnConcatenatedBatch) {
  const int world = GetParam();
  const auto dir =
      std::filesystem::temp_directory_path() /
      ("accelbench-dp-test-" + std::to_string(::getpid()) + "-" + std::to_string(world));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::vector<std::vector<float>> after(world);
  std::vector<std::string> errors(world);
  std::vector<std::thread> ranks;
  for (int r = 0; r < world; ++r) {
    ranks.emplace_back([&, r] {
      try {
        DistTrainJob j = Tiny();
        j.rank = r;
        j.world = world;
        j.rendezvous = "file:" + (dir / "store").string();
        j.input_seeds = {1000 + static_cast<uint64_t>(r)};
        DistributedTrainer t(j);
        t.Step();
        after[r] = t.FlatParameters();
        if (world > 1) EXPECT_GT(t.AllreduceBytes(), 0);
      } catch (const std::exception& e) {
        errors[r] = e.what();
      }
    });
  }
  for (auto& t : ranks) t.join();
  for (int r = 0; r < world; ++r) ASSERT_EQ(errors[r], "") << "rank " << r;

  // Identical on every rank (bit for bit: every rank applies the same reduced gradient).
  for (int r = 1; r < world; ++r) EXPECT_EQ(MaxAbsDiff(after[0], after[r]), 0.0) << "rank " << r;

  // One process, the ranks' batches concatenated.
  DistTrainJob single = Tiny();
  for (int r = 0; r < world; ++r) single.input_seeds.push_back(1000 + static_cast<uint64_t>(r));
  DistributedTrainer ref(single);
  const auto before = ref.FlatParameters();
  ref.Step();
  const auto expect = ref.FlatParameters();
  EXPECT_GT(MaxAbsDiff(before, expect), 1e-4) << "the step changed nothing";
  // Tolerance: the sums run in a different order (per-rank means averaged vs one mean), and
  // AdamW's first step normalises each gradient element (update ~ lr * g / |g|), which magnifies
  // float rounding of elements whose gradient is near zero. So: within 1% of the step size lr
  // element-wise, and the whole difference under 0.1% of the step's norm.
  EXPECT_LT(MaxAbsDiff(after[0], expect), 1e-2 * Tiny().lr);
  double diff = 0, step = 0;
  for (size_t i = 0; i < expect.size(); ++i) {
    diff += (after[0][i] - expect[i]) * (after[0][i] - expect[i]);
    step += (expect[i] - before[i]) * (expect[i] - before[i]);
  }
  EXPECT_LT(std::sqrt(diff / step), 1e-3);
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(WorldSizes, DataParallel, ::testing::Values(1, 2, 3));

}  // namespace
}  // namespace accelbench::backends
