#!/usr/bin/env bash
# accelbench report end to end: a real tiny run (bert tiny, batch 1 and 2, CPU) into a temp DB,
# the HTML report rendered in headless Chromium (src/report/render_html.js, DevTools over a pipe): every
# chart rendered with marks and no console errors, the result table equals the database; then
# `compare` on the same DB, and empty DB / filters matching nothing -> exit 1, no file written.
set -euo pipefail
BIN=${1:?usage: report_e2e.sh ACCELBENCH_BIN}
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$BIN" run --models bert --preset tiny --batch 1,2 --db "$T/r.duckdb" --min-iterations 5 \
  --min-time 0.2 --warmup-max 3 --report "$T/run.html" >"$T/run.out" 2>"$T/run.err" ||
  { cat "$T/run.err" >&2; fail "tiny run failed"; }
[ -s "$T/run.html" ] || fail "run --report wrote no report"

# The headless browser's profile goes to TMPDIR: nothing may be left there afterwards.
mkdir "$T/tmp"
TMPDIR="$T/tmp" "$BIN" report --db "$T/r.duckdb" -o "$T/r.html" --png "$T/png" --svg "$T/svg" 2>"$T/report.err" ||
  fail "report failed: $(cat "$T/report.err")"
for c in throughput latency memory batch_scaling; do
  head -c 8 "$T/png/$c.png" | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a" || fail "no PNG for $c"
  [ "$(stat -c %s "$T/png/$c.png")" -gt 2000 ] || fail "PNG for $c is tiny"
  grep -q '<svg' "$T/svg/$c.svg" || fail "no SVG for $c"
  grep -q 'xmlns="http://www.w3.org/2000/svg"' "$T/svg/$c.svg" || fail "SVG for $c has no namespace"
  grep -q 'role-mark' "$T/svg/$c.svg" || fail "SVG for $c has no marks"
done
TMPDIR="$T/tmp" node "$HERE/../../src/report/render_html.js" "$T/r.html" "$T/r.png" >"$T/render.json" ||
  fail "render_html failed"
left=$(find "$T/tmp" -mindepth 1 -maxdepth 1 -name 'accelbench-chromium-*' | wc -l)
[ "$left" = 0 ] || fail "$left Chromium profile directories left in TMPDIR"
[ -s "$T/r.png" ] || fail "no screenshot"
"$BIN" db query --db "$T/r.duckdb" --format json \
  "SELECT result_id, batch, lat_p50_ms, lat_p99_ms, throughput, peak_rss_mb, status FROM results" \
  >"$T/db.json"
node - "$T/render.json" "$T/db.json" <<'JS' || fail "report does not match the database"
const fs = require('fs');
const r = JSON.parse(fs.readFileSync(process.argv[2]));
const db = JSON.parse(fs.readFileSync(process.argv[3]));
const bad = m => { console.error(m); process.exit(1); };
if (r.status !== 'ok') bad('render status ' + r.status + ' ' + JSON.stringify(r.errors));
if (r.console_errors.length) bad('console errors: ' + JSON.stringify(r.console_errors));
for (const id of ['throughput', 'latency', 'memory', 'batch_scaling'])
  if (!(r.charts[id] > 0)) bad('chart ' + id + ' has no marks: ' + JSON.stringify(r.charts));
for (const [id, n] of Object.entries(r.charts)) if (!(n > 0)) bad('chart ' + id + ' empty');
if (r.rows.length !== db.length || db.length !== 2) bad(`rows: report ${r.rows.length}, db ${db.length}`);
for (const d of db) {
  const row = r.rows.find(x => x.result_id === d.result_id);
  if (!row) bad('result ' + d.result_id + ' missing from the table');
  for (const k of ['batch', 'lat_p50_ms', 'lat_p99_ms', 'throughput', 'peak_rss_mb'])
    if (Number(row[k]) !== Number(d[k])) bad(`${k}: report ${row[k]} != db ${d[k]}`);
  if (row.status !== d.status) bad('status differs');
}
JS

# Per-model tables (platforms as columns, metrics as rows): one per batch size here, every
# cell equal to the database.
node - "$T/r.html" "$T/db.json" <<'JS' || fail "per-model tables do not match the database"
const fs = require('fs');
const html = fs.readFileSync(process.argv[2], 'utf8');
const db = JSON.parse(fs.readFileSync(process.argv[3]));
const tables = html.match(/<table class="per-model"/g) || [];
if (tables.length !== 2) { console.error('per-model tables: ' + tables.length); process.exit(1); }
for (const d of db) for (const k of ['lat_p50_ms', 'lat_p99_ms', 'throughput', 'peak_rss_mb']) {
  const m = html.match(new RegExp(`data-field="${k}" data-result-id="${d.result_id}" data-exact="([^"]*)"`));
  if (!m || Number(m[1]) !== Number(d[k])) { console.error(`${k} of ${d.result_id}: ${m && m[1]} != ${d[k]}`); process.exit(1); }
}
JS

"$BIN" compare --db "$T/r.duckdb" --format csv >"$T/cmp.csv" || fail "compare failed"
grep -q '^batch_scaling,bert,tiny,inference,2,' "$T/cmp.csv" || fail "compare lacks batch scaling: $(cat "$T/cmp.csv")"

# Every chart kind: a test-only database derived from the tiny run (imported rows: cuda fp32 and
# fp16, cpu training, with scaled copies of the samples), so the speedup heatmap, precision and
# training charts have data; imported rows must carry the mark.
"$BIN" db export --db "$T/r.duckdb" --format jsonl -o "$T/r.jsonl" >/dev/null 2>&1
node - "$T/r.jsonl" "$T/derived.jsonl" <<'JS'
const fs = require('fs');
const lines = fs.readFileSync(process.argv[2], 'utf8').trim().split('\n').map(JSON.parse);
const out = [];
for (const l of lines) {
  if (!l.result) { out.push(l); continue; }
  out.push(l);
  for (const [tag, platform, precision, mode, f] of [['g32', 'cuda:0', 'fp32', 'inference', 0.25],
       ['g16', 'cuda:0', 'fp16', 'inference', 0.15], ['trn', 'cpu', 'fp32', 'training', 3]]) {
    const r = JSON.parse(JSON.stringify(l.result));
    r.result_id += '-' + tag; r.config_key += '|' + tag;
    // Test-only rows: labelled imported so the report must mark them, whatever the tiny run's
    // own rows did (converged or not).
    Object.assign(r, {platform, platform_kind: platform.split(':')[0], precision, mode,
                      origin: 'imported:test-derived'});
    for (const k of ['lat_p50_ms', 'lat_p99_ms']) if (r[k] != null) r[k] *= f;
    if (r.throughput != null) r.throughput /= f;
    if (r.samples_ms) r.samples_ms = r.samples_ms.map(x => x * f);
    if (precision === 'fp16') { r.output_max_abs_dev = 0.001; r.output_rel_dev = 0.0005; }
    out.push({result: r});
  }
}
out[0].results_count = out.filter(l => l.result).length;
fs.writeFileSync(process.argv[3], out.map(l => JSON.stringify(l)).join('\n') + '\n');
JS
"$BIN" db import "$T/derived.jsonl" --db "$T/d.duckdb" >/dev/null 2>&1 || fail "import of derived rows failed"
"$BIN" report --db "$T/d.duckdb" -o "$T/d.html" 2>/dev/null || fail "report on derived rows failed"
node "$HERE/../../src/report/render_html.js" "$T/d.html" "$T/d.png" >"$T/d.json" || fail "render_html (derived) failed"
node - "$T/d.json" <<'JS' || fail "derived report: not every chart rendered"
const r = JSON.parse(require('fs').readFileSync(process.argv[2]));
const want = ['throughput', 'latency', 'memory', 'batch_scaling', 'train_vs_infer', 'precision', 'speedup_heatmap'];
if (r.status !== 'ok' || r.console_errors.length) { console.error(JSON.stringify(r.errors), r.console_errors); process.exit(1); }
for (const id of want) if (!(r.charts[id] > 0)) { console.error('chart ' + id + ': ' + JSON.stringify(r.charts)); process.exit(1); }
if (r.omitted.length) { console.error('omitted: ' + r.omitted); process.exit(1); }
if (r.rows.length !== 8) { console.error('rows ' + r.rows.length); process.exit(1); }
JS
grep -c 'class="marked"' "$T/d.html" | grep -qv '^0$' || fail "imported rows are not marked"

# filters matching nothing, and an empty database: exit 1, nothing written
set +e
"$BIN" report --db "$T/r.duckdb" --model nosuchmodel -o "$T/none.html" 2>"$T/none.err"; rc=$?
set -e
[ "$rc" = 1 ] || fail "filter matching nothing: exit $rc, want 1"
grep -q "no results" "$T/none.err" || fail "unclear message: $(cat "$T/none.err")"
[ ! -e "$T/none.html" ] || fail "report written for no results"
: >"$T/empty.jsonl"
"$BIN" db import "$T/empty.jsonl" --db "$T/empty.duckdb" >/dev/null 2>&1
set +e
"$BIN" report --db "$T/empty.duckdb" -o "$T/empty.html" 2>/dev/null; rc=$?
"$BIN" compare --db "$T/empty.duckdb" >/dev/null 2>&1; rc2=$?
set -e
[ "$rc" = 1 ] && [ "$rc2" = 1 ] || fail "empty database: report exit $rc, compare exit $rc2, want 1"
[ ! -e "$T/empty.html" ] || fail "report written for an empty database"
# run --report over its own database, into a folder that does not exist, or with --db "": refused
# before anything runs (exit 2), the stored rows kept.
n_before=$("$BIN" db query --db "$T/r.duckdb" --format csv "SELECT count(*) FROM results" | tail -1)
for args in "--db $T/r.duckdb --report $T/r.duckdb" "--db $T/r.duckdb --report $T/nodir/x.html" \
            "--db="; do
  set +e
  # shellcheck disable=SC2086
  "$BIN" run --models bert --preset tiny --batch 1 $args >/dev/null 2>"$T/refused.err"; rc=$?
  set -e
  [ "$rc" = 2 ] && [ "$(wc -l <"$T/refused.err")" = 1 ] ||
    fail "run $args: exit $rc, want 2 with one line: $(cat "$T/refused.err")"
done
n_after=$("$BIN" db query --db "$T/r.duckdb" --format csv "SELECT count(*) FROM results" | tail -1)
[ "$n_before" = "$n_after" ] || fail "rows changed by refused runs: $n_before -> $n_after"
[ ! -e "$T/nodir" ] || fail "a report folder was created"
if [ -n "${ACCELBENCH_KEEP_REPORT:-}" ]; then cp -r "$T/r.html" "$T/r.png" "$T/png" "$T/d.html" "$T/d.png" "$ACCELBENCH_KEEP_REPORT/"; fi
echo "report_e2e: ok"
