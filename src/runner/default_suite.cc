#include "runner/default_suite.h"

#include <algorithm>

#include "models/family.h"
#include "models/lowering/meta_ops.h"

namespace accelbench::runner {
namespace {

// Lower precisions by expected speed on each platform kind (fastest first): on CPUs with
// AVX-512 BF16, bf16 runs through oneDNN ~4x faster than fp32 (design.md); on GPUs fp16/bf16
// tensor cores. The capability matrix decides which are supported here.
std::vector<Precision> LowerPrecisionPreference(PlatformKind k) {
  // int8/int4 join these lists once a runtime implements quantized inference (issue 11); until
  // then the libtorch backend refuses them and the suite would only record skips.
  if (k == PlatformKind::kCpu) return {Precision::kBf16, Precision::kFp16};
  return {Precision::kFp16, Precision::kBf16};
}

}  // namespace

HarnessOptions DefaultSuiteHarness() {
  HarnessOptions h;
  h.min_iterations = 10;
  h.min_time_s = 0.5;
  h.budget_s = 8.0;  // 26 configurations here take ~4 min, inside the 10-minute target
  h.warmup_max = 50;
  h.warmup_max_s = 1.5;
  return h;
}

std::vector<Sweep> DefaultSuite(const DefaultSuiteInputs& in) {
  std::vector<Sweep> out;
  const auto& families = models::AllFamilies();
  std::vector<const PlatformAvailability*> platforms;
  for (const auto& p : in.ctx.platforms)
    if (p.available) platforms.push_back(&p);
  if (families.empty() || platforms.empty()) return out;
  // Each configuration (2 precisions x 2 batches per family and platform) gets an equal share of
  // the budget; a preset fits when ~(warm-up + measured) 20 steps at batch 8 fit in that share.
  const double per_config_s =
      in.budget_s / static_cast<double>(families.size() * platforms.size() * 4);
  const HarnessOptions h = DefaultSuiteHarness();
  for (const auto* plat : platforms) {
    for (const auto& fam : families) {
      const std::string name = fam->Info().name;
      auto presets = fam->Presets();
      std::string chosen;
      int64_t chosen_params = -1;
      for (const auto& p : presets) {
        models::Workload w;
        w.batch = 8;
        models::ModelStats st;
        try {
          st = models::Analyze(*fam, p.config, w, Mode::kInference);
        } catch (const std::exception&) {
          continue;
        }
        const double mem = st.weight_bytes_fp32 * 3;  // weights + activations/workspace margin
        const int64_t limit = plat->memory_bytes > 0 ? plat->memory_bytes : in.host_memory_bytes;
        if (limit > 0 && mem > 0.5 * static_cast<double>(limit)) continue;
        const double step_s = st.flops / std::max(in.planning_flops(*plat), 1.0);
        const double cost = step_s * 20 + h.min_time_s;
        if (cost > per_config_s && !chosen.empty()) continue;
        if (cost > per_config_s && p.name != "tiny") continue;
        if (st.params > chosen_params) {
          chosen = p.name;
          chosen_params = st.params;
        }
      }
      if (chosen.empty()) chosen = "tiny";
      Sweep s;
      s.runtime = in.runtime;
      s.models = {name};
      s.platforms = {plat->instance};
      s.precisions = {Precision::kFp32};
      for (Precision p : LowerPrecisionPreference(plat->kind)) {
        if (!in.ctx.why_unsupported ||
            !in.ctx.why_unsupported(plat->kind, p, Mode::kInference, name)) {
          s.precisions.push_back(p);
          break;
        }
      }
      s.modes = {Mode::kInference};
      s.batches = {1, 8};
      s.seq_lens = {128};
      s.preset = chosen;
      out.push_back(std::move(s));
    }
  }
  return out;
}

}  // namespace accelbench::runner
