// accelbench: command-line entry point. Exit codes: 0 ok, 1 finding (regression, failed check),
// 2 usage error, 3 runtime error.
#include <poll.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>

#include "cli/command.h"
#include "core/build_info.h"
#include "core/errors.h"

namespace accelbench::cli {

void AddFormatOption(CLI::App& cmd, std::string& format) {
  cmd.add_option("--format", format, "Output format: table, json, csv or md")
      ->default_val("table")
      ->check(CLI::IsMember({"table", "json", "csv", "md"}));
}

namespace {

// An error message on one line: its lines joined, blank ones and a SQL error's source excerpt
// (DuckDB's "LINE 1: ..." and the caret under it) left out.
std::string OneLine(const std::string& msg) {
  std::string out, line;
  std::istringstream in(msg);
  while (std::getline(in, line)) {
    if (line.rfind("LINE ", 0) == 0) break;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    out += (out.empty() ? "" : " ") + line;
  }
  return out.empty() ? msg : out;
}

// True when standard output is a pipe whose reader has gone (`accelbench models | head -1`): the
// reader chose to stop, which is not a failure of this command.
bool StdoutReaderGone() {
  struct stat st;
  if (fstat(STDOUT_FILENO, &st) != 0 || !S_ISFIFO(st.st_mode)) return false;
  pollfd p{STDOUT_FILENO, 0, 0};
  return poll(&p, 1, 0) == 1 && (p.revents & POLLERR);
}

// A command whose output could not be written (a full disk, `> /dev/full`, an I/O error) has not
// done its job: one line and exit 3 instead of 0.
int CheckStdout(int rc) {
  errno = 0;
  std::cout.flush();
  const bool failed = std::fflush(stdout) != 0 || std::ferror(stdout) || !std::cout;
  if (!failed || StdoutReaderGone()) return rc;
  const int err = errno;
  std::cerr << "accelbench: error: cannot write standard output"
            << (err ? std::string(" (") + std::strerror(err) + ")" : "") << "\n";
  return rc == 0 ? static_cast<int>(ExitCode::kRuntime) : rc;
}

}  // namespace

CLI::Validator Finite() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(s.c_str(), &end);
        return end != s.c_str() && !std::isfinite(v) ? "must be a finite number, got " + s : "";
      },
      "", "FINITE");
}

CLI::Validator FiniteRange(double lo, double hi) { return CLI::Range(lo, hi) & Finite(); }

CLI::Validator AtLeast(int64_t lo) {
  return CLI::Validator(
      [lo](std::string& s) -> std::string {
        int64_t v = 0;
        if (CLI::detail::lexical_cast(s, v) && v >= lo) return "";
        return "must be an integer >= " + std::to_string(lo) + ", got " + s;
      },
      "", "AT_LEAST");
}

int Main(int argc, char** argv) {
  CLI::App app{
      "accelbench: how fast, memory- and energy-hungry a model is on each kind of hardware"};
  app.name("accelbench");
  app.require_subcommand(1);
  const auto& build = GetBuildInfo();
  app.set_version_flag("--version", std::string("accelbench ") + std::string(build.version) +
                                        " (commit " + std::string(build.commit) + ", " +
                                        std::string(build.build_type) + ")");
  Action action;
  AddDetectCommand(app, action);
  AddModelsCommand(app, action);
  AddRunCommand(app, action);
  AddDbCommand(app, action);
  AddCompareCommand(app, action);
  AddReportCommand(app, action);
  AddPredictCommand(app, action);
  AddRecommendCommand(app, action);
  AddRegressCommand(app, action);
  AddServeCommand(app, action);
  AddClusterCommand(app, action);
  AddConvertCommand(app, action);
  AddTunePrecisionCommand(app, action);
  AddWebOptCommand(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "accelbench: " << OneLine(e.what()) << " (see --help)\n";
    return static_cast<int>(ExitCode::kUsage);
  }
  if (!action) return static_cast<int>(ExitCode::kUsage);
  try {
    return CheckStdout(action());
  } catch (const UsageError& e) {
    std::cerr << "accelbench: " << OneLine(e.what()) << "\n";
    return static_cast<int>(ExitCode::kUsage);
  } catch (const FindingError& e) {
    std::cerr << "accelbench: " << OneLine(e.what()) << "\n";
    return static_cast<int>(ExitCode::kFinding);
  } catch (const std::exception& e) {
    std::cerr << "accelbench: error: " << OneLine(e.what()) << "\n";
    return static_cast<int>(ExitCode::kRuntime);
  }
}

}  // namespace accelbench::cli

int main(int argc, char** argv) {
  // A full disk or a file-size limit must surface as a write error (EFBIG/ENOSPC) that the store
  // reports, not as SIGXFSZ killing the process mid-write; a closed pipe as EPIPE.
  std::signal(SIGXFSZ, SIG_IGN);
  std::signal(SIGPIPE, SIG_IGN);
  return accelbench::cli::Main(argc, argv);
}
