// accelbench convert (src/convert): the generated vendor commands against golden files, the
// not-found path ("unavailable here: <reason>", exit 1), the found path with TEST-DOUBLE tools
// (shell scripts named fake_* inside a temporary PATH / QNN_SDK_ROOT that record their argv; no
// real OpenVINO or QNN here), a failing tool (exit 3), and ONNX validity of what is written.
// Regenerate the golden files with ACCELBENCH_UPDATE_GOLDEN=1.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "convert/convert.h"
#include "core/errors.h"
#include "models/lowering/onnx_export.h"
#include "onnx/onnx_test_util.h"

namespace accelbench {
namespace {

namespace fs = std::filesystem;
using convert::StepStatus;

std::string Read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void ExpectGolden(const std::string& name, const std::vector<convert::ToolCommand>& cmds) {
  std::string got;
  for (const auto& c : cmds) got += c.Render() + "\n";
  const fs::path golden = fs::path(ACCELBENCH_SOURCE_DIR) / "tests/quant/golden" / (name + ".txt");
  if (std::getenv("ACCELBENCH_UPDATE_GOLDEN")) {
    std::ofstream(golden) << got;
    return;
  }
  ASSERT_TRUE(fs::exists(golden)) << golden;
  EXPECT_EQ(got, Read(golden)) << name;
}

TEST(ConvertCommands, MatchGoldenFiles) {
  for (auto p : {Precision::kFp32, Precision::kFp16, Precision::kInt8, Precision::kInt4})
    ExpectGolden("convert_openvino_" + std::string(ToString(p)),
                 convert::OpenVinoCommands({"out/bert-tiny.onnx", "out/openvino", "bert-tiny", p}));
  for (auto p : {Precision::kFp32, Precision::kFp16, Precision::kInt8, Precision::kInt4}) {
    convert::QnnJob job;
    job.onnx = "out/bert-tiny-fp32.onnx";
    job.out_dir = "out/qnn";
    job.name = "bert_tiny";
    job.precision = p;
    job.inputs = {{"input_ids", {1, 128}}, {"attention_mask", {1, 128}}};
    if (p == Precision::kInt8 || p == Precision::kInt4)
      job.input_list = "out/qnn/calibration/input_list.txt";
    ExpectGolden("convert_qnn_" + std::string(ToString(p)), convert::QnnCommands(job));
  }
}

TEST(ConvertCommands, BadJobs) {
  convert::QnnJob job;
  job.precision = Precision::kInt8;  // no calibration list
  EXPECT_THROW(convert::QnnCommands(job), UsageError);
  job.precision = Precision::kBf16;
  EXPECT_THROW(convert::QnnCommands(job), UnsupportedError);
  EXPECT_THROW(convert::ParseTarget("tensorrt"), UsageError);
}

// A fixed environment for FindTool: only what the test sets.
convert::EnvFn Env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

// A test-double tool: records its argv (one per line) to <dir>/<name>.argv, and LD_LIBRARY_PATH
// to <dir>/<name>.env; exits with `status`.
void FakeTool(const fs::path& bin, const std::string& name, const fs::path& record,
              int status = 0) {
  fs::create_directories(bin);
  const fs::path p = bin / name;
  std::ofstream(p) << "#!/bin/sh\n# TEST DOUBLE (fake " << name << "), not the vendor tool\n"
                   << "for a in \"$@\"; do printf '%s\\n' \"$a\"; done > '"
                   << (record / (name + ".argv")).string() << "'\n"
                   << "printf '%s\\n' \"$LD_LIBRARY_PATH\" > '"
                   << (record / (name + ".env")).string() << "'\n"
                   << "echo 'fake " << name << " ran'\nexit " << status << "\n";
  ::chmod(p.c_str(), 0755);
}

std::vector<std::string> Lines(const fs::path& p) {
  std::vector<std::string> v;
  std::ifstream in(p);
  for (std::string l; std::getline(in, l);) v.push_back(l);
  return v;
}

convert::ConvertRequest BertTiny(convert::Target t, const std::string& precision,
                                 const fs::path& out) {
  convert::ConvertRequest r;
  r.family = "bert";
  r.preset = "tiny";
  r.target = t;
  r.precision = precision;
  r.out_dir = out.string();
  r.seq_len = 16;
  return r;
}

TEST(Convert, OpenVinoUnavailableWritesOnnxAndExitsOne) {
  onnx_test::TempDir dir;
  auto req = BertTiny(convert::Target::kOpenVino, "int8", dir.File("out"));
  req.env = Env({{"PATH", dir.File("empty-bin")}});
  const auto out = convert::Convert(req);
  ASSERT_EQ(out.steps.size(), 1u);
  EXPECT_EQ(out.steps[0].status, StepStatus::kUnavailable);
  EXPECT_EQ(out.steps[0].reason,
            "unavailable here: ovc: not in PATH, INTEL_OPENVINO_DIR is not set");
  EXPECT_EQ(out.ExitCode(), 1);
  models::CheckOnnxFile(out.onnx);  // the int8 QDQ model is valid ONNX
  EXPECT_NE(Read(out.manifest).find("\"status\": \"unavailable\""), std::string::npos);

  req.env = Env({{"PATH", dir.File("empty-bin")}, {"INTEL_OPENVINO_DIR", dir.File("ov")}});
  const auto out2 = convert::Convert(req);
  EXPECT_EQ(out2.steps[0].reason,
            "unavailable here: ovc: not in PATH nor under "
            "$INTEL_OPENVINO_DIR (" +
                dir.File("ov") + ")");
}

TEST(Convert, OpenVinoFoundRunsTheTestDoubleWithTheGeneratedArgv) {
  onnx_test::TempDir dir;
  FakeTool(dir.File("bin"), "ovc", dir.File(""));
  auto req = BertTiny(convert::Target::kOpenVino, "int4", dir.File("out"));
  req.env = Env({{"PATH", "/nonexistent:" + dir.File("bin")}});
  const auto out = convert::Convert(req);
  ASSERT_EQ(out.steps.size(), 1u);
  EXPECT_EQ(out.steps[0].status, StepStatus::kRan) << out.steps[0].reason;
  EXPECT_EQ(out.steps[0].tool_path, dir.File("bin") + "/ovc");
  EXPECT_EQ(out.ExitCode(), 0);
  EXPECT_EQ(Lines(dir.File("ovc.argv")), out.steps[0].command.args);
  EXPECT_EQ(Lines(out.steps[0].log), std::vector<std::string>{"fake ovc ran"});
  models::CheckOnnxFile(out.onnx);  // int4 MatMulNBits model (com.microsoft nodes skipped)
}

TEST(Convert, OpenVinoFoundUnderIntelOpenVinoDir) {
  onnx_test::TempDir dir;
  FakeTool(dir.File("ov/bin"), "ovc", dir.File(""));
  auto req = BertTiny(convert::Target::kOpenVino, "fp16", dir.File("out"));
  req.env = Env({{"PATH", "/nonexistent"}, {"INTEL_OPENVINO_DIR", dir.File("ov")}});
  const auto out = convert::Convert(req);
  EXPECT_EQ(out.steps.at(0).status, StepStatus::kRan);
  EXPECT_EQ(Lines(dir.File("ovc.argv")).back(), "--compress_to_fp16=True");
}

TEST(Convert, FailingToolExitsThree) {
  onnx_test::TempDir dir;
  FakeTool(dir.File("bin"), "ovc", dir.File(""), /*status=*/5);
  auto req = BertTiny(convert::Target::kOpenVino, "fp32", dir.File("out"));
  req.env = Env({{"PATH", dir.File("bin")}});
  const auto out = convert::Convert(req);
  EXPECT_EQ(out.steps.at(0).status, StepStatus::kFailed);
  EXPECT_EQ(out.steps.at(0).exit_code, 5);
  EXPECT_EQ(out.ExitCode(), 3);
}

TEST(Convert, QnnThreeStepsWithTestDoubleSdk) {
  onnx_test::TempDir dir;
  const fs::path sdk = dir.File("qnn-sdk");
  for (const char* t :
       {"qnn-onnx-converter", "qnn-model-lib-generator", "qnn-context-binary-generator"})
    FakeTool(sdk / "bin/x86_64-linux-clang", t, dir.File(""));
  auto req = BertTiny(convert::Target::kQnn, "int8", dir.File("out"));
  req.env = Env({{"PATH", "/nonexistent"}, {"QNN_SDK_ROOT", sdk.string()}});
  const auto out = convert::Convert(req);
  ASSERT_EQ(out.steps.size(), 3u);
  for (const auto& s : out.steps) {
    EXPECT_EQ(s.status, StepStatus::kRan) << s.command.tool << ": " << s.reason;
    EXPECT_EQ(Lines(dir.File(s.command.tool + ".argv")), s.command.args);
    EXPECT_EQ(Lines(dir.File(s.command.tool + ".env"))
                  .at(0)
                  .rfind((sdk / "lib/x86_64-linux-clang").string(), 0),
              0u);
  }
  EXPECT_EQ(out.ExitCode(), 0);
  const auto conv = out.steps[0].command.args;
  EXPECT_NE(std::find(conv.begin(), conv.end(), "--input_list"), conv.end());
  const auto list = Lines(dir.File("out/qnn/calibration/input_list.txt"));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_NE(list[0].find("input_ids:="), std::string::npos);
  models::CheckOnnxFile(out.onnx);  // QNN gets the fp32 model
}

TEST(Convert, QnnUnavailableStopsAtTheFirstStep) {
  onnx_test::TempDir dir;
  auto req = BertTiny(convert::Target::kQnn, "fp16", dir.File("out"));
  req.env = Env({{"PATH", "/nonexistent"}});
  const auto out = convert::Convert(req);
  ASSERT_EQ(out.steps.size(), 3u);
  for (const auto& s : out.steps) {
    EXPECT_EQ(s.status, StepStatus::kUnavailable);
    EXPECT_EQ(s.reason,
              "unavailable here: " + s.command.tool + ": not in PATH, QNN_SDK_ROOT is not set");
  }
  EXPECT_EQ(out.ExitCode(), 1);
  req.plan = "attention=int8";
  EXPECT_THROW(convert::Convert(req), UnsupportedError);
}

TEST(Convert, PrintOnlyRunsNothing) {
  onnx_test::TempDir dir;
  FakeTool(dir.File("bin"), "ovc", dir.File(""));
  auto req = BertTiny(convert::Target::kOpenVino, "fp32", dir.File("out"));
  req.env = Env({{"PATH", dir.File("bin")}});
  req.print_only = true;
  const auto out = convert::Convert(req);
  EXPECT_EQ(out.steps.at(0).status, StepStatus::kPrinted);
  EXPECT_EQ(out.ExitCode(), 0);
  EXPECT_FALSE(fs::exists(dir.File("ovc.argv")));
}

}  // namespace
}  // namespace accelbench
