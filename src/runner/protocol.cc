#include "runner/protocol.h"

#include <chrono>
#include <ctime>

#include "core/errors.h"

namespace accelbench::runner {

using nlohmann::json;

std::string CalibrationKey(const std::string& platform, Precision p) {
  return platform + "|" + std::string(ToString(p));
}

json ToJson(const PlannedConfig& c) {
  return {{"config_key", c.config_key},
          {"group_key", c.group_key},
          {"runtime", c.runtime},
          {"model", c.model},
          {"preset", c.preset},
          {"sets", c.sets},
          {"platform", c.platform},
          {"platform_kind", c.platform_kind},
          {"precision", ToString(c.precision)},
          {"mode", ToString(c.mode)},
          {"batch", c.batch},
          {"seq_len", c.seq_len},
          {"threads", c.threads},
          {"backend_options", c.backend_options},
          {"params", c.params},
          {"flops_per_step", c.flops_per_step},
          {"skip_reason", c.skip_reason}};
}

PlannedConfig PlannedConfigFromJson(const json& j) {
  PlannedConfig c;
  c.config_key = j.at("config_key");
  c.group_key = j.at("group_key");
  c.runtime = j.at("runtime");
  c.model = j.at("model");
  c.preset = j.at("preset");
  c.sets = j.at("sets").get<std::vector<std::string>>();
  c.platform = j.at("platform");
  c.platform_kind = j.at("platform_kind");
  c.precision = ParsePrecision(j.at("precision").get<std::string>());
  c.mode = ParseMode(j.at("mode").get<std::string>());
  c.batch = j.at("batch");
  c.seq_len = j.at("seq_len");
  c.threads = j.at("threads");
  c.backend_options = j.at("backend_options").get<std::map<std::string, std::string>>();
  c.params = j.at("params");
  c.flops_per_step = j.at("flops_per_step");
  c.skip_reason = j.at("skip_reason");
  return c;
}

json RecordToJson(const ResultRecord& r) {
  json out = json::object();
  for (const auto& f : ResultFields()) {
    const FieldValue v = f.get(r);
    if (auto* s = std::get_if<std::string>(&v))
      out[f.name] = *s;
    else if (auto* i = std::get_if<int64_t>(&v))
      out[f.name] = *i;
    else if (auto* d = std::get_if<double>(&v))
      out[f.name] = *d;
  }
  return out;
}

ResultRecord RecordFromJson(const json& j) {
  ResultRecord r;
  for (const auto& f : ResultFields()) {
    auto it = j.find(f.name);
    if (it == j.end() || it->is_null()) continue;
    switch (f.type) {
      case FieldType::kString:
        f.set(r, it->get<std::string>());
        break;
      case FieldType::kInt:
        // A float here (1e42) would be converted out of range, undefined behaviour: refused.
        if (!it->is_number_integer())
          throw UsageError(std::string("result record field '") + f.name + "' must be an integer");
        f.set(r, it->get<int64_t>());
        break;
      case FieldType::kReal:
        f.set(r, it->get<double>());
        break;
    }
  }
  return r;
}

std::string JobToJson(const WorkerJob& job) {
  json configs = json::array();
  for (const auto& c : job.configs) configs.push_back(ToJson(c));
  return json{{"harness", json::parse(ToJson(job.harness))},
              {"configs", configs},
              {"calibrations", job.calibrations}}
      .dump();
}

WorkerJob JobFromJson(const std::string& text) {
  WorkerJob job;
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    throw UsageError(std::string("worker: malformed job: ") + e.what());
  }
  job.harness = HarnessFromJson(j.at("harness").dump());
  for (const auto& c : j.at("configs")) job.configs.push_back(PlannedConfigFromJson(c));
  job.calibrations = j.at("calibrations").get<std::map<std::string, double>>();
  return job;
}

std::string UtcNow() {
  const auto now = std::chrono::system_clock::now();
  const auto t = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms));
  return out;
}

}  // namespace accelbench::runner
