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
exit $fail
