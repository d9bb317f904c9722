#!/usr/bin/env bash
# Issue 13: the CUDA-only code of the libtorch backend (under ACCELBENCH_TORCH_CUDA, and the
# cuBLASLt GEMM tuner under ACCELBENCH_CUBLASLT) compiled
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
torch_src=$(cd "$(dirname "$0")/../../src/backends/torch" && pwd)
for f in torch_gpu.cc torch_backend.cc torch_gemm_tune.cc; do
  # The flags of the libtorch backend's compile command (a per-file one, or its unity batch's):
  # the file itself is compiled with them.
  cmd=$(python3 - "$compile_db" <<'PY'
import json, shlex, sys
for c in json.load(open(sys.argv[1])):
    a = shlex.split(c["command"])
    o = a[a.index("-o") + 1] if "-o" in a else ""
    if "accelbench_torch.dir/" in o and o.endswith(".o"):
        out, skip = [], 0
        for i, x in enumerate(a):
            if skip:
                skip -= 1
                continue
            if x in ("-o", "-include", "-MF", "-MT"):
                skip = 1
                continue
            if x in ("-c", "-MD", "-Winvalid-pch") or x.endswith("ccache") or x == c["file"]:
                continue
            out.append(x)
        print(c["directory"] + "\t" + shlex.join(out))
        break
PY
)
  # The test exists only where the libtorch backend is built: its command must be there.
  [ -n "$cmd" ] || { echo "FAIL: no libtorch backend compile command in $compile_db"; exit 1; }
  src=$torch_src/$f
  IFS=$'\t' read -r dir args <<<"$cmd"
  if [ -z "${probed:-}" ]; then  # once: the files share the torch include flags
    probe="$tmp/probe.cc"
    echo '#include <ATen/cuda/CUDAGraph.h>' >"$probe"
    if ! (cd "$dir" && eval "$args" -fsyntax-only -I"$tmp" -I"$cuda_inc" "$probe") >/dev/null 2>&1; then
      echo "skip: this libtorch has no usable ATen/cuda headers"
      exit 77
    fi
    probed=1
  fi
  if (cd "$dir" && eval "$args" -fsyntax-only -DACCELBENCH_TORCH_CUDA=1 -DACCELBENCH_CUBLASLT=1 -I"$tmp" -I"$cuda_inc" "$src"); then
    echo "ok: $f compiles with ACCELBENCH_TORCH_CUDA"
  else
    echo "FAIL: $f does not compile with ACCELBENCH_TORCH_CUDA"
    fail=1
  fi
done
exit $fail
