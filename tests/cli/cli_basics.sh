#!/usr/bin/env bash
# End-to-end checks of the CLI skeleton: help, version, exit codes for bad input.
set -u
bin=$1
fail=0
expect() {  # expect CODE DESCRIPTION -- command...
  local want=$1 what=$2; shift 3
  local out; out=$("$@" 2>&1); local got=$?
  if [ "$got" != "$want" ]; then echo "FAIL: $what: exit $got, want $want"; echo "$out"; fail=1
  else echo "ok: $what"; fi
  LAST="$out"
}
expect 0 "--help" -- "$bin" --help
echo "$LAST" | grep -q "detect" || { echo "FAIL: help lists subcommands"; fail=1; }
expect 0 "--version" -- "$bin" --version
echo "$LAST" | grep -Eq "^accelbench [0-9]+\.[0-9]+\.[0-9]+ \(commit [0-9a-f]+|unknown" || { echo "FAIL: version line: $LAST"; fail=1; }
expect 2 "no subcommand" -- "$bin"
expect 2 "unknown subcommand" -- "$bin" frobnicate
expect 2 "unknown flag" -- "$bin" --frobnicate
for c in compare report; do
  expect 0 "$c --help" -- "$bin" $c --help
done
expect 2 "compare bad --baseline" -- "$bin" compare --baseline gpu=1 --db /nonexistent.duckdb
# Every command answers --help with exit 0 (each command's own behaviour is tested in its area).
for c in predict recommend regress serve cluster convert tune-precision; do
  expect 0 "$c --help" -- "$bin" $c --help
done
# Bad numbers are usage errors (exit 2) on ONE line, before anything runs: nan and inf (every
# comparison with NaN is false, so a range check alone lets it through), out-of-range counts.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/none.duckdb
one_line() {  # one_line DESCRIPTION -- command...: exit 2, one line on stderr, no database made
  local what=$1; shift 2
  local err; err=$("$@" 2>&1 >/dev/null); local got=$?
  if [ "$got" != 2 ] || [ "$(printf '%s\n' "$err" | wc -l)" != 1 ]; then
    echo "FAIL: $what: exit $got, want 2 with one line:"; echo "$err"; fail=1
  else echo "ok: $what"; fi
  [ ! -e "$db" ] || { echo "FAIL: $what created the database"; fail=1; rm -f "$db"; }
}
run=("$bin" run --models bert --preset tiny --db "$db")
one_line "run --budget nan" -- "${run[@]}" --budget nan
one_line "run --min-time inf" -- "${run[@]}" --min-time inf
one_line "run --threads 100000" -- "${run[@]}" --threads 100000
one_line "run --time-limit 0" -- "${run[@]}" --time-limit 0
one_line "run --lock-timeout -1" -- "${run[@]}" --lock-timeout -1
one_line "run --memory-limit -5" -- "${run[@]}" --memory-limit -5
one_line "run --db ''" -- "$bin" run --models bert --preset tiny --db ""
printf 'models: [bert]\npreset: tiny\nharness: {budget_s: .inf}\n' >"$tmp/inf.yaml"
one_line "sweep budget_s .inf" -- "$bin" run --sweep "$tmp/inf.yaml" --db "$db"
one_line "serve --refresh nan" -- "$bin" serve --db "$db" --refresh nan
one_line "regress --threshold nan" -- "$bin" regress --db "$db" --threshold nan
one_line "predict --level nan" -- "$bin" predict --db "$db" --level nan
one_line "recommend --max-deviation inf" -- "$bin" recommend --db "$db" --model bert --max-deviation inf
one_line "recommend --top -1" -- "$bin" recommend --db "$db" --model bert --top -1
one_line "tune-precision --batch 0" -- "$bin" tune-precision bert --max-deviation 0.1 --batch 0
one_line "tune-precision --seq -3" -- "$bin" tune-precision bert --max-deviation 0.1 --seq -3
one_line "tune-precision --max-deviation nan" -- "$bin" tune-precision bert --max-deviation nan
printf 'launcher: mpirun\nhosts:\n  - {name: n1, ranks: 99999999999}\n' >"$tmp/c.yaml"
one_line "cluster plan with absurd ranks" -- "$bin" cluster plan "$tmp/c.yaml" --no-resolve
one_line "parse error on one line" -- "$bin" predict --models bert
# Config sizes past what any count can hold: refused, not a wrapped (negative) parameter count,
# and not a process that grows until the kernel kills it.
one_line "models --set sizes that overflow" -- "$bin" models bert --preset tiny \
  --set hidden_size=4000000000 --set intermediate_size=9000000000
one_line "models --set num_layers=1e8" -- "$bin" models bert --preset tiny --set num_layers=100000000
# Output that cannot be written is a failure (exit 3, one line naming the cause), not exit 0; a
# reader that stops early (| head) is not.
if [ -w /dev/full ]; then
  e=$("$bin" models 2>&1 >/dev/full); rc=$?
  [ $rc = 3 ] && [ "$(echo "$e" | wc -l)" = 1 ] && echo "$e" | grep -q "standard output" &&
    echo "ok: models > /dev/full: exit 3 ($e)" || { echo "FAIL: models > /dev/full: rc $rc: $e"; fail=1; }
fi
printf '{"model_name": "bert", "hardware_type": "cpu", "results": [{"batch_size": 1, "latency": 3.5}]}\n' \
  >"$tmp/one.json"
"$bin" db import --db "$tmp/q.duckdb" "$tmp/one.json" >/dev/null
"$bin" db query --db "$tmp/q.duckdb" --format csv "SELECT range AS n FROM range(2000000)" \
  2>"$tmp/head.err" | head -1 >/dev/null
[ ! -s "$tmp/head.err" ] && echo "ok: | head is quiet" || { echo "FAIL: | head: $(cat "$tmp/head.err")"; fail=1; }
exit $fail
