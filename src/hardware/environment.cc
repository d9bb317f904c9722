// Environment fingerprint: host, kernel, OS, build identity, library versions, BLAS in use.
#include <fmt/format.h>
#include <gnu/libc-version.h>
#include <hwloc.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "core/build_info.h"
#include "hardware/hardware.h"

namespace accelbench::hardware {
namespace {

std::string OsPrettyName() {
  std::ifstream in("/etc/os-release");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("PRETTY_NAME=", 0) != 0) continue;
    std::string v = line.substr(12);
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'')) v = v.substr(1, v.size() - 2);
    return v;
  }
  utsname u{};
  return uname(&u) == 0 ? std::string(u.sysname) : std::string();
}

std::string UtcNow() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Which BLAS implementation a path is.
std::string BlasKind(const std::string& path) {
  if (path.find("openblas") != std::string::npos) return "openblas";
  if (path.find("mkl") != std::string::npos) return "mkl";
  if (path.find("blis") != std::string::npos) return "blis";
  if (path.find("atlas") != std::string::npos) return "atlas";
  if (path.find("libblas.so") != std::string::npos) return "netlib";
  return "other";
}

// BLAS/LAPACK libraries mapped into this process.
std::vector<std::string> LoadedBlas() {
  std::ifstream in("/proc/self/maps");
  std::set<std::string> found;
  std::string line;
  while (std::getline(in, line)) {
    auto slash = line.find('/');
    if (slash == std::string::npos) continue;
    std::string path = line.substr(slash);
    auto base = path.substr(path.rfind('/') + 1);
    if (base.find("blas") != std::string::npos || base.find("mkl_") != std::string::npos ||
        base.find("libblis") != std::string::npos) {
      found.insert(path);
    }
  }
  return {found.begin(), found.end()};
}

// Where the system's libblas.so.3 (the Debian alternative) resolves.
std::optional<std::string> SystemLibblas() {
  namespace fs = std::filesystem;
  for (const char* dir :
       {"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib"}) {
    std::error_code ec;
    fs::path p = fs::path(dir) / "libblas.so.3";
    if (!fs::exists(p, ec)) continue;
    auto real = fs::canonical(p, ec);
    return ec ? p.string() : real.string();
  }
  return std::nullopt;
}

std::string NetlibWarningText(const std::string& path, bool loaded) {
  return fmt::format(
      "{} {} is the reference (netlib) BLAS: libtorch fp32 runs ~40x slower; install "
      "libopenblas0-openmp (scripts/setup) so libblas.so.3 points to OpenBLAS",
      loaded ? "loaded BLAS" : "libblas.so.3 ->", path);
}

}  // namespace

std::optional<std::string> NetlibBlasWarning() {
  for (const auto& path : LoadedBlas()) {
    if (BlasKind(path) == "netlib") return NetlibWarningText(path, true);
  }
  return std::nullopt;
}

Environment DetectEnvironment() {
  Environment env;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0) env.hostname = host;
  utsname u{};
  if (uname(&u) == 0) {
    env.kernel = fmt::format("{} {} {}", u.sysname, u.release, u.version);
    env.architecture = u.machine;
  }
  env.os = OsPrettyName();
  const auto& b = GetBuildInfo();
  env.accelbench_version = std::string(b.version);
  env.compiler = std::string(b.compiler);
  env.build_type = std::string(b.build_type);
  env.commit = std::string(b.commit);
  env.utc_time = UtcNow();

  unsigned hw = hwloc_get_api_version();
  env.libraries["hwloc_api"] = fmt::format("{}.{}.{}", hw >> 16, (hw >> 8) & 0xff, hw & 0xff);
  env.libraries["glibc"] = gnu_get_libc_version();
  env.libraries["nlohmann_json"] =
      fmt::format("{}.{}.{}", NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR,
                  NLOHMANN_JSON_VERSION_PATCH);
  env.libraries["fmt"] =
      fmt::format("{}.{}.{}", FMT_VERSION / 10000, (FMT_VERSION / 100) % 100, FMT_VERSION % 100);
  // libtorch reports its own version through the torch backend.

  auto loaded = LoadedBlas();
  env.blas["loaded"] = nlohmann::json::array();
  for (const auto& p : loaded) env.blas["loaded"].push_back({{"path", p}, {"kind", BlasKind(p)}});
  if (auto sys = SystemLibblas()) {
    env.blas["libblas_so_3"] = *sys;
    env.blas["libblas_so_3_kind"] = BlasKind(*sys);
    if (BlasKind(*sys) == "netlib") env.warnings.push_back(NetlibWarningText(*sys, false));
  } else {
    env.blas["libblas_so_3"] = nullptr;
  }
  if (auto w = NetlibBlasWarning()) env.warnings.push_back(*w);
  return env;
}

nlohmann::json Environment::ToJson() const {
  return {{"hostname", hostname},
          {"kernel", kernel},
          {"os", os},
          {"architecture", architecture},
          {"accelbench_version", accelbench_version},
          {"compiler", compiler},
          {"build_type", build_type},
          {"commit", commit},
          {"utc_time", utc_time},
          {"libraries", libraries},
          {"blas", blas},
          {"warnings", warnings}};
}

}  // namespace accelbench::hardware
