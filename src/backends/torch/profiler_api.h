#pragma once
// The raw calls of libtorch's (Kineto) profiler, whose C++ API differs between releases
// (KinetoEvent::startUs/durationUs in 1.x, startNs/durationNs in 2.x). CMake compiles THIS FILE
// against the libtorch it found (src/backends/torch/CMakeLists.txt, check
// "ACCELBENCH_TORCH_PROFILER_API") and includes it only when that succeeds; otherwise the
// `profile_ops` option reports "unavailable". Keep every use of that API here.
#include <torch/csrc/autograd/profiler_kineto.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "backends/torch/torch_profile.h"

namespace accelbench::backends::torch_backend::profiler_api {

namespace detail {
template <class E>
auto StartNs(const E& e, int) -> decltype(static_cast<int64_t>(e.startNs())) {
  return static_cast<int64_t>(e.startNs());
}
template <class E>
int64_t StartNs(const E& e, long) {
  return static_cast<int64_t>(e.startUs()) * 1000;
}
template <class E>
auto DurationNs(const E& e, int) -> decltype(static_cast<int64_t>(e.durationNs())) {
  return static_cast<int64_t>(e.durationNs());
}
template <class E>
int64_t DurationNs(const E& e, long) {
  return static_cast<int64_t>(e.durationUs()) * 1000;
}
}  // namespace detail

// Starts the profiler on this thread: host ops, plus GPU activity when `cuda`.
inline void Start(bool cuda) {
  namespace pi = torch::profiler::impl;
  const pi::ProfilerConfig config(pi::ProfilerState::KINETO);
  std::set<pi::ActivityType> activities{pi::ActivityType::CPU};
  if (cuda) activities.insert(pi::ActivityType::CUDA);
  torch::autograd::profiler::prepareProfiler(config, activities);
  torch::autograd::profiler::enableProfiler(config, activities);
}

// Stops it and returns what it recorded.
inline std::vector<ProfiledEvent> Stop() {
  const auto result = torch::autograd::profiler::disableProfiler();
  std::vector<ProfiledEvent> events;
  if (!result) return events;
  for (const auto& e : result->events())
    events.push_back({e.name(), e.deviceType() != c10::DeviceType::CPU, e.startThreadId(),
                      detail::StartNs(e, 0), detail::DurationNs(e, 0)});
  return events;
}

}  // namespace accelbench::backends::torch_backend::profiler_api
