#include "backends/torch/torch_quant_eval.h"

#include <cmath>
#include <limits>

#include "core/errors.h"

namespace accelbench::backends::torch_backend {
namespace {

void Deviation(const at::Tensor& ref, const at::Tensor& out, const std::string& prefix,
               QuantEval& ev) {
  at::Tensor r = ref.to(at::kFloat), o = out.to(at::kFloat);
  const double max_abs = (o - r).abs().max().item<double>();
  const double max_ref = r.abs().max().item<double>();
  if (!std::isfinite(max_abs))
    throw RuntimeError(
        "quantized output is not finite (a quantized weight was used outside "
        "Linear/Embedding, or the scheme overflowed)");
  ev.fields[prefix + "max_abs_dev"] = max_abs;
  if (max_ref > 0) ev.fields[prefix + "rel_dev"] = max_abs / max_ref;
}

double Top1(const at::Tensor& ref, const at::Tensor& out) {
  return at::argmax(ref, -1).eq(at::argmax(out, -1)).to(at::kDouble).mean().item<double>();
}

// exp(mean next-token cross-entropy) of logits [B, S, V] on ids [B, S].
double Perplexity(const at::Tensor& logits, const at::Tensor& ids) {
  const int64_t s = logits.size(1), v = logits.size(2);
  at::Tensor lp = at::log_softmax(logits.slice(1, 0, s - 1).to(at::kFloat), -1).reshape({-1, v});
  at::Tensor tgt = ids.slice(1, 1, s).reshape({-1}).to(lp.device(), at::kLong);
  return std::exp(-lp.gather(1, tgt.unsqueeze(1)).mean().item<double>());
}

}  // namespace

QuantEval QuantizeAndEvaluate(QuantTorchOps& ops, const std::function<at::Tensor()>& forward,
                              const at::Tensor& ids) {
  QuantEval ev;
  at::Tensor ref = forward().clone();
  const int64_t n = ops.Quantize();
  at::Tensor out = forward();
  Deviation(ref, out, "output_", ev);
  ev.fields["weight_bytes"] = static_cast<double>(ops.WeightBytes());
  ev.details["quantized_weights"] = std::to_string(n);
  ev.details["precision_plan"] = ops.plan().ToString();
  ev.details["int4_group_size"] = ops.plan().int4_group_size > 0
                                      ? std::to_string(ops.plan().int4_group_size)
                                      : std::string("channel");
  ev.details["deviation_reference"] = "fp32 weights, same inputs, same process";
  const bool lm = ids.defined() && ref.dim() == 3 && ids.dim() == 2 && ref.size(1) == ids.size(1);
  if (lm) {
    ev.fields["top1_agreement"] = Top1(ref, out);
    if (ref.size(1) >= 2) {
      const double p_ref = Perplexity(ref, ids), p_out = Perplexity(out, ids);
      ev.fields["ppl_fp32"] = p_ref;
      ev.fields["ppl_delta"] = p_out - p_ref;
    }
  }
  return ev;
}

QuantEval EvaluateKvCache(QuantTorchOps& ops, const models::Family& family,
                          const models::Config& cfg,
                          const std::function<at::Tensor(models::DecodeState&)>& prefill,
                          int64_t steps, int64_t batch, std::optional<int64_t> budget_bytes) {
  QuantEval ev;
  const KvPrecision target = ops.kv_precision();
  auto run = [&](KvPrecision kv, std::vector<at::Tensor>* ids, models::DecodeState& st) {
    ops.set_kv_precision(kv);
    std::vector<at::Tensor> logits;
    at::Tensor last = prefill(st);
    const bool record = ids->empty();
    for (int64_t i = 0; i < steps; ++i) {
      if (record) ids->push_back(at::argmax(last.select(1, -1), -1).unsqueeze(1));
      last = TorchOps::Unwrap(family.Decode(ops, cfg, TorchOps::Wrap((*ids)[i]), st));
      logits.push_back(last.select(1, -1).to(at::kFloat));
    }
    return at::stack(logits, 1);  // [B, steps, V]
  };
  std::vector<at::Tensor> ids;
  models::DecodeState ref_st, st;
  at::Tensor ref = run(KvPrecision::kFp16, &ids, ref_st);
  const int64_t fp16_bytes = KvCacheBytes(ref_st);
  ref_st = {};
  at::Tensor out = run(target, &ids, st);
  ops.set_kv_precision(target);
  Deviation(ref, out, "kv_", ev);
  ev.fields["kv_top1_agreement"] = Top1(ref, out);
  const double tokens = static_cast<double>(batch * st.length);
  if (tokens <= 0) throw RuntimeError("KV cache evaluation: empty cache after decode");
  int64_t fixed = 0;  // per-head scales: stored once, not per token
  const int64_t total = KvCacheBytes(st, &fixed);
  const double per_token = static_cast<double>(total - fixed) / tokens;
  const double fixed_per_seq = static_cast<double>(fixed) / static_cast<double>(batch);
  ev.fields["kv_bytes_per_token"] = per_token;
  ev.details["kv_cache"] = ToString(target);
  ev.details["kv_fp16_bytes_per_token"] = std::to_string(static_cast<double>(fp16_bytes) / tokens);
  ev.details["kv_ratio_vs_fp16"] =
      std::to_string(static_cast<double>(fp16_bytes) / tokens / per_token);
  ev.details["kv_deviation_reference"] =
      "fp16 KV cache, same weights, " + std::to_string(steps) + " teacher-forced decode steps";
  ev.details["kv_scales"] =
      target == KvPrecision::kFp16 ? "none (fp16 values)"
      : ops.kv_per_head()
          ? "one fp16 scale per (sequence, KV head), fixed at prefill; " +
                std::to_string(static_cast<int64_t>(fixed_per_seq)) +
                " B per sequence, not counted per token"
          : "one fp16 scale per (token, KV head) over the head dim, counted per token";
  if (budget_bytes) {
    const double left =
        static_cast<double>(*budget_bytes) - static_cast<double>(ops.WeightBytes()) - fixed_per_seq;
    ev.fields["max_context_tokens"] = left > 0 ? std::floor(left / per_token) : 0;
    ev.details["memory_budget_bytes"] = std::to_string(*budget_bytes);
  }
  return ev;
}

int64_t ParseBytes(const std::string& s) {
  size_t pos = 0;
  double v = 0;
  try {
    v = std::stod(s, &pos);
  } catch (const std::exception&) {
    pos = 0;
  }
  std::string unit = s.substr(pos);
  double mult = 0;
  if (unit.empty() || unit == "B")
    mult = 1;
  else if (unit == "KiB")
    mult = 1024.0;
  else if (unit == "MiB")
    mult = 1024.0 * 1024;
  else if (unit == "GiB")
    mult = 1024.0 * 1024 * 1024;
  else if (unit == "KB")
    mult = 1e3;
  else if (unit == "MB")
    mult = 1e6;
  else if (unit == "GB")
    mult = 1e9;
  if (pos == 0 || mult == 0 || v <= 0)
    throw UsageError("memory budget '" + s + "' is not a positive size like 512MiB, 2GiB, 1.5GB");
  return static_cast<int64_t>(v * mult);
}

}  // namespace accelbench::backends::torch_backend
