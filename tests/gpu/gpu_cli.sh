#!/usr/bin/env bash
# Issue 13 end to end on this CPU machine: CUDA requested without a CUDA libtorch / GPU is
# reported unavailable with its reason (never a silent CPU run); every libtorch result carries
# the GPU settings ("n/a (cpu)" here) and the cuda_graph outcome; a bad on/off value is a usage
# error (exit 2) before anything runs; bench/gpu_vs_hf.sh parses and its CPU smoke mode runs.
. "$(dirname "$0")/../e2e_lib.sh" "$1"
src=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
fast=(--min-iterations 3 --min-time 0.05 --budget 0.5 --warmup-max-time 0.2 --ci-target 0.5
      --no-progress-bar)
db="$tmp/g.duckdb"

out=$("$bin" run "${fast[@]}" --models bert --preset tiny --platforms cuda --seq 16 \
  --backend-option cuda_graph=on --db "$db" 2>&1); rc=$?
if [ "$(q "$db" "SELECT count(*) FROM results WHERE platform LIKE 'cuda%' AND status = 'ok'")" = 0 ]; then
  [ $rc = 3 ] && echo "$out" | grep -q "^accelbench: platform cuda unavailable: .*(1 configuration stored as skipped)" \
    && ok "cuda absent: one line, exit 3, the configuration stored as skipped" || bad "cuda rc $rc: $out"
  n=$(q "$db" "SELECT count(*) FROM results WHERE platform='cuda' AND status='skipped' AND reason LIKE '%cuda%' AND lat_p50_ms IS NULL")
  [ "$n" = 1 ] && ok "cuda reported unavailable with the reason" || bad "cuda row: $n $(q "$db" "SELECT status, reason FROM results")"
  n=$(q "$db" "SELECT count(*) FROM results WHERE platform <> 'cuda'")
  [ "$n" = 0 ] && ok "no silent cpu run" || bad "$n other rows"
else
  echo "note: this machine has CUDA; the unavailable-platform checks do not apply"
fi

out=$("$bin" run "${fast[@]}" --models bert --preset tiny --platforms cpu --seq 16 \
  --backend-option cuda_graph=on --backend-option tf32=on --db "$db" 2>&1); rc=$?
[ $rc = 0 ] && ok "cpu run with cuda_graph=on tf32=on" || bad "cpu rc $rc: $out"
opts=$(q "$db" "SELECT options_json FROM results WHERE platform='cpu'" | sed 's/""/"/g')  # CSV doubles quotes
for want in '"cuda_graph":"off: not a CUDA device"' '"tf32_matmul":"n/a (cpu)"' \
    '"tf32_cudnn":"n/a (cpu)"' '"cudnn_benchmark":"n/a (cpu)"' '"cuda_alloc_conf":"n/a (cpu)"' \
    '"cuda_runtime":"n/a (cpu)"' '"cudnn_version":"n/a (cpu)"'; do
  echo "$opts" | grep -qF "$want" && ok "result carries $want" || bad "missing $want in $opts"
done
"$bin" run "${fast[@]}" --models bert --preset tiny --platforms cpu --seq 16 --db "$db" >/dev/null 2>&1
n=$(q "$db" "SELECT count(*) FROM results WHERE platform='cpu' AND options_json LIKE '%\"cuda_graph\":\"off\"%' AND options_json LIKE '%tf32_matmul%'")
[ "$n" = 1 ] && ok "default run records cuda_graph=off and the settings" || bad "default row: $n"
n=$(q "$db" "SELECT count(*) FROM results WHERE platform='cpu' AND options_json LIKE '%\"fuse_linear\":\"off\"%'")
[ "$n" -ge 1 ] && ok "cpu default records fuse_linear=off" || bad "fuse_linear default: $n"

# Projections sharing an input fused (the CUDA default) asked for on the CPU: recorded with the
# number of groups (bert tiny: q/k/v of each of its 2 layers).
"$bin" run "${fast[@]}" --models bert --preset tiny --platforms cpu --seq 16 \
  --backend-option fuse_linear=on --db "$db" >/dev/null 2>&1
n=$(q "$db" "SELECT count(*) FROM results WHERE status IN ('ok','not_converged') AND options_json LIKE '%\"fuse_linear\":\"on (2 groups)\"%'")
[ "$n" = 1 ] && ok "fuse_linear=on recorded with its groups" || bad "fuse_linear=on rows: $n"

# Decode with the static KV cache asked for on the CPU (the CUDA default): recorded with its size.
"$bin" run "${fast[@]}" --models llama --preset tiny --platforms cpu --seq 16 --mode decode \
  --backend-option kv_static=on --backend-option cuda_graph=on --db "$db" >/dev/null 2>&1
opts=$(q "$db" "SELECT options_json FROM results WHERE mode='decode'" | sed 's/""/"/g')
for want in '"kv_static":"on (48 positions)"' '"sdpa_cudnn":"n/a (cpu)"' \
    '"cuda_graph":"off: not a CUDA device"'; do
  echo "$opts" | grep -qF "$want" && ok "decode result carries $want" || bad "missing $want in $opts"
done
[ "$(q "$db" "SELECT count(*) FROM results WHERE mode='decode' AND status IN ('ok','not_converged') AND decode_tokens_per_s > 0")" = 1 ] \
  && ok "static-KV decode measured tokens/s" || bad "decode row: $(q "$db" "SELECT status, reason FROM results WHERE mode='decode'")"

# profile_ops=on: the eager step's top ops stored with the row (runtime_details.op_profile).
"$bin" run "${fast[@]}" --models bert --preset tiny --platforms cpu \
  --backend-option profile_ops=on --db "$db" >/dev/null 2>&1
prof=$(qu "$db" "SELECT json_extract_string(options_json, '\$.runtime_details.op_profile') FROM results WHERE options_json LIKE '%op_profile%'")
echo "$prof" | grep -q "^eager step x5, host self time per step [0-9.]* ms: aten::" \
  && ok "profile_ops=on stores the op profile" || bad "op_profile: '$prof'"

# gemm_tune=on asked for on the CPU: recorded with the reason, the row measured;
# attention=explicit recorded as asked.
"$bin" run "${fast[@]}" --models bert --preset tiny --platforms cpu --seq 12 \
  --backend-option gemm_tune=on --backend-option attention=explicit --db "$db" >/dev/null 2>&1
opts=$(q "$db" "SELECT options_json FROM results WHERE seq_len=12 AND status IN ('ok','not_converged')" | sed 's/""/"/g')
for want in '"gemm_tune":"off: not a CUDA device"' '"attention":"explicit (attention=explicit)"'; do
  echo "$opts" | grep -qF "$want" && ok "result carries $want" || bad "missing $want in $opts"
done

before=$(q "$db" "SELECT count(*) FROM results")
for opt in gemm_tune=fast attention=flash; do
  err=$("$bin" run "${fast[@]}" --models bert --preset tiny --platforms cpu \
    --backend-option "$opt" --db "$db" 2>&1 >/dev/null); rc=$?
  [ $rc = 2 ] && [ "$(echo "$err" | wc -l)" = 1 ] && echo "$err" | grep -q "must be" \
    && ok "bad $opt: exit 2, one line" || bad "bad $opt rc $rc: $err"
done
for opt in tf32=yes cudnn_benchmark=1 cuda_graph=maybe kv_static=static sdpa_cudnn=auto \
    fuse_linear=qkv profile_ops=kernels; do
  err=$("$bin" run "${fast[@]}" --models bert --preset tiny --platforms cpu \
    --backend-option "$opt" --db "$db" 2>&1 >/dev/null); rc=$?
  [ $rc = 2 ] && [ "$(echo "$err" | wc -l)" = 1 ] && echo "$err" | grep -q "must be on or off" \
    && ok "bad $opt: exit 2, one line" || bad "bad $opt rc $rc: $err"
done
[ "$(q "$db" "SELECT count(*) FROM results")" = "$before" ] && ok "nothing stored for bad options" \
  || bad "rows stored for bad options"

# The device script: shell and python syntax, and its CPU smoke mode end to end.
bash -n "$src/bench/gpu_vs_hf.sh" && ok "gpu_vs_hf.sh parses" || bad "gpu_vs_hf.sh syntax"
if python3 -c "import ast,sys; ast.parse(open(sys.argv[1]).read())" "$src/bench/hf_reference.py"; then
  ok "hf_reference.py parses"
else
  bad "hf_reference.py syntax"
fi
out=$(OUT="$tmp/smoke" GPU_VS_HF_CPU=1 ACCELBENCH_BIN="$bin" bash "$src/bench/gpu_vs_hf.sh" 2>&1); rc=$?
[ $rc = 0 ] && ok "gpu_vs_hf.sh smoke mode exits 0" || bad "smoke rc $rc: $out"
table="$tmp/smoke/ratio_table.md"
for m in "| bert | fp32 | 1 |" "| vit | fp32 | 2 |" "| whisper | fp32 | 1 |" "| tinyllama-decode | fp32 | 1 |"; do
  grep -qF "$m" "$table" 2>/dev/null && ok "smoke table has $m" || bad "smoke table lacks $m: $(cat "$table" 2>&1)"
done
grep -q "off: not a CUDA device" "$table" && ok "smoke table shows the cuda_graph outcome" \
  || bad "no cuda_graph outcome in the table"
grep -qF "| fuse_linear |" "$table" && grep -qF "graph on, fuse_linear=off ms" "$table" \
  && ok "smoke table has the fuse_linear columns" || bad "no fuse_linear columns: $(head -5 "$table")"
grep -qF "graph on, gemm_tune=on ms" "$table" && grep -q "^gemm_tune whisper fp32 b1: off: not a CUDA device" "$table" \
  && ok "smoke table has the gemm_tune pass" || bad "no gemm_tune pass in the table"
grep -q "^attention=explicit vit fp32 b2: attention=explicit (attention=explicit)" "$table" \
  && ok "smoke table has the explicit-attention pass" || bad "no explicit pass in the table"
grep -Eq "^gemm_tune=on \+ attention=explicit whisper fp32 b2: [0-9.]+ ms" "$table" \
  && ok "smoke table has the combined gemm_tune + explicit pass" || bad "no combined pass in the table"
grep -q "^decode, graph on: kv_static=" "$table" && ok "smoke table names the decode KV cache" \
  || bad "no decode KV cache line in the table"
grep -q "^accelbench profile whisper fp32 b1 .*: eager step x5, host self time per step" "$table" \
  && ok "smoke table has the profile pass" || bad "no profile line in the table"
exit $fail
