// `accelbench detect` end to end: table, json, csv, md, bad formats/flags, test-double selection.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace accelbench::hardware {
namespace {

using testing::AccelbenchBin;
using testing::RunCommand;

class CliDetect : public ::testing::Test {
 protected:
  void SetUp() override {
    bin_ = AccelbenchBin();
    if (bin_.empty()) GTEST_SKIP() << "ACCELBENCH_BIN not set (run under ctest)";
  }
  // Runs accelbench with a clean probe environment (no inherited ACCELBENCH_*_LIBRARY).
  testing::CommandResult Run(const std::string& args, const std::string& env = "") {
    return RunCommand("env -u ACCELBENCH_NVML_LIBRARY -u ACCELBENCH_CUDA_LIBRARY " + env + " '" +
                      bin_ + "' " + args);
  }
  std::string bin_;
};

TEST_F(CliDetect, Table) {
  auto r = Run("detect 2>/dev/null");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("PLATFORM"), std::string::npos);
  EXPECT_NE(r.output.find("CPU: "), std::string::npos);
  EXPECT_NE(r.output.find("probe requires the browser backend"), std::string::npos);
  for (const char* kind :
       {"cpu", "cuda", "rocm", "mps", "openvino", "qnn", "webgpu", "webnn", "wasm"})
    EXPECT_NE(r.output.find(std::string("\n") + kind + " "), std::string::npos) << kind;
}

TEST_F(CliDetect, JsonIsTheFullRecord) {
  auto r = Run("detect --format json 2>/dev/null");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto j = nlohmann::json::parse(r.output, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.output;
  ASSERT_TRUE(j.contains("cpu"));
  ASSERT_TRUE(j.contains("platforms"));
  ASSERT_TRUE(j.contains("environment"));
  ASSERT_TRUE(j.contains("capabilities"));
  auto nproc = RunCommand("nproc");
  EXPECT_EQ(j["cpu"]["threads"].get<int>(), std::stoi(nproc.output));
  EXPECT_FALSE(j["environment"]["commit"].get<std::string>().empty());
  EXPECT_EQ(j["platforms"][0]["instance"], "cpu");
}

TEST_F(CliDetect, CsvAndMarkdown) {
  auto csv = Run("detect --format csv 2>/dev/null");
  ASSERT_EQ(csv.exit_code, 0);
  EXPECT_EQ(csv.output.rfind("kind,instance,available,name,memory_bytes,reason\n", 0), 0u)
      << csv.output;
  EXPECT_NE(csv.output.find("\ncpu,cpu,true,"), std::string::npos);
  auto md = Run("detect --format md 2>/dev/null");
  ASSERT_EQ(md.exit_code, 0);
  EXPECT_EQ(md.output.rfind("| kind | instance |", 0), 0u) << md.output;
}

TEST_F(CliDetect, BadFormatNamesTheValidOnes) {
  auto r = Run("detect --format xml 2>&1");
  EXPECT_EQ(r.exit_code, 2);
  for (const char* f : {"table", "json", "csv", "md"})
    EXPECT_NE(r.output.find(f), std::string::npos) << f << ": " << r.output;
}

TEST_F(CliDetect, BadFlagsExit2) {
  EXPECT_EQ(Run("detect --frobnicate 2>&1").exit_code, 2);
  EXPECT_EQ(Run("detect --probe-timeout 0 2>&1").exit_code, 2);
  auto lib = Run("detect --library bogus=/x.so 2>&1");
  EXPECT_EQ(lib.exit_code, 2);
  EXPECT_NE(lib.output.find("nvml"), std::string::npos) << lib.output;
}

TEST_F(CliDetect, LibraryFlagSelectsATestDouble) {
  auto r =
      Run(std::string("detect --format json --library nvml=") + FAKE_NVML_HEALTHY + " 2>/dev/null");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto j = nlohmann::json::parse(r.output);
  bool found = false;
  for (const auto& p : j["platforms"])
    if (p["instance"] == "cuda:0" && p["available"] == true &&
        p["name"] == "Fake GPU (test double)")
      found = true;
  EXPECT_TRUE(found) << j["platforms"].dump(1);
}

TEST_F(CliDetect, CrashingLibraryViaEnvironmentDoesNotCrashDetect) {
  auto r = Run("detect --format csv 2>/dev/null",
               std::string("ACCELBENCH_NVML_LIBRARY=") + FAKE_NVML_SEGFAULTS);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\ncuda,cuda,false,,,nvml: probe crashed with signal 11"),
            std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace accelbench::hardware
