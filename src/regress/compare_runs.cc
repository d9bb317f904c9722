// Run vs run: resolve the runs, pair their results by configuration and judge each pair's raw
// latency samples (JudgeSamples).
#include <algorithm>
#include <map>

#include "core/errors.h"
#include "regress/regress.h"
#include "store/database.h"

namespace accelbench::regress {
namespace {

bool Comparable(const ResultRecord& r) {
  return r.status == ResultStatus::kOk || r.status == ResultStatus::kNotConverged;
}

bool TagsMatch(const std::map<std::string, std::string>& have,
               const std::map<std::string, std::string>& want) {
  for (const auto& [k, v] : want) {
    auto it = have.find(k);
    if (it == have.end() || it->second != v) return false;
  }
  return true;
}

// The newest comparable result per config_key of one run.
std::map<std::string, ResultRecord> ResultsByConfig(store::Database& db, const std::string& run) {
  store::ResultFilter f;
  f.run_id = run;
  std::map<std::string, ResultRecord> out;
  for (auto& r : db.Results(f))  // ordered by started_utc: later ones replace earlier ones
    if (Comparable(r)) out[r.config_key] = std::move(r);
  return out;
}

}  // namespace

std::string ResolveRun(store::Database& db, const RunSelector& sel, const std::string& exclude) {
  const auto runs = db.Runs();  // oldest first
  if (!sel.run_id.empty()) {
    for (const auto& r : runs)
      if (r.run.run_id == sel.run_id) return r.run.run_id;
    throw UsageError("unknown run id '" + sel.run_id + "' in " + db.path());
  }
  for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
    if (it->run.run_id == exclude || it->results == 0) continue;
    if (TagsMatch(it->run.tags, sel.tags)) return it->run.run_id;
  }
  throw UsageError("no run with results matches '" + sel.Describe() + "' in " + db.path() +
                   (exclude.empty() ? "" : " (other than " + exclude + ")"));
}

std::string PreviousRun(store::Database& db, const std::string& run_id) {
  const auto runs = db.Runs();
  std::string prev;
  for (const auto& r : runs) {
    if (r.run.run_id == run_id) {
      if (prev.empty()) throw UsageError("run " + run_id + " has no earlier run to compare with");
      return prev;
    }
    if (r.results > 0) prev = r.run.run_id;
  }
  throw UsageError("unknown run id '" + run_id + "' in " + db.path());
}

RunComparison CompareRuns(store::Database& db, const std::string& baseline_run_id,
                          const std::string& candidate_run_id, const CompareOptions& opt) {
  RunComparison out;
  out.baseline_run_id = baseline_run_id;
  out.candidate_run_id = candidate_run_id;
  auto base_run = db.Run(baseline_run_id);
  if (!base_run) throw UsageError("unknown run id '" + baseline_run_id + "' in " + db.path());
  auto cand_run = db.Run(candidate_run_id);
  if (!cand_run) throw UsageError("unknown run id '" + candidate_run_id + "' in " + db.path());
  out.baseline_tags = base_run->tags;
  out.candidate_tags = cand_run->tags;

  auto base = ResultsByConfig(db, baseline_run_id);
  auto cand = ResultsByConfig(db, candidate_run_id);
  if (opt.config_key) {
    if (!base.count(*opt.config_key) || !cand.count(*opt.config_key))
      throw UsageError("configuration '" + *opt.config_key + "' is not in both runs");
  }
  for (const auto& [key, r] : base)
    if (!cand.count(key)) out.only_baseline.push_back(key);
  for (const auto& [key, r] : cand)
    if (!base.count(key)) out.only_candidate.push_back(key);

  JudgeOptions jo;
  jo.min_effect = opt.thresholds.MinEffect("latency_ms");
  jo.alpha = opt.thresholds.alpha;
  jo.confidence = opt.thresholds.confidence;
  jo.resamples = opt.resamples;
  for (const auto& [key, b] : base) {
    auto it = cand.find(key);
    if (it == cand.end()) continue;
    if (opt.config_key && key != *opt.config_key) continue;
    const auto& c = it->second;
    ConfigVerdict cv;
    cv.config_key = key;
    cv.model = c.model;
    cv.preset = c.preset;
    cv.platform = c.platform;
    cv.runtime = c.runtime;
    cv.precision = c.precision;
    cv.mode = c.mode;
    cv.batch = c.batch;
    cv.seq_len = c.seq_len;
    cv.baseline_result_id = b.result_id;
    cv.candidate_result_id = c.result_id;
    const auto bs = db.Samples(b.result_id);
    const auto cs = db.Samples(c.result_id);
    cv.v = JudgeSamples(bs, cs, jo);
    out.configs.push_back(std::move(cv));
  }
  if (out.configs.empty())
    throw UsageError("no common configurations between runs " + baseline_run_id + " (" +
                     std::to_string(base.size()) + " measured) and " + candidate_run_id + " (" +
                     std::to_string(cand.size()) + " measured)");
  return out;
}

}  // namespace accelbench::regress
