#!/usr/bin/env bash
# End-to-end `accelbench run` on the web platforms (issue 6) in Debian's headless Chromium and on
# ONNX Runtime native (onnxruntime-node): bert tiny, results read back with SQL. Checks that the
# page's (or Node child's) measurement lands in DuckDB like a native one (load = fetch + session
# creation, first inference, samples, runtime, EP, threads, operator placement), that the
# software WebGPU adapter is labelled, that WebNN is reported with the browser's reason (never a
# number), that Chromium missing means "install chromium" and no hang, and that no browser
# process is left behind. Skips (exit 0 with a note) when Chromium or onnxruntime is missing.
. "$(dirname "$0")/../e2e_lib.sh" "$1"
src=$(cd "$(dirname "$0")/../.." && pwd)
fast=(--min-iterations 5 --min-time 0.2 --budget 3 --warmup-max-time 1 --ci-target 0.5
      --no-progress-bar --seq 8)

if [ ! -x "${ACCELBENCH_CHROMIUM:-/usr/lib/chromium/chromium}" ]; then
  echo "skip: chromium is not installed"; exit 0
fi
if [ ! -f "$src/third_party/web/node_modules/onnxruntime-web/dist/ort.all.min.mjs" ]; then
  echo "skip: onnxruntime-web missing (scripts/setup)"; exit 0
fi
# Browser profiles of this test live under $TMPDIR: leftovers are found by that path.
export TMPDIR="$tmp/t"
mkdir -p "$TMPDIR"

# ---- wasm, webgpu, webnn in one run ----
db="$tmp/web.duckdb"
"$bin" run "${fast[@]}" --models bert --preset tiny --platforms wasm,webgpu,webnn --threads 2 \
  --time-limit 420 --backend-option shader_precompile=off --backend-option page_timeout_s=400 \
  --db "$db" --format csv \
  >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc = 0 ] && ok "web run exits 0" || { bad "web run rc $rc"; cat "$tmp/err"; }
r=$(q "$db" "SELECT platform_kind || '|' || status || '|' || runtime || '|' || execution_provider
             FROM results ORDER BY platform_kind")
echo "$r"
echo "$r" | grep -Eq '^wasm\|(ok|not_converged)\|onnxruntime-web\|wasm$' && ok "wasm measured" \
  || bad "wasm row: $r"
echo "$r" | grep -Eq '^webgpu\|(ok|not_converged|skipped)\|onnxruntime-web\|' && ok "webgpu row" \
  || bad "webgpu row: $r"
echo "$r" | grep -Eq '^webnn\|(skipped|failed)\|onnxruntime-web\|' && ok "webnn not measured here" \
  || bad "webnn row: $r"
r=$(q "$db" "SELECT reason FROM results WHERE platform_kind='webnn'")
echo "$r" | grep -qi "unavailable" && ok "webnn reason is the browser's: $r" || bad "webnn reason: $r"
n=$(q "$db" "SELECT count(*) FROM results WHERE platform_kind='webnn' AND lat_p50_ms IS NOT NULL")
[ "$n" = 0 ] && ok "no webnn number" || bad "webnn has a number"
r=$(q "$db" "SELECT (abs(load_ms - fetch_ms - session_create_ms) < 1e-6)::INT || '|' ||
             (first_inference_ms > 0)::INT || '|' || (iterations >= 5)::INT || '|' || threads ||
             '|' || (ep_nodes > 0)::INT || '|' || cpu_fallback_nodes
             FROM results WHERE platform_kind='wasm'")
[ "$r" = "1|1|1|2|1|0" ] && ok "wasm: load = fetch + session, first inference, samples, 2 threads, placement" \
  || bad "wasm metrics: $r"
n=$(q "$db" "SELECT count(*) FROM samples s JOIN results r USING (result_id) WHERE r.platform_kind='wasm'")
m=$(q "$db" "SELECT iterations FROM results WHERE platform_kind='wasm'")
[ "$n" = "$m" ] && ok "wasm samples stored ($n)" || bad "samples $n vs iterations $m"
r=$(q "$db" "SELECT options_json FROM results WHERE platform_kind='wasm'")
echo "$r" | grep -q 'shader_precompile' && echo "$r" | grep -Eq 'cross_origin_isolated"+:"+true' \
  && ok "options and crossOriginIsolated stored" || bad "options_json: $r"
r=$(q "$db" "SELECT platform || '|' || reason FROM results WHERE platform_kind='webgpu' AND status <> 'skipped'")
if [ -n "$r" ]; then
  case "$r" in
    *swiftshader*) echo "$r" | grep -q "software WebGPU adapter" && ok "swiftshader labelled software" \
                     || bad "software label: $r" ;;
    *) ok "webgpu adapter: $r" ;;
  esac
fi

# ---- onnxruntime native on cpu ----
if [ -d "$src/third_party/node/node_modules/onnxruntime-node" ]; then
  db2="$tmp/ort.duckdb"
  "$bin" run "${fast[@]}" --models bert --preset tiny --platforms cpu --runtime onnxruntime \
    --batch 1,2 --db "$db2" >/dev/null 2>"$tmp/err2"; rc=$?
  [ $rc = 0 ] && ok "onnxruntime run exits 0" || { bad "onnxruntime rc $rc"; cat "$tmp/err2"; }
  r=$(q "$db2" "SELECT count(*) || '|' || min(runtime) || '|' || min(execution_provider) || '|' ||
               min((session_create_ms > 0)::INT) || '|' || min((ep_nodes > 0)::INT) || '|' ||
               min(cpu_fallback_nodes) || '|' || min(runtime_version)
               FROM results WHERE status IN ('ok', 'not_converged')")
  echo "$r" | grep -Eq '^2\|onnxruntime\|cpu\|1\|1\|0\|[0-9]' && ok "onnxruntime native: $r" \
    || { bad "onnxruntime rows: $r"; cat "$tmp/err2"; }
else
  echo "skip: onnxruntime-node missing"
fi

# ---- Chromium missing: unavailable "install chromium", no hang ----
db3="$tmp/none.duckdb"
start=$(date +%s)
ACCELBENCH_CHROMIUM=/nonexistent timeout 60 "$bin" run "${fast[@]}" --models bert --preset tiny \
  --platforms wasm --db "$db3" >/dev/null 2>&1; rc=$?
took=$(( $(date +%s) - start ))
# Nothing asked for could run: exit 3 (absent hardware), the row stored as skipped.
[ $rc = 3 ] && [ $took -lt 30 ] && ok "chromium missing: exits 3 in ${took}s" || bad "missing chromium: rc $rc ${took}s"
r=$(q "$db3" "SELECT status || '|' || reason FROM results")
echo "$r" | grep -q "^skipped|.*install chromium" && ok "install chromium: $r" || bad "reason: $r"

sleep 1
left=$(pgrep -c -f "$TMPDIR/accelbench-chromium-" || true)
[ "${left:-0}" = 0 ] && ok "no browser process left" || bad "$left browser processes left"
exit $fail
