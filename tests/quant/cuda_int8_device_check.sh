#!/usr/bin/env bash
# Builds tests/quant/cuda_int8_device_check.cc with the torch of `python3` (a CUDA PyTorch >= 2.1
# on a GPU machine) and the few project sources it needs, then runs it. Not a ctest (no GPU in CI).
# Usage (repository root): tests/quant/cuda_int8_device_check.sh [NLOHMANN_JSON_INCLUDE_DIR]
set -eu
json_inc=${1:-/usr/include}
T=$(python3 -c "import torch,os;print(os.path.dirname(torch.__file__))")
ABI=$(python3 -c "import torch;print(int(torch.compiled_with_cxx11_abi()))")
INC="-I src -I $json_inc -I $T/include -I $T/include/torch/csrc/api/include"
out=$(mktemp -d)
i=0
for f in tests/quant/cuda_int8_device_check.cc src/backends/torch/torch_quant.cc \
  src/backends/torch/torch_ops.cc src/models/weights.cc src/quant/int4.cc \
  src/quant/precision_plan.cc src/core/enums.cc; do
  g++ -std=c++20 -O2 -D_GLIBCXX_USE_CXX11_ABI=$ABI $INC -c $f -o $out/$i.o &
  i=$((i + 1))
done
wait
g++ $out/*.o -o $out/check -L$T/lib -Wl,--no-as-needed -ltorch -ltorch_cpu -ltorch_cuda -lc10 \
  -lc10_cuda -Wl,-rpath,$T/lib
$out/check
