// accelbench detect: CPU facts, every platform with its status and reason, and (json) the full
// record including the environment fingerprint and the capability matrix.
#include <fmt/format.h>

#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "backends/browser/browser_probe.h"
#include "cli/command.h"
#include "core/errors.h"
#include "hardware/capabilities.h"
#include "hardware/hardware.h"

namespace accelbench::cli {
namespace {

struct DetectArgs {
  std::string format = "table";
  double probe_timeout_s = 5.0;
  std::vector<std::string> libraries;  // KEY=PATH
  std::string browser;  // probe webgpu/webnn/wasm in this headless browser: chromium|firefox|all
};

std::string Gib(std::optional<int64_t> bytes) {
  if (!bytes) return "-";
  return fmt::format("{:.1f} GiB", static_cast<double>(*bytes) / (1024.0 * 1024.0 * 1024.0));
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string MdField(std::string s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

void PrintTable(const hardware::HardwareReport& r) {
  const auto& c = r.cpu;
  std::cout << fmt::format(
      "CPU: {} ({}, {}), {} socket(s), {} cores, {} threads, {} NUMA node(s)\n", c.model_name,
      c.vendor, c.architecture, c.sockets, c.cores, c.threads, c.numa_nodes);
  std::cout << fmt::format("Memory: {} total, {} available; governor: {}\n",
                           Gib(c.memory_total_bytes), Gib(c.memory_available_bytes),
                           c.governor.value_or("not readable"));
  std::string have, lack;
  for (const auto& [f, on] : c.isa) (on ? have : lack) += (on ? have : lack).empty() ? f : " " + f;
  std::cout << "ISA: " << (have.empty() ? "-" : have) << "\n";
  std::cout << "ISA missing: " << (lack.empty() ? "-" : lack) << "\n";
  std::cout << fmt::format("Host: {}, {}, {}; accelbench {} ({}, commit {}, {})\n\n",
                           r.env.hostname, r.env.os, r.env.kernel, r.env.accelbench_version,
                           r.env.build_type, r.env.commit, r.env.compiler);

  std::vector<std::vector<std::string>> rows = {
      {"PLATFORM", "INSTANCE", "STATUS", "NAME", "MEMORY", "REASON"}};
  for (const auto& p : r.platforms) {
    rows.push_back({std::string(ToString(p.kind)), p.instance,
                    p.available ? "available" : "unavailable", p.name.empty() ? "-" : p.name,
                    Gib(p.memory_bytes), p.reason.empty() ? "-" : p.reason});
  }
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& row : rows)
    for (size_t i = 0; i + 1 < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
    }
    std::cout << line << "\n";
  }
}

void PrintRows(const hardware::HardwareReport& r, bool markdown) {
  const std::vector<std::string> header = {"kind", "instance",     "available",
                                           "name", "memory_bytes", "reason"};
  auto emit = [&](const std::vector<std::string>& f) {
    if (markdown) {
      std::cout << "|";
      for (const auto& x : f) std::cout << " " << MdField(x) << " |";
      std::cout << "\n";
    } else {
      for (size_t i = 0; i < f.size(); ++i) std::cout << (i ? "," : "") << CsvField(f[i]);
      std::cout << "\n";
    }
  };
  emit(header);
  if (markdown) emit(std::vector<std::string>(header.size(), "---"));
  for (const auto& p : r.platforms) {
    emit({std::string(ToString(p.kind)), p.instance, p.available ? "true" : "false", p.name,
          p.memory_bytes ? std::to_string(*p.memory_bytes) : "", p.reason});
  }
}

int Run(const DetectArgs& a) {
  hardware::DetectOptions o;
  if (!(a.probe_timeout_s > 0) || a.probe_timeout_s > 600) {
    throw UsageError("--probe-timeout must be between 0 and 600 seconds");
  }
  o.probe_timeout = std::chrono::milliseconds(static_cast<int64_t>(a.probe_timeout_s * 1000));
  const auto& keys = hardware::ProbeLibraryKeys();
  for (const auto& kv : a.libraries) {
    auto eq = kv.find('=');
    std::string key = kv.substr(0, eq);
    if (eq == std::string::npos || eq + 1 == kv.size() ||
        std::find(keys.begin(), keys.end(), key) == keys.end()) {
      throw UsageError("--library expects KEY=PATH with KEY one of: " + JoinNames(keys));
    }
    o.library_overrides[key] = kv.substr(eq + 1);
  }
  if (!a.browser.empty()) {
    using backends::browser::BrowserKind;
    std::vector<BrowserKind> browsers;
    if (a.browser == "all") {
      browsers = {BrowserKind::kChromium, BrowserKind::kFirefox};
    } else {
      try {
        browsers = {backends::browser::ParseBrowserKind(a.browser)};
      } catch (const UsageError&) {
        throw UsageError("--browser must be chromium, firefox or all, not '" + a.browser + "'");
      }
    }
    o.browser_probe = [browsers](std::chrono::milliseconds timeout) {
      return backends::browser::ProbeBrowsersPlatforms(timeout, browsers);
    };
  }
  const auto report = hardware::Detect(o);
  for (const auto& w : report.env.warnings) std::cerr << "warning: " << w << "\n";
  if (a.format == "json") {
    std::cout << report.ToJson().dump(2) << "\n";
  } else if (a.format == "csv") {
    PrintRows(report, false);
  } else if (a.format == "md") {
    PrintRows(report, true);
  } else {
    PrintTable(report);
  }
  return 0;
}

}  // namespace

void AddDetectCommand(CLI::App& app, Action& action) {
  auto args = std::make_shared<DetectArgs>();
  auto* cmd = app.add_subcommand(
      "detect", "Detect the CPU, accelerators and environment; print platforms and why not");
  AddFormatOption(*cmd, args->format);
  cmd->add_option("--probe-timeout", args->probe_timeout_s,
                  "Seconds each vendor probe may take before it counts as hung")
      ->default_val(5.0);
  cmd->add_option("--library", args->libraries,
                  "KEY=PATH: probe this library instead of the vendor's (test doubles); KEY is "
                  "nvml, cuda, rocm_smi, hip, openvino, qnn_htp or qnn_cpu. Also settable as "
                  "ACCELBENCH_<KEY>_LIBRARY")
      ->take_all();
  cmd->add_flag("--browser{chromium}", args->browser,
                "Also probe the web platforms (webgpu, webnn, wasm) in a headless browser: "
                "--browser (Chromium), --browser=firefox (Firefox ESR) or --browser=all (a "
                "platform is available when one of them offers it)");
  cmd->callback([&action, args] { action = [args] { return Run(*args); }; });
}

}  // namespace accelbench::cli
