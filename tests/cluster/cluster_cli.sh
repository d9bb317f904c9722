#!/usr/bin/env bash
# `accelbench cluster plan` (golden launch plans, bad cluster files exit 2) and the data-parallel
# training scaling series `run --mode training --world-size 1,2,3` (tiny bert on loopback; real
# libtorch + gloo measurements) read back from the database.
. "$(dirname "$0")/../e2e_lib.sh" "$1"
src=$2

# ---- cluster plan ----
for n in mpirun slurm slurm_array; do
  out=$("$bin" cluster plan "$src/configs/$n.yaml" 2>&1); rc=$?
  [ $rc = 0 ] && [ "$out" = "$(cat "$src/golden/$n.txt")" ] && ok "plan $n matches its golden" \
    || { bad "plan $n: rc $rc"; diff <(echo "$out") "$src/golden/$n.txt"; }
done
printf 'hosts:\n  - {name: localhost, ranks: 2}\nworld_size: 3\n' > "$tmp/big.yaml"
out=$("$bin" cluster plan "$tmp/big.yaml" 2>&1); rc=$?
[ $rc = 2 ] && echo "$out" | grep -q "larger than the hosts allow" && ok "world size > slots: exit 2" \
  || bad "world size: $rc $out"
printf 'hosts: [localhost, no-such-host.invalid]\n' > "$tmp/unreach.yaml"
out=$("$bin" cluster plan "$tmp/unreach.yaml" 2>&1); rc=$?
[ $rc = 2 ] && echo "$out" | grep -q "no-such-host.invalid is unreachable" \
  && ok "unreachable host: exit 2" || bad "unreachable: $rc $out"
[ "$(echo "$out" | wc -l)" = 1 ] && ok "one line on stderr" || bad "more than one line: $out"

# ---- bad scaling input: exit 2 before anything runs ----
out=$("$bin" run --models bert --preset tiny --mode inference --world-size 2 --db "$tmp/x.duckdb" 2>&1); rc=$?
[ $rc = 2 ] && ok "--world-size needs --mode training: exit 2" || bad "mode: $rc $out"
out=$("$bin" run --models bert --preset tiny --mode training --world-size 0 --db "$tmp/x.duckdb" 2>&1); rc=$?
[ $rc = 2 ] && ok "--world-size 0: exit 2" || bad "world 0: $rc $out"
[ -e "$tmp/x.duckdb" ] && bad "database written on bad input" || ok "nothing written"

# ---- the scaling series (tiny bert, batch 2 per rank, 1..3 ranks on this host) ----
db="$tmp/dp.duckdb"
"$bin" run --models bert --preset tiny --mode training --world-size 1,2,3 --batch 2 --seq 16 \
  --min-iterations 3 --min-time 0.2 --budget 5 --warmup-min 1 --db "$db" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc = 0 ] && ok "scaling series exits 0" || { bad "series rc $rc"; cat "$tmp/err"; }
grep -q "efficiency" "$tmp/out" && ok "scaling table printed" || bad "no scaling table"
cat "$tmp/out" | sed -n '/^scaling/,$p'
n=$(q "$db" "SELECT count(*) FROM results WHERE status = 'ok' AND mode = 'training'")
[ "$n" = 3 ] && ok "3 scaling results stored" || bad "$n ok results"
w=$(q "$db" "SELECT string_agg(CAST(world_size AS VARCHAR), '-' ORDER BY world_size) FROM results")
[ "$w" = "1-2-3" ] && ok "world sizes 1,2,3" || bad "world sizes $w"
b=$(q "$db" "SELECT count(*) FROM results WHERE world_size > 1 AND comm_backend = 'gloo (torch c10d)' AND allreduce_bytes > 0 AND comm_fraction > 0 AND comm_fraction < 1")
[ "$b" = 2 ] && ok "gloo backend, bytes and comm share stored for 2 and 3 ranks" || bad "comm fields: $b"
e=$(q "$db" "SELECT scaling_efficiency FROM results WHERE world_size = 1")
[ "$e" = 1.0 ] || [ "$e" = 1 ] && ok "efficiency 1 at world size 1" || bad "efficiency $e"
e=$(q "$db" "SELECT count(*) FROM results WHERE world_size > 1 AND scaling_efficiency > 0 AND topology LIKE '%loopback%'")
[ "$e" = 2 ] && ok "efficiency and topology stored" || bad "efficiency/topology: $e"
s=$(q "$db" "SELECT count(*) FROM samples")
[ "${s:-0}" -ge 9 ] && ok "raw step times stored ($s)" || bad "samples $s"

# ---- two real rank processes (gloo over loopback): parameters bit-identical after training ----
for r in 0 1; do
  printf '{"family":"bert","preset":"tiny","batch":2,"seq_len":8,"threads":1,"rank":%d,"world":2,"rendezvous":"file:%s/rdzv","warmup_steps":1,"min_iterations":2,"min_time_s":0,"timeout_s":120,"dump_params":"%s/p%d.bin"}' \
    $r "$tmp" "$tmp" $r | "$bin" cluster rank 3>"$tmp/rank$r.json" &
done
wait
grep -q '"ok":true' "$tmp/rank0.json" && grep -q '"ok":true' "$tmp/rank1.json" \
  && ok "two rank processes trained" || bad "ranks: $(cat "$tmp"/rank*.json)"
[ -s "$tmp/p0.bin" ] && cmp -s "$tmp/p0.bin" "$tmp/p1.bin" \
  && ok "parameters identical on both processes after 3 steps" || bad "parameters differ"

# ---- under mpirun: each process is one rank of the launcher's world ----
if command -v mpirun >/dev/null; then
  db2="$tmp/mpi.duckdb"
  (cd "$tmp" && mpirun --oversubscribe --allow-run-as-root -n 2 "$bin" run --models bert \
    --preset tiny --mode training --world-size 2 --batch 2 --seq 16 --threads 1 \
    --min-iterations 3 --min-time 0.2 --budget 5 --db "$db2" >"$tmp/out2" 2>"$tmp/err2"); rc=$?
  [ $rc = 0 ] && ok "mpirun -n 2 training exits 0" || { bad "mpirun training rc $rc"; cat "$tmp/err2"; }
  t=$(q "$db2" "SELECT count(*) FROM results WHERE status = 'ok' AND world_size = 2 AND topology LIKE 'openmpi%' AND comm_backend = 'gloo (torch c10d)'")
  [ "$t" = 1 ] && ok "one result from rank 0 under OpenMPI" || bad "mpirun result: $t"
  out=$(mpirun --oversubscribe --allow-run-as-root -n 2 "$bin" run --models bert --preset tiny \
    --mode training --world-size 3 --db "$tmp/y.duckdb" 2>&1); rc=$?
  echo "$out" | grep -q "world-size must be 2" && ok "world size != launcher size refused" \
    || bad "launcher size mismatch: $rc $out"
fi
exit $fail
