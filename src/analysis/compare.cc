#include "analysis/compare.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "core/errors.h"
#include "stats/stats.h"

namespace accelbench::analysis {

std::string Baseline::Describe() const {
  return platform.value_or("same platform") + "/" + runtime.value_or("same runtime") + "/" +
         precision.value_or("same precision");
}

Baseline ParseBaseline(std::string_view spec) {
  Baseline b;
  if (spec.empty()) return b;
  b = Baseline{std::nullopt, std::nullopt, std::nullopt};
  size_t pos = 0;
  while (pos <= spec.size()) {
    size_t end = spec.find(',', pos);
    if (end == std::string_view::npos) end = spec.size();
    std::string_view item = spec.substr(pos, end - pos);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == item.size())
      throw UsageError("--baseline: expected key=value, got '" + std::string(item) +
                       "'; valid keys are: platform, runtime, precision");
    std::string key(item.substr(0, eq)), val(item.substr(eq + 1));
    if (key == "platform")
      b.platform = val;
    else if (key == "runtime")
      b.runtime = val;
    else if (key == "precision")
      b.precision = val;
    else
      throw UsageError("--baseline: unknown key '" + key +
                       "'; valid keys are: platform, runtime, precision");
    pos = end + 1;
  }
  return b;
}

std::string_view ToString(ComparisonKind k) {
  switch (k) {
    case ComparisonKind::kSpeedup:
      return "speedup";
    case ComparisonKind::kPrecision:
      return "precision";
    case ComparisonKind::kBatchScaling:
      return "batch_scaling";
    case ComparisonKind::kTrainVsInfer:
      return "train_vs_infer";
  }
  return "?";
}

namespace {

bool Usable(const ResultRecord& r) {
  return r.status == ResultStatus::kOk || r.status == ResultStatus::kNotConverged;
}

// A platform matches by instance ("cuda:0") or kind ("cuda").
bool PlatformIs(const ResultRecord& r, const std::string& p) {
  return r.platform == p || r.platform_kind == p;
}

void AddFlag(std::string& flags, const std::string& f) {
  if (!flags.empty()) flags += "; ";
  flags += f;
}

// Flags about the two records being compared (fairness and quality of the values).
std::string FairnessFlags(const ResultRecord& c, const ResultRecord* ref) {
  std::string f;
  if (c.status == ResultStatus::kNotConverged) AddFlag(f, "not_converged");
  if (c.origin != "measured") AddFlag(f, c.origin);
  if (!ref) return f;
  if (ref->status == ResultStatus::kNotConverged) AddFlag(f, "reference not_converged");
  if (ref->origin != "measured") AddFlag(f, "reference " + ref->origin);
  auto differ = [&](const char* what, int64_t a, int64_t b) {
    if (a != b)
      AddFlag(f, std::string(what) + " differ (" + std::to_string(a) + " vs " + std::to_string(b) +
                     ")");
  };
  differ("threads", c.threads, ref->threads);
  differ("batch", c.batch, ref->batch);
  differ("seq_len", c.seq_len, ref->seq_len);
  return f;
}

ComparisonRecord Base(ComparisonKind k, const ResultRecord& r) {
  ComparisonRecord c;
  c.kind = k;
  c.model = r.model;
  c.preset = r.preset;
  c.mode = r.mode;
  c.platform = r.platform;
  c.runtime = r.runtime;
  c.precision = r.precision;
  c.batch = r.batch;
  c.seq_len = r.seq_len;
  c.result_id = r.result_id;
  return c;
}

// Ratio median(num)/median(den) with a bootstrap CI from the samples; falls back to the stored
// p50 latencies (no CI, flagged) when either series has no samples.
void FillRatio(ComparisonRecord& c, const ResultRecord& num, const ResultRecord& den,
               const SampleLookup& samples, const CompareOptions& opt) {
  auto a = samples(num.result_id), b = samples(den.result_id);
  c.metric_name = "median latency (ms)";
  if (!a.empty() && !b.empty()) {
    auto ci = stats::BootstrapMedianRatioCi(a, b, opt.confidence, opt.resamples);
    c.value = ci.ratio;
    c.ci_low = ci.low;
    c.ci_high = ci.high;
    c.metric = stats::Median(b);
    c.reference_metric = stats::Median(a);
  } else if (num.lat_p50_ms && den.lat_p50_ms && *den.lat_p50_ms > 0) {
    c.value = *num.lat_p50_ms / *den.lat_p50_ms;
    c.metric = den.lat_p50_ms;
    c.reference_metric = num.lat_p50_ms;
    AddFlag(c.flags, "no raw samples: stored p50, no CI");
  } else {
    AddFlag(c.flags, "no latency");
  }
}

using GroupKey = std::tuple<std::string, std::string, std::string, int64_t, int64_t>;
GroupKey KeyOf(const ResultRecord& r) { return {r.model, r.preset, r.mode, r.batch, r.seq_len}; }

const ResultRecord* FindRef(std::span<const ResultRecord> rs, const ResultRecord& c,
                            const Baseline& b, bool same_mode = true) {
  for (const auto& r : rs) {
    if (!Usable(r) || &r == &c) continue;
    if (r.model != c.model || r.preset != c.preset || r.batch != c.batch ||
        r.seq_len != c.seq_len || (same_mode && r.mode != c.mode))
      continue;
    if (!PlatformIs(r, b.platform.value_or(c.platform))) continue;
    if (r.runtime != b.runtime.value_or(c.runtime)) continue;
    if (r.precision != b.precision.value_or(c.precision)) continue;
    return &r;
  }
  return nullptr;
}

bool IsRef(const ResultRecord& r, const Baseline& b) {
  return (!b.platform || PlatformIs(r, *b.platform)) && (!b.runtime || r.runtime == *b.runtime) &&
         (!b.precision || r.precision == *b.precision);
}

}  // namespace

std::vector<ComparisonRecord> Compare(std::span<const ResultRecord> in, const SampleLookup& samples,
                                      const CompareOptions& opt) {
  std::vector<ResultRecord> rs;
  for (const auto& r : in)
    if (Usable(r)) rs.push_back(r);
  std::sort(rs.begin(), rs.end(), [](const ResultRecord& a, const ResultRecord& b) {
    return std::tie(a.model, a.preset, a.mode, a.batch, a.seq_len, a.platform, a.runtime,
                    a.precision) < std::tie(b.model, b.preset, b.mode, b.batch, b.seq_len,
                                            b.platform, b.runtime, b.precision);
  });
  std::vector<ComparisonRecord> out;
  // 1. speedup vs the baseline
  for (const auto& r : rs) {
    if (IsRef(r, opt.baseline)) continue;  // the baseline itself (speedup 1 by definition)
    auto c = Base(ComparisonKind::kSpeedup, r);
    c.reference = opt.baseline.Describe();
    const ResultRecord* ref = FindRef(rs, r, opt.baseline);
    c.flags = FairnessFlags(r, ref);
    if (!ref) {
      AddFlag(c.flags, "no baseline");
    } else {
      c.reference_result_id = ref->result_id;
      FillRatio(c, *ref, r, samples, opt);  // speedup = median(ref) / median(candidate)
    }
    out.push_back(std::move(c));
  }
  // 2. precision gains vs fp32 on the same platform and runtime
  const Baseline fp32{std::nullopt, std::nullopt, std::string("fp32")};
  for (const auto& r : rs) {
    if (r.precision == "fp32") continue;
    auto c = Base(ComparisonKind::kPrecision, r);
    c.reference = "fp32";
    c.output_max_abs_dev = r.output_max_abs_dev;
    c.output_rel_dev = r.output_rel_dev;
    const ResultRecord* ref = FindRef(rs, r, fp32);
    c.flags = FairnessFlags(r, ref);
    if (!ref) {
      AddFlag(c.flags, "no fp32 reference");
    } else {
      c.reference_result_id = ref->result_id;
      FillRatio(c, *ref, r, samples, opt);
    }
    out.push_back(std::move(c));
  }
  // 3. batch scaling efficiency: (throughput_b / throughput_b0) / (b / b0), b0 the smallest batch
  std::map<std::tuple<std::string, std::string, std::string, int64_t, std::string, std::string,
                      std::string>,
           std::vector<const ResultRecord*>>
      groups;
  for (const auto& r : rs)
    groups[{r.model, r.preset, r.mode, r.seq_len, r.platform, r.runtime, r.precision}].push_back(
        &r);
  for (auto& [key, g] : groups) {
    if (g.size() < 2) continue;
    std::sort(g.begin(), g.end(),
              [](const ResultRecord* a, const ResultRecord* b) { return a->batch < b->batch; });
    const ResultRecord* ref = g.front();
    for (const auto* r : g) {
      if (r == ref) continue;
      auto c = Base(ComparisonKind::kBatchScaling, *r);
      c.reference = "batch=" + std::to_string(ref->batch);
      c.reference_result_id = ref->result_id;
      c.metric_name = "throughput";
      c.metric = r->throughput;
      c.reference_metric = ref->throughput;
      c.flags = FairnessFlags(*r, nullptr);
      if (r->threads != ref->threads)
        AddFlag(c.flags, "threads differ (" + std::to_string(r->threads) + " vs " +
                             std::to_string(ref->threads) + ")");
      if (r->throughput && ref->throughput && *ref->throughput > 0 && ref->batch > 0)
        c.value = (*r->throughput / *ref->throughput) /
                  (static_cast<double>(r->batch) / static_cast<double>(ref->batch));
      else
        AddFlag(c.flags, "no throughput");
      out.push_back(std::move(c));
    }
  }
  // 4. training vs inference: median step time of training / of inference, same configuration
  for (const auto& r : rs) {
    if (r.mode != "training") continue;
    auto c = Base(ComparisonKind::kTrainVsInfer, r);
    c.reference = "inference";
    const ResultRecord* ref = nullptr;
    for (const auto& q : rs)
      if (q.mode == "inference" && q.model == r.model && q.preset == r.preset &&
          q.batch == r.batch && q.seq_len == r.seq_len && q.platform == r.platform &&
          q.runtime == r.runtime && q.precision == r.precision)
        ref = &q;
    c.flags = FairnessFlags(r, ref);
    if (!ref) {
      AddFlag(c.flags, "no inference reference");
    } else {
      c.reference_result_id = ref->result_id;
      FillRatio(c, r, *ref, samples, opt);  // cost = median(train) / median(inference)
      std::swap(c.metric, c.reference_metric);
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace accelbench::analysis
