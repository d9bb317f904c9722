// ExportResults: json/jsonl with embedded samples, csv/parquet with a separate samples file.
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "report/reporter.h"
#include "store/duck.h"
#include "store/schema.h"
#include "store/transfer.h"

namespace accelbench::report {
nlohmann::ordered_json RecordToJson(const ResultRecord& r);
}

namespace accelbench::store {

namespace {

nlohmann::ordered_json RunToJson(const RunRecord& run) {
  nlohmann::ordered_json j;
  j["run_id"] = run.run_id;
  j["started_utc"] = run.started_utc;
  j["finished_utc"] = run.finished_utc;
  j["status"] = run.status;
  j["tags"] = run.tags;
  j["command"] = run.command;
  j["requested_settings_json"] = run.requested_settings_json;
  j["settings_json"] = run.settings_json;
  j["environment_json"] = run.environment_json;
  j["host"] = run.host;
  j["accelbench_version"] = run.accelbench_version;
  j["accelbench_commit"] = run.accelbench_commit;
  j["planned_config_keys"] = run.planned_config_keys;
  return j;
}

std::map<std::string, std::vector<double>> AllSamples(Database& db) {
  std::map<std::string, std::vector<double>> out;
  auto res = db.connection().Query(
      "SELECT result_id, latency_ms FROM samples WHERE metric = 'latency_ms' ORDER BY result_id, "
      "iteration");
  for (size_t r = 0; r < res.Rows(); ++r) out[res.String(0, r)].push_back(res.Real(1, r));
  return out;
}

std::ofstream OpenOut(const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw RuntimeError("cannot write " + path);
  return out;
}

std::string IdList(const std::vector<ResultRecord>& results) {
  std::string ids;
  for (const auto& r : results) ids += (ids.empty() ? "" : ", ") + SqlQuote(r.result_id);
  return ids.empty() ? "NULL" : ids;
}

}  // namespace

std::vector<std::string> ExportResults(Database& db, const ExportOptions& o) {
  if (o.output.empty()) throw UsageError("export needs an output file (-o FILE)");
  for (const char* suffix : {"", ".samples.csv", ".samples.parquet"})
    db.RefuseAsOutput(o.output + suffix, "export");
  auto results = db.Results(o.filter);
  std::set<std::string> run_ids;
  for (const auto& r : results) run_ids.insert(r.run_id);
  std::vector<RunRecord> runs;
  for (const auto& s : db.Runs())
    if (run_ids.count(s.run.run_id)) runs.push_back(s.run);

  nlohmann::ordered_json header;
  header["format"] = "accelbench-export";
  header["schema_version"] = kSchemaVersion;
  header["exported_utc"] = NowUtc();
  header["results_count"] = results.size();

  if (o.format == "json" || o.format == "jsonl") {
    auto samples = AllSamples(db);
    auto result_json = [&](const ResultRecord& r) {
      auto j = report::RecordToJson(r);
      auto it = samples.find(r.result_id);
      j["samples_ms"] = it == samples.end() ? std::vector<double>{} : it->second;
      return j;
    };
    auto out = OpenOut(o.output);
    if (o.format == "json") {
      nlohmann::ordered_json doc = header;
      doc["runs"] = nlohmann::ordered_json::array();
      for (const auto& run : runs) doc["runs"].push_back(RunToJson(run));
      doc["results"] = nlohmann::ordered_json::array();
      for (const auto& r : results) doc["results"].push_back(result_json(r));
      out << doc.dump(1) << "\n";
    } else {
      out << header.dump() << "\n";
      for (const auto& run : runs)
        out << nlohmann::ordered_json{{"run", RunToJson(run)}}.dump() << "\n";
      for (const auto& r : results)
        out << nlohmann::ordered_json{{"result", result_json(r)}}.dump() << "\n";
    }
    if (!out) throw RuntimeError("write failed: " + o.output);
    return {o.output};
  }
  if (o.format == "csv") {
    {
      auto out = OpenOut(o.output);
      report::MakeReporter("csv")->Report(results, out);
      if (!out) throw RuntimeError("write failed: " + o.output);
    }
    std::string samples_path = o.output + ".samples.csv";
    db.connection().Exec(
        "COPY (SELECT result_id, metric, iteration, latency_ms FROM samples WHERE result_id IN (" +
        IdList(results) + ") ORDER BY result_id, metric, iteration) TO " + SqlQuote(samples_path) +
        " (FORMAT csv, HEADER true)");
    return {o.output, samples_path};
  }
  if (o.format == "parquet") {
    std::string cols;
    for (const auto& f : ResultFields()) cols += (cols.empty() ? "" : ", ") + SqlIdent(f.name);
    std::string samples_path = o.output + ".samples.parquet";
    db.connection().Exec("COPY (SELECT " + cols + " FROM results WHERE result_id IN (" +
                         IdList(results) + ") ORDER BY started_utc, result_id) TO " +
                         SqlQuote(o.output) + " (FORMAT parquet)");
    db.connection().Exec(
        "COPY (SELECT result_id, metric, iteration, latency_ms FROM samples WHERE result_id IN (" +
        IdList(results) + ") ORDER BY result_id, metric, iteration) TO " + SqlQuote(samples_path) +
        " (FORMAT parquet)");
    return {o.output, samples_path};
  }
  throw UsageError("unknown export format '" + o.format +
                   "'; valid values are: csv, json, jsonl, parquet");
}

}  // namespace accelbench::store
