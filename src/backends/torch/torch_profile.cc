#include "backends/torch/torch_profile.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <map>
#include <utility>

#include "backends/torch/torch_util.h"

#ifdef ACCELBENCH_TORCH_PROFILER_API
#include "backends/torch/profiler_api.h"
#endif

namespace accelbench::backends::torch_backend {
namespace {

struct OpTotal {
  int64_t ns = 0;
  int64_t calls = 0;
};

// Host ops' self time: each op's duration minus that of the ops nested in it on its thread.
std::vector<int64_t> SelfTimes(const std::vector<ProfiledEvent>& ev,
                               const std::vector<size_t>& host) {
  std::vector<int64_t> self(ev.size(), 0);
  std::map<uint64_t, std::vector<size_t>> by_thread;
  for (size_t i : host) by_thread[ev[i].thread].push_back(i);
  for (auto& [thread, idx] : by_thread) {
    std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
      return ev[a].start_ns != ev[b].start_ns ? ev[a].start_ns < ev[b].start_ns
                                              : ev[a].duration_ns > ev[b].duration_ns;
    });
    std::vector<size_t> open;  // enclosing ops, innermost last
    for (size_t i : idx) {
      while (!open.empty() &&
             ev[open.back()].start_ns + ev[open.back()].duration_ns <= ev[i].start_ns)
        open.pop_back();
      self[i] = ev[i].duration_ns;
      if (!open.empty()) self[open.back()] -= ev[i].duration_ns;
      open.push_back(i);
    }
  }
  return self;
}

std::string Ms(double ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", ns / 1e6);
  return buf;
}

}  // namespace

std::string SummariseProfile(const std::vector<ProfiledEvent>& events, int steps, bool device_time,
                             int top) {
  if (steps < 1) steps = 1;
  std::vector<size_t> picked;
  for (size_t i = 0; i < events.size(); ++i)
    if (events[i].on_device == device_time && events[i].duration_ns >= 0 &&
        // GPU-side annotations that mirror an op's span (Kineto's gpu_user_annotation) would
        // count the kernels under them twice.
        !(device_time && events[i].name.rfind("aten::", 0) == 0))
      picked.push_back(i);
  const std::vector<int64_t> self =
      device_time ? std::vector<int64_t>() : SelfTimes(events, picked);
  std::map<std::string, OpTotal> totals;
  int64_t all = 0;
  for (size_t i : picked) {
    const int64_t ns = device_time ? events[i].duration_ns : std::max<int64_t>(0, self[i]);
    auto& t = totals[events[i].name];
    t.ns += ns;
    t.calls += 1;
    all += ns;
  }
  std::vector<std::pair<std::string, OpTotal>> rows(totals.begin(), totals.end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.second.ns != b.second.ns ? a.second.ns > b.second.ns : a.first < b.first;
  });
  std::string out = std::string(device_time ? "gpu time" : "host self time") + " per step " +
                    Ms(static_cast<double>(all) / steps) + " ms";
  if (rows.empty()) return out + ": no " + (device_time ? "device activity" : "ops") + " recorded";
  out += ":";
  for (int r = 0; r < top && r < static_cast<int>(rows.size()); ++r) {
    const auto& [name, t] = rows[r];
    char share[32];
    std::snprintf(share, sizeof share, "%.1f%%", all > 0 ? 100.0 * t.ns / all : 0.0);
    const double calls = static_cast<double>(t.calls) / steps;
    char count[32];
    std::snprintf(count, sizeof count, calls == static_cast<int64_t>(calls) ? "%.0f" : "%.2f",
                  calls);
    out += std::string(r ? "; " : " ") + (name.size() > 90 ? name.substr(0, 87) + "..." : name) +
           " " + Ms(static_cast<double>(t.ns) / steps) + " ms " + share + " x" + count;
  }
  return out;
}

std::string ProfileSteps(const std::function<void()>& step, int steps, c10::Device device,
                         int top) {
#ifdef ACCELBENCH_TORCH_PROFILER_API
  const bool cuda = device.is_cuda();
  try {
    profiler_api::Start(cuda);
  } catch (const std::exception& e) {
    const std::string msg = e.what();
    return "unavailable: the profiler did not start: " + msg.substr(0, msg.find('\n'));
  }
  std::vector<ProfiledEvent> events;
  try {
    for (int i = 0; i < steps; ++i) {
      step();
      WaitForDevice(device);
    }
  } catch (...) {
    try {
      profiler_api::Stop();  // leave no profiler running; the step's error is the one reported
    } catch (...) {
    }
    throw;
  }
  events = profiler_api::Stop();
  std::string out = SummariseProfile(events, steps, cuda, top);
  if (cuda) out += " | " + SummariseProfile(events, steps, false, 5);
  return "eager step x" + std::to_string(steps) + ", " + out;
#else
  (void)step;
  (void)steps;
  (void)device;
  (void)top;
  return "unavailable: this libtorch's profiler API did not compile (profiler_api.h)";
#endif
}

}  // namespace accelbench::backends::torch_backend
