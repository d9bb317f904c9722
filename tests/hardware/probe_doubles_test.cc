// The dlopen probes against test-double vendor libraries (doubles/*.c): healthy ones are found
// with their facts; broken, failing, hanging and crashing ones give "unavailable" with a reason.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>

#include "hardware/capabilities.h"
#include "hardware/hardware.h"

namespace accelbench::hardware {
namespace {

HardwareReport DetectWith(std::map<std::string, std::string> overrides,
                          std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  DetectOptions o;
  o.read_environment_overrides = false;
  o.qnn_sdk_root = "";
  o.library_overrides = std::move(overrides);
  o.probe_timeout = timeout;
  return Detect(o);
}

const PlatformStatus& OnlyOfKind(const HardwareReport& r, PlatformKind k) {
  auto s = r.OfKind(k);
  EXPECT_EQ(s.size(), 1u) << ToString(k);
  return *s.at(0);
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(NvmlDouble, HealthyDeviceIsAvailableWithItsFacts) {
  auto r = DetectWith({{"nvml", FAKE_NVML_HEALTHY}});
  const auto& s = OnlyOfKind(r, PlatformKind::kCuda);  // libcuda not probed: nvml overridden
  EXPECT_TRUE(s.available) << s.reason;
  EXPECT_EQ(s.instance, "cuda:0");
  EXPECT_EQ(s.name, "Fake GPU (test double)");
  ASSERT_TRUE(s.memory_bytes.has_value());
  EXPECT_EQ(*s.memory_bytes, int64_t{16} << 30);
  EXPECT_EQ(s.details["driver_version"], "999.99.99-test-double");
  EXPECT_EQ(s.details["compute_capability"], "8.0");
  EXPECT_EQ(s.details["probe"], "nvml");
  EXPECT_EQ(s.details["library"], FAKE_NVML_HEALTHY);
  EXPECT_TRUE(s.details["energy_counter"].get<bool>());  // the double has the energy entry point
  EXPECT_EQ(WhyUnsupported(r, PlatformKind::kCuda, Precision::kBf16, Mode::kTraining, "llama"),
            std::nullopt);
}

TEST(NvmlDouble, MissingSymbol) {
  auto r = DetectWith({{"nvml", FAKE_NVML_MISSING_SYMBOL}});
  const auto& s = OnlyOfKind(r, PlatformKind::kCuda);
  EXPECT_FALSE(s.available);
  EXPECT_TRUE(Contains(s.reason, "missing symbol nvmlDeviceGetCount_v2")) << s.reason;
}

TEST(NvmlDouble, InitFails) {
  auto r = DetectWith({{"nvml", FAKE_NVML_INIT_FAILS}});
  const auto& s = OnlyOfKind(r, PlatformKind::kCuda);
  EXPECT_FALSE(s.available);
  EXPECT_TRUE(Contains(s.reason, "nvmlInit_v2 failed")) << s.reason;
  EXPECT_TRUE(Contains(s.reason, "Driver Not Loaded (test double)")) << s.reason;
}

TEST(NvmlDouble, HangIsCutOffByTheProbeTimeout) {
  const auto start = std::chrono::steady_clock::now();
  auto r = DetectWith({{"nvml", FAKE_NVML_HANGS}}, std::chrono::milliseconds(300));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const auto& s = OnlyOfKind(r, PlatformKind::kCuda);
  EXPECT_FALSE(s.available);
  EXPECT_TRUE(Contains(s.reason, "timed out after 300 ms")) << s.reason;
  // Not a speed target: only that detection returned instead of hanging with the library.
  EXPECT_LT(elapsed, std::chrono::seconds(30));
}

TEST(NvmlDouble, SegfaultIsContained) {
  auto r = DetectWith({{"nvml", FAKE_NVML_SEGFAULTS}});
  const auto& s = OnlyOfKind(r, PlatformKind::kCuda);
  EXPECT_FALSE(s.available);
  EXPECT_TRUE(Contains(s.reason, "crashed with signal 11")) << s.reason;
  // The rest of the report is intact.
  ASSERT_NE(r.FirstAvailable(PlatformKind::kCpu), nullptr);
}

TEST(NvmlDouble, NonexistentLibrary) {
  auto r = DetectWith({{"nvml", "/nonexistent/libnvidia-ml.so.1"}});
  const auto& s = OnlyOfKind(r, PlatformKind::kCuda);
  EXPECT_FALSE(s.available);
  EXPECT_TRUE(Contains(s.reason, "/nonexistent/libnvidia-ml.so.1")) << s.reason;
}

TEST(CudaDriverDouble, FallbackWhenNvmlFails) {
  auto r = DetectWith({{"nvml", FAKE_NVML_INIT_FAILS}, {"cuda", FAKE_CUDA_VOLTA}});
  const auto& s = OnlyOfKind(r, PlatformKind::kCuda);
  EXPECT_TRUE(s.available) << s.reason;
  EXPECT_EQ(s.name, "Fake Volta (test double)");
  EXPECT_EQ(s.details["probe"], "cuda_driver");
  EXPECT_EQ(s.details["compute_capability"], "7.0");
  EXPECT_EQ(s.details["cuda_driver_version"], "12.4");
  EXPECT_EQ(*s.memory_bytes, int64_t{8} << 30);
  auto why = WhyUnsupported(r, PlatformKind::kCuda, Precision::kBf16, Mode::kInference, "bert");
  ASSERT_TRUE(why.has_value());
  EXPECT_TRUE(Contains(*why, "compute capability >= 8.0")) << *why;
  EXPECT_TRUE(Contains(*why, "7.0")) << *why;
  EXPECT_EQ(WhyUnsupported(r, PlatformKind::kCuda, Precision::kFp16, Mode::kInference, "bert"),
            std::nullopt);
}

TEST(CudaDriverDouble, NvmlWinsWhenBothWork) {
  auto r = DetectWith({{"nvml", FAKE_NVML_HEALTHY}, {"cuda", FAKE_CUDA_VOLTA}});
  const auto& s = OnlyOfKind(r, PlatformKind::kCuda);
  EXPECT_EQ(s.name, "Fake GPU (test double)");
}

TEST(EnvironmentOverride, AccelbenchNvmlLibrary) {
  ASSERT_EQ(setenv("ACCELBENCH_NVML_LIBRARY", FAKE_NVML_HEALTHY, 1), 0);
  DetectOptions o;
  o.qnn_sdk_root = "";
  auto r = Detect(o);
  unsetenv("ACCELBENCH_NVML_LIBRARY");
  ASSERT_NE(r.FirstAvailable(PlatformKind::kCuda), nullptr);
  EXPECT_EQ(r.FirstAvailable(PlatformKind::kCuda)->name, "Fake GPU (test double)");
}

TEST(RocmSmiDouble, DeviceIsAvailable) {
  auto r = DetectWith({{"rocm_smi", FAKE_ROCM_SMI}});
  const auto& s = OnlyOfKind(r, PlatformKind::kRocm);  // HIP not probed: rocm overridden
  EXPECT_TRUE(s.available) << s.reason;
  EXPECT_EQ(s.instance, "rocm:0");
  EXPECT_EQ(s.name, "Fake Instinct (test double)");
  EXPECT_EQ(*s.memory_bytes, int64_t{64} << 30);
  auto why = WhyUnsupported(r, PlatformKind::kRocm, Precision::kInt4, Mode::kInference, "llama");
  ASSERT_TRUE(why.has_value());
  EXPECT_EQ(WhyUnsupported(r, PlatformKind::kRocm, Precision::kBf16, Mode::kTraining, "llama"),
            std::nullopt);
}

TEST(RocmSmiDouble, WrongLibraryIsMissingSymbols) {
  auto r = DetectWith({{"rocm_smi", FAKE_QNN}});
  const auto& s = OnlyOfKind(r, PlatformKind::kRocm);
  EXPECT_FALSE(s.available);
  EXPECT_TRUE(Contains(s.reason, "missing symbol rsmi_init")) << s.reason;
}

TEST(OpenVinoDouble, DevicesAreListed) {
  auto r = DetectWith({{"openvino", FAKE_OPENVINO_HEALTHY}});
  auto s = r.OfKind(PlatformKind::kOpenVino);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0]->instance, "openvino:CPU");
  EXPECT_EQ(s[0]->name, "Fake CPU (test double)");
  EXPECT_EQ(s[1]->instance, "openvino:GPU");
  EXPECT_EQ(s[1]->name, "Fake GPU (test double)");
  EXPECT_TRUE(s[0]->available);
  EXPECT_EQ(s[0]->details["openvino_version"], "2099.0.0-test-double");
  auto why = WhyUnsupported(r, PlatformKind::kOpenVino, Precision::kFp32, Mode::kTraining, "bert");
  ASSERT_TRUE(why.has_value());
  EXPECT_TRUE(Contains(*why, "inference-only")) << *why;
}

TEST(OpenVinoDouble, CoreCreateFails) {
  auto r = DetectWith({{"openvino", FAKE_OPENVINO_CORE_FAILS}});
  const auto& s = OnlyOfKind(r, PlatformKind::kOpenVino);
  EXPECT_FALSE(s.available);
  EXPECT_TRUE(Contains(s.reason, "ov_core_create failed")) << s.reason;
}

TEST(QnnDouble, CpuBackendViaOverride) {
  auto r = DetectWith({{"qnn_cpu", FAKE_QNN}});
  const auto& s = OnlyOfKind(r, PlatformKind::kQnn);  // htp not probed: qnn overridden
  EXPECT_TRUE(s.available) << s.reason;
  EXPECT_EQ(s.instance, "qnn:cpu");
  EXPECT_EQ(s.details["provider"], "FAKE_QNN_TEST_DOUBLE");
  EXPECT_EQ(s.details["backend_api_version"], "5.0.1");
}

#if !defined(__aarch64__)
TEST(QnnDouble, HtpOnNonArmHostIsNotAnNpu) {
  auto r = DetectWith({{"qnn_htp", FAKE_QNN}});
  const auto& s = OnlyOfKind(r, PlatformKind::kQnn);
  EXPECT_FALSE(s.available);
  EXPECT_EQ(s.instance, "qnn:htp");
  EXPECT_TRUE(Contains(s.reason, "not an ARM host")) << s.reason;
  EXPECT_TRUE(Contains(s.reason, "FAKE_QNN_TEST_DOUBLE")) << s.reason;
}

TEST(QnnDouble, FoundUnderQnnSdkRoot) {
  namespace fs = std::filesystem;
  fs::path root = fs::temp_directory_path() / ("accelbench-qnn-" + std::to_string(getpid()));
  fs::create_directories(root / "lib" / "x86_64-linux-clang");
  fs::copy_file(FAKE_QNN, root / "lib" / "x86_64-linux-clang" / "libQnnCpu.so");
  DetectOptions o;
  o.read_environment_overrides = false;
  o.qnn_sdk_root = root.string();
  auto r = Detect(o);
  fs::remove_all(root);
  auto q = r.OfKind(PlatformKind::kQnn);
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[0]->instance, "qnn:htp");
  EXPECT_FALSE(q[0]->available);
  EXPECT_TRUE(Contains(q[0]->reason, "no libQnnHtp.so")) << q[0]->reason;
  EXPECT_EQ(q[1]->instance, "qnn:cpu");
  EXPECT_TRUE(q[1]->available) << q[1]->reason;
}
#endif

}  // namespace
}  // namespace accelbench::hardware
