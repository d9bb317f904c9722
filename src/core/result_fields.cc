#include <stdexcept>

#include "core/errors.h"
#include "core/result.h"

namespace accelbench {

std::string_view ToString(ResultStatus s) {
  switch (s) {
    case ResultStatus::kOk: return "ok";
    case ResultStatus::kNotConverged: return "not_converged";
    case ResultStatus::kFailed: return "failed";
    case ResultStatus::kSkipped: return "skipped";
  }
  return "?";
}

ResultStatus ParseResultStatus(std::string_view s) {
  if (s == "ok") return ResultStatus::kOk;
  if (s == "not_converged") return ResultStatus::kNotConverged;
  if (s == "failed") return ResultStatus::kFailed;
  if (s == "skipped") return ResultStatus::kSkipped;
  throw UsageError("unknown result status '" + std::string(s) +
                   "'; valid values are: ok, not_converged, failed, skipped");
}

namespace {

template <auto M>
FieldDef Str(const char* name, const char* desc, bool summary = false) {
  return {name, FieldType::kString, "", desc, summary,
          [](const ResultRecord& r) -> FieldValue { return r.*M; },
          [](ResultRecord& r, const FieldValue& v) {
            if (auto* s = std::get_if<std::string>(&v)) r.*M = *s;
          }};
}
template <auto M>
FieldDef Int(const char* name, const char* unit, const char* desc, bool summary = false) {
  return {name, FieldType::kInt, unit, desc, summary,
          [](const ResultRecord& r) -> FieldValue { return static_cast<int64_t>(r.*M); },
          [](ResultRecord& r, const FieldValue& v) {
            if (auto* i = std::get_if<int64_t>(&v)) r.*M = *i;
            else if (auto* d = std::get_if<double>(&v)) r.*M = static_cast<int64_t>(*d);
          }};
}
template <auto M>
FieldDef Real(const char* name, const char* unit, const char* desc, bool summary = false) {
  return {name, FieldType::kReal, unit, desc, summary,
          [](const ResultRecord& r) -> FieldValue {
            if (!(r.*M)) return std::monostate{};
            return *(r.*M);
          },
          [](ResultRecord& r, const FieldValue& v) {
            if (auto* d = std::get_if<double>(&v)) r.*M = *d;
            else if (auto* i = std::get_if<int64_t>(&v)) r.*M = static_cast<double>(*i);
            else r.*M = std::nullopt;
          }};
}
// issue 6: an optional integer (absent = NULL)
template <auto M>
FieldDef OptInt(const char* name, const char* unit, const char* desc, bool summary = false) {
  return {name, FieldType::kInt, unit, desc, summary,
          [](const ResultRecord& r) -> FieldValue {
            if (!(r.*M)) return std::monostate{};
            return *(r.*M);
          },
          [](ResultRecord& r, const FieldValue& v) {
            if (auto* i = std::get_if<int64_t>(&v)) r.*M = *i;
            else if (auto* d = std::get_if<double>(&v)) r.*M = static_cast<int64_t>(*d);
            else r.*M = std::nullopt;
          }};
}

FieldDef StatusField() {
  return {"status", FieldType::kString, "", "ok | not_converged | failed | skipped", true,
          [](const ResultRecord& r) -> FieldValue { return std::string(ToString(r.status)); },
          [](ResultRecord& r, const FieldValue& v) {
            if (auto* s = std::get_if<std::string>(&v)) r.status = ParseResultStatus(*s);
          }};
}

}  // namespace

const std::vector<FieldDef>& ResultFields() {
  using R = ResultRecord;
  static const std::vector<FieldDef> fields = {
      Str<&R::result_id>("result_id", "globally unique result id"),
      Str<&R::run_id>("run_id", "run (sweep) id"),
      Str<&R::config_key>("config_key", "stable key of the configuration"),
      Str<&R::host>("host", "host name"),
      Str<&R::started_utc>("started_utc", "start time, UTC ISO 8601"),
      Str<&R::origin>("origin", "measured, or imported:<format>"),
      Str<&R::model>("model", "model family", true),
      Str<&R::preset>("preset", "preset name", true),
      Str<&R::config_json>("config_json", "effective model config (JSON)"),
      Int<&R::params>("params", "", "parameter count"),
      Str<&R::platform>("platform", "hardware platform instance", true),
      Str<&R::platform_kind>("platform_kind", "hardware platform kind"),
      Str<&R::runtime>("runtime", "runtime that executed the model", true),
      Str<&R::runtime_version>("runtime_version", "runtime version"),
      Str<&R::execution_provider>("execution_provider", "execution provider (web/ORT)"),
      Str<&R::precision>("precision", "fp32 | fp16 | bf16 | int8 | int4", true),
      Str<&R::mode>("mode", "inference | prefill | decode | training", true),
      Int<&R::batch>("batch", "", "batch size", true),
      Int<&R::seq_len>("seq_len", "tokens", "sequence length (text) or 0"),
      Int<&R::threads>("threads", "", "CPU threads used by the runtime"),
      Str<&R::options_json>("options_json", "requested and effective options (JSON)"),
      StatusField(),
      Str<&R::reason>("reason", "failure/skip reason and warnings"),
      Int<&R::iterations>("iterations", "", "measured iterations"),
      Int<&R::warmup_iterations>("warmup_iterations", "", "warm-up iterations"),
      Real<&R::load_ms>("load_ms", "ms", "model load time"),
      Real<&R::first_inference_ms>("first_inference_ms", "ms", "first step after load"),
      Real<&R::time_to_steady_ms>("time_to_steady_ms", "ms", "time until steady state"),
      Real<&R::lat_min_ms>("lat_min_ms", "ms", "minimum step latency"),
      Real<&R::lat_mean_ms>("lat_mean_ms", "ms", "mean step latency"),
      Real<&R::lat_stddev_ms>("lat_stddev_ms", "ms", "standard deviation of step latency"),
      Real<&R::lat_cv>("lat_cv", "", "coefficient of variation"),
      Real<&R::lat_p50_ms>("lat_p50_ms", "ms", "median step latency", true),
      Real<&R::lat_p90_ms>("lat_p90_ms", "ms", "90th percentile latency"),
      Real<&R::lat_p95_ms>("lat_p95_ms", "ms", "95th percentile latency"),
      Real<&R::lat_p99_ms>("lat_p99_ms", "ms", "99th percentile latency", true),
      Real<&R::lat_p999_ms>("lat_p999_ms", "ms", "99.9th percentile latency"),
      Real<&R::lat_p50_ci_low_ms>("lat_p50_ci_low_ms", "ms", "95% CI of the median, low"),
      Real<&R::lat_p50_ci_high_ms>("lat_p50_ci_high_ms", "ms", "95% CI of the median, high"),
      Real<&R::throughput>("throughput", "items/s", "items (or tokens) per second", true),
      Str<&R::throughput_unit>("throughput_unit", "unit of throughput"),
      Real<&R::ttft_ms>("ttft_ms", "ms", "time to first token"),
      Real<&R::tpot_ms>("tpot_ms", "ms", "time per output token"),
      Real<&R::prefill_tokens_per_s>("prefill_tokens_per_s", "tokens/s", "prefill throughput"),
      Real<&R::decode_tokens_per_s>("decode_tokens_per_s", "tokens/s", "decode throughput"),
      Real<&R::peak_rss_mb>("peak_rss_mb", "MiB", "peak host resident memory", true),
      Real<&R::peak_device_mem_mb>("peak_device_mem_mb", "MiB", "peak device allocator memory"),
      Real<&R::flops_per_step>("flops_per_step", "FLOP", "model FLOPs per step"),
      Real<&R::achieved_tflops>("achieved_tflops", "TFLOP/s", "achieved FLOP rate"),
      Real<&R::fraction_of_peak>("fraction_of_peak", "", "achieved / calibrated peak FLOP rate"),
      Real<&R::energy_j_per_item>("energy_j_per_item", "J", "energy per item above idle"),
      Real<&R::output_max_abs_dev>("output_max_abs_dev", "", "max |out - out_fp32|"),
      Real<&R::output_rel_dev>("output_rel_dev", "", "||out - out_fp32|| / ||out_fp32||"),
      // issue 6
      Real<&R::fetch_ms>("fetch_ms", "ms", "model fetch time (part of load_ms; web/Node runtimes)"),
      Real<&R::session_create_ms>("session_create_ms", "ms",
                                  "ONNX Runtime session creation (part of load_ms)"),
      OptInt<&R::ep_nodes>("ep_nodes", "", "graph nodes placed on the execution provider"),
      OptInt<&R::cpu_fallback_nodes>("cpu_fallback_nodes", "",
                                     "graph nodes that fell back to the CPU execution provider"),
      Str<&R::runtime_metrics_json>("runtime_metrics_json",
                                    "timings reported by the runtime's own harness (JSON)"),
      // issue 10
      Str<&R::shard>("shard", "shard I/N of a sharded sweep (0-based index)"),
      OptInt<&R::world_size>("world_size", "", "data-parallel processes (training)"),
      Str<&R::comm_backend>("comm_backend", "gradient all-reduce backend"),
      Str<&R::topology>("topology", "hosts x ranks of a distributed run"),
      Real<&R::comm_ms>("comm_ms", "ms", "median all-reduce time per step"),
      Real<&R::comm_fraction>("comm_fraction", "", "share of the step spent in all-reduce"),
      Real<&R::allreduce_bytes>("allreduce_bytes", "B", "gradient bytes all-reduced per step"),
      Real<&R::scaling_efficiency>("scaling_efficiency", "",
                                   "samples/s / (world size x samples/s of one process)"),
      // issue 11
      Real<&R::weight_bytes>("weight_bytes", "B", "weights as stored (quantized + scales)"),
      Real<&R::top1_agreement>("top1_agreement", "",
                               "LLM: share of positions whose top-1 token matches fp32"),
      Real<&R::ppl_fp32>("ppl_fp32", "", "LLM: perplexity of fp32 weights on the seeded sequence"),
      Real<&R::ppl_delta>("ppl_delta", "", "LLM: perplexity minus ppl_fp32 (same sequence)"),
      Real<&R::kv_bytes_per_token>("kv_bytes_per_token", "B",
                                   "KV cache bytes per sequence token (all layers, K and V)"),
      Real<&R::max_context_tokens>("max_context_tokens", "",
                                   "longest context whose KV cache fits the memory budget"),
      Real<&R::kv_max_abs_dev>("kv_max_abs_dev", "", "decode logits max |dev| vs an fp16 cache"),
      Real<&R::kv_rel_dev>("kv_rel_dev", "", "kv_max_abs_dev / max |logit| of the fp16 cache"),
      Real<&R::kv_top1_agreement>("kv_top1_agreement", "",
                                  "decode steps whose top-1 token matches the fp16 cache"),
  };
  return fields;
}

const FieldDef* FindResultField(std::string_view name) {
  for (const auto& f : ResultFields())
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace accelbench
