// Writers for regress: terminal table, Markdown (a pull-request comment) and JSON.
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>

#include "core/errors.h"
#include "regress/regress.h"

namespace accelbench::regress {
namespace {

using Json = nlohmann::ordered_json;

std::string Label(const std::string& model, const std::string& preset, const std::string& mode,
                  int64_t batch, int64_t seq_len, const std::string& platform,
                  const std::string& runtime, const std::string& precision) {
  std::string s = fmt::format("{}/{} {} b{}", model, preset, mode, batch);
  if (seq_len > 0) s += fmt::format(" s{}", seq_len);
  return s + fmt::format(" {} {} {}", platform, runtime, precision);
}
std::string Label(const ConfigVerdict& c) {
  return Label(c.model, c.preset, c.mode, c.batch, c.seq_len, c.platform, c.runtime, c.precision);
}
std::string Label(const ConfigHistory& c) {
  return Label(c.model, c.preset, c.mode, c.batch, c.seq_len, c.platform, c.runtime, c.precision);
}

std::string Tags(const std::map<std::string, std::string>& tags) {
  std::string s;
  for (const auto& [k, v] : tags) s += (s.empty() ? "" : ",") + k + "=" + v;
  return s;
}

std::string Signed(double pct) { return fmt::format("{:+.1f}%", pct); }
std::string Ms(double v) { return fmt::format("{:.4g}", v); }
std::string PValue(double p) { return p < 1e-4 ? "<1e-4" : fmt::format("{:.4f}", p); }

const char* Icon(Verdict v) {
  switch (v) {
    case Verdict::kRegressed:
      return ":red_circle:";
    case Verdict::kImproved:
      return ":green_circle:";
    case Verdict::kInconclusive:
      return ":grey_question:";
    case Verdict::kUnchanged:
      break;
  }
  return ":white_circle:";
}

// Fixed-width columns: the width of the widest cell.
void WriteAligned(const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
  std::vector<size_t> w;
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) {
      if (w.size() <= i) w.push_back(0);
      w[i] = std::max(w[i], r[i].size());
    }
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i)
      line += i + 1 < r.size() ? fmt::format("{:<{}}  ", r[i], w[i]) : r[i];
    out << line << "\n";
  }
}

std::string Summary(const RunComparison& c) {
  return fmt::format("{} regressed, {} improved, {} unchanged, {} inconclusive",
                     c.Count(Verdict::kRegressed), c.Count(Verdict::kImproved),
                     c.Count(Verdict::kUnchanged), c.Count(Verdict::kInconclusive));
}

Json ToJson(const ConfigVerdict& c) {
  Json o;
  o["config_key"] = c.config_key;
  o["model"] = c.model;
  o["preset"] = c.preset;
  o["mode"] = c.mode;
  o["batch"] = c.batch;
  o["seq_len"] = c.seq_len;
  o["platform"] = c.platform;
  o["runtime"] = c.runtime;
  o["precision"] = c.precision;
  o["metric"] = c.metric;
  o["verdict"] = std::string(ToString(c.v.verdict));
  o["baseline_median_ms"] = c.v.baseline_median;
  o["candidate_median_ms"] = c.v.candidate_median;
  o["ratio"] = c.v.ratio;
  o["ratio_ci_low"] = c.v.ratio_ci_low;
  o["ratio_ci_high"] = c.v.ratio_ci_high;
  o["change_pct"] = c.v.change_pct;
  o["min_effect_pct"] = c.v.min_effect_pct;
  o["mann_whitney_u"] = c.v.u_statistic;
  o["p_value"] = c.v.p_value;
  o["baseline_n"] = c.v.baseline_n;
  o["candidate_n"] = c.v.candidate_n;
  o["reason"] = c.v.reason;
  o["baseline_result_id"] = c.baseline_result_id;
  o["candidate_result_id"] = c.candidate_result_id;
  return o;
}

}  // namespace

void WriteComparison(const RunComparison& c, std::string_view format, std::ostream& out) {
  if (format == "json") {
    Json o;
    o["baseline_run_id"] = c.baseline_run_id;
    o["candidate_run_id"] = c.candidate_run_id;
    o["baseline_tags"] = c.baseline_tags;
    o["candidate_tags"] = c.candidate_tags;
    o["regression"] = c.HasRegression();
    o["counts"] = {{"regressed", c.Count(Verdict::kRegressed)},
                   {"improved", c.Count(Verdict::kImproved)},
                   {"unchanged", c.Count(Verdict::kUnchanged)},
                   {"inconclusive", c.Count(Verdict::kInconclusive)}};
    o["configs"] = Json::array();
    for (const auto& v : c.configs) o["configs"].push_back(ToJson(v));
    o["only_baseline"] = c.only_baseline;
    o["only_candidate"] = c.only_candidate;
    out << o.dump(2) << "\n";
    return;
  }
  if (format == "md") {
    out << "### accelbench regress: " << (c.HasRegression() ? "regression found" : "no regression")
        << "\n\n";
    out << "Baseline `" << c.baseline_run_id << "`";
    if (!c.baseline_tags.empty()) out << " (" << Tags(c.baseline_tags) << ")";
    out << " vs candidate `" << c.candidate_run_id << "`";
    if (!c.candidate_tags.empty()) out << " (" << Tags(c.candidate_tags) << ")";
    out << ": " << Summary(c) << ".\n\n";
    out << "| | configuration | baseline p50 (ms) | candidate p50 (ms) | change | 95% CI of ratio "
           "| "
           "p | verdict |\n|---|---|---:|---:|---:|---|---:|---|\n";
    // regressions first, then the rest in key order
    std::vector<const ConfigVerdict*> rows;
    for (const auto& v : c.configs) rows.push_back(&v);
    std::stable_sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) {
      return (a->v.verdict == Verdict::kRegressed) > (b->v.verdict == Verdict::kRegressed);
    });
    for (const auto* v : rows)
      out << "| " << Icon(v->v.verdict) << " | " << Label(*v) << " | " << Ms(v->v.baseline_median)
          << " | " << Ms(v->v.candidate_median) << " | " << Signed(v->v.change_pct) << " | "
          << fmt::format("[{:.3f}, {:.3f}]", v->v.ratio_ci_low, v->v.ratio_ci_high) << " | "
          << PValue(v->v.p_value) << " | **" << ToString(v->v.verdict) << "** |\n";
    out << "\nMann-Whitney U on the raw latency samples; a change counts beyond "
        << (c.configs.empty() ? 3.0 : c.configs.front().v.min_effect_pct)
        << "% when significant; inconclusive = too noisy, re-run advised.\n";
    if (!c.only_baseline.empty() || !c.only_candidate.empty())
      out << "\nOnly in the baseline: " << c.only_baseline.size()
          << " configuration(s); only in the candidate: " << c.only_candidate.size() << ".\n";
    return;
  }
  if (format != "table")
    throw UsageError("unknown regress format '" + std::string(format) + "' (table, md, json)");
  out << "baseline  " << c.baseline_run_id
      << (c.baseline_tags.empty() ? "" : "  " + Tags(c.baseline_tags)) << "\n";
  out << "candidate " << c.candidate_run_id
      << (c.candidate_tags.empty() ? "" : "  " + Tags(c.candidate_tags)) << "\n\n";
  std::vector<std::vector<std::string>> rows = {{"configuration", "base p50 ms", "cand p50 ms",
                                                 "change", "ratio 95% CI", "p", "verdict",
                                                 "reason"}};
  for (const auto& v : c.configs)
    rows.push_back({Label(v), Ms(v.v.baseline_median), Ms(v.v.candidate_median),
                    Signed(v.v.change_pct),
                    fmt::format("[{:.3f}, {:.3f}]", v.v.ratio_ci_low, v.v.ratio_ci_high),
                    PValue(v.v.p_value), std::string(ToString(v.v.verdict)), v.v.reason});
  WriteAligned(rows, out);
  out << "\n" << Summary(c) << "\n";
  if (!c.only_baseline.empty() || !c.only_candidate.empty())
    out << "only in the baseline: " << c.only_baseline.size()
        << " configuration(s); only in the candidate: " << c.only_candidate.size() << "\n";
}

void WriteHistory(std::span<const ConfigHistory> h, std::string_view format, std::ostream& out) {
  if (format == "json") {
    Json arr = Json::array();
    for (const auto& c : h) {
      Json o;
      o["config_key"] = c.config_key;
      o["label"] = Label(c);
      o["runs"] = c.points.size();
      Json pts = Json::array();
      for (const auto& p : c.points)
        pts.push_back({{"run_id", p.run_id},
                       {"result_id", p.result_id},
                       {"started_utc", p.started_utc},
                       {"median_ms", p.median_ms},
                       {"n", p.n}});
      o["points"] = pts;
      Json cps = Json::array();
      for (const auto& cp : c.change_points)
        cps.push_back({{"index", cp.index},
                       {"run_id", cp.run_id},
                       {"previous_run_id", cp.previous_run_id},
                       {"started_utc", c.points[cp.index].started_utc},
                       {"before_median_ms", cp.before_median},
                       {"after_median_ms", cp.after_median},
                       {"change_pct", cp.change_pct},
                       {"p_value", cp.p_value},
                       {"verdict", std::string(ToString(cp.verdict))}});
      o["change_points"] = cps;
      arr.push_back(o);
    }
    out << arr.dump(2) << "\n";
    return;
  }
  size_t total = 0, regressions = 0;
  for (const auto& c : h)
    for (const auto& cp : c.change_points) {
      ++total;
      if (cp.verdict == Verdict::kRegressed) ++regressions;
    }
  if (format == "md") {
    out << "### accelbench regress --history: " << total << " change point(s), " << regressions
        << " regression(s) over " << h.size() << " configuration(s)\n\n";
    if (total == 0) return;
    out << "| | configuration | run | started (UTC) | before p50 (ms) | after p50 (ms) | change | "
           "p |\n|---|---|---|---|---:|---:|---:|---:|\n";
    for (const auto& c : h)
      for (const auto& cp : c.change_points)
        out << "| " << Icon(cp.verdict) << " | " << Label(c) << " | `" << cp.run_id << "` | "
            << c.points[cp.index].started_utc << " | " << Ms(cp.before_median) << " | "
            << Ms(cp.after_median) << " | " << Signed(cp.change_pct) << " | " << PValue(cp.p_value)
            << " |\n";
    return;
  }
  if (format != "table")
    throw UsageError("unknown regress format '" + std::string(format) + "' (table, md, json)");
  std::vector<std::vector<std::string>> rows = {{"configuration", "runs", "change at run",
                                                 "started (UTC)", "before ms", "after ms", "change",
                                                 "p", "verdict"}};
  for (const auto& c : h) {
    if (c.change_points.empty()) {
      rows.push_back(
          {Label(c), std::to_string(c.points.size()), "-", "", "", "", "", "", "no change point"});
      continue;
    }
    for (const auto& cp : c.change_points)
      rows.push_back({Label(c), std::to_string(c.points.size()), cp.run_id,
                      c.points[cp.index].started_utc, Ms(cp.before_median), Ms(cp.after_median),
                      Signed(cp.change_pct), PValue(cp.p_value),
                      std::string(ToString(cp.verdict))});
  }
  WriteAligned(rows, out);
  out << "\n"
      << total << " change point(s), " << regressions << " regression(s) over " << h.size()
      << " configuration(s)\n";
}

}  // namespace accelbench::regress
