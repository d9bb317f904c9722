#!/usr/bin/env bash
# accelbench models export: writes a checked ONNX file and exits 0; bad family/preset exit 2.
set -u
BIN=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

FAMILY=bert
"$BIN" models export "$FAMILY" --preset tiny -o "$TMP/m.onnx" >"$TMP/out" 2>&1
rc=$?
[ $rc -eq 0 ] || fail "export exited $rc: $(cat "$TMP/out")"
[ -s "$TMP/m.onnx" ] || fail "no model written"
grep -q "wrote $TMP/m.onnx" "$TMP/out" || fail "unexpected output: $(cat "$TMP/out")"

"$BIN" models export "$FAMILY" --preset tiny --set num_layers=1 -o "$TMP/s.onnx" >/dev/null 2>&1 ||
  fail "export with --set failed"
[ "$(stat -c %s "$TMP/s.onnx")" -lt "$(stat -c %s "$TMP/m.onnx")" ] || fail "--set num_layers=1 did not shrink the model"

"$BIN" models export no-such-family --preset tiny -o "$TMP/x.onnx" >"$TMP/err" 2>&1
rc=$?
[ $rc -eq 2 ] || fail "bad family exited $rc, want 2"
grep -q "bert" "$TMP/err" || fail "bad family message does not list valid names: $(cat "$TMP/err")"

"$BIN" models export "$FAMILY" --preset no-such-preset -o "$TMP/x.onnx" >"$TMP/err" 2>&1
rc=$?
[ $rc -eq 2 ] || fail "bad preset exited $rc, want 2"
grep -q "tiny" "$TMP/err" || fail "bad preset message does not list valid presets: $(cat "$TMP/err")"

# bf16 has no ONNX lowering: refused, never written as something else (int8/int4: tests/quant).
"$BIN" models export "$FAMILY" --preset tiny --precision bf16 -o "$TMP/x.onnx" >"$TMP/err" 2>&1
rc=$?
[ $rc -eq 2 ] || fail "bf16 exited $rc, want 2"
grep -q "unsupported" "$TMP/err" || fail "bf16 message: $(cat "$TMP/err")"
[ ! -e "$TMP/x.onnx" ] || fail "bf16 wrote a file"
echo "cli_export: ok"
