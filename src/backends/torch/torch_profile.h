#pragma once
// The `profile_ops=on` backend option: where the time of an eager step goes, from libtorch's
// profiler, as one line stored with the result (`op_profile` in runtime_details). A diagnostic
// run in Load, outside the measured loop; it never changes a measurement.
#include <c10/core/Device.h>

#include <cstdint>

#include <functional>
#include <string>
#include <vector>

namespace accelbench::backends::torch_backend {

struct ProfiledEvent {
  std::string name;
  bool on_device = false;  // GPU activity (a kernel, memcpy, memset); else a host op / call
  uint64_t thread = 0;
  int64_t start_ns = 0;
  int64_t duration_ns = 0;
};

// Summarises profiled events of `steps` steps: on a GPU (`device_time`), the device activity
// (kernels, copies) by name; otherwise host ops by self time (an op's time minus the ops it
// called, nested per thread). The `top` largest, in ms per step, with their share and calls per
// step, e.g. "gpu time per step 1.234 ms: gemm_x 0.600 ms 48.6% x12; ...". Pure: tested on
// known events.
std::string SummariseProfile(const std::vector<ProfiledEvent>& events, int steps, bool device_time,
                             int top);

// Runs `step` `steps` times under libtorch's profiler (the device synchronised after each) and
// summarises it; "unavailable: <why>" where this libtorch's profiler API is not compiled in or
// the profiler refuses to start.
std::string ProfileSteps(const std::function<void()>& step, int steps, c10::Device device, int top);

}  // namespace accelbench::backends::torch_backend
