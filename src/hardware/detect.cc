// Detect(): CPU + environment in-process, vendor probes in parallel forked children.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "hardware/capabilities.h"
#include "hardware/hardware.h"
#include "hardware/isolated_probe.h"
#include "hardware/probes.h"

namespace accelbench::hardware {
namespace {

constexpr const char* kBrowserReason = "probe requires the browser backend";

// One library to probe. Attempts sharing a `group` are alternatives (the first that finds
// devices wins); each group yields either its devices or one unavailable status.
struct Attempt {
  PlatformKind kind;
  std::string group;  // "cuda", "rocm", "openvino", "qnn:htp", "qnn:cpu", "mps"
  std::string label;  // "nvml"
  std::string library;
  ProbeFn fn;  // empty: not run, unavailable for `skip_reason`
  std::string skip_reason;
};

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

// Resolved library path for a key: option override, then environment override, then default.
struct LibrarySelection {
  std::map<std::string, std::string> overrides;
  std::string Get(const std::string& key, const std::string& fallback) const {
    auto it = overrides.find(key);
    return it == overrides.end() ? fallback : it->second;
  }
  bool Overridden(const std::string& key) const { return overrides.count(key) > 0; }
  // Any key of a vendor overridden: probe only the overridden ones.
  bool VendorOverridden(std::initializer_list<const char*> keys) const {
    return std::any_of(keys.begin(), keys.end(), [&](const char* k) { return Overridden(k); });
  }
  bool Wanted(std::initializer_list<const char*> vendor_keys, const char* key) const {
    return !VendorOverridden(vendor_keys) || Overridden(key);
  }
};

LibrarySelection SelectLibraries(const DetectOptions& o) {
  LibrarySelection s;
  if (o.read_environment_overrides) {
    for (const auto& key : ProbeLibraryKeys()) {
      if (auto v = Env(ProbeLibraryEnvVar(key).c_str()); !v.empty()) s.overrides[key] = v;
    }
  }
  for (const auto& [k, v] : o.library_overrides) s.overrides[k] = v;
  return s;
}

// Finds $QNN_SDK_ROOT/lib/<target>/<file> for this host.
std::string FindQnnLibrary(const std::string& root, const std::string& file) {
  namespace fs = std::filesystem;
#if defined(__aarch64__)
  const char* targets[] = {"aarch64-ubuntu-gcc9.4", "aarch64-oe-linux-gcc11.2",
                           "aarch64-oe-linux-gcc9.3", "aarch64-android"};
#else
  const char* targets[] = {"x86_64-linux-clang"};
#endif
  for (const char* t : targets) {
    std::error_code ec;
    fs::path p = fs::path(root) / "lib" / t / file;
    if (fs::exists(p, ec)) return p.string();
  }
  return {};
}

std::vector<Attempt> PlanAttempts(const DetectOptions& o) {
  std::vector<Attempt> attempts;
  auto skip = [&](PlatformKind kind, std::string group, std::string reason) {
    attempts.push_back({kind, group, group, "", nullptr, std::move(reason)});
  };
  const LibrarySelection libs = SelectLibraries(o);
  auto add = [&](PlatformKind kind, std::string group, std::string label, std::string library,
                 std::function<nlohmann::json(const std::string&)> probe) {
    ProbeFn fn = [probe, library] { return probe(library); };
    attempts.push_back({kind, std::move(group), std::move(label), std::move(library), fn, ""});
  };
  // CUDA: NVML first, the driver API as fallback.
  if (libs.Wanted({"nvml", "cuda"}, "nvml"))
    add(PlatformKind::kCuda, "cuda", "nvml", libs.Get("nvml", "libnvidia-ml.so.1"), ProbeNvml);
  if (libs.Wanted({"nvml", "cuda"}, "cuda"))
    add(PlatformKind::kCuda, "cuda", "cuda", libs.Get("cuda", "libcuda.so.1"), ProbeCudaDriver);
  // ROCm: rocm-smi first, HIP as fallback.
  if (libs.Wanted({"rocm_smi", "hip"}, "rocm_smi"))
    add(PlatformKind::kRocm, "rocm", "rocm_smi", libs.Get("rocm_smi", "librocm_smi64.so"),
        ProbeRocmSmi);
  if (libs.Wanted({"rocm_smi", "hip"}, "hip"))
    add(PlatformKind::kRocm, "rocm", "hip", libs.Get("hip", "libamdhip64.so"), ProbeHip);
  add(PlatformKind::kOpenVino, "openvino", "openvino", libs.Get("openvino", "libopenvino_c.so"),
      ProbeOpenVino);
  // QNN: explicit library overrides, else $QNN_SDK_ROOT.
  std::string root =
      o.qnn_sdk_root.value_or(o.read_environment_overrides ? Env("QNN_SDK_ROOT") : "");
  for (const char* backend : {"htp", "cpu"}) {
    const std::string key = std::string("qnn_") + backend;
    const std::string group = std::string("qnn:") + backend;
    const std::string file = backend == std::string("htp") ? "libQnnHtp.so" : "libQnnCpu.so";
    if (libs.VendorOverridden({"qnn_htp", "qnn_cpu"}) && !libs.Overridden(key)) continue;
    std::string path = libs.Get(key, "");
    if (path.empty() && root.empty()) {
      skip(PlatformKind::kQnn, group, "QNN_SDK_ROOT is not set");
      continue;
    }
    if (path.empty()) path = FindQnnLibrary(root, file);
    if (path.empty()) {
      skip(PlatformKind::kQnn, group, fmt::format("no {} for this host under {}/lib", file, root));
      continue;
    }
    std::string b = backend;
    add(PlatformKind::kQnn, group, key, path,
        [b](const std::string& lib) { return ProbeQnn(lib, b); });
  }
#if defined(__APPLE__)
  attempts.push_back(
      {PlatformKind::kMps, "mps", "metal", "Metal.framework", [] { return ProbeMetal(); }, ""});
#else
  skip(PlatformKind::kMps, "mps", "not macOS");
#endif
  if (!o.probe_vendors) {
    attempts.clear();
    for (PlatformKind k : {PlatformKind::kCuda, PlatformKind::kRocm, PlatformKind::kMps,
                           PlatformKind::kOpenVino, PlatformKind::kQnn})
      skip(k, std::string(ToString(k)), "vendor probes disabled");
  }
  return attempts;
}

PlatformStatus StatusFromDevice(PlatformKind kind, const nlohmann::json& d,
                                const std::string& library) {
  PlatformStatus s;
  s.kind = kind;
  s.available = true;
  s.instance = d.value("instance", std::string(ToString(kind)));
  s.name = d.value("name", std::string());
  if (d.contains("memory_bytes") && d["memory_bytes"].is_number_integer())
    s.memory_bytes = d["memory_bytes"].get<int64_t>();
  if (d.contains("details") && d["details"].is_object()) s.details = d["details"];
  s.details["library"] = library;
  return s;
}

// Turns attempt outcomes into statuses, one group at a time, in attempt order.
void Combine(const std::vector<Attempt>& attempts, const std::vector<ProbeOutcome>& outcomes,
             std::vector<PlatformStatus>& out) {
  std::vector<std::string> groups;
  for (const auto& a : attempts)
    if (std::find(groups.begin(), groups.end(), a.group) == groups.end()) groups.push_back(a.group);
  for (const auto& g : groups) {
    std::vector<std::string> reasons;
    nlohmann::json tried = nlohmann::json::array();
    bool found = false;
    PlatformKind kind = PlatformKind::kCpu;
    for (size_t i = 0; i < attempts.size() && !found; ++i) {
      if (attempts[i].group != g) continue;
      kind = attempts[i].kind;
      const auto& oc = outcomes[i];
      const std::string& who = attempts[i].label;
      if (!attempts[i].fn) {  // skipped: its reason stands alone
        reasons.push_back(attempts[i].skip_reason);
        continue;
      }
      auto note = [&](const std::string& why) {
        reasons.push_back(who + ": " + why);
        tried.push_back({{"probe", who}, {"library", attempts[i].library}, {"reason", why}});
      };
      if (!oc.result) {
        note(oc.failure);
        continue;
      }
      const auto& r = *oc.result;
      const auto& devices = r.contains("devices") ? r["devices"] : nlohmann::json();
      if (!r.value("ok", false) || !devices.is_array() || devices.empty()) {
        note(r.value("reason", std::string("no devices")));
        continue;
      }
      for (const auto& d : devices) out.push_back(StatusFromDevice(kind, d, attempts[i].library));
      found = true;
    }
    if (!found) {
      PlatformStatus s;
      s.kind = kind;
      s.instance = g;
      s.available = false;
      std::string joined;
      for (const auto& r : reasons) joined += (joined.empty() ? "" : "; ") + r;
      s.reason = joined;
      s.details["attempts"] = std::move(tried);
      out.push_back(std::move(s));
    }
  }
}

PlatformStatus CpuStatus(const CpuInfo& cpu) {
  PlatformStatus s;
  s.kind = PlatformKind::kCpu;
  s.instance = "cpu";
  s.available = true;
  s.name = cpu.model_name;
  s.memory_bytes = cpu.memory_total_bytes;
  s.details = {{"threads", cpu.threads}, {"cores", cpu.cores}, {"sockets", cpu.sockets}};
  return s;
}

nlohmann::json OptionalInt(const std::optional<int64_t>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

const std::vector<std::string>& ProbeLibraryKeys() {
  static const std::vector<std::string> keys = {"nvml",     "cuda",    "rocm_smi", "hip",
                                                "openvino", "qnn_htp", "qnn_cpu"};
  return keys;
}

std::string ProbeLibraryEnvVar(const std::string& key) {
  std::string up;
  for (char c : key) up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return "ACCELBENCH_" + up + "_LIBRARY";
}

HardwareReport Detect(const DetectOptions& options) {
  HardwareReport report;
  report.cpu = DetectCpu();
  report.env = DetectEnvironment();
  report.platforms.push_back(CpuStatus(report.cpu));

  const std::vector<Attempt> attempts = PlanAttempts(options);
  std::vector<ProbeFn> fns;
  std::vector<size_t> run_index;
  for (size_t i = 0; i < attempts.size(); ++i) {
    if (!attempts[i].fn) continue;
    fns.push_back(attempts[i].fn);
    run_index.push_back(i);
  }
  auto ran = RunIsolated(fns, options.probe_timeout);
  std::vector<ProbeOutcome> outcomes(attempts.size());
  for (size_t k = 0; k < ran.size(); ++k) outcomes[run_index[k]] = std::move(ran[k]);
  std::vector<PlatformStatus> vendor;
  Combine(attempts, outcomes, vendor);
  // Order by platform kind, keeping probe order within a kind.
  std::stable_sort(vendor.begin(), vendor.end(), [](const auto& a, const auto& b) {
    return static_cast<int>(a.kind) < static_cast<int>(b.kind);
  });
  for (auto& s : vendor) report.platforms.push_back(std::move(s));

  std::vector<PlatformStatus> web;
  if (options.browser_probe) web = options.browser_probe(options.probe_timeout);
  for (PlatformKind k : {PlatformKind::kWebGpu, PlatformKind::kWebNn, PlatformKind::kWasm}) {
    bool have = std::any_of(web.begin(), web.end(), [k](const auto& s) { return s.kind == k; });
    if (!have) {
      PlatformStatus st;
      st.kind = k;
      st.instance = std::string(ToString(k));
      st.reason = kBrowserReason;
      web.push_back(std::move(st));
    }
  }
  for (auto& s : web) report.platforms.push_back(std::move(s));
  return report;
}

std::vector<const PlatformStatus*> HardwareReport::OfKind(PlatformKind kind) const {
  std::vector<const PlatformStatus*> out;
  for (const auto& p : platforms)
    if (p.kind == kind) out.push_back(&p);
  return out;
}

const PlatformStatus* HardwareReport::FirstAvailable(PlatformKind kind) const {
  for (const auto& p : platforms)
    if (p.kind == kind && p.available) return &p;
  return nullptr;
}

nlohmann::json PlatformStatus::ToJson() const {
  return {{"kind", std::string(ToString(kind))},
          {"instance", instance},
          {"available", available},
          {"reason", reason},
          {"name", name},
          {"memory_bytes", OptionalInt(memory_bytes)},
          {"details", details}};
}

nlohmann::json HardwareReport::ToJson() const {
  nlohmann::json j;
  j["cpu"] = cpu.ToJson();
  j["platforms"] = nlohmann::json::array();
  for (const auto& p : platforms) j["platforms"].push_back(p.ToJson());
  j["environment"] = env.ToJson();
  j["capabilities"] = CapabilityMatrixJson(*this);
  return j;
}

}  // namespace accelbench::hardware
