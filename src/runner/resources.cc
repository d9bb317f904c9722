#include "runner/resources.h"

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "core/build_info.h"

namespace accelbench::runner {

std::optional<int64_t> ReadProcStatusKiB(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const size_t len = std::strlen(field);
  while (std::getline(in, line)) {
    if (line.compare(0, len, field) == 0 && line.size() > len && line[len] == ':') {
      return std::stoll(line.substr(len + 1));
    }
  }
  return std::nullopt;
}

RssPoller::RssPoller(double period_ms) {
  if (auto v = ReadProcStatusKiB("VmRSS")) peak_kib_ = *v;
  const auto period = std::chrono::microseconds(static_cast<int64_t>(period_ms * 1000));
  thread_ = std::thread([this, period] {
    while (!stop_.load()) {
      if (auto v = ReadProcStatusKiB("VmRSS"); v && *v > peak_kib_.load()) peak_kib_ = *v;
      std::this_thread::sleep_for(period);
    }
  });
}

RssPoller::~RssPoller() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

namespace {
std::optional<double> ReadNumber(const std::string& path) {
  std::ifstream in(path);
  double v = 0;
  if (!(in >> v)) return std::nullopt;
  return v;
}
}  // namespace

RaplCounter::RaplCounter() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::regex top_level("intel-rapl:[0-9]+");
  for (const auto& e : fs::directory_iterator("/sys/class/powercap", ec)) {
    const std::string name = e.path().filename().string();
    if (!std::regex_match(name, top_level)) continue;
    Domain d;
    d.energy_path = (e.path() / "energy_uj").string();
    auto now = ReadNumber(d.energy_path);
    if (!now) continue;  // unreadable (permissions): not available
    d.last_uj = *now;
    d.max_range_uj = ReadNumber((e.path() / "max_energy_range_uj").string()).value_or(0);
    domains_.push_back(d);
  }
}

double RaplCounter::Joules() {
  double total = 0;
  for (auto& d : domains_) {
    if (auto now = ReadNumber(d.energy_path)) {
      double delta = *now - d.last_uj;
      if (delta < 0 && d.max_range_uj > 0) delta += d.max_range_uj;  // counter wrapped
      if (delta > 0) d.total_uj += delta;
      d.last_uj = *now;
    }
    total += d.total_uj;
  }
  return total / 1e6;
}

std::vector<std::string> EnvironmentWarnings() {
  std::vector<std::string> out;
  const auto& build = GetBuildInfo();
  if (build.build_type != "Release" && build.build_type != "RelWithDebInfo")
    out.push_back("warning: " + std::string(build.build_type) + " build");
  {
    std::ifstream gov("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
    std::string g;
    if (gov >> g && g != "performance")
      out.push_back("warning: CPU frequency governor is '" + g + "', not 'performance'");
  }
  {
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
      // Debian's reference BLAS lives in .../blas/libblas.so.3; OpenBLAS in .../openblas*/.
      if (line.find("/blas/libblas.so") != std::string::npos) {
        out.push_back("warning: reference (netlib) BLAS in use: install libopenblas0-openmp");
        break;
      }
    }
  }
  return out;
}

std::optional<double> EnergyAboveIdlePerItem(double joules, double idle_watts, double elapsed_s,
                                             double items_per_step, size_t steps) {
  const double above = joules - idle_watts * elapsed_s;
  if (!(above > 0) || !(items_per_step > 0) || steps == 0) return std::nullopt;
  return above / (items_per_step * static_cast<double>(steps));
}

}  // namespace accelbench::runner
