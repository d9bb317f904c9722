#pragma once
// Comparative analysis over stored results: speedup vs a baseline configuration (bootstrap CI of
// the ratio of medians from the raw samples), precision gains with output deviation, batch scaling
// efficiency and training vs inference cost. Pure functions over records; the caller supplies the
// samples through a lookup, so the analysis is testable without a database.
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"

namespace accelbench::analysis {

// The reference configuration. An unset field must equal the candidate's own value.
struct Baseline {
  std::optional<std::string> platform = "cpu", runtime = "libtorch", precision = "fp32";
  std::string Describe() const;
};
// "platform=cpu,precision=fp32,runtime=libtorch" (any subset; "" = the default). UsageError on
// unknown keys or malformed text.
Baseline ParseBaseline(std::string_view spec);

enum class ComparisonKind { kSpeedup, kPrecision, kBatchScaling, kTrainVsInfer };
std::string_view ToString(ComparisonKind k);

struct ComparisonRecord {
  ComparisonKind kind = ComparisonKind::kSpeedup;
  std::string model, preset, mode, platform, runtime, precision;
  int64_t batch = 0, seq_len = 0;
  std::string reference;  // the configuration compared against ("cpu/libtorch/fp32", "batch=1")
  // speedup (x), efficiency (fraction) or cost ratio (x); empty when there is no reference
  std::optional<double> value, ci_low, ci_high;
  std::optional<double> metric, reference_metric;  // the compared quantities
  std::string metric_name;                         // "median latency (ms)", "throughput"
  std::optional<double> output_max_abs_dev, output_rel_dev;
  std::string flags;  // "no baseline", "threads differ (4 vs 8)", "not_converged", ...
  std::string result_id, reference_result_id;
};

struct ComparisonField {
  const char* name;
  FieldType type;
  const char* unit;
  FieldValue (*get)(const ComparisonRecord&);
};
const std::vector<ComparisonField>& ComparisonFields();

using SampleLookup = std::function<std::vector<double>(const std::string& result_id)>;

struct CompareOptions {
  Baseline baseline;
  int resamples = 2000;
  double confidence = 0.95;
};

// Only ok / not_converged results take part. Order: speedups, precision, batch scaling,
// training vs inference; each sorted by model, preset, mode, batch, platform, runtime, precision.
std::vector<ComparisonRecord> Compare(std::span<const ResultRecord> results,
                                      const SampleLookup& samples, const CompareOptions& opt = {});

// Writes comparisons as "table", "csv", "json", "jsonl" or "md" (UsageError otherwise).
void WriteComparisons(std::span<const ComparisonRecord> rows, std::string_view format,
                      std::ostream& out);

}  // namespace accelbench::analysis
