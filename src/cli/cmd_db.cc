// accelbench db: list | show RUN | query SQL | export | import FILE... | merge DB...
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "core/errors.h"
#include "report/reporter.h"
#include "store/database.h"
#include "store/transfer.h"

namespace accelbench::cli {

namespace {

struct DbFlags {
  std::string path = "accelbench.duckdb";
  double lock_timeout_s = 30;
  std::string format = "table";
  std::string run, sql, output;
  std::vector<std::string> files;
};

store::Database OpenDb(const DbFlags& f, bool read_only) {
  return store::Database::Open(f.path,
                               {.read_only = read_only, .lock_timeout_s = f.lock_timeout_s});
}

void AddDbOption(CLI::App& cmd, DbFlags& f) {
  cmd.add_option("--db", f.path, "Results database file")->default_val("accelbench.duckdb");
  cmd.add_option("--lock-timeout", f.lock_timeout_s,
                 "Seconds to wait for another accelbench process holding the database")
      ->default_val(30);
}

// Prints rows of text as an aligned table, CSV, JSON or Markdown.
void PrintTable(const std::vector<std::string>& cols,
                const std::vector<std::vector<store::Value>>& rows, const std::string& format,
                std::ostream& out) {
  if (format == "json" || format == "jsonl") {
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    for (const auto& row : rows) {
      nlohmann::ordered_json o;
      for (size_t c = 0; c < cols.size(); ++c) {
        const auto& v = row[c];
        if (auto* s = std::get_if<std::string>(&v))
          o[cols[c]] = *s;
        else if (auto* i = std::get_if<int64_t>(&v))
          o[cols[c]] = *i;
        else if (auto* d = std::get_if<double>(&v))
          o[cols[c]] = *d;
        else
          o[cols[c]] = nullptr;
      }
      if (format == "jsonl")
        out << o.dump() << "\n";
      else
        arr.push_back(o);
    }
    if (format == "json") out << arr.dump(2) << "\n";
    return;
  }
  std::vector<std::vector<std::string>> text;
  for (const auto& row : rows) {
    std::vector<std::string> t;
    for (const auto& v : row)
      t.push_back(format == "csv" ? report::ExactText(v) : report::HumanText(v));
    text.push_back(std::move(t));
  }
  if (format == "csv") {
    auto cell = [](const std::string& s) {
      if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
      std::string q = "\"";
      for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      return q + "\"";
    };
    for (size_t c = 0; c < cols.size(); ++c) out << (c ? "," : "") << cell(cols[c]);
    out << "\n";
    for (const auto& t : text) {
      for (size_t c = 0; c < t.size(); ++c) out << (c ? "," : "") << cell(t[c]);
      out << "\n";
    }
    return;
  }
  if (format == "md") {
    out << "|";
    for (const auto& c : cols) out << " " << c << " |";
    out << "\n|";
    for (size_t c = 0; c < cols.size(); ++c) out << " --- |";
    out << "\n";
    for (const auto& t : text) {
      out << "|";
      for (const auto& s : t) out << " " << s << " |";
      out << "\n";
    }
    return;
  }
  std::vector<size_t> w;
  for (const auto& c : cols) w.push_back(c.size());
  for (const auto& t : text)
    for (size_t c = 0; c < t.size(); ++c) w[c] = std::max(w[c], t[c].size());
  auto line = [&](const std::vector<std::string>& t) {
    std::string s;
    for (size_t c = 0; c < t.size(); ++c) {
      if (c) s += "  ";
      s += t[c] + std::string(w[c] - t[c].size(), ' ');
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    out << s << "\n";
  };
  line(cols);
  std::vector<std::string> rule;
  for (size_t x : w) rule.push_back(std::string(x, '-'));
  line(rule);
  for (const auto& t : text) line(t);
}

std::string ResolveRun(store::Database& db, const std::string& run) {
  if (db.Run(run)) return run;
  std::vector<std::string> matches;
  for (const auto& s : db.Runs())
    if (s.run.run_id.rfind(run, 0) == 0) matches.push_back(s.run.run_id);
  if (matches.size() == 1) return matches[0];
  if (matches.empty())
    throw UsageError("no run '" + run + "' in " + db.path() + " (see `accelbench db list`)");
  throw UsageError("run prefix '" + run + "' is ambiguous: " + JoinNames(matches));
}

int List(const DbFlags& f) {
  auto db = OpenDb(f, true);
  std::vector<std::vector<store::Value>> rows;
  for (const auto& s : db.Runs()) {
    std::string tags;
    for (const auto& [k, v] : s.run.tags) tags += (tags.empty() ? "" : ",") + k + "=" + v;
    rows.push_back({s.run.run_id, s.run.started_utc, s.run.finished_utc, s.run.status, s.run.host,
                    s.results, s.failed, tags, s.run.command});
  }
  PrintTable({"run_id", "started_utc", "finished_utc", "status", "host", "results", "failed",
              "tags", "command"},
             rows, f.format, std::cout);
  return 0;
}

int Show(const DbFlags& f) {
  auto db = OpenDb(f, true);
  std::string run_id = ResolveRun(db, f.run);
  auto results = db.Results({.run_id = run_id});
  if (f.format == "table") {
    auto run = db.Run(run_id);
    std::cout << "run " << run_id << "  " << run->status << "  started " << run->started_utc
              << "  host " << run->host << "  " << results.size() << " results\n";
  }
  report::MakeReporter(f.format)->Report(results, std::cout);
  return 0;
}

int Query(const DbFlags& f) {
  auto db = OpenDb(f, true);
  // Read-only means no file either: COPY ... TO (or read_csv) could otherwise write or read any
  // path, the database itself included.
  db.Query("SET enable_external_access = false");
  auto q = db.Query(f.sql);
  PrintTable(q.columns, q.rows, f.format, std::cout);
  return 0;
}

int Export(const DbFlags& f) {
  auto db = OpenDb(f, true);
  store::ExportOptions o;
  o.format = f.format;
  o.output = f.output;
  if (!f.run.empty()) o.filter.run_id = ResolveRun(db, f.run);
  auto files = store::ExportResults(db, o);
  for (const auto& file : files) std::cerr << "wrote " << file << "\n";
  return 0;
}

int Import(const DbFlags& f) {
  // Parse everything before opening the database for writing: a malformed file changes nothing.
  std::vector<store::Database::ImportBatch> batches;
  for (const auto& file : f.files) {
    std::string format;
    batches.push_back(store::ParseImportFile(file, &format));
    std::cerr << file << ": " << format << ", " << batches.back().results.size() << " results\n";
  }
  store::Database::ImportBatch all;
  for (auto& b : batches) {
    for (auto& r : b.runs) all.runs.push_back(std::move(r));
    for (auto& r : b.results) all.results.push_back(std::move(r));
    for (auto& [k, v] : b.samples_ms) all.samples_ms[k] = std::move(v);
  }
  auto db = OpenDb(f, false);
  int64_t added = db.Import(all);
  std::cout << "imported " << added << " results (" << all.results.size() - added
            << " already present) into " << f.path << "\n";
  return 0;
}

int Merge(const DbFlags& f) {
  auto db = OpenDb(f, false);
  auto rep = db.Merge(f.files);
  std::cout << "merged into " << f.path << ": " << rep.runs_added << " runs, " << rep.results_added
            << " results, " << rep.samples_added << " samples added";
  if (rep.predictions_added) std::cout << ", " << rep.predictions_added << " predictions";
  if (rep.autotune_rows_added)
    std::cout << ", " << rep.autotune_rows_added << " WebGPU autotune rows";
  std::cout << "\n";
  for (const auto& [run, keys] : rep.missing) {
    std::cout << "run " << run << " lacks " << keys.size() << " planned configuration(s):\n";
    for (const auto& k : keys) std::cout << "  " << k << "\n";
  }
  return 0;
}

}  // namespace

void AddDbCommand(CLI::App& app, Action& action) {
  auto* cmd =
      app.add_subcommand("db", "Inspect, query, export, import and merge results databases");
  cmd->require_subcommand(1);
  auto flags = std::make_shared<DbFlags>();
  auto formats = CLI::IsMember({"table", "csv", "json", "jsonl", "md"});

  auto* list = cmd->add_subcommand("list", "List the runs in the database");
  AddDbOption(*list, *flags);
  list->add_option("--format", flags->format, "table, csv, json, jsonl or md")->check(formats);
  list->callback([&action, flags] { action = [flags] { return List(*flags); }; });

  auto* show = cmd->add_subcommand("show", "Show the results of one run (id or unique prefix)");
  AddDbOption(*show, *flags);
  show->add_option("run", flags->run, "Run id")->required();
  show->add_option("--format", flags->format, "table, csv, json, jsonl or md")->check(formats);
  show->callback([&action, flags] { action = [flags] { return Show(*flags); }; });

  auto* query = cmd->add_subcommand("query", "Run SQL on a read-only connection");
  AddDbOption(*query, *flags);
  query->add_option("sql", flags->sql, "SQL statement")->required();
  query->add_option("--format", flags->format, "table, csv, json, jsonl or md")->check(formats);
  query->callback([&action, flags] { action = [flags] { return Query(*flags); }; });

  auto* exp = cmd->add_subcommand(
      "export",
      "Export results: json/jsonl embed raw samples; csv/parquet write FILE.samples.<ext>");
  AddDbOption(*exp, *flags);
  exp->add_option("--format", flags->format, "csv, json, jsonl or parquet")
      ->required()
      ->check(CLI::IsMember({"csv", "json", "jsonl", "parquet"}));
  exp->add_option("-o,--output", flags->output, "Output file")->required();
  exp->add_option("--run", flags->run, "Only this run");
  exp->callback([&action, flags] { action = [flags] { return Export(*flags); }; });

  auto* imp = cmd->add_subcommand(
      "import",
      "Import result files (accelbench exports, CSV, IPFS Accelerate JSON); all or nothing");
  AddDbOption(*imp, *flags);
  imp->add_option("files", flags->files, "Files to import")->required();
  imp->callback([&action, flags] { action = [flags] { return Import(*flags); }; });

  auto* merge = cmd->add_subcommand("merge", "Add the rows of other databases (no duplicates)");
  AddDbOption(*merge, *flags);
  merge->add_option("databases", flags->files, "Databases to merge in")->required();
  merge->callback([&action, flags] { action = [flags] { return Merge(*flags); }; });
}

}  // namespace accelbench::cli
