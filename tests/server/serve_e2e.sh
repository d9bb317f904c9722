#!/usr/bin/env bash
# accelbench serve end to end over a database made by two real tiny runs (bert tiny, CPU, batch
# 1 and 2, tagged commit=aaa / commit=bbb): the JSON API (results equal the database, 400 for bad
# parameters, 404 for unknown paths and traversal attempts, 401 without the token when binding a
# non-default address), the dashboard in headless Chromium (tests/server/dashboard_cdp.js: charts
# render with the database's numbers, filters narrow table and charts), and the database file
# byte-identical afterwards (sha256 of the file and its WAL).
set -euo pipefail
BIN=${1:?usage: serve_e2e.sh ACCELBENCH_BIN}
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
DB=$T/r.duckdb

for c in aaa bbb; do
  "$BIN" run --models bert --preset tiny --batch 1,2 --db "$DB" --min-iterations 5 --min-time 0.2 \
    --warmup-max 3 --tag branch=main --tag commit=$c --no-progress-bar >"$T/run.out" 2>"$T/run.err" ||
    { cat "$T/run.err" >&2; fail "tiny run $c failed"; }
done
ok "two real tiny runs"
sum() { for f in "$DB" "$DB.wal"; do [ -f "$f" ] && sha256sum "$f" | cut -c1-64; done; true; }
before=$(sum)

# start_server LOG ARGS...: starts `serve`, waits for its URL line, sets URL and PID.
start_server() {
  local log=$1; shift
  "$BIN" serve --db "$DB" --port 0 --snapshot-dir "$T" "$@" >"$log" 2>&1 &
  PID=$!
  PIDS+=("$PID")
  for _ in $(seq 1 300); do
    URL=$(grep -o 'http://[^ ]*/' "$log" | head -1 || true)
    [ -n "$URL" ] && return 0
    kill -0 "$PID" 2>/dev/null || { cat "$log" >&2; fail "serve exited"; }
    sleep 0.1
  done
  fail "serve printed no URL"
}
start_server "$T/serve.log"
URL1=$URL
code() { curl -s -o "$T/body" -w '%{http_code}' "$@"; }

# ---- API: results equal the database ----
[ "$(code "${URL}api/status")" = 200 ] || fail "status: $(cat "$T/body")"
jq -e '.results == 4 and .runs == 2' "$T/body" >/dev/null || fail "status counts: $(cat "$T/body")"
"$BIN" db query --db "$DB" --format json "SELECT result_id, config_key, batch, lat_p50_ms, \
  lat_p99_ms, throughput, peak_rss_mb, status, started_utc FROM results" >"$T/db.json"
[ "$(code "${URL}api/results?limit=100")" = 200 ] || fail "results: $(cat "$T/body")"
node - "$T/body" "$T/db.json" <<'JS' || fail "api/results differs from the database"
const fs = require('fs');
const api = JSON.parse(fs.readFileSync(process.argv[2])), db = JSON.parse(fs.readFileSync(process.argv[3]));
if (api.total !== db.length || api.results.length !== db.length) throw new Error('count');
for (const d of db) {
  const r = api.results.find(x => x.result_id === d.result_id);
  for (const k of Object.keys(d)) if (String(r[k]) !== String(d[k])) throw new Error(`${k}: ${r[k]} != ${d[k]}`);
}
JS
ok "api/results equals the database"
[ "$(code "${URL}api/results?batch=2&latest=1")" = 200 ] && jq -e '.total == 1 and .results[0].batch == 2' "$T/body" >/dev/null ||
  fail "batch filter: $(cat "$T/body")"
[ "$(code "${URL}api/results?tag=commit%3Daaa")" = 200 ] && jq -e '.total == 2' "$T/body" >/dev/null ||
  fail "tag filter: $(cat "$T/body")"
[ "$(code "${URL}api/results?from=2000-01-01&to=2000-12-31")" = 200 ] && jq -e '.total == 0' "$T/body" >/dev/null ||
  fail "date filter: $(cat "$T/body")"
KEY=$(jq -r '.[] | select(.batch == 1) | .config_key' "$T/db.json" | head -1)
[ "$(code -G "${URL}api/history" --data-urlencode "config_key=$KEY")" = 200 ] || fail "history: $(cat "$T/body")"
jq -e '.series | length == 1 and (.[0].points | length == 2)' "$T/body" >/dev/null || fail "history points: $(cat "$T/body")"
for e in runs filters compare regressions predictions; do
  [ "$(code "${URL}api/$e")" = 200 ] || fail "$e: $(cat "$T/body")"
done
jq -e '.label == "predicted" and (.predictions | length == 0)' "$T/body" >/dev/null || fail "predictions: $(cat "$T/body")"
ok "filters, history, runs, compare, regressions, predictions answer"

# ---- 400 with a message for every malformed parameter ----
for q in "results?batch=abc" "results?batch=0" "results?limit=-1" "results?limit=999999" \
         "results?nosuch=1" "results?model=a'b" "results?model=" "results?from=2026-13-01" \
         "results?to=yesterday" "results?tag=novalue" "results?latest=maybe" "results?batch=1&batch=2" \
         "results?status=great" "history?model=bert" "history?metric=password" \
         "results?model=%00" "compare?baseline=gpu" "runs?model=bert" "status?x=1" \
         "results?offset=-5" "results?from=2026-12-01&to=2026-01-01"; do
  c=$(code "${URL}api/$q")
  [ "$c" = 400 ] || fail "$q: HTTP $c (want 400): $(cat "$T/body")"
  jq -e '.error | length > 5' "$T/body" >/dev/null || fail "$q: no message"
done
ok "malformed parameters: 400 with a message"

# ---- 404: unknown paths and traversal attempts (only embedded files are served) ----
[ "$(code "${URL}")" = 200 ] && grep -q 'accelbench dashboard' "$T/body" || fail "index"
[ "$(code "${URL}vendor/vega.min.js")" = 200 ] || fail "vega bundle"
for p in "../../../../etc/passwd" "%2e%2e/%2e%2e/etc/passwd" "..%2f..%2fetc%2fpasswd" \
         "vendor/../../etc/passwd" "index.html/../../../etc/passwd" "%2fetc%2fpasswd" \
         "nosuch.js" "api/nosuch" "web/dashboard/app.js" "vendor/" "index.html/"; do
  c=$(curl -s --path-as-is -o "$T/body" -w '%{http_code}' "${URL}$p")
  [ "$c" = 404 ] || fail "$p: HTTP $c (want 404)"
  ! grep -q 'root:' "$T/body" || fail "$p leaked a file"
done
c=$(curl -s -o /dev/null -w '%{http_code}' -X POST "${URL}api/results"); [ "$c" != 200 ] || fail "POST accepted"
ok "unknown paths and traversal: 404"

# ---- token: required off the default address, checked on every API call ----
if "$BIN" serve --db "$DB" --host 127.0.0.2 --port 0 >"$T/notoken.log" 2>&1; then fail "127.0.0.2 without token started"; fi
grep -q "token" "$T/notoken.log" || fail "no token message: $(cat "$T/notoken.log")"
TOKEN=abcdefghijklmnop0123456789
export ACCELBENCH_TOKEN=$TOKEN  # the environment variable, as a deployment would set it
start_server "$T/serve2.log" --host 127.0.0.2
unset ACCELBENCH_TOKEN
for e in status results runs filters "history?model=bert&platform=cpu" compare regressions predictions; do
  [ "$(code "${URL}api/$e")" = 401 ] || fail "$e without token: not 401"
  [ "$(code -H "Authorization: Bearer wrong-token-wrong-token" "${URL}api/$e")" = 401 ] || fail "$e wrong token"
  [ "$(code -H "Authorization: Bearer $TOKEN" "${URL}api/$e")" = 200 ] || fail "$e with token: $(cat "$T/body")"
done
[ "$(code "${URL}api/status?token=$TOKEN")" = 200 ] || fail "token as parameter"
kill "$PID"; wait "$PID" 2>/dev/null || true
ok "token: 401 without / with a wrong one, 200 with it"

# ---- the dashboard in headless Chromium ----
KEY2=$(jq -r '.[] | select(.batch == 2) | .config_key' "$T/db.json" | head -1)
cat >"$T/steps.json" <<JSON
[{"name": "initial"}, {"name": "batch2", "set": {"batch": "2"}},
 {"name": "history1", "set": {"batch": ""}, "config": "$KEY"},
 {"name": "tag", "set": {"tag": "commit=aaa"}},
 {"name": "nomatch", "set": {"tag": "", "from": "2000-01-01", "to": "2000-01-02"}}]
JSON
mkdir -p "$T/tmp"
TMPDIR="$T/tmp" node "$HERE/dashboard_cdp.js" "$URL1" "$T/steps.json" >"$T/page.json" || fail "dashboard_cdp failed"
[ -z "$(ls -A "$T/tmp")" ] || fail "dashboard_cdp left its Chromium profile behind: $(ls "$T/tmp")"
node - "$T/page.json" "$T/db.json" "$KEY" "$KEY2" <<'JS' || fail "dashboard does not match the database"
const fs = require('fs');
const steps = JSON.parse(fs.readFileSync(process.argv[2])), db = JSON.parse(fs.readFileSync(process.argv[3]));
const [key1, key2] = process.argv.slice(4);
const bad = m => { console.error(m); process.exit(1); };
const by = Object.fromEntries(steps.map(s => [s.name, s]));
for (const s of steps) {
  if (s.wait !== 'ready') bad(`${s.name}: page ${s.wait} ${s.error}`);
  if (s.console_errors.length) bad(`${s.name}: console errors ${JSON.stringify(s.console_errors)}`);
}
const latest = {};  // newest result per configuration
for (const d of db) if (!latest[d.config_key] || d.started_utc > latest[d.config_key].started_utc) latest[d.config_key] = d;
const check = (s, want) => {
  if (s.rows.length !== want.length) bad(`${s.name}: ${s.rows.length} rows, want ${want.length}`);
  for (const d of want) {
    const r = s.rows.find(x => x.result_id === d.result_id);
    if (!r) bad(`${s.name}: ${d.result_id} missing`);
    for (const k of ['batch', 'lat_p50_ms', 'lat_p99_ms', 'throughput', 'peak_rss_mb'])
      if (Number(r[k]) !== Number(d[k])) bad(`${s.name} ${k}: page ${r[k]} != db ${d[k]}`);
    const t = s.throughput.find(x => x.result_id === d.result_id);
    if (!t || t.throughput !== d.throughput) bad(`${s.name}: throughput chart value for ${d.result_id}`);
  }
  if (s.throughput.length !== want.length) bad(`${s.name}: throughput bars ${s.throughput.length}`);
  if (s.marks.throughput < want.length) bad(`${s.name}: ${s.marks.throughput} bars drawn`);
};
check(by.initial, Object.values(latest));
check(by.batch2, Object.values(latest).filter(d => d.batch === 2));
if (by.batch2.config !== key2) bad(`batch2: history shows ${by.batch2.config}`);
// History of configuration 1: one point per run, the database's medians, oldest first.
const h = by.history1.history, want = db.filter(d => d.config_key === key1).sort((a, b) => a.started_utc < b.started_utc ? -1 : 1);
if (h.length !== 2 || want.length !== 2) bad(`history points ${h.length}`);
want.forEach((d, i) => { if (h[i].value !== d.lat_p50_ms || h[i].result_id !== d.result_id) bad(`history point ${i}`); });
if (by.history1.marks.history < 2) bad('history line not drawn');
check(by.tag, db.filter(d => by.tag.rows.some(r => r.result_id === d.result_id)));
if (by.tag.rows.length !== 2) bad(`tag filter rows ${by.tag.rows.length}`);
if (by.nomatch.rows.length !== 0) bad('date filter matched');
if (!by.initial.runs || by.initial.runs !== 2) bad(`runs table ${by.initial.runs}`);
if (!/no predictions|predictions table/.test(by.initial.predictions)) bad('predictions absence not explained: ' + by.initial.predictions);
JS
ok "dashboard renders the database's numbers; filters narrow table and charts"

kill "${PIDS[0]}"; wait "${PIDS[0]}" 2>/dev/null || true
[ "$(sum)" = "$before" ] || fail "database changed"
ok "database unchanged (sha256)"
ls "$T" | grep -q '^accelbench-serve-' && fail "snapshot directory left behind" || true
ok "snapshots removed on exit"
