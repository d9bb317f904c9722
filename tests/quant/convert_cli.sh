#!/usr/bin/env bash
# accelbench convert end to end: exit codes (0 ran / print-only, 1 vendor tool unavailable here,
# 2 bad input), "unavailable here: <reason>", the printed commands against a golden file, and a
# run of a TEST-DOUBLE `ovc` (a shell script in a temporary PATH that records its argv; no real
# OpenVINO here). Usage: convert_cli.sh path/to/accelbench
set -u
bin=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
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
# A PATH with node (calibration and tests need nothing else) but without any vendor tool.
mkdir -p emptybin fakebin
base_env=(env -u INTEL_OPENVINO_DIR -u QNN_SDK_ROOT PATH="$tmp/emptybin:/usr/bin:/bin")

expect 0 "convert --help" -- "$bin" convert --help
expect 1 "openvino int8 without ovc" -- "${base_env[@]}" "$bin" convert bert --preset tiny \
  --to openvino --precision int8 --out ov
echo "$LAST" | grep -q "unavailable here: ovc: not in PATH, INTEL_OPENVINO_DIR is not set" ||
  { echo "FAIL: reason line: $LAST"; fail=1; }
[ -s ov/bert-tiny-int8.onnx ] && [ -s ov/convert.json ] || { echo "FAIL: onnx/manifest missing"; fail=1; }
grep -q '"status": "unavailable"' ov/convert.json || { echo "FAIL: manifest status"; fail=1; }

expect 0 "qnn int8 --print-only" -- "${base_env[@]}" "$bin" convert bert --preset tiny --to qnn \
  --precision int8 --seq-len 32 --out q --print-only
echo "$LAST" | grep '^\$ ' > q/commands.txt
if ! diff -u "$here/golden/convert_cli_qnn_int8.txt" q/commands.txt; then
  echo "FAIL: printed QNN commands differ from golden/convert_cli_qnn_int8.txt"; fail=1
fi
[ "$(wc -l < q/qnn/calibration/input_list.txt)" = 2 ] || { echo "FAIL: calibration list"; fail=1; }

cat > fakebin/ovc <<'SH'
#!/bin/sh
# TEST DOUBLE (fake ovc): records its argv, creates the IR it was asked for
for a in "$@"; do printf '%s\n' "$a"; done > "$(dirname "$0")/ovc.argv"
touch "$3"
echo "fake ovc"
SH
chmod +x fakebin/ovc
expect 0 "openvino int4 with a test-double ovc" -- env -u INTEL_OPENVINO_DIR \
  PATH="$tmp/fakebin:/usr/bin:/bin" "$bin" convert bert --preset tiny --to openvino \
  --precision int4 --out ov4
printf '%s\n' ov4/bert-tiny-int4.onnx --output_model ov4/openvino/bert-tiny-int4.xml \
  --compress_to_fp16=False > want.argv
diff -u want.argv fakebin/ovc.argv || { echo "FAIL: ovc argv"; fail=1; }
[ -e ov4/openvino/bert-tiny-int4.xml ] || { echo "FAIL: IR not produced by the double"; fail=1; }

expect 2 "unknown target" -- "$bin" convert bert --preset tiny --to tensorrt --out x
expect 2 "unknown precision" -- "$bin" convert bert --preset tiny --precision int3 --out x
expect 2 "plan for qnn" -- "$bin" convert bert --preset tiny --to qnn --plan attention=int8 --out x
echo "$LAST" | grep -q "^.*unsupported: a per-layer precision plan for QNN" ||
  { echo "FAIL: plan for qnn message: $LAST"; fail=1; }
expect 2 "bad int4 block size" -- "$bin" convert bert --preset tiny --precision int4 \
  --block-size 24 --out x
expect 2 "unknown model" -- "$bin" convert nosuchmodel --out x
exit $fail
