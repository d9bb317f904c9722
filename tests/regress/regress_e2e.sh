#!/usr/bin/env bash
# accelbench regress end to end. A real tiny libtorch run (bert tiny, batch 1, CPU) as the
# baseline; a second real run with the TEST-ONLY injected delay (--backend-option
# test_only_delay_ms=D, D = the baseline's median step time, i.e. ~+100%) must be flagged with
# exit 1 and named; a third plain run compared with the baseline must exit 0 (threshold 50%, half
# the injected change: under ctest -j2 a heavy neighbour test slows one run and not the other, and
# this shared machine drifts by more than 3% between runs). Then bad input (exit 2, one line) and
# --history over a series of test-double runs with a step at a known run.
. "$(dirname "$0")/../e2e_lib.sh" "${1:?usage: regress_e2e.sh ACCELBENCH_BIN}"
DB="$tmp/r.duckdb"
tiny=(--models bert --preset tiny --batch 1 --threads 1 --min-iterations 300 --min-time 1.5
      --budget 6 --ci-target 0.02 --no-progress-bar --db "$DB")

"$bin" run "${tiny[@]}" --tag branch=main --tag commit=aaa111 --tag ci_build=1 >/dev/null \
  2>"$tmp/run1.err" || { cat "$tmp/run1.err"; echo "FAIL: baseline run"; exit 1; }
p50=$(q "$DB" "SELECT lat_p50_ms FROM results")
delay=$(awk -v p="$p50" 'BEGIN { d = p; if (d < 1) d = 1; printf "%.3f", d }')
echo "baseline median step ${p50} ms; injected delay ${delay} ms"
"$bin" run "${tiny[@]}" --tag branch=pr-7 --tag commit=bbb222 --tag ci_build=2 \
  --backend-option test_only_delay_ms="$delay" >/dev/null 2>"$tmp/run2.err" ||
  { cat "$tmp/run2.err"; echo "FAIL: delayed run"; exit 1; }
n=$(q "$DB" "SELECT count(DISTINCT config_key) FROM results")
[ "$n" = 1 ] && ok "the injected delay keeps the configuration key" || bad "config keys: $n"
o=$(q "$DB" "SELECT options_json FROM results WHERE run_id IN (SELECT run_id FROM runs WHERE tags LIKE '%pr-7%')")
echo "$o" | grep -q "test_only_delay_ms" && ok "delay recorded in options_json" || bad "options_json: $o"
r=$(q "$DB" "SELECT reason FROM results WHERE options_json LIKE '%test_only_delay_ms%'")
echo "$r" | grep -q "TEST ONLY" && ok "delay labelled TEST ONLY in reason" || bad "reason: $r"

out=$("$bin" regress --db "$DB" --baseline branch=main --candidate branch=pr-7 2>&1); rc=$?
echo "$out"
[ $rc = 1 ] && ok "delayed run: exit 1" || bad "delayed run: exit $rc"
echo "$out" | grep "bert/tiny" | grep -q "regressed" && ok "names the regressed configuration" ||
  bad "no regressed bert/tiny row"
md=$("$bin" regress --db "$DB" --baseline branch=main --candidate branch=pr-7 --format md 2>&1)
echo "$md" | grep -q "^| :red_circle: | bert/tiny" && echo "$md" | grep -q "regression found" &&
  ok "markdown summary" || bad "markdown: $md"
js=$("$bin" regress --db "$DB" --baseline branch=main --candidate branch=pr-7 --format json 2>&1)
echo "$js" | node -e '
  const j = JSON.parse(require("fs").readFileSync(0));
  const c = j.configs[0];
  if (!j.regression || c.verdict !== "regressed" || !(c.change_pct > 30) || !(c.ratio_ci_low > 1))
    process.exit(1);' && ok "json: regressed, change > 30%, CI above 1" || bad "json: $js"

"$bin" run "${tiny[@]}" --tag branch=pr-8 --tag commit=ccc333 --tag ci_build=3 >/dev/null \
  2>"$tmp/run3.err" || { cat "$tmp/run3.err"; echo "FAIL: third run"; exit 1; }
out=$("$bin" regress --db "$DB" --baseline branch=main --candidate branch=pr-8 --threshold 50 2>&1)
rc=$?
echo "$out"
[ $rc = 0 ] && ok "unchanged pair: exit 0" || bad "unchanged pair: exit $rc"
echo "$out" | grep "bert/tiny" | grep -qv "regressed" && ok "unchanged pair not regressed" ||
  bad "unchanged pair row"
# default baseline: the run before the candidate (the delayed one): faster now -> not a regression
"$bin" regress --db "$DB" >/dev/null 2>&1; rc=$?
[ $rc = 0 ] && ok "default baseline = previous run (faster: exit 0)" || bad "previous: exit $rc"

# ---- bad input: one line, exit 2 ----
expect2() {  # name, command...
  local name=$1; shift
  local e; e=$("$@" 2>&1 >/dev/null); local rc=$?
  if [ $rc = 2 ] && [ "$(echo "$e" | wc -l)" = 1 ]; then ok "$name: exit 2 ($e)"; else bad "$name: rc $rc: $e"; fi
}
expect2 "unknown run id" "$bin" regress --db "$DB" --baseline no-such-run --candidate latest
expect2 "unknown tag" "$bin" regress --db "$DB" --baseline branch=nope
echo '{"default_pct": "three"}' >"$tmp/bad.json"
expect2 "bad threshold file" "$bin" regress --db "$DB" --baseline branch=main --thresholds "$tmp/bad.json"
expect2 "missing threshold file" "$bin" regress --db "$DB" --baseline branch=main --thresholds "$tmp/none.json"
"$bin" run --runtime test-double --models other --min-iterations 5 --min-time 0.05 --budget 0.5 \
  --no-progress-bar --tag branch=td --db "$DB" >/dev/null 2>&1
expect2 "no common configurations" "$bin" regress --db "$DB" --baseline branch=main --candidate branch=td
"$bin" regress --db "$DB" --format xml >/dev/null 2>&1; rc=$?  # CLI11 adds a help hint line
[ $rc = 2 ] && ok "bad format: exit 2" || bad "bad format: exit $rc"

# ---- history: 5 test-double runs, then 5 with +0.5 ms on a 1 ms step: one change point ----
# (threshold 20%: a sleep's overshoot varies with the load of neighbour tests by more than the
# default 3% of a 1 ms step between runs; the step is +50%)
H="$tmp/h.duckdb"
td=(--runtime test-double --models m --backend-option latency_ms=1 --backend-option jitter=0.02
    --min-iterations 40 --min-time 0.1 --budget 1 --ci-target 0.5 --no-progress-bar --db "$H")
for i in 1 2 3 4 5 6 7 8 9 10; do
  extra=()
  [ $i -ge 6 ] && extra=(--backend-option test_only_delay_ms=0.5)
  "$bin" run "${td[@]}" "${extra[@]}" --tag branch=main --tag commit=c$i >/dev/null 2>&1 ||
    bad "history run $i"
done
out=$("$bin" regress --db "$H" --history --tag branch=main --threshold 20 --format json 2>&1); rc=$?
[ $rc = 1 ] && ok "history with a step: exit 1" || bad "history: exit $rc: $out"
echo "$out" | node -e '
  const h = JSON.parse(require("fs").readFileSync(0));
  if (h.length !== 1 || h[0].runs !== 10 || h[0].change_points.length !== 1) process.exit(1);
  const cp = h[0].change_points[0];
  if (cp.index !== 5 || cp.verdict !== "regressed") process.exit(1);' &&
  ok "history: one change point, at run 6 of 10" || bad "history json: $out"
c6=$(q "$H" "SELECT run_id FROM runs WHERE tags LIKE '%c6%'")
echo "$out" | grep -q "\"run_id\": \"$c6\"" && ok "change point names the run of commit c6" ||
  bad "change point run id (want $c6)"
"$bin" regress --db "$H" --history --tag branch=main --threshold 20 --format md | grep -q "1 change point(s), 1 regression" &&
  ok "history markdown" || bad "history markdown"
exit $fail
