// ParseImportFile / ImportFiles: accelbench exports of any schema version, CSV, and the Python IPFS
// Accelerate framework's result files. Parsing writes nothing; ImportFiles writes every parsed file
// in one transaction, so a malformed file leaves the database unchanged.
//
// IPFS Accelerate shapes (rows flagged origin "imported:<format>", runtime "ipfs_accelerate_py",
// mode "inference", no raw samples):
//   ipfs-test-runs        {"test_runs": [<result object or model object>, ...]}
//   ipfs-results          {"model_name", "hardware_type", "results": [{batch_size, precision,
//                         average_latency_ms | latency (ms), throughput_items_per_second |
//                         throughput, memory_peak_mb | memory_peak}]}, or a list of such objects
//   ipfs-benchmark-results benchmarks[family][model][hardware].benchmark_results["batch_B_seq_S"] =
//                         {avg_latency (seconds), throughput, status, ...}; entries whose status is
//                         not "completed" are skipped.
// The mean latency goes to lat_mean_ms (those files kept no percentiles); memory goes to
// peak_rss_mb on cpu and to peak_device_mem_mb on other hardware.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string_view>

#include "core/errors.h"
#include "store/csv.h"
#include "store/import_rows.h"
#include "store/schema.h"
#include "store/transfer.h"

namespace accelbench::store {

namespace detail {

std::string DeriveConfigKey(const ResultRecord& r) {
  return r.model + "/" + r.preset + "/" + r.platform + "/" + r.runtime + "/" + r.precision + "/" +
         r.mode + "/b" + std::to_string(r.batch) + "/s" + std::to_string(r.seq_len);
}

RunRecord ImportRun(const std::string& path, const std::string& format) {
  RunRecord run;
  run.run_id = NewUuid();
  run.started_utc = NowUtc();
  run.finished_utc = run.started_utc;
  run.status = "imported";
  run.tags = {{"import_file", path}, {"import_format", format}};
  run.command = "accelbench db import " + path;
  return run;
}

std::vector<const FieldDef*> ResultColumns(const std::vector<std::string>& names,
                                           const std::string& where) {
  std::vector<const FieldDef*> cols;
  for (const auto& name : names) {
    const FieldDef* f = FindResultField(name);
    if (!f)
      throw UsageError(where + ": unknown column '" + name +
                       "' (the header must be result field names)");
    cols.push_back(f);
  }
  for (const char* req : {"model", "platform"})
    if (std::find(names.begin(), names.end(), req) == names.end())
      throw UsageError(where + ": missing required column '" + req + "'");
  return cols;
}

void FinishImportedRow(ResultRecord& r, const RunRecord& run, const std::string& format,
                       bool& run_used) {
  if (r.result_id.empty()) r.result_id = NewUuid();
  if (r.origin.empty()) r.origin = "imported:" + format;
  if (r.run_id.empty()) {
    r.run_id = run.run_id;
    run_used = true;
  }
  if (r.started_utc.empty()) r.started_utc = run.started_utc;
  if (r.config_key.empty()) r.config_key = DeriveConfigKey(r);
}

}  // namespace detail

namespace {

using detail::DeriveConfigKey;
using detail::ImportRun;
using nlohmann::json;

[[noreturn]] void Fail(const std::string& where, const std::string& what) {
  throw UsageError(where + ": " + what);
}

constexpr double kMaxCount = 2147483647;  // a batch or sequence length beyond this is an error

// A whole number in [lo, kMaxCount] (checked before the cast: a double outside int64's range
// must never be converted).
int64_t Count(double v, int64_t lo, const std::string& where, const std::string& what) {
  if (!(v >= static_cast<double>(lo) && v <= kMaxCount) || v != std::floor(v))
    Fail(where, what + " must be a whole number in " + std::to_string(lo) + ".." +
                    std::to_string(static_cast<int64_t>(kMaxCount)));
  return static_cast<int64_t>(v);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int LineOfOffset(const std::string& text, size_t offset) {
  int line = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i)
    if (text[i] == '\n') ++line;
  return line;
}

// Sets one result field from a JSON value, checking its type.
void SetField(ResultRecord& r, const FieldDef& f, const json& v, const std::string& where) {
  FieldValue fv;
  if (v.is_null()) {
    fv = std::monostate{};
  } else if (f.type == FieldType::kString) {
    if (!v.is_string()) Fail(where, std::string("field '") + f.name + "' must be a string");
    fv = v.get<std::string>();
  } else if (f.type == FieldType::kInt) {
    if (!v.is_number_integer())
      Fail(where, std::string("field '") + f.name + "' must be an integer");
    fv = v.get<int64_t>();
  } else {
    if (!v.is_number()) Fail(where, std::string("field '") + f.name + "' must be a number");
    fv = v.get<double>();
  }
  try {
    f.set(r, fv);
  } catch (const std::exception& e) {
    Fail(where, e.what());
  }
}

// One accelbench result object (export or `db show --format json`) of schema `version`.
void AddOwnResult(const json& o, int version, const std::string& where, Database::ImportBatch& b) {
  if (!o.is_object()) Fail(where, "expected a result object");
  const auto& renames = ResultFieldRenames(version);
  ResultRecord r;
  std::vector<double> samples;
  for (auto& [key, v] : o.items()) {
    if (key == "samples_ms") {
      if (!v.is_array()) Fail(where, "samples_ms must be an array");
      for (auto& s : v) {
        if (!s.is_number()) Fail(where, "samples_ms must hold numbers");
        samples.push_back(s.get<double>());
      }
      continue;
    }
    auto rn = renames.find(key);
    const FieldDef* f = FindResultField(rn == renames.end() ? key : rn->second);
    if (!f) Fail(where, "unknown field '" + key + "'");
    SetField(r, *f, v, where);
  }
  if (r.result_id.empty()) Fail(where, "missing result_id");
  if (!samples.empty()) b.samples_ms[r.result_id] = std::move(samples);
  b.results.push_back(std::move(r));
}

RunRecord RunFromJson(const json& j, const std::string& where) {
  if (!j.is_object() || !j.contains("run_id") || !j["run_id"].is_string())
    Fail(where, "run without run_id");
  RunRecord run;
  auto str = [&](const char* k) {
    return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
  };
  run.run_id = str("run_id");
  run.started_utc = str("started_utc");
  run.finished_utc = str("finished_utc");
  run.status = str("status");
  if (j.contains("tags") && j["tags"].is_object())
    for (auto& [k, v] : j["tags"].items())
      run.tags[k] = v.is_string() ? v.get<std::string>() : v.dump();
  run.command = str("command");
  run.requested_settings_json =
      j.contains("requested_settings_json") ? str("requested_settings_json") : "{}";
  run.settings_json = str("settings_json");
  run.environment_json = str("environment_json");
  run.host = str("host");
  run.accelbench_version = str("accelbench_version");
  run.accelbench_commit = str("accelbench_commit");
  if (j.contains("planned_config_keys") && j["planned_config_keys"].is_array())
    for (auto& k : j["planned_config_keys"])
      if (k.is_string()) run.planned_config_keys.push_back(k.get<std::string>());
  return run;
}

int ExportVersion(const json& header, const std::string& where) {
  if (!header.contains("schema_version") || !header["schema_version"].is_number_integer())
    Fail(where, "export header without an integer schema_version");
  int v = header["schema_version"].get<int>();
  if (v < 1 || v > kSchemaVersion)
    Fail(where, "export has schema version " + std::to_string(v) +
                    "; this accelbench reads versions 1 to " + std::to_string(kSchemaVersion));
  return v;
}

// ---- IPFS Accelerate ----

double Num(const json& o, std::initializer_list<const char*> keys, bool* found) {
  for (const char* k : keys)
    if (o.contains(k) && o[k].is_number()) {
      *found = true;
      return o[k].get<double>();
    }
  *found = false;
  return 0;
}

ResultRecord IpfsBase(const std::string& model, const std::string& hardware,
                      const std::string& format, const std::string& run_id) {
  ResultRecord r;
  r.result_id = NewUuid();
  r.run_id = run_id;
  r.origin = "imported:" + format;
  r.started_utc = NowUtc();
  r.model = model;
  std::string hw;
  for (char c : hardware) hw += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  r.platform = hw;
  r.platform_kind = hw.substr(0, hw.find(':'));
  r.runtime = "ipfs_accelerate_py";
  r.mode = "inference";
  r.throughput_unit = "items/s";
  r.options_json = json{{"hardware_type", hardware}}.dump();
  return r;
}

// "20250302_123456" (the framework's file stamps) -> "2025-03-02T12:34:56Z"; others unchanged.
std::string IsoTimestamp(const std::string& s) {
  if (s.size() == 15 && s[8] == '_' && std::all_of(s.begin(), s.end(), [](char c) {
        return c == '_' || std::isdigit(static_cast<unsigned char>(c));
      }))
    return s.substr(0, 4) + "-" + s.substr(4, 2) + "-" + s.substr(6, 2) + "T" + s.substr(9, 2) +
           ":" + s.substr(11, 2) + ":" + s.substr(13, 2) + "Z";
  return s;
}

void SetMemory(ResultRecord& r, double mb) {
  if (r.platform_kind == "cpu")
    r.peak_rss_mb = mb;
  else
    r.peak_device_mem_mb = mb;
}

// One entry of a "results" list (or a flat test run): batch_size, precision, latency, ...
void AddIpfsResult(const json& e, const std::string& model, const std::string& hardware,
                   const std::string& format, const std::string& where, Database::ImportBatch& b) {
  if (!e.is_object()) Fail(where, "expected an object");
  if (model.empty()) Fail(where, "missing model_name");
  if (hardware.empty()) Fail(where, "missing hardware_type");
  ResultRecord r = IpfsBase(model, hardware, format, b.runs.back().run_id);
  bool has = false;
  double batch = Num(e, {"batch_size"}, &has);
  if (has) r.batch = Count(batch, 1, where, "batch_size");
  double seq = Num(e, {"sequence_length", "seq_len"}, &has);
  if (has) r.seq_len = Count(seq, 0, where, "sequence_length");
  if (e.contains("precision")) {
    if (!e["precision"].is_string()) Fail(where, "precision must be a string");
    r.precision = e["precision"].get<std::string>();
  }
  double lat = Num(e, {"average_latency_ms", "latency"}, &has);
  if (has) r.lat_mean_ms = lat;
  double tp = Num(e, {"throughput_items_per_second", "throughput"}, &has);
  if (has) r.throughput = tp;
  double mem = Num(e, {"memory_peak_mb", "memory_peak"}, &has);
  if (has) SetMemory(r, mem);
  if (!r.lat_mean_ms && !r.throughput) Fail(where, "no latency or throughput");
  if (e.contains("timestamp") && e["timestamp"].is_string())
    r.started_utc = IsoTimestamp(e["timestamp"].get<std::string>());
  r.config_key = DeriveConfigKey(r);
  b.results.push_back(std::move(r));
}

std::string StrOf(const json& o, const char* k) {
  return o.contains(k) && o[k].is_string() ? o[k].get<std::string>() : std::string();
}

// A model object: {model_name, hardware_type, results: [...]} or a flat result with both names.
void AddIpfsModelObject(const json& o, const std::string& format, const std::string& where,
                        Database::ImportBatch& b) {
  if (!o.is_object()) Fail(where, "expected an object");
  std::string model = StrOf(o, "model_name"), hw = StrOf(o, "hardware_type");
  if (o.contains("results")) {
    if (!o["results"].is_array()) Fail(where, "results must be an array");
    int i = 0;
    for (const auto& e : o["results"])
      AddIpfsResult(e, model, hw, format, where + ", result " + std::to_string(++i), b);
  } else {
    AddIpfsResult(o, model, hw, format, where, b);
  }
}

void AddIpfsBenchmarks(const json& doc, const std::string& path, Database::ImportBatch& b) {
  const json& benches = doc["benchmarks"];
  if (!benches.is_object()) Fail(path, "benchmarks must be an object");
  for (auto& [family, models] : benches.items()) {
    if (!models.is_object()) Fail(path + ": benchmarks." + family, "expected an object of models");
    for (auto& [model, hws] : models.items()) {
      if (!hws.is_object())
        Fail(path + ": benchmarks." + family + "." + model, "expected an object");
      for (auto& [hw, m] : hws.items()) {
        std::string where = path + ": benchmarks." + family + "." + model + "." + hw;
        if (!m.is_object()) Fail(where, "expected an object");
        if (!m.contains("benchmark_results")) continue;
        if (!m["benchmark_results"].is_object()) Fail(where, "benchmark_results must be an object");
        for (auto& [key, e] : m["benchmark_results"].items()) {
          std::string w = where + ".benchmark_results." + key;
          if (!e.is_object()) Fail(w, "expected an object");
          if (e.contains("status") && e["status"] != "completed") continue;
          ResultRecord r = IpfsBase(model, hw, "ipfs-benchmark-results", b.runs.back().run_id);
          long long batch = 0, seq = 0;  // "batch_B_seq_S"; %lld, then the range check
          const int got = std::sscanf(key.c_str(), "batch_%lld_seq_%lld", &batch, &seq);
          if (got >= 1) r.batch = Count(static_cast<double>(batch), 1, w, "the batch in its key");
          if (got >= 2) r.seq_len = Count(static_cast<double>(seq), 0, w, "the seq in its key");
          bool has = false;
          double lat = Num(e, {"avg_latency"}, &has);
          if (has) r.lat_mean_ms = lat * 1000.0;  // seconds in those files
          double tp = Num(e, {"throughput"}, &has);
          if (has) r.throughput = tp;
          double mem = Num(e, {"memory_peak_mb", "memory_peak"}, &has);
          if (has) SetMemory(r, mem);
          double load = Num(m, {"model_load_time"}, &has);
          if (has) r.load_ms = load * 1000.0;
          if (!r.lat_mean_ms && !r.throughput) Fail(w, "no avg_latency or throughput");
          if (doc.contains("timestamp") && doc["timestamp"].is_string())
            r.started_utc = IsoTimestamp(doc["timestamp"].get<std::string>());
          r.options_json = json{{"hardware_type", hw}, {"ipfs_family", family}}.dump();
          r.config_key = DeriveConfigKey(r);
          b.results.push_back(std::move(r));
        }
      }
    }
  }
}

Database::ImportBatch ParseCsvFile(const std::string& path, const std::string& text);
Database::ImportBatch ParseJsonLines(const std::string& path, const std::string& text,
                                     std::string* format);

// Every record of a file, whatever its format, before anything is stored: counts in range, every
// number finite, no negative time, rate, memory or size (the fields with a unit, energy aside:
// above idle it can be), and no result id twice in one file.
void CheckImported(const Database::ImportBatch& b, const std::string& path) {
  std::set<std::string> ids;
  for (size_t i = 0; i < b.results.size(); ++i) {
    const ResultRecord& r = b.results[i];
    const std::string where = path + ": record " + std::to_string(i + 1);
    if (!r.result_id.empty() && !ids.insert(r.result_id).second)
      Fail(where, "result_id " + r.result_id + " appears twice in the file");
    Count(static_cast<double>(r.batch), 1, where, "batch");
    Count(static_cast<double>(r.seq_len), 0, where, "seq_len");
    if (r.threads < 0) Fail(where, "threads must be >= 0");
    for (const auto& f : ResultFields()) {
      const FieldValue v = f.get(r);
      const double* d = std::get_if<double>(&v);
      if (!d) continue;
      if (!std::isfinite(*d)) Fail(where, std::string(f.name) + " is not a finite number");
      if (*d < 0 && *f.unit && std::string_view(f.unit) != "J")
        Fail(where, std::string(f.name) + " is negative");
    }
  }
}

Database::ImportBatch ParseFile(const std::string& path, std::string* format);

}  // namespace

Database::ImportBatch ParseImportFile(const std::string& path, std::string* format) {
  Database::ImportBatch b = ParseFile(path, format);
  CheckImported(b, path);
  return b;
}

namespace {

Database::ImportBatch ParseFile(const std::string& path, std::string* format) {
  std::string text = ReadFile(path);
  if (text.rfind("PAR1", 0) == 0) {  // Parquet's magic number: our `db export --format parquet`
    if (format) *format = "parquet";
    return detail::ParseParquetFile(path);
  }
  // A UTF-8 byte-order mark (spreadsheet programs write one) is not part of the first CSV column.
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  std::string fmt;
  Database::ImportBatch b;
  auto done = [&](std::string f) {
    if (format) *format = f;
    return std::move(b);
  };
  bool csv_ext = path.size() >= 4 && path.compare(path.size() - 4, 4, ".csv") == 0;
  bool jsonl_ext = path.size() >= 6 && path.compare(path.size() - 6, 6, ".jsonl") == 0;
  if (csv_ext) {
    if (format) *format = "csv";
    return ParseCsvFile(path, text);
  }
  if (jsonl_ext) return ParseJsonLines(path, text, format);
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {  // parse_error, or out_of_range for a number overflow
    // Several JSON values, one per line, are JSON Lines.
    size_t nl = text.find('\n');
    if (nl != std::string::npos && json::accept(text.substr(0, nl)))
      return ParseJsonLines(path, text, format);
    const auto* pe = dynamic_cast<const json::parse_error*>(&e);
    Fail(path,
         (pe ? "line " + std::to_string(LineOfOffset(text, pe->byte > 0 ? pe->byte - 1 : 0)) + ": "
             : std::string()) +
             "invalid JSON (" + e.what() + ")");
  }
  if (doc.is_object() && doc.value("format", "") == "accelbench-export") {
    int v = ExportVersion(doc, path);
    if (doc.contains("runs")) {
      if (!doc["runs"].is_array()) Fail(path, "runs must be an array");
      int i = 0;
      for (const auto& run : doc["runs"])
        b.runs.push_back(RunFromJson(run, path + ": run " + std::to_string(++i)));
    }
    if (!doc.contains("results") || !doc["results"].is_array())
      Fail(path, "results must be an array");
    int i = 0;
    for (const auto& r : doc["results"])
      AddOwnResult(r, v, path + ": record " + std::to_string(++i), b);
    return done("accelbench-json");
  }
  if (doc.is_object() && doc.contains("test_runs")) {
    if (!doc["test_runs"].is_array()) Fail(path, "test_runs must be an array");
    b.runs.push_back(ImportRun(path, "ipfs-test-runs"));
    int i = 0;
    for (const auto& t : doc["test_runs"])
      AddIpfsModelObject(t, "ipfs-test-runs", path + ": record " + std::to_string(++i), b);
    return done("ipfs-test-runs");
  }
  if (doc.is_object() && doc.contains("benchmarks")) {
    b.runs.push_back(ImportRun(path, "ipfs-benchmark-results"));
    AddIpfsBenchmarks(doc, path, b);
    return done("ipfs-benchmark-results");
  }
  if (doc.is_object() && doc.contains("model_name")) {
    b.runs.push_back(ImportRun(path, "ipfs-results"));
    AddIpfsModelObject(doc, "ipfs-results", path + ": record 1", b);
    return done("ipfs-results");
  }
  if (doc.is_array()) {
    bool ipfs = !doc.empty() && doc[0].is_object() && doc[0].contains("model_name");
    if (ipfs) b.runs.push_back(ImportRun(path, "ipfs-results"));
    int i = 0;
    for (const auto& o : doc) {
      std::string where = path + ": record " + std::to_string(++i);
      if (ipfs)
        AddIpfsModelObject(o, "ipfs-results", where, b);
      else
        AddOwnResult(o, kSchemaVersion, where, b);
    }
    return done(ipfs ? "ipfs-results" : "accelbench-json-rows");
  }
  Fail(path,
       "unrecognised format (expected an accelbench export, CSV, or an IPFS Accelerate "
       "result file)");
}

Database::ImportBatch ParseJsonLines(const std::string& path, const std::string& text,
                                     std::string* format) {
  Database::ImportBatch b;
  std::istringstream in(text);
  std::string line;
  int lineno = 0, version = kSchemaVersion;
  bool header = false;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::string where = path + ": line " + std::to_string(lineno);
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded()) Fail(where, "invalid JSON");
    if (!j.is_object()) Fail(where, "expected a JSON object");
    if (j.value("format", "") == "accelbench-export") {
      if (lineno != 1 && header) Fail(where, "second export header");
      version = ExportVersion(j, where);
      header = true;
    } else if (j.contains("run") && j.size() == 1) {
      b.runs.push_back(RunFromJson(j["run"], where));
    } else if (j.contains("result") && j.size() == 1) {
      AddOwnResult(j["result"], version, where, b);
    } else {
      AddOwnResult(j, version, where, b);  // a bare result object (`db show --format jsonl`)
    }
  }
  if (format) *format = header ? "accelbench-jsonl" : "accelbench-jsonl-rows";
  return b;
}

Database::ImportBatch ParseCsvFile(const std::string& path, const std::string& text) {
  Database::ImportBatch b;
  auto rows = ParseCsv(text, path);
  if (rows.empty()) Fail(path, "line 1: empty CSV file (expected a header of result field names)");
  const std::vector<const FieldDef*> cols = detail::ResultColumns(rows[0].cells, path + ": line 1");
  RunRecord run = ImportRun(path, "csv");
  bool run_used = false;
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto& row = rows[i];
    std::string where = path + ": line " + std::to_string(row.line);
    if (row.cells.size() != cols.size())
      Fail(where, "expected " + std::to_string(cols.size()) + " cells, found " +
                      std::to_string(row.cells.size()));
    ResultRecord r;
    r.origin = "";
    for (size_t c = 0; c < cols.size(); ++c) {
      const std::string& cell = row.cells[c];
      const FieldDef& f = *cols[c];
      FieldValue v;
      if (cell.empty()) {
        v = std::monostate{};
      } else if (f.type == FieldType::kString) {
        v = cell;
      } else if (f.type == FieldType::kInt) {
        int64_t n = 0;
        auto [p, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), n);
        if (ec != std::errc() || p != cell.data() + cell.size())
          Fail(where, std::string("column ") + f.name + ": '" + cell + "' is not an integer");
        v = n;
      } else {
        char* end = nullptr;
        double d = std::strtod(cell.c_str(), &end);
        if (end != cell.c_str() + cell.size())
          Fail(where, std::string("column ") + f.name + ": '" + cell + "' is not a number");
        v = d;
      }
      try {
        f.set(r, v);
      } catch (const std::exception& e) {
        Fail(where, e.what());
      }
    }
    detail::FinishImportedRow(r, run, "csv", run_used);
    b.results.push_back(std::move(r));
  }
  if (run_used) b.runs.push_back(run);
  return b;
}

}  // namespace

int64_t ImportFiles(Database& db, const std::vector<std::string>& paths) {
  Database::ImportBatch all;
  for (const auto& p : paths) {
    auto b = ParseImportFile(p);
    for (auto& r : b.runs) all.runs.push_back(std::move(r));
    for (auto& r : b.results) all.results.push_back(std::move(r));
    for (auto& [k, v] : b.samples_ms) all.samples_ms[k] = std::move(v);
  }
  return db.Import(all);
}

}  // namespace accelbench::store
