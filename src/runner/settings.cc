#include "runner/settings.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/errors.h"
#include "models/family.h"

namespace accelbench::runner {
namespace {

using nlohmann::json;

[[noreturn]] void FileError(const std::string& path, int line, const std::string& what) {
  throw UsageError(path + ":" + std::to_string(line) + ": " + what);
}

int LineOf(const YAML::Node& n) { return n.Mark().line + 1; }

// yaml-cpp keeps a key given twice in a mapping, and the loaders below would let the last one
// win silently: a sweep file that says `batch:` twice is a mistake worth naming.
void RefuseDuplicateKeys(const std::string& path, const YAML::Node& map) {
  std::map<std::string, int> first_line;
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    auto [it, fresh] = first_line.emplace(key, LineOf(kv.first));
    if (!fresh)
      FileError(path, LineOf(kv.first),
                "key '" + key + "' given twice (first on line " + std::to_string(it->second) + ")");
  }
}

std::vector<std::string> StringList(const std::string& path, const YAML::Node& n,
                                    const std::string& key) {
  std::vector<std::string> out;
  if (n.IsScalar()) return SplitList(n.Scalar());
  if (!n.IsSequence()) FileError(path, LineOf(n), "'" + key + "' must be a list or a string");
  for (const auto& item : n) {
    if (!item.IsScalar()) FileError(path, LineOf(item), "'" + key + "' items must be scalars");
    out.push_back(item.Scalar());
  }
  return out;
}

int64_t ToInt(const std::string& path, const YAML::Node& n, const std::string& key) {
  try {
    return n.as<int64_t>();
  } catch (const YAML::Exception&) {
    FileError(path, LineOf(n),
              "'" + key + "' must be an integer, got '" +
                  (n.IsScalar() ? n.Scalar() : std::string("a non-scalar")) + "'");
  }
}

std::vector<int64_t> IntList(const std::string& path, const YAML::Node& n, const std::string& key) {
  std::vector<int64_t> out;
  if (n.IsSequence()) {
    for (const auto& item : n) out.push_back(ToInt(path, item, key));
  } else if (n.IsScalar()) {
    for (const auto& part : SplitList(n.Scalar())) {
      try {
        size_t used = 0;
        out.push_back(std::stoll(part, &used));
        if (used != part.size()) throw std::invalid_argument(part);
      } catch (const std::exception&) {
        FileError(path, LineOf(n), "'" + key + "' must be integers, got '" + part + "'");
      }
    }
  } else {
    FileError(path, LineOf(n), "'" + key + "' must be a list of integers");
  }
  return out;
}

double ToReal(const std::string& path, const YAML::Node& n, const std::string& key) {
  try {
    return n.as<double>();
  } catch (const YAML::Exception&) {
    FileError(path, LineOf(n), "'" + key + "' must be a number");
  }
}

void LoadHarness(const std::string& path, const YAML::Node& n, HarnessOptions& h) {
  if (!n.IsMap()) FileError(path, LineOf(n), "'harness' must be a mapping");
  RefuseDuplicateKeys(path, n);
  for (const auto& kv : n) {
    const std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (key == "min_iterations")
      h.min_iterations = ToInt(path, v, key);
    else if (key == "min_time_s")
      h.min_time_s = ToReal(path, v, key);
    else if (key == "ci_target")
      h.ci_target = ToReal(path, v, key);
    else if (key == "budget_s")
      h.budget_s = ToReal(path, v, key);
    else if (key == "warmup_min")
      h.warmup_min = ToInt(path, v, key);
    else if (key == "warmup_max")
      h.warmup_max = ToInt(path, v, key);
    else if (key == "warmup_max_s")
      h.warmup_max_s = ToReal(path, v, key);
    else
      FileError(path, LineOf(kv.first),
                "unknown harness key '" + key +
                    "'; valid keys are: min_iterations, min_time_s, ci_target, budget_s, "
                    "warmup_min, warmup_max, warmup_max_s");
  }
}

template <typename T, typename F>
std::vector<T> ParseAll(const std::vector<std::string>& in, F parse) {
  std::vector<T> out;
  for (const auto& s : in) {
    T v = parse(s);
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  return out;
}

json ToJsonObject(const HarnessOptions& h) {
  return {{"min_iterations", h.min_iterations},
          {"min_time_s", h.min_time_s},
          {"ci_target", h.ci_target},
          {"confidence", h.confidence},
          {"budget_s", h.budget_s},
          {"warmup_min", h.warmup_min},
          {"warmup_max", h.warmup_max},
          {"warmup_max_s", h.warmup_max_s},
          {"warmup_window", h.warmup_window},
          {"warmup_tolerance", h.warmup_tolerance},
          {"calibrate", h.calibrate}};
}

}  // namespace

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto b = item.find_first_not_of(" \t");
    const auto e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

void LoadSweepFile(const std::string& path, SweepRequest& req, HarnessOptions& harness) {
  std::ifstream in(path);
  if (!in) throw UsageError("cannot read sweep file " + path);
  YAML::Node root;
  try {
    root = YAML::Load(in);  // YAML is a superset of JSON: one parser, one error format.
  } catch (const YAML::ParserException& e) {
    FileError(path, e.mark.line + 1, e.msg);
  }
  if (!root.IsMap()) FileError(path, root.IsNull() ? 1 : LineOf(root), "a sweep file is a mapping");
  static const std::set<std::string> kKeys = {"models",  "platforms", "precision", "mode",
                                              "batch",   "seq",       "preset",    "set",
                                              "options", "runtime",   "threads",   "harness"};
  RefuseDuplicateKeys(path, root);
  req.source = path;
  for (const auto& kv : root) {
    const std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (key == "models")
      req.models = StringList(path, v, key);
    else if (key == "platforms")
      req.platforms = StringList(path, v, key);
    else if (key == "precision")
      req.precisions = StringList(path, v, key);
    else if (key == "mode")
      req.modes = StringList(path, v, key);
    else if (key == "batch")
      req.batches = IntList(path, v, key);
    else if (key == "seq")
      req.seq_lens = IntList(path, v, key);
    else if (key == "threads")
      req.threads = ToInt(path, v, key);
    else if (key == "preset" || key == "runtime") {
      if (!v.IsScalar()) FileError(path, LineOf(v), "'" + key + "' must be a string");
      (key == "preset" ? req.preset : req.runtime) = v.Scalar();
    } else if (key == "set" || key == "options") {
      std::vector<std::string> assigns;
      if (v.IsMap()) {
        RefuseDuplicateKeys(path, v);
        for (const auto& s : v) assigns.push_back(s.first.Scalar() + "=" + s.second.Scalar());
      } else {
        assigns = StringList(path, v, key);
      }
      for (const auto& a : assigns) {
        if (a.find('=') == std::string::npos)
          FileError(path, LineOf(v), "'" + key + "' entries are key=value, got '" + a + "'");
        if (key == "set")
          req.sets.push_back(a);
        else
          req.backend_options[a.substr(0, a.find('='))] = a.substr(a.find('=') + 1);
      }
    } else if (key == "harness") {
      LoadHarness(path, v, harness);
    } else {
      std::vector<std::string> names(kKeys.begin(), kKeys.end());
      FileError(path, LineOf(kv.first),
                "unknown key '" + key + "'; valid keys are: " + JoinNames(names));
    }
  }
}

Sweep Normalize(const SweepRequest& req) {
  Sweep s;
  s.runtime = req.runtime.empty() ? "libtorch" : req.runtime;
  const bool test_double = s.runtime == kTestDoubleRuntime;
  if (req.models.empty()) throw UsageError("no models given (--models NAME,... or a sweep file)");
  for (const auto& m : req.models) {
    if (!test_double) models::FindFamily(m);  // throws UsageError listing the families
    if (std::find(s.models.begin(), s.models.end(), m) == s.models.end()) s.models.push_back(m);
  }
  for (const auto& p : req.platforms.empty() ? std::vector<std::string>{"cpu"} : req.platforms) {
    const auto colon = p.find(':');
    ParsePlatformKind(p.substr(0, colon));  // throws UsageError listing the kinds
    if (std::find(s.platforms.begin(), s.platforms.end(), p) == s.platforms.end())
      s.platforms.push_back(p);
  }
  s.precisions = ParseAll<Precision>(
      req.precisions.empty() ? std::vector<std::string>{"fp32"} : req.precisions,
      [](const std::string& x) { return ParsePrecision(x); });
  s.modes = ParseAll<Mode>(req.modes.empty() ? std::vector<std::string>{"inference"} : req.modes,
                           [](const std::string& x) { return ParseMode(x); });
  s.batches = req.batches.empty() ? std::vector<int64_t>{1} : req.batches;
  s.seq_lens = req.seq_lens.empty() ? std::vector<int64_t>{128} : req.seq_lens;
  for (int64_t b : s.batches)
    if (b < 1) throw UsageError("batch sizes must be >= 1, got " + std::to_string(b));
  for (int64_t q : s.seq_lens)
    if (q < 1) throw UsageError("sequence lengths must be >= 1, got " + std::to_string(q));
  if (req.threads < 0 || req.threads > 4096)
    throw UsageError("--threads must be between 0 (all cores) and 4096, got " +
                     std::to_string(req.threads));
  s.threads = req.threads;
  s.preset = req.preset;
  s.sets = req.sets;
  s.backend_options = req.backend_options;
  // issue 13: the libtorch on/off switches are checked here, before anything runs.
  for (const char* key : {"tf32", "cudnn_benchmark", "cuda_graph", "sdpa_cudnn", "kv_static",
                          "fuse_linear", "profile_ops", "gemm_tune"})
    if (auto it = s.backend_options.find(key);
        it != s.backend_options.end() && it->second != "on" && it->second != "off")
      throw UsageError(std::string("--backend-option ") + key + " must be on or off, got '" +
                       it->second + "'");
  if (auto it = s.backend_options.find("attention");
      it != s.backend_options.end() && it->second != "sdpa" && it->second != "explicit")
    throw UsageError("--backend-option attention must be sdpa or explicit, got '" + it->second +
                     "'");
  if (!test_double) {
    // Validate presets and overrides now, so a typo fails before anything runs.
    for (const auto& m : s.models) {
      const auto& fam = models::FindFamily(m);
      auto preset = s.preset.empty() ? fam.ReferencePreset() : fam.FindPreset(s.preset);
      for (const auto& a : s.sets) preset.config.Override(a);
    }
  }
  return s;
}

void ValidateHarness(const HarnessOptions& h) {
  for (const auto& [name, v] :
       {std::pair{"--min-time", h.min_time_s}, std::pair{"--budget", h.budget_s},
        std::pair{"--ci-target", h.ci_target}, std::pair{"--warmup-max-time", h.warmup_max_s},
        std::pair{"confidence", h.confidence}, std::pair{"warmup_tolerance", h.warmup_tolerance},
        std::pair{"rss_poll_ms", h.rss_poll_ms}, std::pair{"idle_power_s", h.idle_power_s}})
    if (!std::isfinite(v)) throw UsageError(std::string(name) + " must be a finite number");
  if (h.min_iterations < 1) throw UsageError("--min-iterations must be >= 1");
  if (h.min_time_s < 0) throw UsageError("--min-time must be >= 0");
  if (h.budget_s <= 0) throw UsageError("--budget must be > 0");
  if (!(h.ci_target > 0)) throw UsageError("--ci-target must be > 0");
  if (h.warmup_min < 0 || h.warmup_max < h.warmup_min)
    throw UsageError("warm-up: need 0 <= --warmup-min <= --warmup-max");
  if (h.warmup_max_s < 0) throw UsageError("--warmup-max-time must be >= 0");
}

std::string ToJson(const SweepRequest& r) {
  return json{{"models", r.models},           {"platforms", r.platforms},
              {"precision", r.precisions},    {"mode", r.modes},
              {"batch", r.batches},           {"seq", r.seq_lens},
              {"preset", r.preset},           {"set", r.sets},
              {"options", r.backend_options}, {"runtime", r.runtime},
              {"threads", r.threads},         {"source", r.source}}
      .dump();
}

std::string ToJson(const Sweep& s) {
  std::vector<std::string> precisions, modes;
  for (auto p : s.precisions) precisions.emplace_back(ToString(p));
  for (auto m : s.modes) modes.emplace_back(ToString(m));
  return json{{"models", s.models},           {"platforms", s.platforms},
              {"precision", precisions},      {"mode", modes},
              {"batch", s.batches},           {"seq", s.seq_lens},
              {"preset", s.preset},           {"set", s.sets},
              {"options", s.backend_options}, {"runtime", s.runtime},
              {"threads", s.threads}}
      .dump();
}

std::string ToJson(const HarnessOptions& h) { return ToJsonObject(h).dump(); }

Sweep SweepFromJson(const std::string& text) {
  const json j = json::parse(text);
  Sweep s;
  s.models = j.at("models").get<std::vector<std::string>>();
  s.platforms = j.at("platforms").get<std::vector<std::string>>();
  for (const auto& p : j.at("precision"))
    s.precisions.push_back(ParsePrecision(p.get<std::string>()));
  for (const auto& m : j.at("mode")) s.modes.push_back(ParseMode(m.get<std::string>()));
  s.batches = j.at("batch").get<std::vector<int64_t>>();
  s.seq_lens = j.at("seq").get<std::vector<int64_t>>();
  s.preset = j.at("preset");
  s.sets = j.at("set").get<std::vector<std::string>>();
  s.backend_options = j.at("options").get<std::map<std::string, std::string>>();
  s.runtime = j.at("runtime");
  s.threads = j.at("threads");
  return s;
}

HarnessOptions HarnessFromJson(const std::string& text) {
  const json h = json::parse(text);
  HarnessOptions o;
  o.min_iterations = h.at("min_iterations");
  o.min_time_s = h.at("min_time_s");
  o.ci_target = h.at("ci_target");
  o.confidence = h.at("confidence");
  o.budget_s = h.at("budget_s");
  o.warmup_min = h.at("warmup_min");
  o.warmup_max = h.at("warmup_max");
  o.warmup_max_s = h.at("warmup_max_s");
  o.warmup_window = h.at("warmup_window");
  o.warmup_tolerance = h.at("warmup_tolerance");
  o.calibrate = h.value("calibrate", true);
  return o;
}

}  // namespace accelbench::runner
