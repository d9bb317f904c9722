// Golden-output tests for every reporter on a fixed set of records, plus checks that every format
// is generated from the field table. Regenerate the golden files after an intended change with
//   ACCELBENCH_UPDATE_GOLDEN=1 ctest -R Reporter
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/errors.h"
#include "report/reporter.h"

namespace accelbench::report {
namespace {

std::vector<ResultRecord> FixedRecords() {
  ResultRecord a;
  a.result_id = "00000000-0000-4000-8000-000000000001";
  a.run_id = "run-1";
  a.config_key = "bert/base/cpu/libtorch/fp32/inference/b1/s128";
  a.host = "host-a";
  a.started_utc = "2026-11-27T10:00:00.000Z";
  a.model = "bert";
  a.preset = "base";
  a.config_json = R"({"hidden":768,"layers":12})";
  a.params = 109482240;
  a.platform = "cpu";
  a.platform_kind = "cpu";
  a.runtime = "libtorch";
  a.runtime_version = "1.13.1";
  a.precision = "fp32";
  a.mode = "inference";
  a.batch = 1;
  a.seq_len = 128;
  a.threads = 2;
  a.options_json = "{}";
  a.iterations = 120;
  a.warmup_iterations = 10;
  a.load_ms = 812.25;
  a.lat_min_ms = 24.5;
  a.lat_mean_ms = 25.125;
  a.lat_stddev_ms = 0.3;
  a.lat_cv = 0.01194;
  a.lat_p50_ms = 25.0;
  a.lat_p99_ms = 26.75;
  a.throughput = 40.0;
  a.throughput_unit = "items/s";
  a.peak_rss_mb = 1536.5;
  a.flops_per_step = 2.9e10;

  ResultRecord b = a;
  b.result_id = "00000000-0000-4000-8000-000000000002";
  b.config_key = "vit/base/cuda:0/libtorch/bf16/inference/b8/s0";
  b.model = "vit";
  b.platform = "cuda:0";
  b.platform_kind = "cuda";
  b.precision = "bf16";
  b.batch = 8;
  b.seq_len = 0;
  b.lat_p50_ms = 1.0 / 3.0;
  b.lat_p99_ms = 0.5;
  b.throughput = 24000.123456;
  b.peak_device_mem_mb = 900;
  b.reason = "high CV, \"warm\" | check, please";

  ResultRecord c = a;
  c.result_id = "00000000-0000-4000-8000-000000000003";
  c.config_key = "whisper/tiny/cpu/libtorch/int8/inference/b1/s0";
  c.model = "whisper";
  c.preset = "tiny";
  c.precision = "int8";
  c.status = ResultStatus::kFailed;
  c.reason = "killed by signal 9\n(out of memory)";
  c.iterations = 0;
  c.lat_min_ms = c.lat_mean_ms = c.lat_stddev_ms = c.lat_cv = std::nullopt;
  c.lat_p50_ms = c.lat_p99_ms = c.throughput = c.peak_rss_mb = std::nullopt;
  return {a, b, c};
}

std::string Render(const std::string& format) {
  auto records = FixedRecords();
  std::ostringstream out;
  MakeReporter(format)->Report(records, out);
  return out.str();
}

std::string GoldenPath(const std::string& name) {
  return std::string(ACCELBENCH_GOLDEN_DIR) + "/" + name;
}

class GoldenTest : public ::testing::TestWithParam<std::pair<std::string, std::string>> {};

TEST_P(GoldenTest, MatchesGoldenFile) {
  auto [format, file] = GetParam();
  std::string got = Render(format);
  std::string path = GoldenPath(file);
  if (std::getenv("ACCELBENCH_UPDATE_GOLDEN")) {
    std::ofstream(path, std::ios::binary) << got;
    GTEST_SKIP() << "updated " << path;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing golden file " << path;
  std::stringstream want;
  want << in.rdbuf();
  EXPECT_EQ(got, want.str()) << "format " << format << " differs from " << path;
}

INSTANTIATE_TEST_SUITE_P(
    Reporter, GoldenTest,
    ::testing::Values(std::pair<std::string, std::string>{"table", "table.txt"},
                      std::pair<std::string, std::string>{"csv", "results.csv"},
                      std::pair<std::string, std::string>{"json", "results.json"},
                      std::pair<std::string, std::string>{"jsonl", "results.jsonl"},
                      std::pair<std::string, std::string>{"md", "results.md"}));

TEST(Reporter, CsvHeaderAndJsonKeysAreTheFieldTable) {
  std::string csv = Render("csv");
  std::string header = csv.substr(0, csv.find('\n'));
  std::string want;
  for (const auto& f : ResultFields()) want += (want.empty() ? "" : ",") + std::string(f.name);
  EXPECT_EQ(header, want);
  auto arr = nlohmann::ordered_json::parse(Render("json"));
  ASSERT_EQ(arr.size(), 3u);
  size_t i = 0;
  for (auto& [k, v] : arr[0].items()) EXPECT_EQ(k, ResultFields()[i++].name);
  EXPECT_EQ(i, ResultFields().size());
  EXPECT_TRUE(arr[2]["lat_p50_ms"].is_null());
  EXPECT_DOUBLE_EQ(arr[1]["lat_p50_ms"].get<double>(), 1.0 / 3.0);  // exact, not rounded
}

TEST(Reporter, TablesShowSummaryFieldsWithUnits) {
  std::string table = Render("table");
  std::string md = Render("md");
  for (const auto& f : ResultFields()) {
    bool in_table = table.substr(0, table.find('\n')).find(HeaderWithUnit(f)) != std::string::npos;
    if (f.summary) {
      EXPECT_TRUE(in_table) << f.name;
      EXPECT_NE(md.find(HeaderWithUnit(f)), std::string::npos) << f.name;
    }
  }
  EXPECT_NE(table.find("lat_p50_ms (ms)"), std::string::npos);
}

TEST(Reporter, UnknownFormatListsValidOnes) {
  try {
    MakeReporter("xml");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("table, csv, json, jsonl, md"), std::string::npos);
  }
}

}  // namespace
}  // namespace accelbench::report
