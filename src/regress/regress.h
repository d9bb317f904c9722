#pragma once
// Regression detection over stored runs (issue 9). Two questions:
//  1. CompareRuns: is a candidate run slower than a baseline run, per configuration? Mann-Whitney
//     U on the raw samples + the ratio of medians with a bootstrap CI + a minimum effect size.
//  2. DetectChangePoints: where in the history of one configuration did its performance step?
//     E-divisive means (energy statistic, permutation test) over the per-run medians, so a step
//     is reported once, at the run that caused it.
// The verdict logic (JudgeSamples, JudgeHistory) is pure; the Database overloads only load rows.
// Used by `accelbench regress` (src/cli/cmd_regress.cc) and the dashboard (src/server).
#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace accelbench::store {
class Database;
}

namespace accelbench::regress {

enum class Verdict { kImproved, kUnchanged, kRegressed, kInconclusive };
std::string_view ToString(Verdict v);  // "improved", "unchanged", "regressed", "inconclusive"

// ---- thresholds ----
// Minimum relative effect that counts as a change, per metric ("latency_ms" is the one metric
// with raw samples). File format (JSON):
//   {"default_pct": 3, "metrics": {"latency_ms": 5}, "alpha": 0.05, "confidence": 0.95}
// every key optional; unknown keys, unknown metrics or values out of range -> UsageError.
struct Thresholds {
  double default_pct = 3.0;                         // percent
  std::map<std::string, double> metric_pct;         // metric -> percent
  double alpha = 0.05;                              // significance level of the tests
  double confidence = 0.95;                         // bootstrap CI level
  double MinEffect(std::string_view metric) const;  // as a fraction (0.03)
};
Thresholds ParseThresholds(std::string_view json_text, std::string_view origin = "thresholds");
Thresholds LoadThresholds(const std::string& path);  // UsageError: unreadable or malformed
// Metrics known to the thresholds file.
const std::vector<std::string>& KnownMetrics();

// ---- one comparison: pure ----
struct SampleVerdict {
  size_t baseline_n = 0, candidate_n = 0;
  double baseline_median = 0, candidate_median = 0;
  double ratio = 0, ratio_ci_low = 0, ratio_ci_high = 0;  // candidate / baseline medians
  double change_pct = 0;                                  // (ratio - 1) * 100
  double u_statistic = 0;                                 // U of the candidate sample
  double p_value = 1;                                     // two-sided Mann-Whitney p
  double min_effect_pct = 0;
  Verdict verdict = Verdict::kInconclusive;
  std::string reason;  // why (one short sentence)
};
struct JudgeOptions {
  double min_effect = 0.03;  // fraction
  double alpha = 0.05;
  double confidence = 0.95;
  int resamples = 2000;
  uint64_t seed = 20261127;
  bool higher_is_better = false;  // latency: lower is better
  size_t min_samples = 5;         // fewer in either run: inconclusive
};
// Verdict rules (t = min_effect, [lo, hi] = bootstrap CI of the ratio, p = Mann-Whitney):
//  regressed:    p < alpha, the CI excludes 1 and the ratio is worse than 1 by more than t;
//  improved:     the same, better by more than t;
//  unchanged:    the whole CI lies within [1 - t, 1 + t] (a change, if any, is below t);
//  inconclusive: otherwise (too noisy or too few samples: re-run advised).
SampleVerdict JudgeSamples(std::span<const double> baseline, std::span<const double> candidate,
                           const JudgeOptions& opt = {});

// ---- run vs run ----
// Which run: an id, "latest" (newest run), or tag filters "branch=main[,k=v...]" meaning the
// newest run whose tags contain all of them. `exclude` (a run id) is skipped when searching.
struct RunSelector {
  std::string run_id;                       // exact id (when set)
  std::map<std::string, std::string> tags;  // all must match (newest wins)
  std::string Describe() const;
};
RunSelector ParseRunSelector(std::string_view spec);  // UsageError on malformed text
// UsageError when nothing matches ("unknown run id ...", "no run with tags ...").
std::string ResolveRun(store::Database& db, const RunSelector& sel,
                       const std::string& exclude = "");
// The newest run with results that started before `run_id` (UsageError when there is none).
std::string PreviousRun(store::Database& db, const std::string& run_id);

struct ConfigVerdict {
  std::string config_key, model, preset, platform, runtime, precision, mode;
  int64_t batch = 0, seq_len = 0;
  std::string metric = "latency_ms";
  std::string baseline_result_id, candidate_result_id;
  SampleVerdict v;
};
struct RunComparison {
  std::string baseline_run_id, candidate_run_id;
  std::map<std::string, std::string> baseline_tags, candidate_tags;
  std::vector<ConfigVerdict> configs;       // common configurations, sorted by config_key
  std::vector<std::string> only_baseline;   // config keys measured only in the baseline
  std::vector<std::string> only_candidate;  // ... only in the candidate
  size_t Count(Verdict v) const;
  bool HasRegression() const { return Count(Verdict::kRegressed) > 0; }
};
struct CompareOptions {
  Thresholds thresholds;
  int resamples = 2000;
  std::optional<std::string> config_key;  // only this configuration
};
// Results with status ok or not_converged take part (newest per config_key within a run).
// UsageError: unknown run ids, or no common configuration.
RunComparison CompareRuns(store::Database& db, const std::string& baseline_run_id,
                          const std::string& candidate_run_id, const CompareOptions& opt = {});

// ---- history and change points ----
struct HistoryPoint {
  std::string run_id, result_id, started_utc;
  double median_ms = 0;  // median of the raw samples (lat_p50_ms when none stored)
  size_t n = 0;
};
struct ChangePoint {
  size_t index = 0;  // first point of the new level (history[index] is the run that caused it)
  std::string run_id, previous_run_id;
  double before_median = 0, after_median = 0;  // medians of the two adjacent segments
  double change_pct = 0;
  double p_value = 1;                     // permutation test of the split
  Verdict verdict = Verdict::kUnchanged;  // regressed or improved
};
struct ChangePointOptions {
  double min_effect = 0.03;  // steps smaller than this are not reported
  double alpha = 0.05;
  int permutations = 199;
  size_t min_segment = 3;  // points on each side of a change point
  uint64_t seed = 20261127;
  bool higher_is_better = false;
};
// Pure: change points of one configuration's history (oldest first).
std::vector<ChangePoint> DetectChangePoints(std::span<const HistoryPoint> history,
                                            const ChangePointOptions& opt = {});

struct ConfigHistory {
  std::string config_key, model, preset, platform, runtime, precision, mode;
  int64_t batch = 0, seq_len = 0;
  std::vector<HistoryPoint> points;  // oldest first
  std::vector<ChangePoint> change_points;
};
struct HistoryOptions {
  Thresholds thresholds;
  std::optional<std::string> config_key;    // only this configuration
  std::map<std::string, std::string> tags;  // only runs whose tags contain all of these
  int permutations = 199;
  size_t min_segment = 3;
};
// One point per (configuration, run): the newest ok/not_converged result of that run.
std::vector<HistoryPoint> LoadHistory(store::Database& db, const std::string& config_key,
                                      const std::map<std::string, std::string>& tags = {});
// Every configuration (or the one asked for) with its change points. UsageError when the
// asked configuration has no results.
std::vector<ConfigHistory> AnalyzeHistory(store::Database& db, const HistoryOptions& opt = {});

// ---- output ----
// format: "table", "md" (a pull-request comment), "json". UsageError otherwise.
void WriteComparison(const RunComparison& c, std::string_view format, std::ostream& out);
void WriteHistory(std::span<const ConfigHistory> h, std::string_view format, std::ostream& out);

}  // namespace accelbench::regress
