#!/usr/bin/env bash
# Issue 6, `accelbench run` on wasm in headless Chromium: (1) the warm-up inside session creation
# (shader_precompile=on) runs on the job's real input shapes, not on symbolic dims read as 1;
# (2) a configuration too large for the browser -- bert tiny at batch 129000 x seq 128: the word
# embedding output alone is 4.23e9 bytes, which with the inputs (2 x 132 MB int64) is beyond
# wasm32's 4 GiB linear memory -- is a stored failed result whose reason is the runtime's own
# "std::bad_alloc", prefixed "out of memory: ", with no browser process left and no hang.
# Nothing large is written to disk (inputs are served from memory). Skips without Chromium.
. "$(dirname "$0")/../e2e_lib.sh" "$1"
src=$(cd "$(dirname "$0")/../.." && pwd)
. "$src/tests/browser/browser_procs.sh"
# one CSV value per line, CSV quoting undone
fast=(--min-iterations 3 --min-time 0.1 --budget 2 --warmup-max-time 1 --ci-target 0.5
      --no-progress-bar --platforms wasm --threads 2 --backend-option placement=off)

if [ ! -x "${ACCELBENCH_CHROMIUM:-/usr/lib/chromium/chromium}" ]; then
  echo "skip: chromium is not installed"; exit 77
fi
if [ ! -f "$src/third_party/web/node_modules/onnxruntime-web/dist/ort.all.min.mjs" ]; then
  echo "skip: onnxruntime-web missing (scripts/setup)"; exit 77
fi
export TMPDIR="$tmp/t"
mkdir -p "$TMPDIR"

# ---- (1) warm-up on the real shapes ----
db="$tmp/shapes.duckdb"
"$bin" run "${fast[@]}" --models bert --preset tiny --batch 2 --seq 8 \
  --backend-option shader_precompile=on --db "$db" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 0 ] && ok "precompile run exits 0" || { bad "precompile run rc $rc"; cat "$tmp/err"; }
r=$(qu "$db" "SELECT status || '|' || runtime_metrics_json FROM results")
echo "$r" | grep -Eq '^(ok|not_converged)\|' && ok "measured" || bad "row: $r"
echo "$r" | grep -q '"warmup_shapes":{"attention_mask":\[2,8\],"input_ids":\[2,8\]}' \
  && ok "warm-up ran on the real shapes [2,8]" || bad "warm-up shapes: $r"

# ---- (2) too large for the browser: a stored failure, no hang, no browser left ----
db="$tmp/oom.duckdb"
start=$(date +%s)
timeout 300 "$bin" run "${fast[@]}" --models bert --preset tiny --batch 129000 --seq 128 \
  --time-limit 240 --db "$db" >/dev/null 2>"$tmp/err"; rc=$?
took=$(( $(date +%s) - start ))
[ $rc != 124 ] && ok "no hang (rc $rc, ${took}s)" || bad "run hung (timeout)"
r=$(qu "$db" "SELECT status || '|' || reason || '|' || (lat_p50_ms IS NULL)::INT FROM results")
echo "$r"
echo "$r" | grep -q '^failed|' && ok "stored as failed" || { bad "status: $r"; cat "$tmp/err"; }
echo "$r" | grep -q 'out of memory: .*bad_alloc' && ok "the browser's reason (out of memory)" \
  || bad "reason: $r"
echo "$r" | grep -q '|1$' && ok "no latency stored" || bad "a number was stored: $r"

sleep 1
left=$(browser_procs "$TMPDIR")
[ -z "$left" ] && ok "no browser process left" || bad "browser processes left: $left"
exit $fail
