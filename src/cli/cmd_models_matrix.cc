// accelbench models --matrix: the generated test matrix (see models_matrix.h).
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/models_matrix.h"
#include "core/errors.h"
#include "hardware/capabilities.h"
#include "models/family.h"

namespace accelbench::cli {
namespace {

template <typename T>
bool Allowed(const std::vector<T>& filter, const T& v) {
  return filter.empty() || std::find(filter.begin(), filter.end(), v) != filter.end();
}

std::string Status(const ModelsMatrixRow& r) { return r.skip_reason ? "skipped" : "runs"; }

std::vector<std::string> Fields(const ModelsMatrixRow& r) {
  return {r.family,
          std::string(ToString(r.platform)),
          std::string(ToString(r.precision)),
          std::string(ToString(r.mode)),
          Status(r),
          r.skip_reason.value_or("")};
}

const std::vector<std::string> kHeader = {"family", "platform", "precision",
                                          "mode",   "status",   "reason"};

std::string Csv(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string Md(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string Summary(const std::vector<ModelsMatrixRow>& rows) {
  const auto runs =
      std::count_if(rows.begin(), rows.end(), [](const auto& r) { return !r.skip_reason; });
  return fmt::format("{} combinations: {} run here, {} skipped", rows.size(), runs,
                     static_cast<int64_t>(rows.size()) - runs);
}

}  // namespace

std::vector<ModelsMatrixRow> BuildModelsMatrix(const hardware::HardwareReport& report,
                                               const ModelsMatrixFilter& filter) {
  for (const auto& name : filter.families) models::FindFamily(name);  // UsageError if unknown
  std::vector<ModelsMatrixRow> rows;
  for (const auto& family : models::AllFamilies()) {
    const auto& info = family->Info();
    if (!Allowed(filter.families, info.name)) continue;
    for (PlatformKind platform : AllPlatformKinds()) {
      if (!Allowed(filter.platforms, platform)) continue;
      for (Precision precision : AllPrecisions()) {
        if (!Allowed(filter.precisions, precision)) continue;
        for (Mode mode : AllModes()) {
          if (!Allowed(filter.modes, mode)) continue;
          ModelsMatrixRow row{info.name, platform, precision, mode, std::nullopt};
          const bool generative_mode = mode == Mode::kPrefill || mode == Mode::kDecode;
          if (generative_mode && !info.generative)
            row.skip_reason = info.name + " is not generative (no prefill/decode)";
          else
            row.skip_reason =
                hardware::WhyUnsupported(report, platform, precision, mode, info.name);
          rows.push_back(std::move(row));
        }
      }
    }
  }
  return rows;
}

std::string FormatModelsMatrix(const std::vector<ModelsMatrixRow>& rows,
                               const std::string& format) {
  std::string out;
  if (format == "json") {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& r : rows) {
      nlohmann::json o;
      const auto f = Fields(r);
      for (size_t i = 0; i < kHeader.size(); ++i) o[kHeader[i]] = f[i];
      if (!r.skip_reason) o["reason"] = nullptr;
      j.push_back(std::move(o));
    }
    return j.dump(2) + "\n";
  }
  if (format == "csv") {
    for (size_t i = 0; i < kHeader.size(); ++i) out += (i ? "," : "") + kHeader[i];
    out += "\n";
    for (const auto& r : rows) {
      const auto f = Fields(r);
      for (size_t i = 0; i < f.size(); ++i) out += (i ? "," : "") + Csv(f[i]);
      out += "\n";
    }
    return out;
  }
  if (format == "md") {
    out =
        "| family | platform | precision | mode | status | reason |\n"
        "|---|---|---|---|---|---|\n";
    for (const auto& r : rows) {
      out += "|";
      for (const auto& f : Fields(r)) out += " " + Md(f) + " |";
      out += "\n";
    }
    return out + "\n" + Summary(rows) + "\n";
  }
  if (format != "table")
    throw UsageError("unknown format '" + format + "'; valid formats are: table, json, csv, md");
  std::vector<std::string> header;
  for (const auto& h : kHeader) {
    std::string u = h;
    std::transform(u.begin(), u.end(), u.begin(), ::toupper);
    header.push_back(u);
  }
  std::vector<size_t> width(header.size());
  for (size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& r : rows) {
    const auto f = Fields(r);
    for (size_t i = 0; i < f.size(); ++i) width[i] = std::max(width[i], f[i].size());
  }
  auto line = [&](const std::vector<std::string>& f) {
    std::string l;
    for (size_t i = 0; i < f.size(); ++i) {
      l += f[i];
      if (i + 1 < f.size()) l += std::string(width[i] - f[i].size() + 2, ' ');
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    return l + "\n";
  };
  out = line(header);
  for (const auto& r : rows) {
    auto f = Fields(r);
    if (f.back().empty()) f.back() = "-";
    out += line(f);
  }
  return out + Summary(rows) + "\n";
}

namespace {

struct MatrixArgs {
  bool matrix = false;
  std::string format = "table";
  std::vector<std::string> families, platforms, precisions, modes;
};

// Adds `--name` to the command unless another registrar already did (then its values are read).
void AddListOption(CLI::App& cmd, const std::string& name, std::vector<std::string>& into,
                   const std::string& help) {
  if (!cmd.get_option_no_throw(name)) cmd.add_option(name, into, help);
}

std::vector<std::string> Values(CLI::App& cmd, const std::string& name,
                                const std::vector<std::string>& own) {
  const CLI::Option* opt = cmd.get_option_no_throw(name);
  if (!opt || opt->count() == 0) return own;
  std::vector<std::string> out;
  for (const auto& v : opt->results()) out.push_back(v);
  return out;
}

}  // namespace

std::function<bool(Action&)> AddModelsMatrixOption(CLI::App& models_cmd) {
  auto args = std::make_shared<MatrixArgs>();
  models_cmd.add_flag("--matrix", args->matrix,
                      "Print the generated test matrix: family x platform x precision x mode, what "
                      "runs here and what is skipped and why (filters: --family, --platform, "
                      "--precision, --mode)");
  if (!models_cmd.get_option_no_throw("--format"))
    models_cmd.add_option("--format", args->format, "Output format: table, json, csv or md")
        ->default_val("table")
        ->check(CLI::IsMember({"table", "json", "csv", "md"}));
  AddListOption(models_cmd, "--family", args->families, "Matrix: only these families");
  AddListOption(models_cmd, "--platform", args->platforms, "Matrix: only these platform kinds");
  AddListOption(models_cmd, "--precision", args->precisions, "Matrix: only these precisions");
  AddListOption(models_cmd, "--mode", args->modes, "Matrix: only these modes");
  CLI::App* cmd = &models_cmd;
  return [args, cmd](Action& action) {
    if (!args->matrix) return false;
    action = [args, cmd] {
      ModelsMatrixFilter filter;
      filter.families = Values(*cmd, "--family", args->families);
      for (const auto& f : Values(*cmd, "family", {})) filter.families.push_back(f);  // positional
      for (const auto& p : Values(*cmd, "--platform", args->platforms))
        filter.platforms.push_back(ParsePlatformKind(p));
      for (const auto& p : Values(*cmd, "--precision", args->precisions))
        filter.precisions.push_back(ParsePrecision(p));
      for (const auto& m : Values(*cmd, "--mode", args->modes))
        filter.modes.push_back(ParseMode(m));
      const auto rows = BuildModelsMatrix(hardware::Detect(), filter);
      const CLI::Option* fmt_opt = cmd->get_option_no_throw("--format");
      const std::string format =
          fmt_opt && fmt_opt->count() > 0 ? fmt_opt->as<std::string>() : args->format;
      std::cout << FormatModelsMatrix(rows, format);
      return static_cast<int>(ExitCode::kOk);
    };
    return true;
  };
}

}  // namespace accelbench::cli
