#!/usr/bin/env bash
# End-to-end `accelbench run` on the TEST DOUBLE runtime (a backend with a known latency
# distribution; it measures nothing real) into a temporary database, read back with SQL:
# bad input exits 2, a crash/hang/OOM child is a failed result while the sweep completes, a
# runner killed mid-sweep resumes without losing or duplicating configurations.
. "$(dirname "$0")/../e2e_lib.sh" "$1"
fast=(--runtime test-double --min-iterations 5 --min-time 0.05 --budget 0.5 --warmup-max-time 0.2
      --ci-target 0.5 --no-progress-bar)

# ---- bad input: exit 2 with the valid values ----
out=$("$bin" run --models bert --platforms tpu --db "$tmp/x.duckdb" 2>&1); rc=$?
[ $rc = 2 ] && echo "$out" | grep -q "cuda" && ok "unknown platform" || bad "unknown platform: $rc $out"
out=$("$bin" run --models no-such-model --db "$tmp/x.duckdb" 2>&1); rc=$?
[ $rc = 2 ] && ok "unknown model" || bad "unknown model: $rc $out"
out=$("$bin" run --models a --runtime test-double --precision fp33 --db "$tmp/x.duckdb" 2>&1); rc=$?
[ $rc = 2 ] && echo "$out" | grep -q "fp16" && ok "unknown precision" || bad "unknown precision: $rc $out"
out=$("$bin" run --models a --runtime test-double --mode serving --db "$tmp/x.duckdb" 2>&1); rc=$?
[ $rc = 2 ] && echo "$out" | grep -q "training" && ok "unknown mode" || bad "unknown mode: $rc $out"
printf 'models: [a]\nruntime: test-double\nbatch: [1, x]\n' > "$tmp/bad.yaml"
out=$("$bin" run --sweep "$tmp/bad.yaml" --db "$tmp/x.duckdb" 2>&1); rc=$?
[ $rc = 2 ] && echo "$out" | grep -q "bad.yaml:3:" && ok "malformed sweep file" || bad "sweep file: $rc $out"

# ---- a sweep with a crash, a hang and an OOM, read back with SQL ----
db="$tmp/run.duckdb"
out=$("$bin" run "${fast[@]}" --models good,crash,hang,oom --batch 1,2 --platforms cpu,rocm \
  --backend-option crash_on=crash:2 --backend-option hang_on=hang:1 --backend-option oom_on=oom:2 \
  --time-limit 20 --memory-limit 3072 --tag suite=e2e --db "$db" --format csv 2>"$tmp/err"); rc=$?
[ $rc = 0 ] && ok "sweep with failures exits 0" || { bad "sweep rc $rc"; cat "$tmp/err"; }
grep -q "^accelbench: platform rocm unavailable: .*(8 configurations stored as skipped)" "$tmp/err" \
  && ok "the absent platform named on one line" || bad "no absent-platform line: $(cat "$tmp/err")"
echo "$out" | head -1 | grep -q "model" && ok "csv summary printed" || bad "summary: $out"
grep -q "results: $db" "$tmp/err" && ok "says where results are" || bad "no results line"
n=$(q "$db" "SELECT count(*) FROM results")
[ "$n" = 16 ] && ok "16 results (8 cpu + 8 skipped rocm)" || bad "result count $n"
s=$(q "$db" "SELECT status || ':' || count(*) FROM results GROUP BY status ORDER BY status")
echo "$s" | grep -qx "failed:3" && echo "$s" | grep -qx "ok:5" && echo "$s" | grep -qx "skipped:8" \
  && ok "statuses ok:5 failed:3 skipped:8" || bad "statuses: $s"
r=$(q "$db" "SELECT reason FROM results WHERE model='crash' AND batch=2")
echo "$r" | grep -q SIGSEGV && ok "crash reason" || bad "crash reason: $r"
r=$(q "$db" "SELECT reason FROM results WHERE model='hang' AND batch=1")
echo "$r" | grep -q "time limit 20 s exceeded" && ok "hang reason" || bad "hang reason: $r"
r=$(q "$db" "SELECT reason FROM results WHERE model='oom' AND batch=2")
if sanitized; then  # ASan's operator new aborts at the limit instead of throwing bad_alloc,
  # and its RSS check is periodic: the worker ends by SIGABRT or at the time limit, a failed row.
  echo "$r" | grep -Eq "SIGABRT|time limit" && ok "oom stopped (instrumented build): $r" \
    || bad "oom reason: $r"
else
  echo "$r" | grep -q "memory limit exceeded" && ok "oom reason" || bad "oom reason: $r"
fi
r=$(q "$db" "SELECT reason FROM results WHERE platform_kind='rocm' LIMIT 1")
echo "$r" | grep -qi "rocm" && ok "absent platform skipped with reason" || bad "skip reason: $r"
n=$(q "$db" "SELECT count(*) FROM samples")
[ "${n:-0}" -gt 0 ] && ok "raw samples stored ($n)" || bad "no samples"
t=$(q "$db" "SELECT tags FROM runs")
echo "$t" | grep -q "e2e" && ok "tags stored" || bad "tags: $t"

# ---- kill the runner mid-sweep, resume: nothing lost, nothing duplicated ----
db2="$tmp/resume.duckdb"
"$bin" run --runtime test-double --min-iterations 5 --min-time 0.3 --budget 0.5 --ci-target 0.5 \
  --no-progress-bar --models m1,m2,m3 --batch 1,2,3,4 --backend-option latency_ms=5 --db "$db2" >/dev/null 2>"$tmp/err2" &
pid=$!
for _ in $(seq 1 300); do
  done_n=$(grep -c "^\[[0-9]*/12\]" "$tmp/err2" 2>/dev/null || true)
  [ "${done_n:-0}" -ge 3 ] && break
  sleep 0.1
done
workers=$(pgrep -P $pid)
kill -9 $pid || bad "runner ended before the kill: $(cat "$tmp/err2")"; wait $pid 2>/dev/null
run=$(sed -n 's/^run \([0-9a-f-]*\):.*/\1/p' "$tmp/err2" | head -1)
sleep 0.5
for w in $workers; do  # gone, or a zombie nobody has reaped yet (not running)
  st=$(awk '{print $3}' "/proc/$w/stat" 2>/dev/null)
  [ -n "$st" ] && [ "$st" != Z ] && bad "orphan worker $w ($st) outlived the runner"
done
[ -n "$workers" ] && ok "worker(s) $workers died with the runner"
before=$(q "$db2" "SELECT count(*) FROM results")
[ "${before:-0}" -ge 3 ] && [ "${before:-0}" -lt 12 ] && ok "killed after $before of 12" \
  || bad "kill timing: $before results"
# A resumed run keeps its stored sweep and limits: a flag that would change them is refused.
out=$("$bin" run --resume "$run" --db "$db2" --models m9 --no-progress-bar 2>&1); rc=$?
[ $rc = 2 ] && [ "$(echo "$out" | wc -l)" = 1 ] && echo "$out" | grep -q -- "--models" &&
  ok "resume with --models refused: $out" || bad "resume --models: rc $rc: $out"
out=$("$bin" run --resume "$run" --db "$db2" --time-limit 5 --no-progress-bar 2>&1); rc=$?
[ $rc = 2 ] && ok "resume with --time-limit refused" || bad "resume --time-limit: rc $rc: $out"
"$bin" run --resume "$run" --db "$db2" --no-progress-bar >/dev/null 2>"$tmp/err3"; rc=$?
[ $rc = 0 ] && ok "resume exits 0" || { bad "resume rc $rc"; cat "$tmp/err3"; }
grep -q "already done" "$tmp/err3" && ok "resume skips finished work" || bad "resume message"
n=$(q "$db2" "SELECT count(*) || '/' || count(DISTINCT config_key) FROM results WHERE run_id='$run'")
[ "$n" = "12/12" ] && ok "12 configurations exactly once after resume" || bad "after resume: $n"
st=$(q "$db2" "SELECT status FROM runs WHERE run_id='$run'")
[ "$st" = finished ] && ok "run finished" || bad "run status: $st"

# ---- Ctrl-C: the worker is killed, the run is marked interrupted, exit 130, resumable ----
db3="$tmp/int.duckdb"
"$bin" run --runtime test-double --min-iterations 5 --min-time 0.3 --budget 0.5 --ci-target 0.5 \
  --no-progress-bar --models i1,i2 --batch 1,2,3 --backend-option latency_ms=5 --db "$db3" \
  >/dev/null 2>"$tmp/err4" &
pid=$!
for _ in $(seq 1 300); do
  grep -q "^\[2/6\]" "$tmp/err4" 2>/dev/null && break
  sleep 0.1
done
kill -INT $pid; wait $pid; rc=$?
[ $rc = 130 ] && ok "SIGINT exits 130" || { bad "SIGINT rc $rc"; cat "$tmp/err4"; }
run=$(sed -n 's/^run \([0-9a-f-]*\):.*/\1/p' "$tmp/err4" | head -1)
st=$(q "$db3" "SELECT status FROM runs WHERE run_id='$run'")
[ "$st" = interrupted ] && ok "run marked interrupted" || bad "interrupted status: $st"
"$bin" run --resume "$run" --db "$db3" --no-progress-bar >/dev/null 2>&1
n=$(q "$db3" "SELECT count(*) || '/' || count(DISTINCT config_key) FROM results WHERE run_id='$run'")
[ "$n" = "6/6" ] && ok "resumed after Ctrl-C: 6 configurations once" || bad "after Ctrl-C resume: $n"
exit $fail
