// accelbench models [FAMILY] [--preset P] [--set k=v]... [--batch N] [--seq N] [--mode M]
//                   [--format table|json|csv|md]
// Lists families and presets with parameter counts, FLOPs per call for the given input shape and
// weight memory per precision, all computed on shapes (MetaOps): nothing is allocated.
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/command.h"
#include "core/enums.h"
#include "core/errors.h"
#include "models/family.h"
#include "models/lowering/meta_ops.h"

namespace accelbench::cli {
namespace {

struct ModelsArgs {
  std::string family, preset, format = "table", mode = "inference";
  std::vector<std::string> sets;
  int64_t batch = 1, seq = 128;
};

struct Row {
  std::string family, preset, hf_class;
  bool reference = false;
  models::ModelStats stats;
};

std::string Fixed(double v, int digits) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(digits) << v;
  return o.str();
}

const std::vector<Precision> kWeightPrecisions{Precision::kFp32, Precision::kFp16, Precision::kBf16,
                                               Precision::kInt8};

std::vector<std::string> Header() {
  std::vector<std::string> h{"family", "preset", "reference", "params", "gflops"};
  for (auto p : kWeightPrecisions) h.push_back("weights_mib_" + std::string(ToString(p)));
  return h;
}

std::vector<std::string> Cells(const Row& r) {
  std::vector<std::string> c{r.family, r.preset, r.reference ? "yes" : "",
                             std::to_string(r.stats.params), Fixed(r.stats.flops / 1e9, 3)};
  for (auto p : kWeightPrecisions)
    c.push_back(Fixed(static_cast<double>(r.stats.params) * BytesPerElement(p) / (1 << 20), 1));
  return c;
}

void Print(const std::vector<Row>& rows, const ModelsArgs& a) {
  const auto header = Header();
  if (a.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : rows) {
      nlohmann::json j{{"family", r.family},
                       {"preset", r.preset},
                       {"hf_class", r.hf_class},
                       {"reference", r.reference},
                       {"params", r.stats.params},
                       {"flops", r.stats.flops},
                       {"mode", a.mode},
                       {"batch", a.batch},
                       {"seq", a.seq},
                       {"params_by_prefix", r.stats.params_by_prefix}};
      for (auto p : kWeightPrecisions)
        j["weight_bytes"][std::string(ToString(p))] =
            static_cast<double>(r.stats.params) * BytesPerElement(p);
      out.push_back(std::move(j));
    }
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::vector<std::vector<std::string>> table{header};
  for (const auto& r : rows) table.push_back(Cells(r));
  if (a.format == "csv") {
    for (const auto& line : table) std::cout << JoinNames(line, ",") << "\n";
    return;
  }
  if (a.format == "md") {
    for (size_t i = 0; i < table.size(); ++i) {
      std::cout << "| " << JoinNames(table[i], " | ") << " |\n";
      if (i == 0) {
        std::cout << "|";
        for (size_t k = 0; k < header.size(); ++k) std::cout << "---|";
        std::cout << "\n";
      }
    }
    return;
  }
  std::vector<size_t> width(header.size(), 0);
  for (const auto& line : table)
    for (size_t k = 0; k < line.size(); ++k) width[k] = std::max(width[k], line[k].size());
  for (const auto& line : table) {
    for (size_t k = 0; k < line.size(); ++k)
      std::cout << (k ? "  " : "") << (k < 3 ? std::left : std::right)
                << std::setw(static_cast<int>(width[k])) << line[k];
    std::cout << "\n";
  }
  std::cout << "gflops: per " << a.mode << " call at batch " << a.batch << ", seq " << a.seq
            << (a.mode == "training" ? " (3x the forward of the training loss)" : "") << "\n";
}

int Run(const ModelsArgs& a) {
  if (a.batch < 1 || a.seq < 1) throw UsageError("--batch and --seq must be positive");
  const Mode mode = ParseMode(a.mode);
  if (!a.preset.empty() && a.family.empty()) throw UsageError("--preset needs a FAMILY");
  if (!a.sets.empty() && a.family.empty()) throw UsageError("--set needs a FAMILY");
  std::vector<const models::Family*> families;
  if (a.family.empty()) {
    for (const auto& f : models::AllFamilies()) families.push_back(f.get());
  } else {
    families.push_back(&models::FindFamily(a.family));
  }
  models::Workload w;
  w.batch = a.batch;
  w.seq_len = a.seq;
  std::vector<Row> rows;
  for (const auto* f : families) {
    std::vector<models::Preset> presets;
    if (a.preset.empty())
      presets = f->Presets();
    else
      presets.push_back(f->FindPreset(a.preset));
    for (auto& p : presets) {
      for (const auto& s : a.sets) p.config.Override(s);
      if ((mode == Mode::kPrefill || mode == Mode::kDecode) && !f->Info().generative) continue;
      rows.push_back({f->Info().name, p.name, f->Info().hf_class, p.reference,
                      models::Analyze(*f, p.config, w, mode)});
    }
  }
  Print(rows, a);
  return static_cast<int>(ExitCode::kOk);
}

}  // namespace

void AddModelsCommand(CLI::App& app, Action& action) {
  auto args = std::make_shared<ModelsArgs>();
  auto* cmd = app.add_subcommand(
      "models", "List model families and presets: parameters, FLOPs per call, weight memory");
  AddModelsExportSubcommand(*cmd, action);
  cmd->add_option("family", args->family, "Only this family");
  cmd->add_option("--preset", args->preset, "Only this preset of FAMILY");
  cmd->add_option("--set", args->sets, "Override a config field of FAMILY: key=value (repeatable)");
  cmd->add_option("--batch", args->batch, "Batch size for the FLOP count")->default_val(1);
  cmd->add_option("--seq", args->seq, "Sequence length for the FLOP count")->default_val(128);
  cmd->add_option("--mode", args->mode, "inference, training, prefill or decode")
      ->default_val("inference");
  AddFormatOption(*cmd, args->format);
  auto matrix = AddModelsMatrixOption(*cmd);
  cmd->callback([&action, args, cmd, matrix] {
    for (auto* sub : cmd->get_subcommands())
      if (sub->parsed()) return;  // `models export` set its own action
    if (matrix(action)) return;   // `models --matrix`
    action = [args] { return Run(*args); };
  });
}

}  // namespace accelbench::cli
