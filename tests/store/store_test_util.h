#pragma once
// Helpers shared by the store tests: temporary directories and sample records.
#include <unistd.h>

#include <filesystem>
#include <string>

#include "core/result.h"
#include "store/database.h"

namespace accelbench::store::testing {

// A fresh temporary directory, removed with its contents on destruction.
struct TempDir {
  std::filesystem::path dir;
  TempDir() {
    dir = std::filesystem::temp_directory_path() /
          ("accelbench-store-test-" + std::to_string(getpid()) + "-" + NewUuid());
    std::filesystem::create_directories(dir);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::string Path(const std::string& name) const { return (dir / name).string(); }
};

inline RunRecord MakeRun(const std::string& run_id) {
  RunRecord run;
  run.run_id = run_id;
  run.started_utc = "2026-11-27T10:00:00.000Z";
  run.tags = {{"purpose", "test"}};
  run.command = "accelbench run --models bert";
  run.settings_json = R"({"threads":2})";
  run.environment_json = R"({"host":"testhost","cpu":{"model":"Test CPU"}})";
  run.host = "testhost";
  return run;
}

inline ResultRecord MakeResult(const std::string& run_id, const std::string& key,
                               const std::string& platform = "cpu", double p50 = 10.0) {
  ResultRecord r;
  r.result_id = NewUuid();
  r.run_id = run_id;
  r.config_key = key;
  r.host = "testhost";
  r.started_utc = "2026-11-27T10:00:01.000Z";
  r.model = "bert";
  r.preset = "tiny";
  r.config_json = R"({"layers":2})";
  r.params = 1234;
  r.platform = platform;
  r.platform_kind = platform.substr(0, platform.find(':'));
  r.runtime = "libtorch";
  r.precision = "fp32";
  r.mode = "inference";
  r.batch = 1;
  r.seq_len = 128;
  r.iterations = 3;
  r.lat_p50_ms = p50;
  r.lat_mean_ms = p50 + 0.5;
  r.throughput = 1000.0 / p50;
  r.throughput_unit = "items/s";
  r.flops_per_step = 2e9;
  return r;
}

}  // namespace accelbench::store::testing
