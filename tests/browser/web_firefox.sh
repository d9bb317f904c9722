#!/usr/bin/env bash
# Issue 6 in Firefox ESR: `accelbench detect --browser=firefox` lists what Firefox offers (wasm
# threads / crossOriginIsolated, the WebGPU adapter or the reason there is none, navigator.ml
# absent) and `accelbench run --platforms wasm --backend-option browser=firefox` measures bert
# tiny in headless Firefox: the stored row has runtime onnxruntime-web, 2 WASM threads, the
# browser's name and version, raw samples; a bad browser name is a usage error (exit 2); Firefox
# missing is "install firefox-esr" without a hang; no browser process is left.
# Skips (ctest SKIP_RETURN_CODE 77) only when firefox-esr (or onnxruntime-web) is not installed.
. "$(dirname "$0")/../e2e_lib.sh" "$1"
src=$(cd "$(dirname "$0")/../.." && pwd)
. "$src/tests/browser/browser_procs.sh"
# one CSV value per line, CSV quoting undone
fast=(--min-iterations 5 --min-time 0.2 --budget 3 --warmup-max-time 1 --ci-target 0.5
      --no-progress-bar --seq 8 --models bert --preset tiny --platforms wasm --threads 2)

if [ ! -x "${ACCELBENCH_FIREFOX:-/usr/lib/firefox-esr/firefox-esr}" ]; then
  echo "skip: firefox-esr is not installed (apt-get install firefox-esr)"; exit 77
fi
if [ ! -f "$src/third_party/web/node_modules/onnxruntime-web/dist/ort.all.min.mjs" ]; then
  echo "skip: onnxruntime-web missing (scripts/setup)"; exit 77
fi
export TMPDIR="$tmp/t"
mkdir -p "$TMPDIR"

# ---- detection ----
"$bin" detect --browser=firefox --format json >"$tmp/detect.json" 2>"$tmp/err"; rc=$?
[ $rc = 0 ] && ok "detect --browser=firefox exits 0" || { bad "detect rc $rc"; cat "$tmp/err"; }
r=$(python3 - "$tmp/detect.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
p = {x["kind"]: x for x in d["platforms"] if x["kind"] in ("wasm", "webgpu", "webnn")}
w, g, n = p["wasm"], p["webgpu"], p["webnn"]
print("wasm", w["available"], w["details"]["wasm"]["threads"], w["details"]["wasm"]["cross_origin_isolated"],
      w["details"]["browser"].startswith("Firefox "), sep="|")
print("webgpu", g["available"] or bool(g["reason"]), g["details"]["browser"].startswith("Firefox "), sep="|")
print("webnn", n["available"], n["reason"], sep="|")
print("reasons", g["reason"], sep="|")
print("webgpu_available", g["available"], g["instance"], sep="|")
print("webgpu_software", g["details"].get("software_adapter"), sep="|")
PY
)
echo "$r"
r_detect=$r
echo "$r" | grep -qx 'wasm|True|True|True|True' && ok "wasm in Firefox: threads, crossOriginIsolated" \
  || bad "wasm detection: $r"
echo "$r" | grep -qx 'webgpu|True|True' && ok "webgpu: an adapter or the reason there is none" \
  || bad "webgpu detection: $r"
echo "$r" | grep -q '^webnn|False|navigator.ml is missing' && ok "webnn: navigator.ml absent" \
  || bad "webnn detection: $r"

# ---- bert tiny on wasm in Firefox ----
db="$tmp/ff.duckdb"
"$bin" run "${fast[@]}" --backend-option browser=firefox --db "$db" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 0 ] && ok "run in Firefox exits 0" || { bad "run rc $rc"; cat "$tmp/err"; }
r=$(qu "$db" "SELECT status || '|' || runtime || '|' || execution_provider || '|' || threads || '|' ||
             (first_inference_ms > 0)::INT || '|' || (lat_p50_ms > 0)::INT || '|' ||
             (abs(load_ms - fetch_ms - session_create_ms) < 1e-6)::INT
             FROM results")
echo "$r" | grep -Eq '^(ok|not_converged)\|onnxruntime-web\|wasm\|2\|1\|1\|1$' \
  && ok "bert tiny measured in Firefox: $r" || { bad "row: $r"; cat "$tmp/err"; }
r=$(qu "$db" "SELECT options_json FROM results")
echo "$r" | grep -Eq '"browser":"Firefox [0-9]' && ok "browser name and version stored" \
  || bad "browser not stored: $r"
echo "$r" | grep -Eq '"user_agent":"[^"]*Firefox/' && ok "Firefox user agent stored" \
  || bad "user agent: $r"
echo "$r" | grep -Eq '"cross_origin_isolated":"true"' && ok "crossOriginIsolated" || bad "coi: $r"
n=$(qu "$db" "SELECT count(*) FROM samples")
m=$(qu "$db" "SELECT iterations FROM results")
[ "$n" = "$m" ] && [ "${n:-0}" -ge 5 ] && ok "samples stored ($n)" || bad "samples $n vs iterations $m"

# ---- WebGPU in Firefox, when it offers an adapter (here: Mesa's lavapipe, a fallback adapter) ----
if echo "$r_detect" | grep -q '^webgpu_available|True'; then
  db="$tmp/ffgpu.duckdb"
  "$bin" run "${fast[@]/wasm/webgpu}" --backend-option browser=firefox \
    --backend-option page_timeout_s=300 --db "$db" >/dev/null 2>"$tmp/err"; rc=$?
  r=$(qu "$db" "SELECT platform || '|' || status || '|' || (lat_p50_ms > 0)::INT || '|' ||
               (ep_nodes > 0)::INT || '|' || reason FROM results")
  echo "$r" | grep -Eq '^webgpu:[a-z].*\|(ok|not_converged)\|1\|1\|' && ok "webgpu in Firefox: $r" \
    || { bad "webgpu in Firefox: $r"; cat "$tmp/err"; }
  if echo "$r_detect" | grep -q '^webgpu_software|True'; then
    echo "$r" | grep -q "software WebGPU adapter" && ok "software adapter labelled" \
      || bad "software label missing: $r"
  fi
else
  echo "note: Firefox offers no WebGPU adapter here (install mesa-vulkan-drivers for lavapipe)"
fi

# ---- bad browser name: usage error; Firefox missing: skipped "install firefox-esr" ----
"$bin" run "${fast[@]}" --backend-option browser=netscape --db "$tmp/bad.duckdb" \
  >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 2 ] && grep -q "not one of chromium, firefox" "$tmp/err" && ok "bad browser: exit 2" \
  || { bad "bad browser rc $rc"; cat "$tmp/err"; }
start=$(date +%s)
ACCELBENCH_FIREFOX=/nonexistent timeout 60 "$bin" run "${fast[@]}" --backend-option browser=firefox \
  --db "$tmp/none.duckdb" >/dev/null 2>&1; rc=$?
took=$(( $(date +%s) - start ))
# Nothing asked for could run: exit 3 (absent hardware), the row stored as skipped.
[ $rc = 3 ] && [ $took -lt 30 ] && ok "firefox missing: exits 3 in ${took}s" || bad "missing firefox: rc $rc ${took}s"
r=$(qu "$tmp/none.duckdb" "SELECT status || '|' || reason FROM results")
echo "$r" | grep -q "^skipped|.*install firefox-esr" && ok "install firefox-esr: $r" || bad "reason: $r"

sleep 1
left=$(browser_procs "$TMPDIR")
[ -z "$left" ] && ok "no browser process left" || bad "browser processes left: $left"
exit $fail
