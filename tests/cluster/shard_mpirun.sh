#!/usr/bin/env bash
# Sharded sweeps (issue 10) on the TEST DOUBLE runtime (it measures nothing real): `mpirun -n 3`
# on loopback runs a tiny sweep in 3 shards, each into its own database; `db merge` holds every
# configuration exactly once; a shard that dies is reported by the merge as missing
# configurations while the others are kept. Bad shard input exits 2 before anything runs.
. "$(dirname "$0")/../e2e_lib.sh" "$1"
fast=(--runtime test-double --min-iterations 3 --min-time 0.02 --budget 0.3 --warmup-max-time 0.1
      --ci-target 0.5 --no-progress-bar --models m1,m2,m3 --batch 1,2,4 --platforms cpu,rocm)

# ---- bad input: exit 2, nothing written ----
out=$("$bin" run "${fast[@]}" --shard 3/3 --run-id x --db "$tmp/bad.duckdb" 2>&1); rc=$?
[ $rc = 2 ] && echo "$out" | grep -q "out of range" && ok "shard index out of range: exit 2" \
  || bad "shard out of range: $rc $out"
out=$("$bin" run "${fast[@]}" --shard 1/3 --db "$tmp/bad.duckdb" 2>&1); rc=$?
[ $rc = 2 ] && echo "$out" | grep -q -- "--run-id" && ok "sharded run without a run id: exit 2" \
  || bad "no run id: $rc $out"
ls "$tmp"/bad* >/dev/null 2>&1 && bad "a database was written on bad input" || ok "nothing written"

# ---- mpirun -n 3: one shard per rank, one database per shard ----
if ! command -v mpirun >/dev/null; then echo "SKIP: mpirun not installed"; exit 77; fi
mpirun --oversubscribe --allow-run-as-root -n 3 "$bin" run "${fast[@]}" --run-id sweep-1 \
  --db "$tmp/s.duckdb" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc = 0 ] && ok "mpirun -n 3 exits 0" || { bad "mpirun rc $rc"; cat "$tmp/err"; }
total=0
for i in 0 1 2; do
  f="$tmp/s.shard-$i-of-3.duckdb"
  if [ -f "$f" ]; then
    n=$(q "$f" "SELECT count(*) FROM results")
    s=$(q "$f" "SELECT DISTINCT shard FROM results")
    [ "$s" = "$i/3" ] && ok "shard $i: $n results, labelled $s" || bad "shard $i label '$s'"
    total=$((total + n))
  else
    bad "no database for shard $i"
  fi
done
[ $total = 18 ] && ok "18 results over the shards (9 cpu + 9 skipped rocm)" || bad "total $total"
grep -q "openmpi" "$tmp/err" && ok "shard taken from OpenMPI's environment" || bad "no openmpi"
out=$("$bin" db merge --db "$tmp/all.duckdb" "$tmp"/s.shard-*-of-3.duckdb 2>&1); rc=$?
[ $rc = 0 ] && ok "merge exits 0" || bad "merge rc $rc: $out"
echo "$out" | grep -q "lacks" && bad "merge reports missing configurations: $out" \
  || ok "nothing missing after a complete sharded run"
n=$(q "$tmp/all.duckdb" "SELECT count(*) FROM results")
d=$(q "$tmp/all.duckdb" "SELECT count(DISTINCT config_key) FROM results")
[ "$n" = 18 ] && [ "$d" = 18 ] && ok "merged: every configuration exactly once ($n)" \
  || bad "merged $n results, $d distinct"
r=$(q "$tmp/all.duckdb" "SELECT count(DISTINCT run_id) || ' ' || min(run_id) FROM results")
[ "$r" = "1 sweep-1" ] && ok "one run id shared by all shards" || bad "run ids: $r"
h=$(q "$tmp/all.duckdb" "SELECT count(*) FROM results WHERE host IS NULL OR host = ''")
[ "$h" = 0 ] && ok "every result keeps its host" || bad "$h results without host"

# ---- a dead shard: shards 0 and 1 finish, shard 2 is killed -9 after its first result ----
slow=(--backend-option latency_ms=40)
for i in 0 1; do
  "$bin" run "${fast[@]}" --shard $i/3 --run-id dead-1 --db "$tmp/d.duckdb" >/dev/null 2>&1 \
    || bad "shard $i rc $?"
done
"$bin" run "${fast[@]}" "${slow[@]}" --min-time 1 --shard 2/3 --run-id dead-1 \
  --db "$tmp/d.duckdb" >/dev/null 2>"$tmp/err2" &
pid=$!
f2="$tmp/d.shard-2-of-3.duckdb"
for _ in $(seq 1 600); do
  grep -q "^\[1/" "$tmp/err2" 2>/dev/null && break
  sleep 0.1
done
sleep 0.5
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
merged="$tmp/dm.duckdb"
out=$("$bin" db merge --db "$merged" "$tmp"/d.shard-*-of-3.duckdb 2>&1); rc=$?
[ $rc = 0 ] && ok "merge with a dead shard exits 0" || bad "merge rc $rc: $out"
have=$(q "$merged" "SELECT count(*) FROM results")
missing=$(echo "$out" | sed -n 's/^run dead-1 lacks \([0-9]*\) planned.*/\1/p')
missing=${missing:-0}
echo "$out" | grep -q "run dead-1 lacks" && ok "merge reports the dead shard's missing configurations" \
  || bad "no missing report: $out"
[ $((have + missing)) = 18 ] && [ "$missing" -gt 0 ] \
  && ok "kept $have results, $missing reported missing (18 planned)" \
  || bad "have $have + missing $missing != 18"
d=$(q "$merged" "SELECT count(*) - count(DISTINCT config_key) FROM results")
[ "$d" = 0 ] && ok "no duplicates after merging a dead shard" || bad "$d duplicates"
exit $fail
