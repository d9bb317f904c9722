#include "runner/planner.h"

#include <algorithm>
#include <map>

#include "core/errors.h"
#include "models/family.h"
#include "models/lowering/meta_ops.h"

namespace accelbench::runner {
namespace {

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

// Instances a requested platform string stands for. Absent ones come back unavailable.
std::vector<PlatformAvailability> Resolve(const std::string& requested, const PlanContext& ctx) {
  const auto colon = requested.find(':');
  const PlatformKind kind = ParsePlatformKind(requested.substr(0, colon));
  std::vector<PlatformAvailability> out;
  for (const auto& p : ctx.platforms) {
    if (p.kind != kind) continue;
    if (colon != std::string::npos && p.instance != requested) continue;
    out.push_back(p);
  }
  const bool any_available =
      std::any_of(out.begin(), out.end(), [](const auto& p) { return p.available; });
  if (any_available) {
    std::erase_if(out, [](const auto& p) { return !p.available; });
    return out;
  }
  PlatformAvailability absent;
  absent.kind = kind;
  absent.instance = requested;
  absent.available = false;
  absent.reason = out.empty() ? "platform " + requested + " not detected on this machine"
                              : "platform " + requested + " unavailable: " + out.front().reason;
  return {absent};
}

}  // namespace

bool IsAbsentPlatformReason(const std::string& reason) {
  return reason.rfind("platform ", 0) == 0 && (reason.find(" unavailable: ") != std::string::npos ||
                                               reason.ends_with(" not detected on this machine"));
}

namespace {

bool IsWeb(PlatformKind k) {
  return k == PlatformKind::kWasm || k == PlatformKind::kWebGpu || k == PlatformKind::kWebNn;
}

// Web platforms run in the browser: their runtime is onnxruntime-web whatever runtime the sweep
// names for the native platforms (issue 6). The test double stays the test double.
std::string RuntimeFor(const std::string& runtime, PlatformKind kind) {
  if (runtime == kTestDoubleRuntime || !IsWeb(kind)) return runtime;
  return "onnxruntime-web";
}

std::optional<std::string> RuntimeMismatch(const std::string& runtime, PlatformKind kind) {
  if (runtime == "onnxruntime-web" && !IsWeb(kind))
    return "runtime onnxruntime-web runs on the web platforms (wasm, webgpu, webnn) only";
  if (runtime == "onnxruntime" && kind != PlatformKind::kCpu)
    return "runtime onnxruntime runs on platform cpu here (onnxruntime-node CPU build)";
  return std::nullopt;
}

bool TakesText(const models::Family& f) {
  const auto m = f.Info().modality;
  return m == models::Modality::kText || m == models::Modality::kMultimodal;
}

}  // namespace

std::string MakeConfigKey(const PlannedConfig& c) {
  std::string key = c.runtime + "|" + c.model + "|" + c.preset;
  if (!c.sets.empty()) {
    auto sets = c.sets;
    std::sort(sets.begin(), sets.end());
    key += "[" + Join(sets, ",") + "]";
  }
  key += "|" + c.platform + "|" + std::string(ToString(c.precision)) + "|" +
         std::string(ToString(c.mode)) + "|b" + std::to_string(c.batch) + "|s" +
         std::to_string(c.seq_len) + "|t" + std::to_string(c.threads);
  for (const auto& [k, v] : c.backend_options)  // test-only injection keeps the identity
    if (k != "test_only_delay_ms") key += "|" + k + "=" + v;
  return key;
}

Plan MakePlan(const Sweep& sweep, const PlanContext& ctx) {
  Plan plan;
  const bool test_double = sweep.runtime == kTestDoubleRuntime;
  struct Keyed {
    size_t model_idx, platform_idx, precision_idx;
    PlannedConfig cfg;
  };
  std::vector<Keyed> all;
  for (size_t mi = 0; mi < sweep.models.size(); ++mi) {
    const std::string& model = sweep.models[mi];
    const models::Family* fam = test_double ? nullptr : &models::FindFamily(model);
    std::string preset = sweep.preset;
    models::Config cfg;
    if (fam) {
      auto p = preset.empty() ? fam->ReferencePreset() : fam->FindPreset(preset);
      preset = p.name;
      cfg = p.config;
      for (const auto& a : sweep.sets) cfg.Override(a);
    } else if (preset.empty()) {
      preset = "tiny";
    }
    std::vector<int64_t> seqs = sweep.seq_lens;
    if (fam && !TakesText(*fam)) seqs = {0};  // no text input: the sequence length is moot
    for (size_t pi = 0; pi < sweep.platforms.size(); ++pi) {
      for (const auto& inst : Resolve(sweep.platforms[pi], ctx)) {
        for (size_t qi = 0; qi < sweep.precisions.size(); ++qi) {
          for (Mode mode : sweep.modes) {
            for (int64_t batch : sweep.batches) {
              for (int64_t seq : seqs) {
                PlannedConfig c;
                c.runtime = RuntimeFor(sweep.runtime, inst.kind);
                c.model = model;
                c.preset = preset;
                c.sets = sweep.sets;
                c.platform = inst.instance;
                c.platform_kind = std::string(ToString(inst.kind));
                c.precision = sweep.precisions[qi];
                c.mode = mode;
                c.batch = batch;
                c.seq_len = seq;
                c.threads = sweep.threads;
                c.backend_options = sweep.backend_options;
                c.config_key = MakeConfigKey(c);
                c.group_key = c.runtime + "|" + model + "|" + preset + "|" + Join(c.sets, ",") +
                              "|" + c.platform + "|" + std::string(ToString(c.precision));
                if (!inst.available) {
                  c.skip_reason = inst.reason;
                } else if (auto why = RuntimeMismatch(c.runtime, inst.kind)) {
                  c.skip_reason = *why;
                } else if (fam && (mode == Mode::kPrefill || mode == Mode::kDecode) &&
                           !fam->Info().generative) {
                  c.skip_reason =
                      model + " is not generative: no " + std::string(ToString(mode)) + " mode";
                } else if (ctx.why_unsupported) {
                  if (auto why = ctx.why_unsupported(inst.kind, c.precision, mode, model))
                    c.skip_reason = *why;
                }
                if (fam && c.skip_reason.empty()) {
                  models::Workload w;
                  w.batch = batch;
                  if (seq > 0) w.seq_len = seq;
                  try {
                    const auto st = models::Analyze(*fam, cfg, w, mode);
                    c.params = st.params;
                    c.flops_per_step = st.flops;
                  } catch (const std::exception& e) {
                    c.skip_reason = std::string("shape analysis failed: ") + e.what();
                  }
                  // Weights (+ gradients and two AdamW moments when training) must fit.
                  const double need = static_cast<double>(c.params) * BytesPerElement(c.precision) *
                                      (mode == Mode::kTraining ? 4.0 : 1.0);
                  if (c.skip_reason.empty() && inst.memory_bytes > 0 &&
                      need > 0.9 * static_cast<double>(inst.memory_bytes)) {
                    c.skip_reason = "needs " +
                                    std::to_string(static_cast<int64_t>(need / 1048576)) +
                                    " MiB for weights, " + inst.instance + " has " +
                                    std::to_string(inst.memory_bytes / 1048576) + " MiB";
                  }
                }
                all.push_back({mi, pi, qi, std::move(c)});
              }
            }
          }
        }
      }
    }
  }
  // Order: model, platform, precision (one group each), then mode, batch, seq within the group.
  std::stable_sort(all.begin(), all.end(), [](const Keyed& a, const Keyed& b) {
    return std::tie(a.model_idx, a.platform_idx, a.precision_idx) <
           std::tie(b.model_idx, b.platform_idx, b.precision_idx);
  });
  for (auto& k : all) {
    (k.cfg.skip_reason.empty() ? plan.runnable : plan.skipped).push_back(std::move(k.cfg));
  }
  return plan;
}

std::vector<std::vector<PlannedConfig>> Groups(const std::vector<PlannedConfig>& ordered) {
  std::vector<std::vector<PlannedConfig>> out;
  for (const auto& c : ordered) {
    if (out.empty() || out.back().front().group_key != c.group_key) out.emplace_back();
    out.back().push_back(c);
  }
  return out;
}

}  // namespace accelbench::runner
