// profile_ops=on: the summary of profiled events (known values) and the backend option on a tiny
// model (CPU: host ops by self time; the CUDA form, kernels by device time, shares the summary).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>
#include <vector>

#include "backends/registry.h"
#include "backends/torch/torch_profile.h"
#include "models/family.h"
#include "tiny_request.h"

namespace accelbench {
namespace {

using backends::torch_backend::ProfiledEvent;
using backends::torch_backend::SummariseProfile;

constexpr int64_t kMs = 1000000;  // ns

TEST(OpProfile, HostOpsBySelfTimeNestedPerThread) {
  // Thread 1: A [0, 10) holds B [1, 4) and C [5, 8); thread 2: D [0, 5) overlaps A in time
  // but is not nested in it. A GPU kernel is left out of the host summary.
  const std::vector<ProfiledEvent> ev = {
      {"A", false, 1, 0, 10 * kMs},      {"B", false, 1, 1 * kMs, 3 * kMs},
      {"C", false, 1, 5 * kMs, 3 * kMs}, {"D", false, 2, 0, 5 * kMs},
      {"kernel", true, 7, 0, 9 * kMs},
  };
  EXPECT_EQ(SummariseProfile(ev, 1, false, 3),
            "host self time per step 15.000 ms: D 5.000 ms 33.3% x1; A 4.000 ms 26.7% x1; "
            "B 3.000 ms 20.0% x1");
}

TEST(OpProfile, DeviceActivityPerStepWithCallsPerStep) {
  const std::vector<ProfiledEvent> ev = {{"k1", true, 9, 0, 2 * kMs},
                                         {"k1", true, 9, 3 * kMs, 2 * kMs},
                                         {"k2", true, 9, 6 * kMs, 1 * kMs},
                                         {"aten::mm", false, 1, 0, 50 * kMs},
                                         // a GPU-side annotation of the op, not a kernel
                                         {"aten::mm", true, 9, 0, 4 * kMs}};
  EXPECT_EQ(SummariseProfile(ev, 2, true, 12),
            "gpu time per step 2.500 ms: k1 2.000 ms 80.0% x1; k2 0.500 ms 20.0% x0.50");
  EXPECT_EQ(SummariseProfile({}, 5, true, 12),
            "gpu time per step 0.000 ms: no device activity recorded");
}

backends::LoadRequest TinyBert(Mode mode, std::map<std::string, std::string> options) {
  return test::TinyRequest(mode == Mode::kDecode ? "llama" : "bert", "cpu", std::move(options),
                           mode);
}

TEST(OpProfile, BackendOptionRecordsTheEagerStepsOps) {
  auto b = backends::MakeBackend("libtorch");
  b->Load(TinyBert(Mode::kInference, {{"profile_ops", "on"}}));
  const std::string p = b->Facts().details.at("op_profile");
  if (p.rfind("unavailable: this libtorch's profiler API did not compile", 0) == 0)
    GTEST_SKIP() << p;
  EXPECT_EQ(p.rfind("eager step x5, host self time per step ", 0), 0u) << p;
  EXPECT_NE(p.find(": aten::"), std::string::npos) << p;
  size_t entries = 1;
  for (size_t at = p.find("; "); at != std::string::npos; at = p.find("; ", at + 2)) ++entries;
  EXPECT_LE(entries, 12u) << p;
  b->Step();  // the measured steps still run after the profile

  auto plain = backends::MakeBackend("libtorch");
  plain->Load(TinyBert(Mode::kInference, {}));
  EXPECT_EQ(plain->Facts().details.count("op_profile"), 0u) << "recorded only when asked";

  auto decode = backends::MakeBackend("libtorch");
  decode->Load(TinyBert(Mode::kDecode, {{"profile_ops", "on"}}));
  EXPECT_EQ(decode->Facts().details.at("op_profile"), "off (inference mode only)");
}

}  // namespace
}  // namespace accelbench
