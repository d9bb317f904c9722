#include "predict/features.h"

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "core/enums.h"
#include "core/errors.h"
#include "models/family.h"
#include "models/lowering/meta_ops.h"
#include "store/database.h"

namespace accelbench::predict {
namespace {

float L10(double v) { return v > 0 ? static_cast<float>(std::log10(v)) : -1.0f; }

template <typename T, typename Vec>
float IndexOf(const T& v, const Vec& all) {
  for (size_t i = 0; i < all.size(); ++i)
    if (all[i] == v) return static_cast<float>(i);
  return -1;
}

models::Config EffectiveConfig(const models::Family& fam, const ConfigSpec& c) {
  models::Config cfg =
      c.preset.empty() ? fam.ReferencePreset().config : fam.FindPreset(c.preset).config;
  if (c.config_json.empty()) return cfg;
  auto j = nlohmann::json::parse(c.config_json, nullptr, false);
  if (!j.is_object()) return cfg;
  for (const auto& [k, v] : j.items()) {
    if (!cfg.Has(k)) continue;
    const std::string val = v.is_string() ? v.get<std::string>() : v.dump();
    try {
      cfg.Override(k + "=" + val);
    } catch (const std::exception&) {
      // keep the preset's value: the stored config came from another version
    }
  }
  return cfg;
}

}  // namespace

std::string ConfigSpec::Label() const {
  std::string s = model + "/" + preset + " " + platform + " " + runtime + " " + precision + " " +
                  mode + " b" + std::to_string(batch);
  if (seq_len > 0) s += " s" + std::to_string(seq_len);
  return s;
}

ModelCost CostOf(const ConfigSpec& c) {
  static std::map<std::string, ModelCost> cache;
  const std::string key = c.model + "|" + c.preset + "|" + c.config_json + "|" + c.mode + "|" +
                          std::to_string(c.batch) + "|" + std::to_string(c.seq_len) + "|" +
                          c.precision;
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  const auto& fam = models::FindFamily(c.model);
  const auto cfg = EffectiveConfig(fam, c);
  models::Workload w;
  w.batch = c.batch;
  if (c.seq_len > 0) w.seq_len = c.seq_len;
  const auto st = models::Analyze(fam, cfg, w, ParseMode(c.mode));
  const double bpe = BytesPerElement(ParsePrecision(c.precision));
  ModelCost m;
  m.params = static_cast<double>(st.params);
  m.flops = st.flops;
  m.weight_bytes = m.params * bpe;
  // Activations: int8/int4 weights still compute in a float type (2 bytes assumed).
  const double act_bpe = bpe < 2 ? 2 : bpe;
  m.bytes = m.weight_bytes + 2 * st.activation_elements * act_bpe;
  cache.emplace(key, m);
  return m;
}

double RooflineMs(const ModelCost& cost, const Peaks& peaks) {
  if (peaks.flops <= 0) return 0;
  double t = cost.flops / peaks.flops;
  if (peaks.bandwidth > 0) t = std::max(t, cost.bytes / peaks.bandwidth);
  return t * 1e3;
}

void Complete(store::Database& db, Row& row, const std::string& device_name) {
  row.cost = CostOf(row.cfg);
  row.peaks = LookupPeaks(db, row.cfg.host, row.cfg.platform, row.cfg.precision, device_name);
  row.roofline_ms = RooflineMs(row.cost, row.peaks);
}

std::vector<Row> LoadMeasured(store::Database& db, const std::string& model) {
  store::ResultFilter f;
  f.latest_only = true;
  if (!model.empty()) f.model = model;
  std::vector<Row> rows;
  for (const auto& r : db.Results(f)) {
    if (r.status != ResultStatus::kOk && r.status != ResultStatus::kNotConverged) continue;
    if (!r.lat_p50_ms || *r.lat_p50_ms <= 0) continue;
    Row row;
    row.cfg = {r.model, r.preset,  r.platform, r.runtime, r.precision,  r.mode,
               r.batch, r.seq_len, r.threads,  r.host,    r.config_json};
    try {
      Complete(db, row);
    } catch (const std::exception&) {
      continue;  // a family this build does not know (imported rows): no features
    }
    row.result_id = r.result_id;
    row.not_converged = r.status == ResultStatus::kNotConverged;
    row.p50_ms = r.lat_p50_ms;
    row.p99_ms = r.lat_p99_ms;
    row.throughput = r.throughput;
    row.throughput_unit = r.throughput_unit;
    row.memory_mb = r.peak_device_mem_mb ? r.peak_device_mem_mb : r.peak_rss_mb;
    row.energy_j_per_item = r.energy_j_per_item;
    row.rel_dev = r.output_rel_dev;
    rows.push_back(std::move(row));
  }
  return rows;
}

const std::vector<std::string>& FeatureNames() {
  static const std::vector<std::string> names = {
      "log10_flops",      "log10_bytes",     "log10_params",   "log2_batch",
      "log2_seq",         "bytes_per_elem",  "precision",      "mode",
      "log10_peak_flops", "log10_bandwidth", "log10_roofline", "log10_intensity",
      "threads",          "platform_kind",   "family",         "runtime"};
  return names;
}

std::vector<float> Features(const Row& r) {
  const auto& c = r.cfg;
  std::vector<std::string> families;
  for (const auto& f : models::AllFamilies()) families.push_back(f->Info().name);
  std::vector<std::string> kinds;
  for (auto k : AllPlatformKinds()) kinds.emplace_back(ToString(k));
  std::vector<std::string> precisions, modes;
  for (auto p : AllPrecisions()) precisions.emplace_back(ToString(p));
  for (auto m : AllModes()) modes.emplace_back(ToString(m));
  static const std::vector<std::string> runtimes = {"libtorch", "onnxruntime", "onnxruntime-web"};
  return {L10(r.cost.flops),
          L10(r.cost.bytes),
          L10(r.cost.params),
          static_cast<float>(std::log2(static_cast<double>(std::max<int64_t>(c.batch, 1)))),
          static_cast<float>(std::log2(static_cast<double>(c.seq_len) + 1)),
          static_cast<float>(BytesPerElement(ParsePrecision(c.precision))),
          IndexOf(c.precision, precisions),
          IndexOf(c.mode, modes),
          L10(r.peaks.flops),
          L10(r.peaks.bandwidth),
          L10(r.roofline_ms),
          L10(r.cost.bytes > 0 ? r.cost.flops / r.cost.bytes : 0),
          static_cast<float>(c.threads),
          IndexOf(c.PlatformKind(), kinds),
          IndexOf(c.model, families),
          IndexOf(c.runtime, runtimes)};
}

}  // namespace accelbench::predict
