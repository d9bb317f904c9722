#!/usr/bin/env bash
# accelbench serve while a sweep writes to the same database (issue 9 "live", issue 12 "load"):
#  - the writer (`accelbench run`, test-double runtime) is never blocked by the server and
#    finishes with every configuration stored;
#  - new results appear through the API without restarting the server (status/results grow);
#  - a bounded load (wrk, 4 connections, a few seconds, history and results queries) during the
#    sweep: zero socket errors and zero non-2xx answers; the server's RSS sampled through the run
#    stays under a generous bound (3x the RSS after warm-up + 300 MB). No timing assertions: the
#    p95 is printed only (bench/bench_dashboard measures it).
set -euo pipefail
BIN=${1:?usage: serve_live_load.sh ACCELBENCH_BIN}
T=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
DB=$T/live.duckdb
fast=(--runtime test-double --min-iterations 5 --min-time 0.05 --budget 0.5 --warmup-max-time 0.2
      --ci-target 0.5 --no-progress-bar)

"$BIN" run "${fast[@]}" --models a --batch 1,2 --db "$DB" --tag phase=seed >/dev/null 2>"$T/seed.err" ||
  { cat "$T/seed.err" >&2; fail "seed run"; }
"$BIN" serve --db "$DB" --port 0 --refresh 0.2 --snapshot-dir "$T" >"$T/serve.log" 2>&1 &
SPID=$!; PIDS+=("$SPID")
for _ in $(seq 1 300); do
  URL=$(grep -o 'http://[^ ]*/' "$T/serve.log" | head -1 || true); [ -n "$URL" ] && break; sleep 0.1
done
[ -n "$URL" ] || { cat "$T/serve.log" >&2; fail "serve printed no URL"; }
n0=$(curl -sf "${URL}api/status" | jq .results)
[ "$n0" = 2 ] || fail "seed results $n0"

# A sweep of 24 configurations writing while the server serves (the server must not block it).
"$BIN" run "${fast[@]}" --models a,b,c --batch 1,2,4,8 --precision fp32,fp16 --db "$DB" \
  --tag phase=live --lock-timeout 5 >/dev/null 2>"$T/sweep.err" &
WPID=$!; PIDS+=("$WPID")
rss() { awk '/VmRSS/ {print $2}' "/proc/$SPID/status"; }
KEY=$(curl -sf "${URL}api/results?limit=1" | jq -r '.results[0].config_key')
ENC=$(jq -rn --arg k "$KEY" '$k|@uri')
# Warm-up, then the bounded load with RSS samples alongside.
curl -sf "${URL}api/history?config_key=$ENC" >/dev/null
rss0=$(rss); max=$rss0
cat >"$T/urls.lua" <<LUA
local paths = {"/api/history?config_key=$ENC", "/api/results?latest=1&limit=50", "/api/status"}
local i = 0
request = function() i = i + 1; return wrk.format("GET", paths[(i % #paths) + 1]) end
done = function(summary, latency, requests)
  io.write(string.format("p95_ms %.2f\nrequests %d\nnon2xx %d\nerrors %d\n", latency:percentile(95) / 1000,
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
# summary.errors.status counts non-2xx/3xx answers.
wrk -t 2 -c 4 -d 6s --timeout 10s -s "$T/urls.lua" "${URL%/}" >"$T/wrk.out" 2>&1 &
LPID=$!; PIDS+=("$LPID")
grew=0
while kill -0 "$LPID" 2>/dev/null; do
  r=$(rss); [ "$r" -gt "$max" ] && max=$r
  sleep 0.2
done
wait "$LPID" || fail "wrk failed: $(cat "$T/wrk.out")"
cat "$T/wrk.out"
[ "$(awk '/^non2xx/ {print $2}' "$T/wrk.out")" = 0 ] || fail "non-2xx answers under load"
[ "$(awk '/^errors/ {print $2}' "$T/wrk.out")" = 0 ] || fail "socket errors under load"
[ "$(awk '/^requests/ {print $2}' "$T/wrk.out")" -gt 10 ] || fail "too few requests"
limit=$((rss0 * 3 + 300 * 1024))
echo "server RSS: ${rss0} kB after warm-up, max ${max} kB during the load (bound ${limit} kB)"
[ "$max" -le "$limit" ] || fail "server memory grew beyond the bound"
ok "load during the sweep: no errors, memory bounded"

wait "$WPID" || { cat "$T/sweep.err" >&2; fail "the sweep failed while the server was serving"; }
ok "the writer was not blocked by the server"
want=$((2 + 24))
for _ in $(seq 1 100); do
  n=$(curl -sf "${URL}api/status" | jq .results); [ "$n" = "$want" ] && break; sleep 0.2
done
[ "$n" = "$want" ] || fail "server shows $n results, database has $want"
[ "$(curl -sf "${URL}api/results?tag=phase%3Dlive" | jq .total)" = 24 ] || fail "live results not served"
ok "new results visible without a restart ($n0 -> $n)"
kill -0 "$SPID" || fail "server died"
