#!/usr/bin/env bash
# `accelbench models --matrix`: the generated test matrix (family x platform x precision x mode)
# from the capability matrix over hardware detection. CUDA is pointed at a missing test-double
# library so that "skipped with the unavailability reason" holds on any machine.
set -u
bin=$1
fail=0
export ACCELBENCH_NVML_LIBRARY=/nonexistent/libnvidia-ml-double.so
export ACCELBENCH_CUDA_LIBRARY=/nonexistent/libcuda-double.so
check() {  # check DESCRIPTION CONDITION-EXIT-CODE
  if [ "$2" != 0 ]; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi
}

out=$("$bin" models --matrix --family bert --precision fp32 --mode inference --format csv 2>&1)
check "csv exits 0" $?
echo "$out" | grep -qx "bert,cpu,fp32,inference,runs,"; check "cpu fp32 inference bert runs" $?
echo "$out" | grep -q '^bert,cuda,fp32,inference,skipped,.*cuda unavailable.*/nonexistent/'
check "cuda skipped with its unavailability reason" $?
[ "$(echo "$out" | wc -l)" = 10 ]; check "header + one row per platform kind (9)" $?

out=$("$bin" models --matrix --platform cpu --precision fp32 --mode decode --format csv 2>&1)
echo "$out" | grep -qx "bert,cpu,fp32,decode,skipped,bert is not generative (no prefill/decode)"
check "encoder families skip decode" $?
echo "$out" | grep -qx "llava_next,cpu,fp32,decode,runs,"; check "llava_next decodes on cpu" $?

out=$("$bin" models llava --matrix --format json 2>&1)
check "json exits 0" $?
echo "$out" | python3 -c '
import json, sys
rows = json.load(sys.stdin)
assert len(rows) == 9 * 5 * 4, len(rows)
assert {r["family"] for r in rows} == {"llava"}
for r in rows:
    assert set(r) == {"family", "platform", "precision", "mode", "status", "reason"}, r
    assert (r["status"] == "runs") == (r["reason"] is None), r
assert any(r["status"] == "runs" for r in rows)
'
check "json rows: 9 platforms x 5 precisions x 4 modes, reason iff skipped" $?

out=$("$bin" models --matrix 2>&1)
echo "$out" | head -1 | grep -q "^FAMILY  *PLATFORM  *PRECISION  *MODE  *STATUS  *REASON$"
check "table header" $?
echo "$out" | tail -1 | grep -Eq "^[0-9]+ combinations: [0-9]+ run here, [0-9]+ skipped$"
check "table summary line" $?
"$bin" models --matrix --format md 2>&1 | head -2 | tail -1 | grep -qx "|---|---|---|---|---|---|"
check "markdown table" $?

"$bin" models --matrix --format xml >/dev/null 2>&1; [ $? = 2 ]; check "--format xml exits 2" $?
out=$("$bin" models --matrix --platform gpu 2>&1); [ $? = 2 ]; check "unknown platform exits 2" $?
echo "$out" | grep -q "cpu, cuda"; check "unknown platform names the valid ones" $?
"$bin" models --matrix --family nosuch >/dev/null 2>&1; [ $? = 2 ]; check "unknown family exits 2" $?
exit $fail
