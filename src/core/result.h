#pragma once
// The one typed result record. Its field table (result_fields.cc) drives the DuckDB DDL, the
// CSV/JSON/Markdown columns and the terminal table, so outputs cannot drift apart.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace accelbench {

enum class ResultStatus { kOk, kNotConverged, kFailed, kSkipped };
std::string_view ToString(ResultStatus s);
ResultStatus ParseResultStatus(std::string_view s);

struct ResultRecord {
  // identity
  std::string result_id;  // globally unique (uuid)
  std::string run_id;
  std::string config_key;  // stable key of the configuration (for resume and history)
  std::string host;
  std::string started_utc;  // ISO 8601
  std::string origin = "measured";  // or "imported:<format>"
  // configuration
  std::string model;   // family
  std::string preset;
  std::string config_json;  // effective model config
  int64_t params = 0;
  std::string platform;       // instance: "cpu", "cuda:0", "webgpu:swiftshader"
  std::string platform_kind;  // "cpu", "cuda", ...
  std::string runtime;        // "libtorch", "onnxruntime", "onnxruntime-web"
  std::string runtime_version;
  std::string execution_provider;
  std::string precision;
  std::string mode;
  int64_t batch = 1;
  int64_t seq_len = 0;
  int64_t threads = 0;
  std::string options_json;  // requested + effective harness/backend options
  // outcome
  ResultStatus status = ResultStatus::kOk;
  std::string reason;  // failure/skip reason, warnings
  int64_t iterations = 0;
  int64_t warmup_iterations = 0;
  // timings (milliseconds)
  std::optional<double> load_ms, first_inference_ms, time_to_steady_ms;
  std::optional<double> lat_min_ms, lat_mean_ms, lat_stddev_ms, lat_cv;
  std::optional<double> lat_p50_ms, lat_p90_ms, lat_p95_ms, lat_p99_ms, lat_p999_ms;
  std::optional<double> lat_p50_ci_low_ms, lat_p50_ci_high_ms;
  std::optional<double> throughput;  // items/s (sequences, images, clips; tokens for LLM modes)
  std::string throughput_unit;       // "items/s", "tokens/s", "samples/s"
  // LLM
  std::optional<double> ttft_ms, tpot_ms, prefill_tokens_per_s, decode_tokens_per_s;
  // resources
  std::optional<double> peak_rss_mb, peak_device_mem_mb;
  std::optional<double> flops_per_step, achieved_tflops, fraction_of_peak;
  std::optional<double> energy_j_per_item;
  // accuracy of lower precisions vs fp32 on the same inputs
  std::optional<double> output_max_abs_dev, output_rel_dev;
  // issue 6: runtimes that own their clock (browser page, Node child): load phases and
  // operator placement (nodes on the execution provider vs fallen back to the CPU EP)
  std::optional<double> fetch_ms, session_create_ms;
  std::optional<int64_t> ep_nodes, cpu_fallback_nodes;
  std::string runtime_metrics_json;  // every timing the harness page/child reported (JSON)
  // issue 10: sharded sweeps and distributed data-parallel training
  std::string shard;  // "I/N" of a sharded sweep ("" when not sharded)
  std::optional<int64_t> world_size;  // data-parallel processes (training scaling series)
  std::string comm_backend;           // "gloo (torch c10d)"
  std::string topology;               // "1 host x 2 ranks (loopback)"
  std::optional<double> comm_ms, comm_fraction, allreduce_bytes, scaling_efficiency;
  // issue 11: quantization (weights and KV cache), measured at load on the run's own inputs
  std::optional<double> weight_bytes;  // weights as stored (quantized forms + scales), bytes
  std::optional<double> top1_agreement, ppl_fp32, ppl_delta;  // LLMs, vs fp32 weights
  std::optional<double> kv_bytes_per_token;  // KV cache, all layers, per sequence token
  std::optional<double> max_context_tokens;  // longest context in the memory budget (tokens)
  std::optional<double> kv_max_abs_dev, kv_rel_dev, kv_top1_agreement;  // vs an fp16 KV cache
};

// ---- the field table ----
enum class FieldType { kString, kInt, kReal };
using FieldValue = std::variant<std::monostate, std::string, int64_t, double>;

struct FieldDef {
  const char* name;
  FieldType type;
  const char* unit;  // "" when dimensionless
  const char* description;
  bool summary;  // shown in the default terminal table
  FieldValue (*get)(const ResultRecord&);
  void (*set)(ResultRecord&, const FieldValue&);
};

const std::vector<FieldDef>& ResultFields();
const FieldDef* FindResultField(std::string_view name);

}  // namespace accelbench
