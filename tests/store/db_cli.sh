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
expect 0 "import our parquet export" -- "$bin" db import --db p.duckdb out.parquet
has "imported 2 results" "parquet import count"
has "parquet" "parquet format named"
expect 2 "import the samples file alone" -- "$bin" db import --db p.duckdb out.parquet.samples.parquet
has "samples file" "samples file named as such"
expect 0 "import export into b" -- "$bin" db import --db b.duckdb out.json
expect 0 "merge a into b" -- "$bin" db merge --db b.duckdb a.duckdb
has "0 results" "merge finds nothing new (same ids)"
expect 0 "merge b into c" -- "$bin" db merge --db c.duckdb b.duckdb
has "2 results" "merge adds"
expect 0 "merge b into c again" -- "$bin" db merge --db c.duckdb b.duckdb
has "0 runs, 0 results" "merge twice adds nothing"
# Every source is checked before any is merged: a corrupt one named last leaves the target as it was.
printf 'garbage, not a database\n' > corrupt.duckdb
cp a.duckdb d.duckdb
expect 3 "merge with a corrupt source" -- "$bin" db merge --db e.duckdb d.duckdb corrupt.duckdb
has "corrupt.duckdb" "corrupt source named"
expect 0 "nothing merged before the refusal" -- "$bin" db query --db e.duckdb "SELECT count(*) FROM results"
has "^0$" "no results from the good source"
expect 3 "merge with a missing source" -- "$bin" db merge --db e.duckdb d.duckdb missing.duckdb
has "missing.duckdb does not exist" "missing source named"

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
# Numbers no measurement can have are refused, whatever the format, and nothing is stored: a
# batch beyond int range (never cast), a negative latency, NaN, a result id twice in one file.
printf '{"model_name":"bert","hardware_type":"cpu","results":[{"batch_size":1e30,"latency":5}]}\n' >huge.json
printf '{"model_name":"bert","hardware_type":"cpu","results":[{"batch_size":2,"latency":-5}]}\n' >neg.json
"$bin" db export --db a.duckdb --format csv -o good.csv 2>/dev/null
python3 - <<'PY'
import csv
rows = list(csv.reader(open("good.csv")))
head, first = rows[0], rows[1]
nan = list(first); nan[head.index("lat_mean_ms")] = "nan"
csv.writer(open("nan.csv", "w")).writerows([head, nan])
twice = list(rows[2]); twice[head.index("result_id")] = first[head.index("result_id")]
csv.writer(open("twice.csv", "w")).writerows([head, first, twice])
PY
expect 2 "import batch 1e30" -- "$bin" db import --db a.duckdb huge.json
has "batch_size must be a whole number" "huge batch message"
expect 2 "import negative latency" -- "$bin" db import --db a.duckdb neg.json
has "lat_mean_ms is negative" "negative latency message"
expect 2 "import NaN latency" -- "$bin" db import --db a.duckdb nan.csv
has "not a finite number" "NaN message"
expect 2 "import a result id twice" -- "$bin" db import --db a.duckdb twice.csv
has "appears twice in the file" "duplicate id message"
expect 0 "count unchanged after refused imports" -- "$bin" db query --db a.duckdb "SELECT count(*) FROM results"
has "^2$" "nothing imported from refused files"

# An output over the database itself (or its WAL's name) is refused before anything is written;
# `db query` reads the database and nothing else (COPY ... TO could write any file).
cp a.duckdb keep.duckdb
expect 2 "export over the database" -- "$bin" db export --db a.duckdb --format json -o ./a.duckdb
has "is the database" "export-over-db message"
expect 2 "export to the WAL's name" -- "$bin" db export --db a.duckdb --format csv -o "$tmp/a.duckdb.wal"
[ ! -e a.duckdb.wal ] || { echo "FAIL: a file was written under the WAL's name"; fail=1; }
expect 2 "report over the database" -- "$bin" report --db a.duckdb -o a.duckdb
ln -s a.duckdb alias.duckdb
expect 2 "report over a link to the database" -- "$bin" report --db a.duckdb -o alias.duckdb
expect 3 "query cannot COPY TO a file" -- "$bin" db query --db a.duckdb "COPY (SELECT 1) TO '$tmp/a.duckdb'"
has "disabled by configuration" "external access message"
cmp -s a.duckdb keep.duckdb || { echo "FAIL: the database changed"; fail=1; }
expect 0 "database intact" -- "$bin" db query --db a.duckdb "SELECT count(*) FROM results"
has "^2$" "rows kept"
# The report goes through a symlink to its target (even a dangling one), and into a FIFO as is.
ln -s target.html link.html
expect 0 "report through a symlink" -- "$bin" report --db a.duckdb -o link.html
[ -L link.html ] && [ -s target.html ] || { echo "FAIL: the symlink was replaced"; fail=1; }
mkfifo pipe.html
(cat pipe.html >from_pipe.html) &
expect 0 "report into a FIFO" -- "$bin" report --db a.duckdb -o pipe.html
wait
[ -p pipe.html ] && grep -q "<html" from_pipe.html || { echo "FAIL: the FIFO was replaced or empty"; fail=1; }
exit $fail
