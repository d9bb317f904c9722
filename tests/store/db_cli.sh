#!/usr/bin/env bash
# End-to-end checks of `accelbench db` against the real binary.
set -u
bin=$(readlink -f "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fail=0
expect() {  # expect CODE DESCRIPTION -- command...
  local want=$1 what=$2; shift 3
  local out; out=$("$@" 2>&1); local got=$?
  if [ "$got" != "$want" ]; then echo "FAIL: $what: exit $got, want $want"; echo "$out"; fail=1
  else echo "ok: $what"; fi
  LAST="$out"
}
has() { echo "$LAST" | grep -q -- "$1" || { echo "FAIL: $2: output lacks '$1'"; echo "$LAST"; fail=1; }; }

cat > ipfs.json <<'J'
{"model_name": "bert-base-uncased", "hardware_type": "cuda", "results": [
 {"batch_size": 1, "precision": "fp16", "average_latency_ms": 3.5, "throughput_items_per_second": 285.7},
 {"batch_size": 8, "precision": "fp16", "latency": 9.0, "throughput": 888.0}]}
J
expect 0 "import ipfs json" -- "$bin" db import --db a.duckdb ipfs.json
has "imported 2 results" "import count"
expect 0 "list" -- "$bin" db list --db a.duckdb
has "imported" "list shows the import run"
run=$("$bin" db list --db a.duckdb --format csv | sed -n 2p | cut -d, -f1)
expect 0 "show by id prefix" -- "$bin" db show --db a.duckdb "${run:0:8}" --format csv
has "bert-base-uncased" "show csv"
expect 0 "show table" -- "$bin" db show --db a.duckdb "$run"
has "lat_p50_ms (ms)" "table units"
expect 2 "show unknown run" -- "$bin" db show --db a.duckdb nosuchrun
expect 0 "query" -- "$bin" db query --db a.duckdb "SELECT count(*) AS n FROM results"
has "2" "query count"
expect 3 "query refuses writes" -- "$bin" db query --db a.duckdb "DELETE FROM results"
has "read-only" "read-only message"
expect 0 "export json" -- "$bin" db export --db a.duckdb --format json -o out.json
grep -q '"schema_version"' out.json || { echo "FAIL: export lacks schema_version"; fail=1; }
expect 0 "export parquet" -- "$bin" db export --db a.duckdb --format parquet -o out.parquet
[ -s out.parquet ] && [ -s out.parquet.samples.parquet ] || { echo "FAIL: parquet files"; fail=1; }
expect 0 "import export into b" -- "$bin" db import --db b.duckdb out.json
expect 0 "merge a into b" -- "$bin" db merge --db b.duckdb a.duckdb
has "0 results" "merge finds nothing new (same ids)"
expect 0 "merge b into c" -- "$bin" db merge --db c.duckdb b.duckdb
has "2 results" "merge adds"
expect 0 "merge b into c again" -- "$bin" db merge --db c.duckdb b.duckdb
has "0 runs, 0 results" "merge twice adds nothing"

printf '{"test_runs": [\n{"model_name": "x", "hardware_type": "cpu", "latency": 1},\n{"model_name": "y", "hardware_type": "cpu", "latency": "slow"}]}\n' > bad.json
cp a.duckdb before.duckdb
expect 2 "malformed import rejected" -- "$bin" db import --db a.duckdb ipfs.json bad.json
has "record 2" "malformed record number"
expect 0 "count unchanged" -- "$bin" db query --db a.duckdb "SELECT count(*) FROM results"
has "^2$" "nothing partially imported"

printf 'not a database, but precious\n' > notes.txt
cp notes.txt notes.orig
expect 3 "non-DuckDB --db" -- "$bin" db list --db notes.txt
has "not a DuckDB database" "non-DuckDB message"
cmp -s notes.txt notes.orig || { echo "FAIL: non-DuckDB file was modified"; fail=1; }
expect 3 "import into non-DuckDB --db" -- "$bin" db import --db notes.txt ipfs.json
cmp -s notes.txt notes.orig || { echo "FAIL: non-DuckDB file was modified by import"; fail=1; }
exit $fail
