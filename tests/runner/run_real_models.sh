#!/usr/bin/env bash
# End-to-end: `accelbench run` on real tiny models (libtorch, CPU) into a temporary database, every
# mode, then the results read back with SQL through `accelbench db query`.
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/real.duckdb
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }

quick=(--threads 1 --min-iterations 3 --min-time 0.05 --budget 0.5 --warmup-max-time 0.5 --no-progress-bar)
"$bin" run --models bert,llama --preset tiny --batch 1,2 --seq 16 \
  --mode inference,training,prefill,decode --db "$db" --tag suite=e2e "${quick[@]}" \
  --format csv > "$tmp/out.csv" 2> "$tmp/err.txt"
rc=$?
check "run exits 0 (got $rc)" '[ $rc -eq 0 ]'
[ $rc -eq 0 ] || cat "$tmp/err.txt"

q() { "$bin" db query --db "$db" --format csv "$1" 2>&1 | tail -n +2; }
# bert: inference + training (prefill/decode are skipped: not generative) x 2 batches;
# llama: all 4 modes x 2 batches.
check "12 measured results" '[ "$(q "select count(*) from results where status in ('"'ok'"','"'not_converged'"')")" = 12 ]'
check "4 skipped (bert prefill/decode) with a reason" \
  '[ "$(q "select count(*) from results where status='"'skipped'"' and model='"'bert'"' and reason <> '"''"'")" = 4 ]'
check "one raw sample per measured iteration" \
  '[ "$(q "select count(*) from results r where status in ('"'ok'"','"'not_converged'"') and iterations >= 1 and (select count(*) from samples s where s.result_id=r.result_id) = iterations")" = 12 ]'
check "p50 between min and p99" \
  '[ "$(q "select count(*) from results where lat_p50_ms is not null and not (lat_min_ms <= lat_p50_ms and lat_p50_ms <= lat_p99_ms)")" = 0 ]'
check "decode reports TPOT and tokens/s" \
  '[ "$(q "select count(*) from results where model='"'llama'"' and mode='"'decode'"' and tpot_ms > 0 and decode_tokens_per_s > 0")" = 2 ]'
check "prefill reports TTFT" \
  '[ "$(q "select count(*) from results where mode='"'prefill'"' and ttft_ms > 0 and prefill_tokens_per_s > 0")" = 2 ]'
check "FLOPs and parameter counts recorded" \
  '[ "$(q "select count(*) from results where status<>'"'skipped'"' and (params <= 0 or flops_per_step <= 0)")" = 0 ]'
check "run tagged and environment stored" \
  '[ -n "$(q "select run_id from runs where tags like '"'%e2e%'"'")" ]'
check "csv summary printed one row per configuration" '[ "$(grep -c ",bert,tiny,\|,llama,tiny," "$tmp/out.csv" 2>/dev/null || true)" -ge 12 ]'
exit $fail
