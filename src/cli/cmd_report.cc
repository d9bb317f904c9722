// accelbench report: one self-contained HTML file with charts, tables and each run's environment.
#include <iostream>

#include "cli/command.h"
#include "core/errors.h"
#include "report/html_report.h"
#include "store/database.h"

namespace accelbench::cli {

void AddResultFilterOptions(CLI::App& cmd, store::ResultFilter& f, std::string& db,
                            double& lock_timeout_s);  // cmd_compare.cc

namespace {
struct ReportFlags {
  std::string db = "accelbench.duckdb";
  double lock_timeout_s = 30;
  std::string output = "accelbench-report.html";
  std::string png_dir;
  std::string svg_dir;
};
}  // namespace

void AddReportCommand(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("report", "Write the self-contained HTML report with charts");
  auto flags = std::make_shared<ReportFlags>();
  auto filter = std::make_shared<store::ResultFilter>();
  AddResultFilterOptions(*cmd, *filter, flags->db, flags->lock_timeout_s);
  cmd->add_option("-o,--output", flags->output, "HTML file to write")
      ->default_val("accelbench-report.html");
  cmd->add_option("--png", flags->png_dir,
                  "Also write one PNG per chart into this directory (headless Chromium)");
  cmd->add_option("--svg", flags->svg_dir,
                  "Also write one SVG per chart into this directory (headless Chromium)");
  cmd->callback([&action, flags, filter] {
    action = [flags, filter] {
      auto db = store::Database::Open(flags->db,
                                      {.read_only = true, .lock_timeout_s = flags->lock_timeout_s});
      store::ResultFilter f = *filter;
      f.latest_only = true;
      size_t n = report::WriteHtmlReport(db, f, flags->output);
      std::cerr << "report: wrote " << flags->output << " (" << n << " results)\n";
      if (!flags->png_dir.empty()) {
        auto pngs = report::WriteChartPngs(flags->output, flags->png_dir);
        std::cerr << "report: wrote " << pngs.size() << " PNG(s) into " << flags->png_dir << "\n";
      }
      if (!flags->svg_dir.empty()) {
        auto svgs = report::WriteChartSvgs(flags->output, flags->svg_dir);
        std::cerr << "report: wrote " << svgs.size() << " SVG(s) into " << flags->svg_dir << "\n";
      }
      return 0;
    };
  });
}

}  // namespace accelbench::cli
