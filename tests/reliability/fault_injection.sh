#!/usr/bin/env bash
# Fault injection on the real binary and the real DuckDB file (runner on the TEST DOUBLE runtime,
# which measures nothing real; the faults are real signals, real file-size limits and real
# concurrent processes):
#  1. kill -9 of the runner at 20 random moments of one sweep, each followed by --resume: the
#     database opens every time and at the end every configuration is present exactly once.
#  2. the disk "fills up" while writing (ulimit -f): a clear one-line error, the database intact.
#  3. two `accelbench run` processes on one database at once: both sweeps complete with all rows.
#  4. a child that segfaults: a failed result, and no process of the sweep left behind.
#  5. the browser (real headless Chromium, wasm EP) killed with SIGKILL while the page runs: a
#     failed result naming the browser, no browser process left (skipped without Chromium).
# Seeded (RANDOM=$SEED) so a failure can be replayed: SEED=<n> tests/reliability/fault_injection.sh BIN
. "$(dirname "$0")/../e2e_lib.sh" "$1"
SEED=${SEED:-$(date +%s)}
RANDOM=$SEED
echo "seed: $SEED"
fast=(--runtime test-double --min-iterations 3 --min-time 0.05 --budget 0.3 --warmup-max-time 0.05
      --ci-target 0.5 --no-progress-bar --backend-option latency_ms=2)
# Processes whose command line names this test's temporary directory (workers inherit it).
leftovers() { pgrep -f -- "$tmp" | grep -v "^$$\$" || true; }

# ---- 1. kill -9 at 20 random moments, resume after each ----
db="$tmp/kill.duckdb"
total=12
# Waits until the runner has printed its run line (start-up can take seconds on a loaded machine),
# then kills it after a random 0..2.5 s: start-up, planning, measuring, writing all get hit.
kill_at_random() { # pid errfile
  for _ in $(seq 1 600); do grep -q "^run " "$2" 2>/dev/null && break; kill -0 $1 2>/dev/null || break; sleep 0.05; done
  local ms=$((RANDOM % 2500))
  sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
  kill -9 $1 2>/dev/null && kills=$((kills + 1)); wait $1 2>/dev/null
}
kills=0 opened=0
"$bin" run "${fast[@]}" --models k1,k2,k3 --batch 1,2,3,4 --db "$db" >/dev/null 2>"$tmp/k1" &
kill_at_random $! "$tmp/k1"
run=$(sed -n 's/^run \([0-9a-f-]*\):.*/\1/p' "$tmp/k1" | head -1)
[ -n "$run" ] && ok "run $run started" || bad "no run id: $(cat "$tmp/k1")"
for i in $(seq 2 20); do
  # the database opens after every kill
  n=$(q "$db" "SELECT count(*) FROM results WHERE run_id='$run'")
  [[ "$n" =~ ^[0-9]+$ ]] && opened=$((opened + 1)) || bad "database did not open after kill $((i - 1)): $n"
  "$bin" run --resume "$run" --db "$db" --no-progress-bar >/dev/null 2>"$tmp/k$i" &
  kill_at_random $! "$tmp/k$i"
done
[ $opened = 19 ] && ok "database opened after each kill" || bad "opened $opened/19"
echo "info: $kills kills landed while the runner was alive"
"$bin" run --resume "$run" --db "$db" --no-progress-bar >/dev/null 2>"$tmp/kfinal"; rc=$?
[ $rc = 0 ] && ok "final resume exits 0" || { bad "final resume rc $rc"; cat "$tmp/kfinal"; }
n=$(q "$db" "SELECT count(*) || '/' || count(DISTINCT config_key) FROM results WHERE run_id='$run'")
[ "$n" = "$total/$total" ] && ok "$total configurations exactly once after 20 kills" || bad "after kills: $n"
st=$(q "$db" "SELECT status FROM runs WHERE run_id='$run'")
[ "$st" = finished ] && ok "run finished" || bad "run status: $st"
orph=$(q "$db" "SELECT count(*) FROM samples WHERE result_id NOT IN (SELECT result_id FROM results)")
[ "$orph" = 0 ] && ok "no samples without their result" || bad "orphan samples: $orph"

# ---- 2. the disk fills up while writing ----
db2="$tmp/full.duckdb"
"$bin" run "${fast[@]}" --models f1 --batch 1,2 --db "$db2" >/dev/null 2>&1 || bad "seed run failed"
before=$(q "$db2" "SELECT count(*) FROM results")
# File-size limit of 128 KiB: the write-ahead log of the next sweep outgrows it after ~20 results.
out=$( (ulimit -f 128; exec "$bin" run "${fast[@]}" --models f2,f3,f4,f5,f6,f7 --batch 1,2,3,4,5,6,7,8 \
  --db "$db2") 2>&1 >/dev/null); rc=$?
msg=$(echo "$out" | grep -v "^\[\|^run ")
if [ $rc -ne 0 ] && [ $rc -lt 128 ]; then
  ok "disk full: exits $rc, not killed by a signal"
  [ "$(echo "$msg" | wc -l)" = 1 ] && echo "$msg" | grep -Eqi "file too large|no space" \
    && ok "disk full: one clear line: $msg" || bad "disk full message: $msg"
else
  bad "disk full: rc $rc (expected an error exit): $(echo "$out" | tail -3)"
fi
after=$(q "$db2" "SELECT count(*) FROM results WHERE model='f1'")
[ "$after" = "$before" ] && ok "database intact after disk full ($after earlier results readable)" \
  || bad "after disk full: $after (was $before)"
n=$(q "$db2" "SELECT count(*) FROM results")
[[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -gt "$before" ] && ok "results committed before the disk filled are kept ($n)" \
  || bad "after disk full: $n results"

# ---- 3. two runs on one database at once ----
db3="$tmp/two.duckdb"
"$bin" run "${fast[@]}" --models a1,a2,a3 --batch 1,2 --db "$db3" --lock-timeout 120 >/dev/null 2>"$tmp/a" &
p1=$!
"$bin" run "${fast[@]}" --models b1,b2,b3 --batch 1,2 --db "$db3" --lock-timeout 120 >/dev/null 2>"$tmp/b" &
p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
[ $r1 = 0 ] && [ $r2 = 0 ] && ok "both concurrent runs exit 0" || { bad "concurrent rc $r1 $r2"; cat "$tmp/a" "$tmp/b"; }
n=$(q "$db3" "SELECT count(DISTINCT run_id) || ':' || count(*) || ':' || count(DISTINCT config_key) FROM results")
[ "$n" = "2:12:12" ] && ok "both sweeps complete: 2 runs, 12 rows" || bad "concurrent rows: $n"

# ---- 4. a child that segfaults: failed result, no process left behind ----
db4="$tmp/segv.duckdb"
"$bin" run "${fast[@]}" --models s1,s2 --batch 1,2 --backend-option crash_on=s2:1 --db "$db4" \
  >/dev/null 2>"$tmp/s"; rc=$?
[ $rc = 0 ] && ok "sweep with a segfaulting child completes" || bad "segv sweep rc $rc"
r=$(q "$db4" "SELECT status || ' ' || reason FROM results WHERE model='s2' AND batch=1")
echo "$r" | grep -q "failed.*SIGSEGV" && ok "segfault recorded as failed: $r" || bad "segv result: $r"
sleep 0.3
left=$(leftovers)
[ -z "$left" ] && ok "no process of the test left in the process table" \
  || bad "left behind: $(ps -o pid,stat,cmd -p $(echo $left | tr ' ' ,) 2>/dev/null)"

# ---- 5. the browser crashes mid-run ----
if [ -x /usr/lib/chromium/chromium ]; then
  . "$(dirname "$0")/../browser/browser_procs.sh"
  t5="$tmp/t5"; mkdir -p "$t5"
  # --min-time 30: the page is still measuring when the kill lands.
  TMPDIR="$t5" "$bin" run --models bert --preset tiny --runtime onnxruntime-web --platforms wasm \
    --batch 1 --min-time 30 --budget 60 --no-progress-bar --db "$tmp/browser.duckdb" >/dev/null \
    2>"$tmp/b5" &
  rp=$!
  procs=""
  for _ in $(seq 1 240); do
    procs=$(browser_procs "$t5"); [ -n "$procs" ] && break
    kill -0 $rp 2>/dev/null || break; sleep 0.5
  done
  sleep $((3 + RANDOM % 5))
  procs=$(browser_procs "$t5")
  [ -n "$procs" ] && kill -9 $procs 2>/dev/null
  for _ in $(seq 1 240); do kill -0 $rp 2>/dev/null || break; sleep 0.5; done
  kill -0 $rp 2>/dev/null && { bad "run still alive 120 s after the browser was killed"; kill -9 $rp; }
  wait $rp; rc=$?
  [ -n "$procs" ] && ok "browser killed mid-run (pids $(echo $procs))" || bad "no browser seen"
  [ $rc = 0 ] && ok "sweep with a crashed browser completes" || bad "browser sweep rc $rc: $(tail -2 "$tmp/b5")"
  r=$(q "$tmp/browser.duckdb" "SELECT status || ': ' || substr(reason, 1, 80) FROM results")
  echo "$r" | grep -q "^failed: .*browser" && ok "browser crash recorded as failed: $(echo "$r" | head -1)" \
    || bad "browser crash result: $r"
  left=$(browser_procs "$t5")
  [ -z "$left" ] && ok "no browser process left" \
    || bad "browser left behind: $(ps -o pid,cmd -p $(echo $left | tr ' ' ,) 2>/dev/null)"
else
  echo "skip: 5. no Chromium at /usr/lib/chromium/chromium"
fi
exit $fail
