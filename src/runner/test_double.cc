#include "runner/test_double.h"

#include <csignal>
#include <thread>
#include <vector>

#include "core/errors.h"
#include "runner/settings.h"

namespace accelbench::runner {
namespace {

std::string Opt(const backends::LoadRequest& r, const std::string& k, const std::string& def) {
  auto it = r.options.find(k);
  return it == r.options.end() ? def : it->second;
}

bool Matches(const std::string& spec, const backends::LoadRequest& r) {
  if (spec.empty()) return false;
  const auto colon = spec.find(':');
  const std::string model = spec.substr(0, colon);
  const std::string batch = colon == std::string::npos ? "*" : spec.substr(colon + 1);
  return (model == "*" || model == r.family) &&
         (batch == "*" || batch == std::to_string(r.workload.batch));
}

}  // namespace

void TestDoubleBackend::Load(const backends::LoadRequest& req) {
  req_ = req;
  latency_ms_ = std::stod(Opt(req, "latency_ms", "1.0"));
  jitter_ = std::stod(Opt(req, "jitter", "0.02"));
  slow_steps_ = std::stoll(Opt(req, "slow_steps", "0"));
  prepare_ms_ = std::stod(Opt(req, "prepare_ms", "0"));
  prepared_ = false;
  prepares_ = unprepared_steps_ = 0;
  rng_.seed(std::stoull(Opt(req, "seed", "1")));
  steps_ = 0;
  if (Matches(Opt(req, "throw_on", ""), req)) throw RuntimeError("test double: Load failed");
  if (Matches(Opt(req, "unsupported_on", ""), req))
    throw UnsupportedError("test double: combination not supported");
  fault_ = Matches(Opt(req, "crash_on", ""), req)  ? Fault::kCrash
           : Matches(Opt(req, "hang_on", ""), req) ? Fault::kHang
           : Matches(Opt(req, "oom_on", ""), req)  ? Fault::kOom
                                                   : Fault::kNone;
}

void TestDoubleBackend::Prepare() {
  ++prepares_;
  prepared_ = true;
  if (prepare_ms_ > 0)
    std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(prepare_ms_));
}

void TestDoubleBackend::Step() {
  if (!prepared_) ++unprepared_steps_;
  prepared_ = false;
  switch (fault_) {
    case Fault::kCrash:
      std::raise(SIGSEGV);
      break;
    case Fault::kHang:
      for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
    case Fault::kOom: {
      // One write per page makes the blocks resident (RSS, for ASan's soft RSS limit) at a third
      // of the cost of value-initialising and then filling them: under ctest -j2 next to a heavy
      // test, three full passes over 3 GiB once outlasted a 10 s time limit.
      constexpr size_t kBlock = 64u << 20, kPage = 4096;
      std::vector<std::unique_ptr<char[]>> hog;
      for (;;) {
        std::unique_ptr<char[]> block(new char[kBlock]);  // throws bad_alloc at the limit
        volatile char* touch = block.get();               // volatile: the stores must happen
        for (size_t i = 0; i < kBlock; i += kPage) touch[i] = 1;
        hog.push_back(std::move(block));
      }
    }
    case Fault::kNone:
      break;
  }
  std::normal_distribution<double> draw(latency_ms_, jitter_ * latency_ms_);
  double ms = std::max(draw(rng_), 0.05 * latency_ms_);
  if (steps_++ < slow_steps_) ms *= 5;
  const auto until = std::chrono::steady_clock::now() +
                     std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                         std::chrono::duration<double, std::milli>(ms));
  std::this_thread::sleep_until(until);
}

int64_t TestDoubleBackend::ItemsPerStep() const {
  if (req_.mode == Mode::kPrefill) return req_.workload.batch * req_.workload.seq_len;
  return req_.workload.batch;
}

backends::RuntimeFacts TestDoubleBackend::Facts() const {
  backends::RuntimeFacts f;
  f.runtime = kTestDoubleRuntime;
  f.runtime_version = "0";
  f.threads = req_.threads > 0 ? req_.threads : 1;
  f.details["note"] = "test double: sleeps for seeded normal draws; not a measurement";
  f.details["prepares"] = std::to_string(prepares_);
  f.details["steps_without_prepare"] = std::to_string(unprepared_steps_);
  // Names a GPU for the harness's NVML counters (tests run it against the NVML test double).
  if (auto it = req_.options.find("pci_bus_id"); it != req_.options.end())
    f.gpu_pci_bus_id = it->second;
  return f;
}

std::unique_ptr<backends::Backend> MakeTestDoubleBackend() {
  return std::make_unique<TestDoubleBackend>();
}

}  // namespace accelbench::runner
