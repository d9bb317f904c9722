// The pure part of regress: thresholds, run selectors and the verdict on two samples.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/errors.h"
#include "regress/regress.h"
#include "stats/mann_whitney.h"
#include "stats/stats.h"

namespace accelbench::regress {
namespace {

std::string Pct(double v, int digits = 1) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(digits);
  s << v << "%";
  return s.str();
}

}  // namespace

std::string_view ToString(Verdict v) {
  switch (v) {
    case Verdict::kImproved:
      return "improved";
    case Verdict::kUnchanged:
      return "unchanged";
    case Verdict::kRegressed:
      return "regressed";
    case Verdict::kInconclusive:
      return "inconclusive";
  }
  return "?";
}

const std::vector<std::string>& KnownMetrics() {
  static const std::vector<std::string> m = {"latency_ms"};
  return m;
}

double Thresholds::MinEffect(std::string_view metric) const {
  if (auto it = metric_pct.find(std::string(metric)); it != metric_pct.end())
    return it->second / 100.0;
  return default_pct / 100.0;
}

Thresholds ParseThresholds(std::string_view text, std::string_view origin) {
  const std::string where(origin);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const std::exception& e) {
    throw UsageError(where + ": not valid JSON (" + e.what() + ")");
  }
  if (!j.is_object()) throw UsageError(where + ": expected a JSON object");
  Thresholds t;
  auto number = [&](const nlohmann::json& v, const std::string& key, double lo, double hi) {
    if (!v.is_number()) throw UsageError(where + ": '" + key + "' must be a number");
    const double d = v.get<double>();
    if (!(d >= lo && d <= hi))
      throw UsageError(where + ": '" + key + "' = " + v.dump() + " is outside [" +
                       nlohmann::json(lo).dump() + ", " + nlohmann::json(hi).dump() + "]");
    return d;
  };
  for (const auto& [key, v] : j.items()) {
    if (key == "default_pct") {
      t.default_pct = number(v, key, 0, 1000);
    } else if (key == "alpha") {
      t.alpha = number(v, key, 1e-9, 0.5);
    } else if (key == "confidence") {
      t.confidence = number(v, key, 0.5, 0.9999);
    } else if (key == "metrics") {
      if (!v.is_object()) throw UsageError(where + ": 'metrics' must be an object");
      for (const auto& [m, pct] : v.items()) {
        const auto& known = KnownMetrics();
        if (std::find(known.begin(), known.end(), m) == known.end())
          throw UsageError(where + ": unknown metric '" + m + "' (known: " + JoinNames(known) +
                           ")");
        t.metric_pct[m] = number(pct, "metrics." + m, 0, 1000);
      }
    } else {
      throw UsageError(where + ": unknown key '" + key +
                       "' (valid: default_pct, metrics, alpha, confidence)");
    }
  }
  return t;
}

Thresholds LoadThresholds(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError("cannot read thresholds file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseThresholds(ss.str(), path);
}

SampleVerdict JudgeSamples(std::span<const double> baseline, std::span<const double> candidate,
                           const JudgeOptions& opt) {
  SampleVerdict v;
  v.baseline_n = baseline.size();
  v.candidate_n = candidate.size();
  v.min_effect_pct = opt.min_effect * 100;
  if (baseline.empty() || candidate.empty()) {
    v.reason = "no samples in " + std::string(baseline.empty() ? "the baseline" : "the candidate");
    return v;
  }
  v.baseline_median = stats::Median(baseline);
  v.candidate_median = stats::Median(candidate);
  if (!(v.baseline_median > 0)) {
    v.reason = "baseline median is not positive";
    return v;
  }
  const auto ci =
      stats::BootstrapMedianRatioCi(candidate, baseline, opt.confidence, opt.resamples, opt.seed);
  v.ratio = ci.ratio;
  v.ratio_ci_low = ci.low;
  v.ratio_ci_high = ci.high;
  v.change_pct = (v.ratio - 1) * 100;
  const auto mw = stats::MannWhitneyU(candidate, baseline);
  v.u_statistic = mw.u_x;
  v.p_value = mw.p_value;
  if (baseline.size() < opt.min_samples || candidate.size() < opt.min_samples) {
    v.reason = "too few samples (" + std::to_string(baseline.size()) + " and " +
               std::to_string(candidate.size()) + ", need " + std::to_string(opt.min_samples) +
               "): re-run advised";
    return v;
  }
  const double t = opt.min_effect;
  // "worse" is a larger value when lower is better (latency).
  const double worse = opt.higher_is_better ? 1 - v.ratio : v.ratio - 1;
  const bool ci_excludes_one = v.ratio_ci_low > 1 || v.ratio_ci_high < 1;
  const bool significant = v.p_value < opt.alpha && ci_excludes_one;
  const std::string effect =
      Pct(std::abs(v.change_pct)) + (v.change_pct >= 0 ? " higher" : " lower");
  std::ostringstream ci_text;
  ci_text << "CI [" << v.ratio_ci_low << ", " << v.ratio_ci_high << "]";
  if (std::abs(v.ratio - 1) > t && significant) {
    v.verdict = worse > 0 ? Verdict::kRegressed : Verdict::kImproved;
    v.reason = effect + ", beyond the " + Pct(t * 100) +
               " threshold (p=" + nlohmann::json(v.p_value).dump() + ")";
  } else if (v.ratio_ci_low >= 1 - t && v.ratio_ci_high <= 1 + t) {
    v.verdict = Verdict::kUnchanged;
    v.reason = ci_text.str() + " within +-" + Pct(t * 100);
  } else if (std::abs(v.ratio - 1) > t) {
    v.verdict = Verdict::kInconclusive;
    v.reason = effect + " but not significant (p=" + nlohmann::json(v.p_value).dump() + ", " +
               ci_text.str() + "): too noisy, re-run advised";
  } else {
    v.verdict = Verdict::kInconclusive;
    v.reason = ci_text.str() + " reaches beyond +-" + Pct(t * 100) +
               ": too noisy to rule out a change, re-run advised";
  }
  return v;
}

size_t RunComparison::Count(Verdict v) const {
  return static_cast<size_t>(std::count_if(
      configs.begin(), configs.end(), [v](const ConfigVerdict& c) { return c.v.verdict == v; }));
}

RunSelector ParseRunSelector(std::string_view spec) {
  RunSelector s;
  std::string text(spec);
  if (text.empty()) throw UsageError("empty run selector (a run id, 'latest' or key=value tags)");
  if (text == "latest") return s;
  if (text.find('=') == std::string::npos) {
    s.run_id = text;
    return s;
  }
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError("bad run selector '" + text + "': expected key=value[,key=value...]");
    s.tags[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return s;
}

std::string RunSelector::Describe() const {
  if (!run_id.empty()) return run_id;
  if (tags.empty()) return "latest";
  std::string out;
  for (const auto& [k, v] : tags) out += (out.empty() ? "" : ",") + k + "=" + v;
  return out;
}

}  // namespace accelbench::regress
