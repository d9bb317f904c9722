#!/usr/bin/env bash
# End-to-end quantization on libtorch (issue 11), tiny presets on this CPU: int8/int4 runs store
# their deviation from fp32 and weight bytes; a decode with an int4 KV cache stores memory per
# token and the longest context in a budget; tune-precision finds, benchmarks and stores a plan,
# and exits 1 when no plan meets the budget; an impossible precision is refused with its reason.
. "$(dirname "$0")/../e2e_lib.sh" "$1"
fast=(--min-iterations 3 --min-time 0.05 --budget 1 --warmup-max-time 0.2 --ci-target 0.5
      --no-progress-bar)
db="$tmp/q.duckdb"

out=$("$bin" run "${fast[@]}" --models bert --preset tiny --platforms cpu --precision fp32,int8,int4 \
  --seq 16 --db "$db" 2>&1); rc=$?
[ $rc = 0 ] && ok "bert fp32,int8,int4 runs" || bad "bert run rc $rc: $out"
n=$(q "$db" "SELECT count(*) FROM results WHERE status IN ('ok','not_converged') AND precision IN ('int8','int4') AND output_rel_dev > 0 AND output_rel_dev < 0.3 AND weight_bytes > 0")
[ "$n" = 2 ] && ok "int8/int4 results carry output_rel_dev and weight_bytes" || bad "quantized rows: $n"
n=$(q "$db" "SELECT count(*) FROM results WHERE precision='fp32' AND output_rel_dev IS NULL AND weight_bytes > 0")
[ "$n" = 1 ] && ok "fp32 has weight_bytes, no deviation" || bad "fp32 row: $n"
r=$(q "$db" "SELECT round(max(CASE WHEN precision='int4' THEN weight_bytes END) / max(CASE WHEN precision='fp32' THEN weight_bytes END), 3) FROM results")
echo "  bert tiny int4/fp32 weight bytes: $r"

out=$("$bin" run "${fast[@]}" --models llama --preset tiny --platforms cpu --precision int4 \
  --mode decode --seq 16 --backend-option kv_cache=int4 --backend-option memory_budget=1MiB \
  --db "$db" 2>&1); rc=$?
[ $rc = 0 ] && ok "llama int4 weights + int4 KV decode runs" || bad "llama decode rc $rc: $out"
n=$(q "$db" "SELECT count(*) FROM results WHERE model='llama' AND mode='decode' AND kv_bytes_per_token > 0 AND max_context_tokens > 0 AND kv_top1_agreement >= 0 AND decode_tokens_per_s > 0 AND top1_agreement >= 0 AND options_json LIKE '%kv_cache%'")
[ "$n" = 1 ] && ok "KV-cache fields stored" || bad "kv row: $n ($(q "$db" "SELECT status, reason FROM results WHERE model='llama'"))"

out=$("$bin" tune-precision bert --preset tiny --seq 16 --max-deviation 0.5 --objective memory \
  --steps 1 --min-time 0.05 --budget 1 --db "$db" 2>&1); rc=$?
[ $rc = 0 ] && ok "tune-precision finds a plan" || bad "tune rc $rc: $out"
echo "$out" | grep -q "chosen plan: default=fp32," && ok "prints the chosen plan" || bad "no plan: $out"
echo "$out" | grep -q "PREDICTED" && ok "predictions are labelled" || bad "unlabelled: $out"
n=$(q "$db" "SELECT count(*) FROM results r JOIN runs u ON r.run_id = u.run_id WHERE u.tags LIKE '%tune_precision%' AND r.options_json LIKE '%precision_plan%' AND r.output_rel_dev <= 0.5")
[ "$n" = 1 ] && ok "plan and result stored" || bad "stored plan rows: $n"

# Every llama group changes the logits (bert's pooler does not, so it meets even 0).
out=$("$bin" tune-precision llama --preset tiny --seq 16 --max-deviation 0 --steps 1 --db "$db" 2>&1); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q "no plan" && ok "budget nothing meets: exit 1" || bad "tight budget rc $rc: $out"
out=$("$bin" tune-precision bert --max-deviation 0.1 --objective speed --db "$db" 2>&1); rc=$?
[ $rc = 2 ] && ok "bad objective: exit 2" || bad "bad objective rc $rc: $out"

out=$("$bin" run "${fast[@]}" --models bert --preset tiny --platforms cpu --precision int8 \
  --mode training --seq 16 --db "$db" 2>&1)
n=$(q "$db" "SELECT count(*) FROM results WHERE mode='training' AND precision='int8' AND status<>'ok' AND reason LIKE '%inference only%'")
[ "$n" = 1 ] && ok "int8 training refused with its reason" || bad "int8 training: $n $out"
exit $fail
