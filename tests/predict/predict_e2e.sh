#!/usr/bin/env bash
# End-to-end `accelbench predict` and `accelbench recommend` on a database built by REAL tiny runs
# (bert and vit tiny on this CPU, libtorch) plus hand-made rows with known values imported from CSV
# (a cuda:0 platform that is not here: imported, labelled so). Checks that every prediction says
# "predicted", lands in the predictions table and never in results, and the exit codes.
. "$(dirname "$0")/../e2e_lib.sh" "$1"
db="$tmp/p.duckdb"
fast=(--min-iterations 5 --min-time 0.05 --budget 0.5 --warmup-max-time 0.2 --ci-target 0.5
      --no-progress-bar --preset tiny --platforms cpu --seq 32)

# ---- too few measurements ----
"$bin" run "${fast[@]}" --models bert --batch 1 --db "$db" >/dev/null 2>"$tmp/err" || { bad "tiny run"; cat "$tmp/err"; }
out=$("$bin" predict --model bert --preset tiny --batch 4 --db "$db" 2>&1); rc=$?
[ $rc = 2 ] && echo "$out" | grep -q "too few measurements" && ok "too few measurements: exit 2" || bad "too few: $rc $out"

# ---- real tiny runs + hand-made rows ----
"$bin" run "${fast[@]}" --models bert,vit --batch 1,2,4,8 --db "$db" >/dev/null 2>"$tmp/err" || { bad "tiny runs"; cat "$tmp/err"; }
cat > "$tmp/hand.csv" <<'CSV'
model,preset,platform,platform_kind,runtime,precision,mode,batch,seq_len,threads,host,status,lat_p50_ms,lat_p99_ms,throughput,throughput_unit,peak_rss_mb,output_rel_dev
bert,tiny,cuda:0,cuda,libtorch,fp16,inference,8,32,0,handhost,ok,0.01,0.02,800000,items/s,5000,0.001
bert,tiny,cuda:0,cuda,libtorch,fp32,inference,1,32,0,handhost,ok,0.005,0.006,200000,items/s,4000,
CSV
"$bin" db import "$tmp/hand.csv" --db "$db" >/dev/null 2>"$tmp/err" || { bad "import hand rows"; cat "$tmp/err"; }
n=$(q "$db" "SELECT count(*) FROM results WHERE status = 'ok' OR status = 'not_converged'")
[ "$n" -ge 10 ] && ok "$n measured rows" || bad "rows: $n"
bw=$(q "$db" "SELECT count(*) FROM calibrations WHERE precision = 'stream_triad' AND mem_bandwidth > 0")
[ "$bw" -ge 1 ] && ok "STREAM triad bandwidth calibrated" || bad "no bandwidth calibration: $bw"
results_before=$(q "$db" "SELECT count(*) FROM results")

# ---- predict ----
out=$("$bin" predict --model bert --preset tiny --batch 16 --db "$db" 2>&1); rc=$?
[ $rc = 0 ] && echo "$out" | grep -q "^predicted (not measured): bert/tiny cpu libtorch fp32 inference b16 s32" \
  && ok "predict prints predicted" || bad "predict: $rc $out"
echo "$out" | grep -q "leaned on" && echo "$out" | grep -q "measured p50" && ok "names the measurements it leaned on" || bad "neighbours: $out"
echo "$out" | grep -q "interval" && ok "prints an interval" || bad "interval: $out"
out=$("$bin" predict --model bert --preset tiny --platform cuda --batch 64 --precision fp16 --db "$db" --format json 2>&1); rc=$?
[ $rc = 0 ] && echo "$out" | grep -q '"predicted": true' && echo "$out" | grep -q 'vendor spec (NVIDIA H100 SXM' \
  && ok "cuda fp16 predicted from the vendor spec, labelled" || bad "cuda predict: $rc $out"
np=$(q "$db" "SELECT count(*) FROM predictions")
[ "$np" = 2 ] && ok "2 predictions stored" || bad "predictions table: $np"
[ "$(q "$db" "SELECT count(*) FROM results")" = "$results_before" ] && ok "results untouched" || bad "results changed"
out=$("$bin" predict --evaluate --db "$db" 2>&1); rc=$?
[ $rc = 0 ] && echo "$out" | grep -q "leave-one-configuration-out" && echo "$out" | grep -q "roofline (raw)" \
  && echo "$out" | grep -q "leave-one-platform-out" && ok "evaluate" || bad "evaluate: $rc $out"
out=$("$bin" predict --suggest 3 --db "$db" 2>&1); rc=$?
[ $rc = 0 ] && [ "$(echo "$out" | grep -c "predicted p50")" = 3 ] && ok "suggest 3" || bad "suggest: $rc $out"
out=$("$bin" predict --model nosuch --db "$db" 2>&1); rc=$?
[ $rc = 2 ] && ok "predict unknown model: exit 2" || bad "unknown model: $rc $out"
out=$("$bin" predict --model bert --platform tpu --db "$db" 2>&1); rc=$?
[ $rc = 2 ] && ok "predict unknown platform: exit 2" || bad "unknown platform: $rc $out"

# ---- recommend ----
out=$("$bin" recommend --model bert --platforms cpu,cuda --no-predict --db "$db" 2>&1); rc=$?
[ $rc = 0 ] && echo "$out" | grep -q "^recommended: cuda:0 fp16 batch 8 (measured)" && ok "throughput optimum (hand row)" \
  || bad "recommend throughput: $rc $out"
out=$("$bin" recommend --model bert --platforms cpu,cuda --no-predict --objective latency-p50 --db "$db" 2>&1); rc=$?
[ $rc = 0 ] && echo "$out" | grep -q "^recommended: cuda:0 fp32 batch 1 (measured)" && ok "latency optimum" || bad "latency: $rc $out"
best=$(q "$db" "SELECT batch FROM latest_results WHERE model = 'bert' AND platform = 'cpu' AND status IN ('ok','not_converged') ORDER BY peak_rss_mb, batch LIMIT 1")
out=$("$bin" recommend --model bert --no-predict --objective memory --db "$db" 2>&1); rc=$?
[ $rc = 0 ] && echo "$out" | grep -q "^recommended: cpu fp32 batch $best (measured)" && ok "memory optimum on the detected platform (batch $best)" \
  || bad "memory: $rc $out"
out=$("$bin" recommend --model bert --platforms cpu,cuda --no-predict --objective cost --price cpu=1/h,cuda=0.5/h --db "$db" 2>&1); rc=$?
[ $rc = 0 ] && echo "$out" | grep -q "^recommended: cuda:0 fp16 batch 8" && ok "cost optimum" || bad "cost: $rc $out"
out=$("$bin" recommend --model bert --platforms cpu,cuda --slo-ms 0.000001 --no-predict --db "$db" 2>&1); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q "no configuration meets latency SLO" && ok "unmeetable SLO: exit 1" || bad "slo: $rc $out"
out=$("$bin" recommend --model bert --platforms rocm --batches 8 --db "$db" 2>&1); rc=$?
[ $rc = 0 ] && echo "$out" | grep -q "rests on predictions" && echo "$out" | grep -q "PREDICTED" \
  && ok "recommendation on predictions says so" || bad "rocm predicted: $rc $out"
out=$("$bin" recommend --model bert --memory-budget-mb -1 --db "$db" 2>&1); rc=$?
[ $rc = 2 ] && ok "negative budget: exit 2" || bad "budget: $rc $out"
out=$("$bin" recommend --model nosuch --db "$db" 2>&1); rc=$?
[ $rc = 2 ] && ok "recommend unknown model: exit 2" || bad "recommend model: $rc $out"
out=$("$bin" recommend --model bert --platforms tpu --db "$db" 2>&1); rc=$?
[ $rc = 2 ] && ok "recommend unknown platform: exit 2" || bad "recommend platform: $rc $out"
out=$("$bin" recommend --model bert --objective cost --platforms cpu --db "$db" 2>&1); rc=$?
[ $rc = 2 ] && echo "$out" | grep -q "price" && ok "cost without prices: exit 2" || bad "cost no price: $rc $out"
[ "$(q "$db" "SELECT count(*) FROM results")" = "$results_before" ] && ok "results still untouched" || bad "results changed"
exit $fail
