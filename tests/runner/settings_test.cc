// Sweep files (YAML/JSON) and settings normalisation: errors name file, line and problem.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/errors.h"
#include "runner/settings.h"

namespace accelbench::runner {
namespace {

std::string WriteTemp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("accelbench_runner_test_" + std::to_string(getpid()) + "_" + name);
  std::ofstream(path) << text;
  return path.string();
}

std::string ErrorOf(const std::string& path) {
  SweepRequest req;
  HarnessOptions h;
  try {
    LoadSweepFile(path, req, h);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(SweepFile, YamlLoadsEveryKey) {
  const auto p = WriteTemp("ok.yaml",
                           "models: [a, b]\nplatforms: cpu\nbatch: [1, 8]\nprecision: fp32,bf16\n"
                           "mode: inference\nseq: 64\npreset: tiny\nruntime: test-double\n"
                           "options: {latency_ms: 2}\nharness:\n  min_iterations: 20\n");
  SweepRequest req;
  HarnessOptions h;
  LoadSweepFile(p, req, h);
  EXPECT_EQ(req.models, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(req.batches, (std::vector<int64_t>{1, 8}));
  EXPECT_EQ(req.precisions, (std::vector<std::string>{"fp32", "bf16"}));
  EXPECT_EQ(req.seq_lens, (std::vector<int64_t>{64}));
  EXPECT_EQ(req.backend_options.at("latency_ms"), "2");
  EXPECT_EQ(h.min_iterations, 20);
  EXPECT_EQ(req.source, p);
  const Sweep s = Normalize(req);
  EXPECT_EQ(s.precisions, (std::vector<Precision>{Precision::kFp32, Precision::kBf16}));
}

TEST(SweepFile, JsonLoads) {
  const auto p = WriteTemp("ok.json", "{\"models\": [\"x\"], \"batch\": [2, 4]}\n");
  SweepRequest req;
  HarnessOptions h;
  LoadSweepFile(p, req, h);
  EXPECT_EQ(req.batches, (std::vector<int64_t>{2, 4}));
}

TEST(SweepFile, UnknownKeyNamesFileAndLine) {
  const auto p = WriteTemp("bad1.yaml", "models: [a]\n\nmodles: [b]\n");
  const auto e = ErrorOf(p);
  EXPECT_NE(e.find(p + ":3: unknown key 'modles'"), std::string::npos) << e;
  EXPECT_NE(e.find("valid keys are"), std::string::npos) << e;
}

TEST(SweepFile, BadIntegerNamesLine) {
  const auto p = WriteTemp("bad2.yaml", "models: [a]\nbatch: [1, eight]\n");
  const auto e = ErrorOf(p);
  EXPECT_NE(e.find(p + ":2: 'batch' must be an integer, got 'eight'"), std::string::npos) << e;
}

TEST(SweepFile, SyntaxErrorNamesLine) {
  const auto p = WriteTemp("bad3.yaml", "models: [a, b\nbatch: 1\n");
  const auto e = ErrorOf(p);
  EXPECT_EQ(e.rfind(p + ":", 0), 0u) << e;
  EXPECT_NE(e.find(":2:"), std::string::npos) << e;
  const auto pj = WriteTemp("bad4.json", "{\n  \"models\": [\"a\"],\n  \"batch\": [1,,]\n}\n");
  const auto ej = ErrorOf(pj);
  EXPECT_NE(ej.find(pj + ":3:"), std::string::npos) << ej;
}

TEST(SweepFile, UnknownHarnessKey) {
  const auto p = WriteTemp("bad5.yaml", "models: [a]\nharness:\n  min_iters: 3\n");
  EXPECT_NE(ErrorOf(p).find(p + ":3: unknown harness key 'min_iters'"), std::string::npos);
}

TEST(SweepFile, KeyGivenTwiceNamesBothLines) {
  const auto p = WriteTemp("dup1.yaml", "models: [a]\nbatch: [1]\nbatch: [8]\n");
  EXPECT_NE(ErrorOf(p).find(p + ":3: key 'batch' given twice (first on line 2)"), std::string::npos)
      << ErrorOf(p);
  const auto h = WriteTemp("dup2.yaml", "models: [a]\nharness:\n  budget_s: 1\n  budget_s: 9\n");
  EXPECT_NE(ErrorOf(h).find(h + ":4: key 'budget_s' given twice"), std::string::npos) << ErrorOf(h);
  const auto o =
      WriteTemp("dup3.json", "{\"models\": [\"a\"],\n \"options\": {\"x\": 1, \"x\": 2}}\n");
  EXPECT_NE(ErrorOf(o).find("key 'x' given twice"), std::string::npos) << ErrorOf(o);
}

TEST(Normalize, UnknownNamesListValidValues) {
  SweepRequest req;
  req.runtime = kTestDoubleRuntime;
  req.models = {"a"};
  req.platforms = {"tpu"};
  try {
    Normalize(req);
    FAIL() << "no error";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("cuda"), std::string::npos) << e.what();
  }
  req.platforms = {"cpu"};
  req.precisions = {"fp33"};
  EXPECT_THROW(Normalize(req), UsageError);
  req.precisions = {"fp32"};
  req.modes = {"serving"};
  EXPECT_THROW(Normalize(req), UsageError);
  req.modes = {};
  req.batches = {0};
  EXPECT_THROW(Normalize(req), UsageError);
  req.batches = {};
  const Sweep s = Normalize(req);
  EXPECT_EQ(s.batches, (std::vector<int64_t>{1}));
  EXPECT_EQ(s.modes, (std::vector<Mode>{Mode::kInference}));
  EXPECT_EQ(s.platforms, (std::vector<std::string>{"cpu"}));
}

TEST(Normalize, UnknownFamilyIsUsageError) {
  SweepRequest req;
  req.models = {"no-such-family"};
  EXPECT_THROW(Normalize(req), UsageError);
}

}  // namespace
}  // namespace accelbench::runner
