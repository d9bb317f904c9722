#pragma once
// What a sweep asks for (requested settings, straight from flags or a sweep file) and what it
// will do (effective settings, validated and normalised). Both are recorded with every run.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/enums.h"

namespace accelbench::runner {

// Measurement defaults (see README.md for the reasoning and the anchors they follow).
struct HarnessOptions {
  int64_t min_iterations = 10;  // stop rule: at least this many measured iterations
  double min_time_s = 1.0;      // ... and at least this much measured time
  double ci_target = 0.01;      // ... and the 95% CI of the median within 1% of the median
  double confidence = 0.95;
  double budget_s = 20.0;          // per-configuration measurement budget -> not_converged
  int64_t warmup_min = 3;          // warm-up iterations at least (after the first inference)
  int64_t warmup_max = 200;        // warm-up cap (count)
  double warmup_max_s = 5.0;       // warm-up cap (time)
  int64_t warmup_window = 5;       // steady state: two adjacent windows of this many iterations
  double warmup_tolerance = 0.05;  // ... whose medians agree within 5%
  double rss_poll_ms = 5.0;        // host RSS polling period of the side thread
  double idle_power_s = 0.2;       // idle-power measurement before each configuration (RAPL)
  bool calibrate = true;           // run the GEMM calibration once per device+precision
};

// Requested settings: strings as the user typed them.
struct SweepRequest {
  std::vector<std::string> models;
  std::vector<std::string> platforms;   // kinds ("cpu", "cuda") or instances ("cuda:1")
  std::vector<std::string> precisions;  // default fp32
  std::vector<std::string> modes;       // default inference
  std::vector<int64_t> batches;         // default 1
  std::vector<int64_t> seq_lens;        // default 128
  std::string preset;                   // default: each family's reference preset
  std::vector<std::string> sets;        // model config overrides key=value
  std::map<std::string, std::string> backend_options;
  std::string runtime = "libtorch";
  int64_t threads = 0;  // 0 = all cores
  std::string source;   // "flags" or the sweep file path
};

// Effective settings: parsed, defaulted and validated.
struct Sweep {
  std::vector<std::string> models;
  std::vector<std::string> platforms;
  std::vector<Precision> precisions;
  std::vector<Mode> modes;
  std::vector<int64_t> batches;
  std::vector<int64_t> seq_lens;
  std::string preset;
  std::vector<std::string> sets;
  std::map<std::string, std::string> backend_options;
  std::string runtime;
  int64_t threads = 0;
};

// The runtime name of the backend test double (never in the default suite or runtime listings).
inline constexpr const char* kTestDoubleRuntime = "test-double";

// Splits "a,b,c" (empty items dropped).
std::vector<std::string> SplitList(const std::string& s);

// Parses a YAML or JSON sweep file into `req` (fields present in the file replace those in req;
// a `harness:` mapping updates `harness`). Throws UsageError "FILE:LINE: problem".
void LoadSweepFile(const std::string& path, SweepRequest& req, HarnessOptions& harness);

// Validates and normalises. Throws UsageError listing valid values for unknown names.
Sweep Normalize(const SweepRequest& req);
// Validates harness options (positive times/counts...). Throws UsageError.
void ValidateHarness(const HarnessOptions& h);

std::string ToJson(const SweepRequest& r);
std::string ToJson(const Sweep& s);
std::string ToJson(const HarnessOptions& h);
// Inverses of ToJson (for --resume, which rebuilds the plan from the stored run settings).
Sweep SweepFromJson(const std::string& text);
HarnessOptions HarnessFromJson(const std::string& text);

}  // namespace accelbench::runner
