// The NVML counters the harness reads around a measured loop (hardware/nvml_monitor.h), against
// the NVML TEST DOUBLE (doubles/fake_nvml.c): its fixture values come back in order, the device
// is found by PCI bus id, and a missing library or device gives a reason instead of numbers.
#include "hardware/nvml_monitor.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>

namespace accelbench::hardware {
namespace {

struct NvmlEnv {  // points ACCELBENCH_NVML_LIBRARY at a library for one test
  explicit NvmlEnv(const char* path) { setenv("ACCELBENCH_NVML_LIBRARY", path, 1); }
  ~NvmlEnv() { unsetenv("ACCELBENCH_NVML_LIBRARY"); }
};

TEST(NvmlMonitor, ReadsEnergyAndStateOfTheGpuWithThatBusId) {
  NvmlEnv env(FAKE_NVML_HEALTHY);
  std::string why;
  auto m = NvmlMonitor::Open("0000:01:00.0", why);
  ASSERT_NE(m, nullptr) << why;
  EXPECT_DOUBLE_EQ(*m->EnergyJoules(), 1000.0);  // mJ -> J
  const GpuSample first = m->Sample();
  EXPECT_EQ(first.Text(), "SM 1980/1980 MHz, 41 C, 118.5 W");
  EXPECT_DOUBLE_EQ(*m->EnergyJoules(), 1000.0);
  EXPECT_DOUBLE_EQ(*m->EnergyJoules(), 1000.0);
  EXPECT_DOUBLE_EQ(*m->EnergyJoules(), 1050.0);
  const GpuSample later = m->Sample();
  EXPECT_EQ(*later.sm_mhz, 1410u);
  EXPECT_EQ(*later.clock_limit_reasons, 0x44u);
  EXPECT_EQ(later.Text(),
            "SM 1410/1980 MHz, 83 C, 700.0 W, held down by: sw_power_cap, "
            "hw_thermal_slowdown");
}

TEST(NvmlMonitor, TheOnlyGpuWithoutABusIdAndReasonsOtherwise) {
  NvmlEnv env(FAKE_NVML_HEALTHY);
  std::string why;
  EXPECT_NE(NvmlMonitor::Open("", why), nullptr) << "NVML sees exactly one GPU: " << why;
  EXPECT_EQ(NvmlMonitor::Open("0000:02:00.0", why), nullptr);
  EXPECT_EQ(why, "NVML has no GPU with PCI bus id 0000:02:00.0");
  NvmlEnv missing("/nonexistent/libnvidia-ml.so.1");
  EXPECT_EQ(NvmlMonitor::Open("0000:01:00.0", why), nullptr);
  EXPECT_EQ(why.rfind("NVML not loadable", 0), 0u) << why;
  NvmlEnv failing(FAKE_NVML_INIT_FAILS);
  EXPECT_EQ(NvmlMonitor::Open("0000:01:00.0", why), nullptr);
  EXPECT_EQ(why, "nvmlInit_v2 failed (NVML error 9)");
}

TEST(NvmlMonitor, OnlySlowdownBitsCountAsHeldDown) {
  EXPECT_EQ(SlowdownReasons(0), "");
  EXPECT_EQ(SlowdownReasons(0x1 | 0x2 | 0x10), "") << "idle, application clocks, sync boost";
  EXPECT_EQ(SlowdownReasons(0x4 | 0x8 | 0x20 | 0x40 | 0x80),
            "sw_power_cap, hw_slowdown, sw_thermal_slowdown, hw_thermal_slowdown, "
            "hw_power_brake_slowdown");
  GpuSample empty;
  EXPECT_EQ(empty.Text(), "unknown (NVML gave no state)");
}

}  // namespace
}  // namespace accelbench::hardware
