#pragma once
// The parent <-> worker protocol. The parent writes one JSON job to the worker's stdin; the
// worker answers on fd 3 with one JSON line per message:
//   {"type":"start","config_key":K,"started_utc":T}
//   {"type":"result","record":{field: value...},"samples":[ms...]}
//   {"type":"calibration","platform":P,"precision":Q,"runtime":R,"flops":F}
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/result.h"
#include "runner/planner.h"
#include "runner/settings.h"

namespace accelbench::runner {

struct WorkerJob {
  HarnessOptions harness;
  std::vector<PlannedConfig> configs;
  std::map<std::string, double> calibrations;  // CalibrationKey -> FLOP/s
};

std::string CalibrationKey(const std::string& platform, Precision p);

nlohmann::json ToJson(const PlannedConfig& c);
PlannedConfig PlannedConfigFromJson(const nlohmann::json& j);
nlohmann::json RecordToJson(const ResultRecord& r);  // via the field table
ResultRecord RecordFromJson(const nlohmann::json& j);
std::string JobToJson(const WorkerJob& job);
WorkerJob JobFromJson(const std::string& text);

std::string UtcNow();  // ISO 8601 with milliseconds, "2026-11-27T18:00:00.123Z"

}  // namespace accelbench::runner
