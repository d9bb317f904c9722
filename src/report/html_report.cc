#include "report/html_report.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/errors.h"
#include "report/reporter.h"

#ifndef ACCELBENCH_RENDER_SCRIPT
#define ACCELBENCH_RENDER_SCRIPT ""
#endif
#ifndef ACCELBENCH_VEGA_DIR
#define ACCELBENCH_VEGA_DIR ""
#endif

namespace accelbench::report {
namespace {

std::string Esc(std::string_view s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&':
        o += "&amp;";
        break;
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '"':
        o += "&quot;";
        break;
      default:
        o += c;
    }
  }
  return o;
}

// Text safe inside <script>: "</script" becomes "<\\/script" (the same string or regex in JS) and
// "<!--" becomes "<\\!--", so neither can end the element or open an HTML comment.
std::string ScriptSafe(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    o += s[i];
    if (s[i] != '<' || i + 1 >= s.size()) continue;
    if (s[i + 1] == '/' && s.size() - i >= 8 &&
        std::equal(s.begin() + i + 2, s.begin() + i + 8, "script",
                   [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; }))
      o += '\\';
    else if (s.compare(i + 1, 3, "!--") == 0)
      o += '\\';
  }
  return o;
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  if (!f) throw RuntimeError("cannot read " + p.string() + " (run scripts/setup)");
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

bool Marked(const ResultRecord& r) {
  return r.status == ResultStatus::kNotConverged || r.origin != "measured";
}

void ResultsTable(const std::vector<ResultRecord>& rs, std::ostream& o) {
  auto fields = SummaryFields();
  o << "<table id=\"results\"><thead><tr><th></th>";
  for (const auto* f : fields) o << "<th>" << Esc(HeaderWithUnit(*f)) << "</th>";
  o << "</tr></thead><tbody>\n";
  for (const auto& r : rs) {
    o << "<tr data-result-id=\"" << Esc(r.result_id) << "\""
      << (Marked(r) ? " class=\"marked\"" : "") << "><td>" << (Marked(r) ? "&dagger;" : "")
      << "</td>";
    for (const auto* f : fields) {
      auto v = f->get(r);
      o << "<td data-field=\"" << f->name << "\" data-exact=\"" << Esc(ExactText(v)) << "\">"
        << Esc(HumanText(v)) << "</td>";
    }
    o << "</tr>\n";
  }
  o << "</tbody></table>\n";
}

// Per model (model, preset, mode, batch, seq): one column per platform/runtime/precision and one
// row per metric, so platforms read side by side. Values and units come from the field table.
void PerModelTables(const std::vector<ResultRecord>& rs, std::ostream& o) {
  static const char* kRows[] = {"throughput",  "lat_p50_ms",         "lat_p99_ms",
                                "peak_rss_mb", "peak_device_mem_mb", "energy_j_per_item"};
  std::map<std::string, std::vector<const ResultRecord*>> groups;
  for (const auto& r : rs) {
    if (r.status != ResultStatus::kOk && r.status != ResultStatus::kNotConverged) continue;
    groups[r.model + " " + r.preset + " " + r.mode + " batch " + std::to_string(r.batch) +
           (r.seq_len ? " seq " + std::to_string(r.seq_len) : "")]
        .push_back(&r);
  }
  for (const auto& [title, group] : groups) {
    o << "<h3>" << Esc(title) << "</h3>\n<table class=\"per-model\" data-group=\"" << Esc(title)
      << "\"><thead><tr><th>metric</th>";
    for (const auto* r : group)
      o << "<th>" << Esc(r->platform + "/" + r->runtime + "/" + r->precision)
        << (Marked(*r) ? " &dagger;" : "") << "</th>";
    o << "</tr></thead><tbody>\n";
    for (const char* name : kRows) {
      const FieldDef* f = FindResultField(name);
      o << "<tr><th>" << Esc(HeaderWithUnit(*f)) << "</th>";
      for (const auto* r : group) {
        auto v = f->get(*r);
        o << "<td data-field=\"" << f->name << "\" data-result-id=\"" << Esc(r->result_id)
          << "\" data-exact=\"" << Esc(ExactText(v)) << "\">" << Esc(HumanText(v)) << "</td>";
      }
      o << "</tr>\n";
    }
    o << "</tbody></table>\n";
  }
}

void ComparisonTable(const std::vector<analysis::ComparisonRecord>& cs, std::ostream& o) {
  if (cs.empty()) {
    o << "<p class=\"absent\">No comparisons: every configuration is a baseline or stands "
         "alone.</p>\n";
    return;
  }
  const auto& fields = analysis::ComparisonFields();
  o << "<table id=\"comparisons\"><thead><tr>";
  for (const auto& f : fields)
    if (std::string_view(f.name).find("result_id") == std::string_view::npos)
      o << "<th>" << Esc(f.name) << "</th>";
  o << "</tr></thead><tbody>\n";
  for (const auto& c : cs) {
    o << "<tr" << (c.flags.empty() ? "" : " class=\"marked\"") << ">";
    for (const auto& f : fields) {
      if (std::string_view(f.name).find("result_id") != std::string_view::npos) continue;
      auto v = f.get(c);
      o << "<td data-field=\"" << f.name << "\" data-exact=\"" << Esc(ExactText(v)) << "\">"
        << Esc(HumanText(v)) << "</td>";
    }
    o << "</tr>\n";
  }
  o << "</tbody></table>\n";
}

const char* kStyle = R"(body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;font-size:12px;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 6px}
td[data-exact]{text-align:right}tr.marked{background:#fff4d6}.absent{color:#a33}
.chart{margin:1em 0}pre{background:#f6f6f6;padding:1em;overflow:auto;max-height:30em}
#render-status{color:#888;font-size:11px})";

// Renders every chart with vega-embed (SVG), then writes the outcome into #render-status:
// data-status="ok" when each chart has at least one data mark, "error" otherwise.
const char* kDriver = R"(
(function(){
  const status = document.getElementById('render-status');
  const errors = [];
  window.addEventListener('error', e => errors.push(String(e.message)));
  const ids = Object.keys(ACCELBENCH_SPECS);
  Promise.allSettled(ids.map(id => vegaEmbed('#chart-' + id, ACCELBENCH_SPECS[id],
      {renderer: 'svg', actions: false}).then(r => {
    const el = document.getElementById('chart-' + id);
    // data marks with a visible extent (a bar of zero or NaN size does not count)
    const marks = [...el.querySelectorAll('g.role-mark > path, g.role-mark > line, g.role-mark > text')]
        .filter(m => {
          const b = m.getBBox();
          return m.parentNode.classList.contains('mark-rect') ? b.width > 0 && b.height > 0
                                                              : b.width > 0 || b.height > 0;
        }).length;
    if (!el.querySelector('svg')) throw new Error(id + ': no svg');
    if (marks === 0) throw new Error(id + ': no marks');
    return marks;
  }))).then(results => {
    const detail = {};
    results.forEach((r, i) => {
      detail[ids[i]] = r.status === 'fulfilled' ? r.value : String(r.reason && r.reason.message || r.reason);
      if (r.status !== 'fulfilled') errors.push(ids[i] + ': ' + detail[ids[i]]);
    });
    status.dataset.charts = JSON.stringify(detail);
    status.dataset.errors = JSON.stringify(errors);
    status.dataset.status = errors.length ? 'error' : 'ok';
    status.textContent = errors.length ? 'chart errors: ' + errors.join('; ') : ids.length + ' charts rendered';
  });
})();
)";

}  // namespace

std::string VegaDir() {
  namespace fs = std::filesystem;
  std::string dir;
  if (const char* e = std::getenv("ACCELBENCH_VEGA_DIR"); e && *e)
    dir = e;
  else
    dir = ACCELBENCH_VEGA_DIR;
  if (dir.empty() || !fs::exists(fs::path(dir) / "vega-embed/build/vega-embed.min.js"))
    throw RuntimeError("vega bundles not found in '" + dir +
                       "' (run scripts/setup, or set ACCELBENCH_VEGA_DIR to its third_party/npm)");
  return dir;
}

std::string RenderHtmlReport(const HtmlReportInput& in, const std::string& title) {
  namespace fs = std::filesystem;
  fs::path vd = VegaDir();
  auto charts = BuildCharts(in);
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" << Esc(title)
    << "</title>\n<style>" << kStyle << "</style>\n";
  for (const char* lib : {"vega/build/vega.min.js", "vega-lite/build/vega-lite.min.js",
                          "vega-embed/build/vega-embed.min.js"})
    o << "<script>" << ScriptSafe(ReadFile(vd / lib)) << "</script>\n";
  o << "</head><body>\n<h1>" << Esc(title) << "</h1>\n";
  size_t marked = 0;
  for (const auto& r : in.results) marked += Marked(r);
  o << "<p>" << in.results.size() << " results from " << in.runs.size() << " run(s).";
  if (marked)
    o << " &dagger; marks " << marked
      << " value(s) that are not converged, predicted or imported (highlighted rows, faded bars).";
  o << "</p>\n<div id=\"render-status\" data-status=\"pending\">rendering "
       "charts...</div>\n<h2>Charts</h2>\n";
  nlohmann::ordered_json specs = nlohmann::ordered_json::object();
  for (const auto& c : charts) {
    if (c.spec_json.empty()) {
      o << "<p class=\"absent\" data-omitted=\"" << Esc(c.id) << "\">" << Esc(c.title)
        << ": omitted, " << Esc(c.omitted_because) << ".</p>\n";
    } else {
      o << "<div class=\"chart\" id=\"chart-" << Esc(c.id) << "\"></div>\n";
      specs[c.id] = nlohmann::ordered_json::parse(c.spec_json);
    }
  }
  o << "<h2>Per model: platforms side by side</h2>\n";
  PerModelTables(in.results, o);
  o << "<h2>Results</h2>\n";
  ResultsTable(in.results, o);
  o << "<h2>Comparisons</h2>\n";
  ComparisonTable(in.comparisons, o);
  o << "<h2>Environment of each run</h2>\n";
  for (const auto& run : in.runs) {
    o << "<details><summary>run " << Esc(run.run_id) << " on " << Esc(run.host) << ", "
      << Esc(run.started_utc) << " (" << Esc(run.status) << ", accelbench "
      << Esc(run.accelbench_version) << " " << Esc(run.accelbench_commit)
      << ")</summary>\n<p><code>" << Esc(run.command) << "</code></p><pre>";
    auto env = nlohmann::ordered_json::parse(run.environment_json, nullptr, false);
    o << Esc(env.is_discarded() ? run.environment_json : env.dump(2)) << "</pre></details>\n";
  }
  o << "<script>const ACCELBENCH_SPECS = " << ScriptSafe(specs.dump()) << ";" << kDriver
    << "</script>\n</body></html>\n";
  return o.str();
}

size_t WriteHtmlReport(store::Database& db, const store::ResultFilter& filter,
                       const std::string& path) {
  db.RefuseAsOutput(path, "report");
  auto results = db.Results(filter);
  if (results.empty())
    throw FindingError("no results in " + db.path() + " match the filters; no report written");
  HtmlReportInput in;
  in.comparisons =
      analysis::Compare(results, [&db](const std::string& id) { return db.Samples(id); });
  std::set<std::string> run_ids;
  for (const auto& r : results) run_ids.insert(r.run_id);
  for (const auto& id : run_ids)
    if (auto run = db.Run(id)) in.runs.push_back(*run);
  in.results = std::move(results);
  std::string html = RenderHtmlReport(in, "accelbench report");
  namespace fs = std::filesystem;
  std::error_code ec;
  // Through a symlink to the file it names; into a FIFO or device as it is (a rename would put a
  // regular file in its place); else a temporary file renamed over the target, never half a
  // report.
  fs::path target = path;
  for (int hops = 0; hops < 40 && fs::is_symlink(target, ec); ++hops) {  // a dangling one too
    const fs::path next = fs::read_symlink(target, ec);
    if (ec) break;
    target = next.is_relative() ? target.parent_path() / next : next;
  }
  if (fs::exists(target, ec) && !fs::is_regular_file(target, ec)) {
    std::ofstream f(target, std::ios::binary);
    if (!(f << html) || !f.flush()) throw RuntimeError("cannot write " + path);
    return in.results.size();
  }
  const std::string tmp = target.string() + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f || !(f << html) || !f.flush()) {
      fs::remove(tmp, ec);
      throw RuntimeError("cannot write " + tmp);
    }
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    const std::string why = ec.message();
    fs::remove(tmp, ec);
    throw RuntimeError("cannot write " + path + ": " + why);
  }
  return in.results.size();
}

namespace {

// Runs render_html.js on the report with `flag DIR` and returns the files listed under `key`.
std::vector<std::string> RenderChartFiles(const std::string& html_path, const char* flag,
                                          const std::string& dir, const char* key) {
  std::string script = ACCELBENCH_RENDER_SCRIPT;
  if (const char* e = std::getenv("ACCELBENCH_RENDER_SCRIPT"); e && *e) script = e;
  if (script.empty() || !std::filesystem::exists(script))
    throw RuntimeError("render script not found: '" + script + "' (set ACCELBENCH_RENDER_SCRIPT)");
  auto quote = [](const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
  };
  std::string cmd =
      "node " + quote(script) + " " + quote(html_path) + " - " + flag + " " + quote(dir) + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  if (!pipe) throw RuntimeError(std::string("cannot run node for ") + flag);
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, pipe.get())) out.append(buf, n);
  int rc = pclose(pipe.release());
  auto j = nlohmann::json::parse(out.substr(0, out.find('\n')), nullptr, false);
  if (rc != 0 || j.is_discarded() || j.value("status", "") != "ok" || !j.contains(key))
    throw RuntimeError(std::string(key) + ": rendering in headless Chromium failed: " +
                       out.substr(0, out.find_first_of("\n", 400)));
  return j[key].get<std::vector<std::string>>();
}

}  // namespace

std::vector<std::string> WriteChartPngs(const std::string& html_path, const std::string& dir) {
  return RenderChartFiles(html_path, "--charts-dir", dir, "pngs");
}

std::vector<std::string> WriteChartSvgs(const std::string& html_path, const std::string& dir) {
  return RenderChartFiles(html_path, "--svg-dir", dir, "svgs");
}

}  // namespace accelbench::report
