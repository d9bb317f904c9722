#include "backends/torch/parallel_load.h"

#include <chrono>
#include <exception>
#include <thread>
#include <vector>

#include "backends/torch/torch_ops.h"
#include "backends/torch/torch_util.h"
#include "core/errors.h"
#include "models/components.h"
#include "models/lowering/meta_ops.h"

namespace accelbench::backends {
namespace {

using Clock = std::chrono::steady_clock;
double MsSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

struct Group {
  std::string name;
  std::vector<std::pair<std::string, models::MetaOps::ParamSpec>> params;
  ComponentLoad load;
  std::exception_ptr error;
};

void LoadGroup(Group& g, c10::ScalarType dtype, uint64_t seed) {
  try {
    const auto t0 = Clock::now();
    torch_backend::TorchOps ops(c10::Device(c10::kCPU), dtype, seed, /*trainable=*/false);
    for (const auto& [name, spec] : g.params) {
      ops.Preload(name, spec.shape, spec.init);
      g.load.params += models::Numel(spec.shape);
      ++g.load.tensors;
    }
    g.load.ms = MsSince(t0);
  } catch (...) {
    g.error = std::current_exception();
  }
}

}  // namespace

ParallelLoadResult LoadComponents(const models::Family& family, const models::Config& cfg,
                                  const models::Workload& w, bool parallel, Precision precision,
                                  uint64_t seed) {
  const std::string fam = family.Info().name;
  const auto names = models::ComponentGroups(fam);
  if (names.empty()) throw UsageError("family '" + fam + "' has no separately loadable components");
  models::MetaOps meta;
  models::Inputs in;
  for (const auto& d : family.InputsFor(cfg, w, Mode::kInference))
    in.emplace(d.name, meta.Input(d.name, d.dtype, d.dims));
  family.Forward(meta, cfg, in);
  std::vector<Group> groups;
  for (const auto& n : names) groups.push_back({n, {}, {}, nullptr});
  groups.push_back({"shared", {}, {}, nullptr});
  for (const auto& [name, spec] : meta.param_specs()) {
    const std::string c = models::ComponentOfParam(fam, name);
    for (auto& g : groups)
      if (g.name == (c.empty() ? "shared" : c)) g.params.emplace_back(name, spec);
  }
  const c10::ScalarType dtype = torch_backend::ResolveDtype(precision, c10::Device(c10::kCPU));
  ParallelLoadResult r;
  r.parallel = parallel;
  const auto t0 = Clock::now();
  if (parallel) {
    std::vector<std::thread> threads;
    for (auto& g : groups) threads.emplace_back(LoadGroup, std::ref(g), dtype, seed);
    for (auto& t : threads) t.join();
  } else {
    for (auto& g : groups) LoadGroup(g, dtype, seed);
  }
  r.total_ms = MsSince(t0);
  for (auto& g : groups) {
    if (g.error) std::rethrow_exception(g.error);
    if (g.load.tensors > 0) r.components[g.name] = g.load;
  }
  return r;
}

}  // namespace accelbench::backends
