#!/usr/bin/env bash
# Issue 13: the CUDA-only code of the libtorch backend (under ACCELBENCH_TORCH_CUDA) compiled
# syntax-only against this libtorch's ATen/c10 CUDA headers and a CUDA toolkit's headers, so it
# cannot rot on machines whose libtorch is CPU-only. Exit 77 (skipped) without those headers.
# Debian's CPU libtorch lacks c10/cuda/impl/cuda_cmake_macros.h (generated at PyTorch's build):
# a one-line stand-in is made in a temporary folder.
set -u
compile_db=$1
cuda_inc=${CUDA_HOME:-/usr/local/cuda}/include
[ -f "$cuda_inc/cuda_runtime_api.h" ] || { echo "skip: no CUDA headers in $cuda_inc"; exit 77; }
[ -f "$compile_db" ] || { echo "skip: no $compile_db"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/c10/cuda/impl"
echo '#pragma once' >"$tmp/c10/cuda/impl/cuda_cmake_macros.h"
fail=0
for f in torch_gpu.cc torch_backend.cc; do
  cmd=$(python3 - "$compile_db" "$f" <<'PY'
import json, shlex, sys
for c in json.load(open(sys.argv[1])):
    if c["file"].endswith("/backends/torch/" + sys.argv[2]):
        a = shlex.split(c["command"])
        out, skip = [], 0
        for i, x in enumerate(a):
            if skip:
                skip -= 1
                continue
            if x in ("-o", "-include"):
                skip = 1
                continue
            if x in ("-c", "-Winvalid-pch") or x.endswith("ccache") or x == c["file"]:
                continue
            out.append(x)
        print(c["directory"] + "\t" + c["file"] + "\t" + shlex.join(out))
        break
PY
)
  [ -n "$cmd" ] || { echo "skip: $f not in $compile_db"; exit 77; }
  IFS=$'\t' read -r dir src args <<<"$cmd"
  probe="$tmp/probe.cc"
  echo '#include <ATen/cuda/CUDAGraph.h>' >"$probe"
  if ! (cd "$dir" && eval "$args" -fsyntax-only -I"$tmp" -I"$cuda_inc" "$probe") >/dev/null 2>&1; then
    echo "skip: this libtorch has no usable ATen/cuda headers"
    exit 77
  fi
  if (cd "$dir" && eval "$args" -fsyntax-only -DACCELBENCH_TORCH_CUDA=1 -I"$tmp" -I"$cuda_inc" "$src"); then
    echo "ok: $f compiles with ACCELBENCH_TORCH_CUDA"
  else
    echo "FAIL: $f does not compile with ACCELBENCH_TORCH_CUDA"
    fail=1
  fi
done
exit $fail
