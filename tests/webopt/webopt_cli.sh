#!/usr/bin/env bash
# accelbench web-opt end to end in headless Chromium: every optimization stores its OFF and ON
# results in the database (read back with SQL), the autotuner's choice is stored and reused, and
# bad input exits 2. Skipped (exit 0 with a note) when Chromium is not installed.
. "$(dirname "$0")/../e2e_lib.sh" "$1"
# Quotes stripped (values compared here never contain any); not via qu, which calls q.
q() { "$bin" db query --db "$1" --format csv "$2" 2>&1 | tail -n +2 | tr -d '"'; }

out=$("$bin" web-opt parallel-load bert --db "$tmp/x.duckdb" 2>&1); rc=$?
[ $rc = 2 ] && echo "$out" | grep -q "components" && ok "family without components" || bad "bert: $rc $out"
out=$("$bin" web-opt mel bert --db "$tmp/x.duckdb" 2>&1); rc=$?
[ $rc = 2 ] && ok "mel of a non-audio model" || bad "mel bert: $rc $out"
out=$("$bin" web-opt precompile bert --ep webnn --db "$tmp/x.duckdb" 2>&1); rc=$?
[ $rc = 2 ] && ok "unknown ep" || bad "ep webnn: $rc $out"

if [ ! -x /usr/lib/chromium/chromium ] && [ -z "${ACCELBENCH_CHROMIUM:-}" ]; then
  echo "chromium is not installed: browser parts skipped"; exit $fail
fi
db=$tmp/w.duckdb

# 1. shader precompilation, bert tiny on WebGPU
"$bin" web-opt precompile bert --ep webgpu --seq 8 --db "$db" >"$tmp/pre.txt" || bad "precompile exit $?"
cat "$tmp/pre.txt"
# The terminal says what the stored rows say: this VM's WebGPU adapter is software (SwiftShader).
grep -q "^note: software WebGPU adapter" "$tmp/pre.txt" && ok "software adapter noted under the table" ||
  bad "no software-adapter note: $(cat "$tmp/pre.txt")"
got=$(q "$db" "SELECT string_agg(json_extract_string(options_json, '\$.shader_precompile') || ':' || status, ',' ORDER BY json_extract_string(options_json, '\$.shader_precompile')) FROM results WHERE model='bert' AND first_inference_ms > 0 AND load_ms > 0")
[ "$got" = "off:ok,on:ok" ] || [ "$got" = "off:not_converged,on:ok" ] || [ "$got" = "off:ok,on:not_converged" ] \
  && ok "shader_precompile off and on stored ($got)" || bad "shader_precompile rows: $got"
got=$(q "$db" "SELECT count(*) FROM results WHERE model='bert' AND reason LIKE '%software WebGPU adapter%'")
[ "$got" = 2 ] && ok "software adapter labelled" || bad "software label: $got"

# 2. audio front end: autotuned once, the stored choice reused the second time
"$bin" web-opt mel whisper --seconds 0.5 --iters 2 --db "$db" || bad "mel exit $?"
got=$(q "$db" "SELECT count(*), sum(chosen::INT) FROM webgpu_autotune WHERE kernel='log_mel:whisper:dft'")
[ "$got" = "5,1" ] && ok "autotuner trials and choice stored" || bad "autotune rows: $got"
got=$(q "$db" "SELECT string_agg(json_extract_string(options_json, '\$.audio_frontend'), ',' ORDER BY json_extract_string(options_json, '\$.audio_frontend')) FROM results WHERE model='whisper' AND output_max_abs_dev < 0.05")
[ "$got" = "wasm,webgpu" ] && ok "webgpu and wasm front ends stored, both match the native reference" || bad "mel rows: $got"
chosen=$(q "$db" "SELECT workgroup FROM webgpu_autotune WHERE chosen")
"$bin" web-opt mel whisper --seconds 0.5 --iters 2 --db "$db" > "$tmp/mel2.txt" || bad "mel 2 exit $?"
got=$(q "$db" "SELECT count(*) FROM webgpu_autotune")
used=$(q "$db" "SELECT json_extract_string(options_json, '\$.workgroup') FROM results WHERE model='whisper' AND json_extract_string(options_json, '\$.audio_frontend')='webgpu' ORDER BY started_utc DESC LIMIT 1")
[ "$got" = 5 ] && [ "$used" = "$chosen" ] && ok "stored choice $chosen reused without retuning" || bad "reuse: $got rows, used $used, chosen $chosen"

# 3. parallel loading, clip tiny: browser (wasm) and native libtorch
"$bin" web-opt parallel-load clip --ep wasm --seq 8 --native-repeats 2 --db "$db" || bad "parallel-load exit $?"
got=$(q "$db" "SELECT string_agg(runtime || ':' || json_extract_string(options_json, '\$.parallel_load'), ',' ORDER BY runtime || ':' || json_extract_string(options_json, '\$.parallel_load')) FROM results WHERE model='clip' AND load_ms > 0")
[ "$got" = "libtorch:off,libtorch:on,onnxruntime-web:off,onnxruntime-web:on" ] \
  && ok "parallel_load off and on stored (browser + libtorch)" || bad "parallel rows: $got"
exit $fail
