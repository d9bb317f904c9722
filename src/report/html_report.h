#pragma once
// The self-contained HTML report: Vega-Lite specs generated from the results (charts.cc), the
// summary and comparison tables, each run's environment, and a mark on every not-converged,
// predicted or imported value. vega, vega-lite and vega-embed (pinned in scripts/setup) are
// inlined, so the file works offline.
#include <string>
#include <vector>

#include "analysis/compare.h"
#include "core/result.h"
#include "store/database.h"

namespace accelbench::report {

struct HtmlReportInput {
  std::vector<ResultRecord> results;
  std::vector<analysis::ComparisonRecord> comparisons;
  std::vector<store::RunRecord> runs;
};

// One chart: a Vega-Lite spec, or the reason it is omitted (its data is absent).
struct Chart {
  std::string id, title;
  std::string spec_json;  // empty when omitted
  std::string omitted_because;
};
std::vector<Chart> BuildCharts(const HtmlReportInput& in);

// Directory holding vega/, vega-lite/ and vega-embed/ (npm packages): $ACCELBENCH_VEGA_DIR, else
// the third_party/npm of the source tree this binary was built from. RuntimeError when absent.
std::string VegaDir();

std::string RenderHtmlReport(const HtmlReportInput& in, const std::string& title);

// Loads the results matching `filter` (latest per configuration), their comparisons and runs,
// and writes the report to `path`. FindingError (nothing written) when no result matches.
// Returns the number of results in the report.
size_t WriteHtmlReport(store::Database& db, const store::ResultFilter& filter,
                       const std::string& path);

// Renders the report at `html_path` in headless Chromium (render_html.js under node) and writes
// one PNG per chart into `dir`. RuntimeError when Chromium/node fail or a chart does not render.
// Returns the PNG paths.
std::vector<std::string> WriteChartPngs(const std::string& html_path, const std::string& dir);
// Same, one standalone SVG per chart (the SVG vega-embed rendered in the page).
std::vector<std::string> WriteChartSvgs(const std::string& html_path, const std::string& dir);

}  // namespace accelbench::report
