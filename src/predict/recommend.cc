#include "predict/recommend.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "core/enums.h"
#include "core/errors.h"
#include "models/family.h"
#include "stats/stats.h"
#include "store/database.h"

namespace accelbench::predict {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

bool PlatformAllowed(const std::vector<std::string>& allowed, const ConfigSpec& c) {
  if (allowed.empty()) return true;
  return std::any_of(allowed.begin(), allowed.end(), [&](const std::string& p) {
    return p == c.platform || p == c.PlatformKind();
  });
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return v.empty() || std::find(v.begin(), v.end(), s) != v.end();
}

std::string Fmt(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.4g", v);
  return b;
}

std::optional<double> PriceFor(const RecommendRequest& req, const ConfigSpec& c) {
  if (auto it = req.price_per_hour.find(c.platform); it != req.price_per_hour.end())
    return it->second;
  if (auto it = req.price_per_hour.find(c.PlatformKind()); it != req.price_per_hour.end())
    return it->second;
  return std::nullopt;
}

// Least-squares memory = a + b * batch over measured rows of one group; nullopt with < 2 batches.
std::optional<double> FitMemory(const std::vector<const Row*>& group, int64_t batch) {
  std::vector<std::pair<double, double>> pts;
  for (const auto* r : group)
    if (r->memory_mb) pts.emplace_back(static_cast<double>(r->cfg.batch), *r->memory_mb);
  std::set<double> xs;
  for (auto& p : pts) xs.insert(p.first);
  if (xs.size() < 2) return std::nullopt;
  double mx = 0, my = 0;
  for (auto& [x, y] : pts) mx += x, my += y;
  mx /= static_cast<double>(pts.size());
  my /= static_cast<double>(pts.size());
  double sxy = 0, sxx = 0;
  for (auto& [x, y] : pts) sxy += (x - mx) * (y - my), sxx += (x - mx) * (x - mx);
  const double b = std::max(0.0, sxy / sxx);
  return std::max(0.0, my + b * (static_cast<double>(batch) - mx));
}

void Validate(const RecommendRequest& req) {
  models::FindFamily(req.model);  // UsageError listing the families
  ParseMode(req.mode);
  for (const auto& p : req.platforms) ParsePlatformKind(p.substr(0, p.find(':')));
  for (const auto& p : req.precisions) ParsePrecision(p);
  auto positive = [](const std::optional<double>& v, const char* what) {
    if (v && !(*v > 0)) throw UsageError(std::string(what) + " must be positive, got " + Fmt(*v));
  };
  positive(req.slo_ms, "--slo-ms");
  positive(req.memory_budget_mb, "--memory-budget-mb");
  if (req.max_deviation && *req.max_deviation < 0)
    throw UsageError("--max-deviation must not be negative");
  for (const auto& [k, v] : req.price_per_hour) {
    ParsePlatformKind(k.substr(0, k.find(':')));
    if (!(v > 0)) throw UsageError("--price " + k + " must be positive, got " + Fmt(v));
  }
  if (req.slo_percentile != "p50" && req.slo_percentile != "p99")
    throw UsageError("--slo-percentile must be p50 or p99");
  for (auto b : req.predict_batches)
    if (b <= 0) throw UsageError("batch sizes must be positive");
  if (req.objective == Objective::kCost && req.price_per_hour.empty())
    throw UsageError("objective cost needs prices: --price cpu=0.1/h,cuda=2.5/h");
}

double ObjectiveValue(Objective o, const Candidate& c) {
  switch (o) {
    case Objective::kThroughput:
      return -c.throughput;
    case Objective::kLatencyP50:
      return c.p50_ms;
    case Objective::kLatencyP99:
      return c.p99_ms;
    case Objective::kMemory:
      return c.memory_mb.value_or(kInf);
    case Objective::kEnergy:
      return c.energy_j_per_item.value_or(kInf);
    case Objective::kCost:
      return c.cost_per_million.value_or(kInf);
  }
  return kInf;
}

}  // namespace

Objective ParseObjective(const std::string& s) {
  if (s == "throughput") return Objective::kThroughput;
  if (s == "latency" || s == "latency-p50" || s == "p50") return Objective::kLatencyP50;
  if (s == "latency-p99" || s == "p99") return Objective::kLatencyP99;
  if (s == "memory") return Objective::kMemory;
  if (s == "energy") return Objective::kEnergy;
  if (s == "cost") return Objective::kCost;
  throw UsageError("unknown objective '" + s +
                   "' (valid: throughput, latency-p50, latency-p99, memory, energy, cost)");
}

std::string_view ToString(Objective o) {
  switch (o) {
    case Objective::kThroughput:
      return "throughput";
    case Objective::kLatencyP50:
      return "latency-p50";
    case Objective::kLatencyP99:
      return "latency-p99";
    case Objective::kMemory:
      return "memory";
    case Objective::kEnergy:
      return "energy";
    case Objective::kCost:
      return "cost";
  }
  return "?";
}

Recommendation Recommend(store::Database& db, const RecommendRequest& req) {
  Validate(req);
  const auto& fam = models::FindFamily(req.model);
  const std::vector<Row> all = LoadMeasured(db);
  Recommendation out;
  out.model = req.model;
  out.mode = req.mode;

  // ---- which preset and sequence length ----
  std::vector<const Row*> mine;
  for (const auto& r : all)
    if (r.cfg.model == req.model && r.cfg.mode == req.mode) mine.push_back(&r);
  std::set<std::string> presets;
  for (const auto* r : mine) presets.insert(r->cfg.preset);
  out.preset = req.preset;
  if (out.preset.empty()) {
    if (presets.size() == 1) {
      out.preset = *presets.begin();
    } else if (presets.count(fam.ReferencePreset().name)) {
      out.preset = fam.ReferencePreset().name;
    } else if (presets.empty()) {
      out.preset = fam.ReferencePreset().name;
    } else {
      std::string list;
      for (const auto& p : presets) list += (list.empty() ? "" : ", ") + p;
      throw UsageError("several presets of " + req.model + " are measured (" + list +
                       "): pick one with --preset");
    }
  } else {
    fam.FindPreset(out.preset);  // UsageError for an unknown preset
  }
  std::erase_if(mine, [&](const Row* r) { return r->cfg.preset != out.preset; });
  std::map<int64_t, int> seq_count;
  for (const auto* r : mine) seq_count[r->cfg.seq_len]++;
  out.seq_len = req.seq_len;
  if (out.seq_len < 0) {
    out.seq_len = 0;
    int best = -1;
    for (auto [s, n] : seq_count)
      if (n > best) best = n, out.seq_len = s;
    if (seq_count.empty()) out.seq_len = 128;
  }
  std::erase_if(mine, [&](const Row* r) { return r->cfg.seq_len != out.seq_len; });

  // ---- measured candidates ----
  std::set<std::string> measured_keys;
  std::vector<double> tail_ratio;
  for (const auto& r : all)
    if (r.p99_ms && r.p50_ms) tail_ratio.push_back(*r.p99_ms / *r.p50_ms);
  for (const auto* r : mine) {
    measured_keys.insert(r->cfg.platform + "|" + r->cfg.precision + "|" +
                         std::to_string(r->cfg.batch));
    Candidate c;
    c.row = *r;
    c.p50_ms = *r->p50_ms;
    c.p99_ms = r->p99_ms.value_or(c.p50_ms);
    c.throughput = (r->throughput && r->throughput_unit == "items/s")
                       ? *r->throughput
                       : static_cast<double>(r->cfg.batch) * 1e3 / c.p50_ms;
    c.memory_mb = r->memory_mb;
    c.energy_j_per_item = r->energy_j_per_item;
    c.deviation = r->cfg.precision == "fp32" ? std::optional<double>(0.0) : r->rel_dev;
    out.candidates.push_back(std::move(c));
  }

  // ---- predicted candidates ----
  std::optional<Predictor> predictor;
  if (!req.predict_batches.empty()) {
    try {
      predictor = Predictor::Fit(all);
    } catch (const UsageError& e) {
      out.predictions_note = std::string("no predictions: ") + e.what();
    }
  } else {
    out.predictions_note = "predictions off";
  }
  if (predictor) {
    std::set<std::string> platforms;  // instances to consider
    for (const auto* r : mine) platforms.insert(r->cfg.platform);
    for (const auto& p : req.platforms)
      platforms.insert(p.find(':') == std::string::npos && p != "cpu" ? p + ":0" : p);
    const double tail = tail_ratio.empty() ? 1.0 : stats::Median(tail_ratio);
    for (const auto& platform : platforms) {
      ConfigSpec probe;
      probe.platform = platform;
      if (!PlatformAllowed(req.platforms, probe)) continue;
      std::set<std::string> precs(req.precisions.begin(), req.precisions.end());
      if (precs.empty()) {
        for (const auto* r : mine)
          if (r->cfg.platform == platform) precs.insert(r->cfg.precision);
        if (precs.empty()) precs = {"fp32"};
      }
      for (const auto& prec : precs) {
        // Measured rows of the same model/platform/precision: memory fit and deviation.
        std::vector<const Row*> group;
        for (const auto* r : mine)
          if (r->cfg.platform == platform && r->cfg.precision == prec) group.push_back(r);
        for (int64_t batch : req.predict_batches) {
          if (measured_keys.count(platform + "|" + prec + "|" + std::to_string(batch))) continue;
          Row row;
          row.cfg.model = req.model;
          row.cfg.preset = out.preset;
          row.cfg.platform = platform;
          row.cfg.precision = prec;
          row.cfg.mode = req.mode;
          row.cfg.batch = batch;
          row.cfg.seq_len = out.seq_len;
          row.cfg.host = req.host;
          if (!group.empty()) {
            row.cfg.threads = group.front()->cfg.threads;
            row.cfg.config_json = group.front()->cfg.config_json;
            row.cfg.host = group.front()->cfg.host;
          }
          try {
            Complete(db, row, platform == "cpu" ? "" : req.device_name);
          } catch (const UsageError&) {
            continue;
          }
          if (row.roofline_ms <= 0) continue;
          Candidate c;
          c.predicted = true;
          c.prediction = predictor->Predict(row);
          c.row = row;
          c.p50_ms = c.prediction->p50_ms;
          c.p99_ms = c.p50_ms * tail;
          c.throughput = static_cast<double>(batch) * 1e3 / c.p50_ms;
          c.memory_mb = FitMemory(group, batch);
          if (prec == "fp32") {
            c.deviation = 0.0;
          } else {
            for (const auto* r : group)
              if (r->rel_dev) c.deviation = std::max(c.deviation.value_or(0), *r->rel_dev);
          }
          out.candidates.push_back(std::move(c));
        }
      }
    }
  }
  if (out.candidates.empty()) {
    if (mine.empty())
      throw UsageError("too few measurements: no result of " + req.model + "/" + out.preset + " " +
                       req.mode + " in the database, and " +
                       (out.predictions_note.empty() ? std::string("no platform to predict")
                                                     : out.predictions_note));
  }

  // ---- constraints ----
  std::set<std::string> failed;  // constraints some candidate did not meet
  for (auto& c : out.candidates) {
    auto fail = [&c, &failed](std::string why) {
      failed.insert(why.substr(0, why.find(' ')));
      if (c.feasible) c.why_not = std::move(why);
      c.feasible = false;
    };
    const auto& cfg = c.row.cfg;
    if (!PlatformAllowed(req.platforms, cfg)) fail("platform " + cfg.platform + " not allowed");
    if (!Contains(req.precisions, cfg.precision))
      fail("precision " + cfg.precision + " not allowed");
    if (req.slo_ms) {
      const double lat = req.slo_percentile == "p50" ? c.p50_ms : c.p99_ms;
      if (lat > *req.slo_ms)
        fail("latency " + req.slo_percentile + " " + Fmt(lat) + " ms > SLO " + Fmt(*req.slo_ms) +
             " ms");
    }
    if (req.memory_budget_mb) {
      if (!c.memory_mb)
        fail("memory unknown");
      else if (*c.memory_mb > *req.memory_budget_mb)
        fail("memory " + Fmt(*c.memory_mb) + " MB > budget " + Fmt(*req.memory_budget_mb) + " MB");
    }
    if (req.max_deviation) {
      if (!c.deviation)
        fail("output deviation of " + cfg.precision + " not measured");
      else if (*c.deviation > *req.max_deviation)
        fail("output deviation " + Fmt(*c.deviation) + " > " + Fmt(*req.max_deviation));
    }
    if (auto price = PriceFor(req, cfg)) c.cost_per_million = *price / 3600.0 / c.throughput * 1e6;
    if (req.objective == Objective::kCost && !c.cost_per_million)
      fail("no --price for " + cfg.platform);
    if (req.objective == Objective::kEnergy && !c.energy_j_per_item) fail("energy not measured");
    if (req.objective == Objective::kMemory && !c.memory_mb) fail("memory unknown");
    if (c.feasible) c.objective_value = ObjectiveValue(req.objective, c);
  }

  // ---- Pareto front over the feasible: throughput up, latency (SLO percentile) down, memory down
  auto lat = [&](const Candidate& c) { return req.slo_percentile == "p50" ? c.p50_ms : c.p99_ms; };
  for (auto& a : out.candidates) {
    if (!a.feasible) continue;
    a.pareto = true;
    for (const auto& b : out.candidates) {
      if (&a == &b || !b.feasible) continue;
      const double am = a.memory_mb.value_or(kInf), bm = b.memory_mb.value_or(kInf);
      const bool ge = b.throughput >= a.throughput && lat(b) <= lat(a) && bm <= am;
      const bool gt = b.throughput > a.throughput || lat(b) < lat(a) || bm < am;
      if (ge && gt) {
        a.pareto = false;
        break;
      }
    }
  }

  // ---- rank ----
  std::stable_sort(out.candidates.begin(), out.candidates.end(),
                   [](const Candidate& x, const Candidate& y) {
                     if (x.feasible != y.feasible) return x.feasible;
                     if (!x.feasible) return false;
                     if (*x.objective_value != *y.objective_value)
                       return *x.objective_value < *y.objective_value;
                     if (x.predicted != y.predicted) return !x.predicted;
                     return x.throughput > y.throughput;
                   });
  if (!out.candidates.empty() && out.candidates.front().feasible) {
    out.chosen = 0;
  } else {
    std::vector<std::string> unmet;
    if (!req.platforms.empty() && failed.count("platform")) {
      std::string l;
      for (const auto& p : req.platforms) l += (l.empty() ? "" : ",") + p;
      unmet.push_back("platforms " + l);
    }
    if (!req.precisions.empty() && failed.count("precision")) {
      std::string l;
      for (const auto& p : req.precisions) l += (l.empty() ? "" : ",") + p;
      unmet.push_back("precisions " + l);
    }
    if (req.slo_ms)
      unmet.push_back("latency SLO " + req.slo_percentile + " <= " + Fmt(*req.slo_ms) + " ms");
    if (req.memory_budget_mb)
      unmet.push_back("memory budget " + Fmt(*req.memory_budget_mb) + " MB");
    if (req.max_deviation && failed.count("output"))
      unmet.push_back("max output deviation " + Fmt(*req.max_deviation));
    if (req.objective == Objective::kEnergy) unmet.push_back("energy measured");
    if (req.objective == Objective::kCost) unmet.push_back("a price for the platform");
    std::string s;
    for (const auto& u : unmet) s += (s.empty() ? "" : " and ") + u;
    out.none_reason = "no configuration meets " + (s.empty() ? std::string("the constraints") : s);
  }
  return out;
}

}  // namespace accelbench::predict
