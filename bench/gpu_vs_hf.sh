#!/usr/bin/env bash
# Issue 13: accelbench's CUDA path vs Hugging Face transformers eager on the same GPU, in ONE
# device command (build included, about 10 minutes at most). Stage its dependencies here first
# with bench/gpu_carry.sh (DuckDB, the Debian -dev packages and the dashboard's Vega bundles,
# xz-compressed into third_party/gpu-carry), then on the device machine, from the copy of the
# repository:
#     carry ["third_party/gpu-carry"];  bash bench/gpu_vs_hf.sh
# It writes gpu_vs_hf.log, build.log, hf.csv, hf_graph.csv, hf_profile.txt, acc.json
# (accelbench's rows of every pass), ratio_table.md and cuda_gtests.log to $OUT (or
# ./gpu-vs-hf): 8 files, as many as the device tool brings back.
# Steps: (1) preflight (GPU, torch, nvcc, cmake, ninja); (2) configure against the python
# torch's libtorch (tests configured where GTest is found, else off) and build ONLY the
# accelbench target with ninja, then the three CUDA gtests of step (6) (each build step bounded:
# GPU_VS_HF_BUILD_LIMIT, default 330 s after the start); (3) HF eager reference
# (bench/hf_reference.py); (4) accelbench `run --platforms cuda` for bert-base, vit-base,
# whisper-tiny at batch 1,8,64 in fp16 and fp32, pass by pass (GPU_VS_HF_PASSES, default
# "on tuned hf_again profile explicit tuned_explicit decode"): on = the defaults (CUDA graph on);
# tuned = on + gemm_tune=on (cuBLASLt algorithm per GEMM shape, session 7); hf_again = HF eager
# re-measured in fp32 at the largest batch with the GPU as hot as for the accelbench rows (the
# batch-64 rows ran under the power cap);
# profile = vit and whisper fp32 at the smallest and largest batch with profile_ops=on, and HF's
# kernels from torch.profiler (hf_profile.txt); explicit = on + attention=explicit (fp32, the
# smallest and largest batch); tuned_explicit = both (vit and whisper, fp32, the smallest and
# largest batch: the combination a new default would be); decode = TinyLlama-shaped decode at
# batch 1, graph off and on.
# Also available: off (graph off), hf_graph (HF's forward replayed from one CUDA graph,
# hf_graph.csv: its kernel time without Python), on_unfused (on + fuse_linear=off; fp32, the
# smallest and largest batch) -- all three measured on the H200 in session 6; (5) the ratio
# table (accelbench / HF throughput, NVML J/item, clock notes, what gemm_tune chose per shape,
# which configurations meet each target; also written after every pass, with acc.json, so a run
# cut short brings back what it measured); (6) time permitting, run the CUDA gtests (`*Cuda*` of
# gemm_tune_test, gpu_settings_test and fused_linear_test). GPU_VS_HF_DEADLINE (default 540 s):
# no accelbench pass starts later, and the HF step ends a minute before it; GPU_VS_HF_TOTAL
# (default 585 s): step (6) ends by then.
# A step that fails is reported in the table, and the later steps still run.
#
# Smoke mode for a machine without a GPU (CI, the dev VM): GPU_VS_HF_CPU=1 ACCELBENCH_BIN=path
# skips the build, runs accelbench on cpu with tiny presets and tiny budgets, and runs the HF
# side only where python3 has torch + transformers.
#
# Environment: OUT (output folder), ACCELBENCH_BIN (skip the build), GPU_VS_HF_JOBS (ninja -j),
# ACCELBENCH_DEVROOT (a folder of unpacked Debian -dev packages to build against; default: the
# carried third_party/gpu-carry/devroot.tar.xz unpacked under /tmp), GPU_VS_HF_BUDGET
# (accelbench --budget seconds), GPU_VS_HF_PASSES (the passes above, in order),
# GPU_VS_HF_HF_MODELS (HF eager models; "" = decode only).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-$PWD/gpu-vs-hf}
mkdir -p "$out"
work=$(mktemp -d)  # databases stay out of $OUT (the device tool brings back 8 files at most)
trap 'rm -rf "$work"' EXIT
log=$out/gpu_vs_hf.log
say() { echo "$*" | tee -a "$log"; }
t_start=$(date +%s)
elapsed() { echo $(($(date +%s) - t_start)); }
cpu=${GPU_VS_HF_CPU:-0}
status_build="not run"
status_hf="not run"
status_acc="not run"

# ---- (1) preflight ---------------------------------------------------------------------------
say "== gpu_vs_hf $(date -u +%FT%TZ) cpu-smoke=$cpu"
if [ "$cpu" != 1 ]; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | tee -a "$log"
fi
pyinfo=$(python3 -c 'import torch, transformers; print(torch.__version__, torch.version.cuda, torch.cuda.is_available(), transformers.__version__)' 2>&1)
have_py=$?
say "python torch/cuda/available/transformers: $pyinfo"
for tool in cmake ninja nvcc c++; do say "$tool: $(command -v $tool || echo missing)"; done

# ---- (2) build accelbench against the python torch's libtorch -----------------------------
carried=$root/third_party/gpu-carry
if [ ! -f "$root/third_party/duckdb/lib/libduckdb.so" ] && [ -f "$carried/duckdb.tar.xz" ]; then
  mkdir -p "$root/third_party" && xz -dc "$carried/duckdb.tar.xz" | tar -C "$root/third_party" -xf - &&
    say "unpacked the carried DuckDB"
fi
# The dashboard's Vega bundles (embedded at build time; the configure stops without them).
if [ ! -f "$root/third_party/npm/vega-embed/build/vega-embed.min.js" ] && [ -f "$carried/vega.tar.xz" ]; then
  xz -dc "$carried/vega.tar.xz" | tar -C "$root" -xf - && say "unpacked the carried Vega bundles"
fi
acc_ld=${LD_LIBRARY_PATH:-}  # accelbench's library path (the devroot's libraries; not python's)
bin=${ACCELBENCH_BIN:-}
if [ -z "$bin" ]; then
  devroot=${ACCELBENCH_DEVROOT:-}
  if [ -z "$devroot" ] && [ -f "$carried/devroot.tar.xz" ]; then
    mkdir -p /tmp/accelbench-carry &&
      xz -dc "$carried/devroot.tar.xz" | tar -C /tmp/accelbench-carry -xf - &&
      devroot=/tmp/accelbench-carry/devroot && say "unpacked the carried devroot"
  fi
  bdir=$root/build-gpu-vs-hf
  prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null)
  # TorchConfig of a CUDA wheel enables the CUDA language (nvcc, an architecture); CMake 4 (pip)
  # refuses config files written for CMake < 3.5 unless CMAKE_POLICY_VERSION_MINIMUM is set.
  cmake_args=(-S "$root" -B "$bdir" -G Ninja -DCMAKE_BUILD_TYPE=Release
              -DTORCH_CUDA_ARCH_LIST=9.0
              -DCMAKE_CUDA_ARCHITECTURES=90 -DCMAKE_POLICY_VERSION_MINIMUM=3.5
              -DACCELBENCH_UNITY_BUILD=OFF)  # file by file: 16 cores there, and one unity batch
                                             # of the 12 libtorch backend files would be ~4 min
  pp=$prefix
  if [ -n "$devroot" ] && [ -d "$devroot/usr" ]; then  # unpacked Debian -dev packages
    say "using devroot $devroot"
    dl=$devroot/usr/lib/x86_64-linux-gnu
    pp="$pp;$devroot/usr;$dl/cmake;$devroot/usr/share/cmake"
    export PKG_CONFIG_SYSROOT_DIR=$devroot
    export PKG_CONFIG_LIBDIR=$dl/pkgconfig:$devroot/usr/lib/pkgconfig:$devroot/usr/share/pkgconfig
    acc_ld=$dl:$devroot/usr/lib${acc_ld:+:$acc_ld}
    cmake_args+=(-DCMAKE_INCLUDE_PATH="$devroot/usr/include"
                 -DCMAKE_LIBRARY_PATH="$dl;$devroot/usr/lib")
    command -v pkg-config >/dev/null ||
      cmake_args+=(-DPKG_CONFIG_EXECUTABLE="$devroot/usr/bin/pkgconf")
    # The devroot's libraries must be found when linking (transitive .so dependencies) too.
    cmake_args+=(-DCMAKE_EXE_LINKER_FLAGS="-Wl,-rpath-link,$dl -Wl,-rpath,$dl")
    # libonnx's protobuf symbols are used directly: name the library (else "DSO missing").
    cmake_args+=(-DCMAKE_CXX_STANDARD_LIBRARIES="$dl/libprotobuf.so")
  fi
  cmake_args+=(-DCMAKE_PREFIX_PATH="$pp")
  if nvcc_path=$(command -v nvcc || ls /usr/local/cuda/bin/nvcc 2>/dev/null); then
    cmake_args+=(-DCMAKE_CUDA_COMPILER="$nvcc_path" -DCUDAToolkit_ROOT="$(dirname "$(dirname "$nvcc_path")")")
  fi
  say "configure: cmake ${cmake_args[*]}"
  # Tests configured too (GTest from the devroot), so the CUDA gtests build in the same tree;
  # without GTest, configure again with tests off.
  # Every build step is bounded: the build ends GPU_VS_HF_BUILD_LIMIT s (default 330) after the
  # start at the latest, so the measurements keep their time (session 6's build took 88 s).
  build_limit=${GPU_VS_HF_BUILD_LIMIT:-330}
  build_left() { echo $((build_limit - $(elapsed))); }
  tests_configured=0
  if LD_LIBRARY_PATH=$acc_ld timeout 120 cmake "${cmake_args[@]}" -DACCELBENCH_BUILD_TESTS=ON >"$out/build.log" 2>&1; then
    tests_configured=1
  else
    say "configure with tests failed (see build.log); configuring without tests"
    cmake_args+=(-DACCELBENCH_BUILD_TESTS=OFF)
  fi
  build_acc() {
    local left
    left=$(build_left)
    [ "$left" -gt 10 ] || { echo "no time left to build (GPU_VS_HF_BUILD_LIMIT)" >>"$out/build.log"; return 1; }
    LD_LIBRARY_PATH=$acc_ld timeout "$left" ninja -C "$bdir" -k 0 -j "${GPU_VS_HF_JOBS:-$(nproc)}" accelbench >>"$out/build.log" 2>&1
  }
  built=0
  if { [ $tests_configured = 1 ] || LD_LIBRARY_PATH=$acc_ld timeout 120 cmake "${cmake_args[@]}" >>"$out/build.log" 2>&1; }; then
    if build_acc; then
      built=1
    else
      # Session 7's cuBLASLt GEMM tuner has never been compiled against this libtorch: if the
      # build breaks, measure the rest without it (gemm_tune then says "this build has no
      # cuBLASLt") instead of losing the run.
      say "build failed; retrying with -DACCELBENCH_GEMM_TUNE=OFF"
      grep -E "error:|undefined reference" "$out/build.log" | head -n 8 | tee -a "$log"
      LD_LIBRARY_PATH=$acc_ld timeout 120 cmake -S "$root" -B "$bdir" -DACCELBENCH_GEMM_TUNE=OFF >>"$out/build.log" 2>&1 &&
        build_acc && built=1
    fi
  fi
  if [ $built = 1 ]; then
    bin=$bdir/accelbench
    status_build="ok ($(elapsed) s)"
    # The CUDA gtests of step (6), built now (mostly the libraries just built, and 16 cores): step
    # (6) then only runs them. -k 0: one test that does not compile leaves the others.
    gtests_built=""
    if [ $tests_configured = 1 ] && [ "$(build_left)" -gt 20 ]; then
      rm -f "$bdir"/tests/gpu/{gpu_settings_test,fused_linear_test,gemm_tune_test}  # none stale
      LD_LIBRARY_PATH=$acc_ld timeout "$(build_left)" ninja -C "$bdir" -k 0 \
        -j "${GPU_VS_HF_JOBS:-$(nproc)}" gpu_settings_test fused_linear_test gemm_tune_test \
        >"$out/cuda_gtests.log" 2>&1
      for t in gemm_tune_test gpu_settings_test fused_linear_test; do
        [ -x "$bdir/tests/gpu/$t" ] && gtests_built="$gtests_built $t"
      done
      say "cuda gtests built:${gtests_built:- none} ($(elapsed) s)"
    fi
    grep -m1 -i "c10_cuda" "$bdir/CMakeCache.txt" >/dev/null ||
      say "warning: TORCH_LIBRARIES has no c10_cuda: this libtorch is CPU-only"
    say "$(grep -m3 -E "libtorch (attention|profiler) API|cuBLASLt: " "$out/build.log" || echo "libtorch API checks: not in build.log")"
  else
    status_build="FAILED after $(elapsed) s (see build.log)"
    grep -E "Could not find|Could NOT find|not found|error:" "$out/build.log" | head -n 15 | tee -a "$log"
  fi
  say "build: $status_build"
fi
# What accelbench's hardware detection (NVML / libcuda through dlopen) says about this machine.
if [ -n "$bin" ] && [ -x "$bin" ]; then
  say "accelbench detect:"
  LD_LIBRARY_PATH=$acc_ld timeout 60 "$bin" detect 2>&1 | head -n 40 | tee -a "$log"
fi

# ---- (3) Hugging Face transformers eager -----------------------------------------------------
if [ "$cpu" = 1 ]; then
  hf_args=(--device cpu --tiny --dtypes fp32 --batches 1,2 --iters 5 --warmup 2 --seq 16 --decode
           --prompt 16 --new-tokens 4)
else
  hf_args=(--device cuda --models "${GPU_VS_HF_HF_MODELS-bert,vit,whisper}" --decode --prompt 128
           --new-tokens 32)
fi
if [ "${GPU_VS_HF_SKIP_HF:-0}" = 1 ]; then
  status_hf="skipped (GPU_VS_HF_SKIP_HF=1)"
elif [ $have_py = 0 ]; then
  # At most 240 s, and never into the last minute before the passes' deadline. hf.csv is
  # rewritten after every row, so a timeout keeps the rows measured.
  hf_left=$((${GPU_VS_HF_DEADLINE:-540} - 60 - $(elapsed)))
  [ $hf_left -gt 240 ] && hf_left=240
  if [ $hf_left -lt 30 ]; then
    status_hf="skipped: too little time left"
  elif PYTHONUNBUFFERED=1 timeout $hf_left python3 "$root/bench/hf_reference.py" "${hf_args[@]}" \
      --out "$out/hf.csv" 2>>"$log"; then
    status_hf="ok ($(elapsed) s)"
  else
    status_hf="FAILED or timed out (see gpu_vs_hf.log; hf.csv has the rows measured)"
  fi
else
  status_hf="skipped: python3 has no torch + transformers"
fi
say "hf: $status_hf"

# The ratio table from hf.csv, hf_again.csv and acc.json (step 5; also after every pass).
write_table() {
  python3 - "$out" "$status_build" "$status_hf" "${status_acc:-running}" "$work" <<'EOF'
import csv, json, os, sys
out, s_build, s_hf, s_acc, work = sys.argv[1:6]
names = {"bert": "bert", "vit": "vit", "whisper": "whisper", "llama": "tinyllama-decode"}
hf, hf_graph = {}, {}
if os.path.exists(f"{out}/hf.csv"):
    for r in csv.DictReader(open(f"{out}/hf.csv")):
        hf[(r["model"], r["dtype"], int(r["batch"]))] = float(r["median_ms"])
if os.path.exists(f"{out}/hf_graph.csv"):
    for r in csv.DictReader(open(f"{out}/hf_graph.csv")):
        hf_graph[(r["model"], r["dtype"], int(r["batch"]))] = float(r["median_ms"])
hf_again = {}
if os.path.exists(f"{work}/hf_again.csv"):
    for r in csv.DictReader(open(f"{work}/hf_again.csv")):
        hf_again[(r["model"], r["dtype"], int(r["batch"]))] = float(r["median_ms"])
try:
    acc_parts = json.load(open(f"{out}/acc.json"))
except (OSError, ValueError):
    acc_parts = {}
def load(part):
    rows = acc_parts.get(part, [])
    if isinstance(rows, dict):
        rows = rows.get("rows", [])
    res = {}
    for r in rows:
        det = json.loads(r.get("options_json") or "{}").get("runtime_details", {})
        key = (names.get(r["model"], r["model"]), r["precision"], int(r["batch"]))
        ms = r.get("lat_p50_ms")
        ok = ms not in (None, "") and float(ms) > 0 and r["status"] in ("ok", "not_converged")
        res[key] = (float(ms) if ok else None, r["status"], r.get("reason") or "", det, r.get("energy_j_per_item"))
    return res
off, on, unfused = load("off"), load("on"), load("on_unfused")
tuned, explicit, both = load("tuned"), load("explicit"), load("tuned_explicit")
dec, dec_on = load("decode_off"), load("decode_on")
print(f"build: {s_build}; hf: {s_hf}; accelbench: {s_acc}\n")
if os.environ.get("GPU_VS_HF_CPU") == "1":
    print("SMOKE RUN on cpu with tiny presets: a check that the script works, not a measurement.\n")
print("| model | dtype | batch | HF eager ms | accelbench ms (graph off) | ratio | accelbench ms (graph on) | ratio | graph on, gemm_tune=on ms | ratio | graph on, attention=explicit ms | ratio | graph on, fuse_linear=off ms | HF graph-replayed ms (diagnostic) | J/item (graph on, NVML) | cuda_graph | fuse_linear | attention | target |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
keys = sorted(set(hf) | set(off) | set(on) | set(tuned) | set(dec) | set(dec_on))
def fmt(x):
    return "-" if x is None else f"{x:.3f}"
for k in keys:
    h = hf.get(k)
    a_off = off.get(k) or dec.get(k)
    a_on = on.get(k) or dec_on.get(k)
    def cell(a):
        if not a:
            return "-", "-"
        if a[0] is None:
            return f"{a[1]}: {a[2][:60]}", "-"
        return fmt(a[0]), (f"{h / a[0]:.2f}x" if h else "-")
    c_off, r_off = cell(a_off)
    c_on, r_on = cell(a_on)
    c_unf, _ = cell(unfused.get(k))
    c_tun, r_tun = cell(tuned.get(k))
    c_exp, r_exp = cell(explicit.get(k))
    joules = (a_on or (None,) * 5)[4]
    c_j = "-" if joules in (None, "") else f"{float(joules):.4g}"
    det = (a_on or a_off or (None, None, None, {}, None))[3]
    target = "1.5x" if k[0] == "tinyllama-decode" else ("2.0x" if k[2] == 1 else ("1.0x" if k[2] == 64 else ""))
    cells = (k[0], k[1], k[2], fmt(h), c_off, r_off, c_on, r_on, c_tun, r_tun, c_exp, r_exp, c_unf,
             fmt(hf_graph.get(k)), c_j, det.get('cuda_graph', '-')[:50],
             det.get('fuse_linear', '-'), det.get('attention', '-'), target)
    # A reason may hold "|" ("max |replay - eager|"): escaped, or it would split the cell.
    print("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
d = next((a[3] for a in list(on.values()) + list(off.values()) + list(dec.values()) if a[3]), {})
print("\nsettings: " + ", ".join(f"{k}={d[k]}" for k in ("gpu", "cuda_runtime", "cudnn_version",
      "tf32_matmul", "tf32_cudnn", "cudnn_benchmark", "sdpa_cudnn", "cuda_alloc_conf") if k in d))
for name, part in (("decode, graph off", dec), ("decode, graph on", dec_on)):
    for a in part.values():
        det = a[3]
        print(f"{name}: kv_static={det.get('kv_static', '-')}, sdpa_cudnn="
              f"{det.get('sdpa_cudnn', '-')}, attention={det.get('attention', '-')}, "
              f"cuda_graph={det.get('cuda_graph', '-')}, "
              f"cuda_graph_check={det.get('cuda_graph_check', '-')}")
held = [(name, k, a[2]) for name, part in (("graph off", off), ("graph on", on),
        ("gemm_tune", tuned), ("explicit", explicit), ("gemm_tune + explicit", both),
        ("graph on unfused", unfused))
        for k, a in sorted(part.items())
        if "GPU clocks held down" in (a[2] or "")]
for name, k, why in held:
    print(f"clocks held down ({name}) {k[0]} {k[1]} b{k[2]}: "
          f"{why[why.find('GPU clocks held down'):][:160]}")
checks = [(k, a[3].get("cuda_graph_check")) for k, a in sorted(on.items()) if a[3].get("cuda_graph_check")]
if checks:
    print("graph replay vs eager (inference, checked at load): " +
          "; ".join(f"{k[0]} {k[1]} b{k[2]}: {c.split(' = ')[-1]}" for k, c in checks))
for k, v in sorted(hf_again.items()):  # the same thermal state as the accelbench rows
    pairs = (("graph on", on.get(k)), ("gemm_tune", tuned.get(k)), ("attention=explicit", explicit.get(k)),
             ("gemm_tune + explicit", both.get(k)))
    ratios = ", ".join(f"{name} {v / a[0]:.2f}x" for name, a in pairs if a and a[0])
    print(f"HF eager again after the accelbench passes {k[0]} {k[1]} b{k[2]}: {v:.3f} ms "
          f"(first: {fmt(hf.get(k))} ms){'; ratio against it: ' + ratios if ratios else ''}")
for k, a in sorted(tuned.items()):  # what the GEMM tuner chose, per row and shape
    if a[3].get("gemm_tune"):
        print(f"gemm_tune {k[0]} {k[1]} b{k[2]}: {a[3]['gemm_tune']}")
        if k[1] == "fp32" and a[3].get("gemm_tune_shapes"):
            print(f"  shapes: {a[3]['gemm_tune_shapes'][:1500]}")
for k, a in sorted(explicit.items()):
    print(f"attention=explicit {k[0]} {k[1]} b{k[2]}: attention={a[3].get('attention', '-')}")
for k, a in sorted(both.items()):  # the combination, against HF's first measurement
    ms, h = a[0], hf.get(k)
    print(f"gemm_tune=on + attention=explicit {k[0]} {k[1]} b{k[2]}: "
          + (f"{ms:.3f} ms" + (f", {h / ms:.2f}x HF eager" if h else "") if ms is not None
             else f"{a[1]}: {a[2][:80]}"))
# Per target row, every measured configuration's ratio and whether it meets the target (against
# the hotter HF re-measurement too where there is one): what a change of defaults would rest on.
configs = (("defaults", on), ("gemm_tune", tuned), ("attention=explicit", explicit),
           ("gemm_tune + explicit", both))
for k in sorted(hf):
    goal = 2.0 if k[2] == 1 else (1.0 if k[2] == 64 else None)
    if goal is None or k[0] == "tinyllama-decode":
        continue
    cells = []
    for name, part in configs:
        a = part.get(k)
        if not a or a[0] is None:
            continue
        r = hf[k] / a[0]
        again = f", {hf_again[k] / a[0]:.2f}x vs HF again" if k in hf_again else ""
        cells.append((name, r >= goal, f"{name} {r:.2f}x{again}{'' if r >= goal else ' (miss)'}"))
    if cells:
        meets = ", ".join(name for name, ok, _ in cells if ok) or "no configuration"
        print(f"target {goal:.1f}x {k[0]} {k[1]} b{k[2]}: " + "; ".join(c for _, _, c in cells)
              + f" -> met by: {meets}")
for k, a in sorted(load("profile").items()):
    if a[3].get("op_profile"):
        print(f"accelbench profile {k[0]} {k[1]} b{k[2]} (graph on for the timing; profile of "
              f"eager forwards): {a[3]['op_profile']}")
if os.path.exists(f"{out}/hf_profile.txt"):
    print(open(f"{out}/hf_profile.txt").read().rstrip())
print("HF graph-replayed: the same HF forward captured in one CUDA graph (a diagnostic of "
      "HF's kernel time without Python and launch overhead; the target compares HF eager).")
print("ratio = HF median latency / accelbench median latency = accelbench throughput / HF "
      "throughput at the same batch (decode: tokens/s per token step).")
EOF
}

# ---- (4) accelbench --------------------------------------------------------------------------
if [ -n "$bin" ] && [ -x "$bin" ]; then
  # 2 s at most per row (session 7; 0.6 s before): rows stop as soon as the median's 95% CI is
  # within 5%, so only the slow ones use it -- the ~80 ms whisper fp32 batch-64 steps got 7
  # samples and no converged median from 0.6 s, while HF's median came from 35 runs (~2.7 s).
  budget=${GPU_VS_HF_BUDGET:-2.0}
  if [ "$cpu" = 1 ]; then
    platform=cpu; precisions=fp32; batches=1,2; bert=(--preset tiny --seq 16)
    vit=(--preset tiny); whisper=(--preset tiny --seq 1); llama=(--preset tiny --seq 16)
    fast=(--min-iterations 3 --min-time 0.05 --budget 0.5 --warmup-max-time 0.2 --ci-target 0.5)
  else
    platform=cuda; precisions=fp16,fp32; batches=1,8,64; bert=(--preset bert-base-uncased --seq 128)
    vit=(--preset vit-base-patch16-224); whisper=(--preset whisper-tiny --seq 1)
    llama=(--preset tinyllama-1.1b --seq 128)
    fast=(--min-iterations 10 --min-time 0.1 --budget "$budget" --warmup-max-time 0.5 --ci-target 0.05)
  fi
  acc_fail=0
  # Passes in the order of GPU_VS_HF_PASSES (the most important first). Each run gets at most the
  # time left before the deadline (default 540 s after the start), so the table is always
  # written; acc.json and ratio_table.md are also rewritten after every pass.
  deadline=${GPU_VS_HF_DEADLINE:-540}
  skipped_runs=""
  acc_run() {  # name db args...
    local name=$1 db=$2 left
    shift 2
    left=$((deadline - $(elapsed)))
    if [ $left -lt 20 ]; then
      skipped_runs="$skipped_runs $name"
      say "accelbench $name: skipped, the ${deadline} s deadline is near"
      return
    fi
    [ $left -gt 240 ] && left=240
    LD_LIBRARY_PATH=$acc_ld timeout $left "$bin" run "$@" "${fast[@]}" --no-progress-bar --db "$db" \
      >>"$log" 2>&1 || { say "accelbench $name: run exited non-zero (rows record why)"; acc_fail=1; }
  }
  dec_prec=fp16; [ "$cpu" = 1 ] && dec_prec=fp32
  # on_unfused: graph on with fuse_linear=off, to measure the fusion (fuse_linear is on by
  # default on CUDA; every other pass runs with it).
  # The HF diagnostics (hf_graph, profile): hf_reference.py in its own process (a refused graph
  # capture or a profiler error disturbs nothing else), at most 90 s, only on the GPU run.
  hf_diag() {  # name args...
    local name=$1 left=$((deadline - $(elapsed)))
    shift
    [ $left -gt 90 ] && left=90
    [ "$cpu" = 1 ] || [ $have_py != 0 ] || [ "${GPU_VS_HF_SKIP_HF:-0}" = 1 ] && return 1
    if [ $left -lt 30 ]; then
      skipped_runs="$skipped_runs $name"
      return 1
    fi
    PYTHONUNBUFFERED=1 timeout $left python3 "$root/bench/hf_reference.py" --device cuda "$@" \
      >/dev/null && say "$name: ok ($(elapsed) s)" || say "$name: incomplete (see log)"
  }
  run_pass() {  # one pass of GPU_VS_HF_PASSES
    local graph=$1 spec pprec pbs prec bs specs opts dg
    if [ $graph = profile ]; then
      # Where the fp32 time goes (the misses: vit/whisper fp32): accelbench's profile_ops and the
      # same kernels table from torch.profiler on HF's eager forward, printed under the table.
      pprec=fp32; pbs=${batches%%,*},${batches##*,}
      if hf_diag "hf profile" --profile --models vit,whisper --dtypes $pprec --batches "$pbs" \
          --iters 5 --warmup 2 2>"$work/hf_profile.log"; then
        grep "^# hf profile" "$work/hf_profile.log" >"$out/hf_profile.txt"
      fi
      grep -v "^# hf profile" "$work/hf_profile.log" >>"$log" 2>/dev/null  # errors, if any
      for spec in vit whisper; do
        declare -n extra=$spec
        acc_run "$spec/profile" "$work/acc_profile.duckdb" --models "$spec" "${extra[@]}" \
          --platforms "$platform" --precision $pprec --batch "$pbs" --backend-option profile_ops=on
        unset -n extra
      done
      return
    fi
    if [ $graph = hf_again ]; then
      # HF eager measured again at the largest batch in fp32, now that the GPU has run for
      # minutes (the accelbench rows ran hot, under the power cap; HF's first rows ran cold): the
      # same thermal state on both sides of the ratio.
      hf_diag "hf eager again" --models bert,vit,whisper --dtypes fp32 --batches "${batches##*,}" \
        --out "$work/hf_again.csv" 2>>"$log" && [ -f "$work/hf_again.csv" ] && cat "$work/hf_again.csv" >>"$log"
      return
    fi
    if [ $graph = hf_graph ]; then  # how much of HF eager's time is Python and launch overhead
      hf_diag "hf graph-replayed" --graph-floor --out "$out/hf_graph.csv" 2>>"$log"
      return
    fi
    if [ $graph = decode ]; then
      # Static KV cache (the CUDA default): eager, then the step captured and replayed per token.
      for dg in off on; do
        acc_run "decode/cuda_graph=$dg" "$work/acc_decode_$dg.duckdb" --models llama "${llama[@]}" \
          --mode decode --platforms "$platform" --precision $dec_prec --batch 1 \
          --backend-option cuda_graph=$dg
      done
      return
    fi
    opts=(--backend-option cuda_graph=on)
    [ $graph = off ] && opts=(--backend-option cuda_graph=off)
    prec=$precisions bs=$batches
    # tuned (session 7): graph on with gemm_tune=on, every row.
    [ $graph = tuned ] && opts+=(--backend-option gemm_tune=on)
    # The unfused and explicit-attention passes where they can matter and time is short: fp32,
    # the smallest and largest batch (the fp16 rows met their targets).
    [ $graph = on_unfused ] && { opts+=(--backend-option fuse_linear=off); prec=fp32; bs=${batches%%,*},${batches##*,}; }
    [ $graph = explicit ] && { opts+=(--backend-option attention=explicit); prec=fp32; bs=${batches%%,*},${batches##*,}; }
    specs="bert vit whisper"
    [ $graph = tuned_explicit ] && { opts+=(--backend-option gemm_tune=on --backend-option attention=explicit); prec=fp32; bs=${batches%%,*},${batches##*,}; specs="vit whisper"; }
    for spec in $specs; do
      declare -n extra=$spec
      acc_run "$spec/$graph" "$work/acc_${graph}.duckdb" --models "$spec" "${extra[@]}" \
        --platforms "$platform" --precision "$prec" --batch "$bs" "${opts[@]}"
      unset -n extra
    done
  }
  collect_acc() {  # every pass database so far -> $OUT/acc.json
    # One file for all passes ({pass: rows}): the device tool brings back 8 files at most.
    # Only the databases changed since their last query.
    for part in off on tuned explicit tuned_explicit on_unfused decode_off decode_on profile; do
      [ -f "$work/acc_$part.duckdb" ] || continue
      [ "$work/acc_$part.json" -nt "$work/acc_$part.duckdb" ] && continue
      LD_LIBRARY_PATH=$acc_ld timeout 60 "$bin" db query --db "$work/acc_$part.duckdb" --format json \
        "SELECT model, precision, batch, mode, status, reason, lat_p50_ms, throughput, decode_tokens_per_s, energy_j_per_item, options_json FROM results" \
        >"$work/acc_$part.json" 2>>"$log" || say "db query $part failed"
    done
    python3 - "$work" "$out/acc.json" <<'PY' || say "could not combine the accelbench rows"
import json, os, sys
work, dest = sys.argv[1:3]
parts = {}
for part in ("off", "on", "tuned", "explicit", "tuned_explicit", "on_unfused", "decode_off",
             "decode_on", "profile"):
    p = f"{work}/acc_{part}.json"
    if os.path.exists(p) and os.path.getsize(p) > 0:
        try:
            parts[part] = json.load(open(p))
        except ValueError:
            parts[part] = {"unreadable": open(p).read()[:2000]}
json.dump(parts, open(dest, "w"), indent=1)
PY
  }
  for graph in ${GPU_VS_HF_PASSES:-on tuned hf_again profile explicit tuned_explicit decode}; do
    run_pass "$graph"
    collect_acc
    write_table >"$out/ratio_table.md"  # so far: a run cut short still brings back its rows
  done
  status_acc="ran ($(elapsed) s)$([ $acc_fail = 1 ] && echo ', some runs exited non-zero')"
  [ -n "$skipped_runs" ] && status_acc="$status_acc; skipped for time:$skipped_runs"
else
  status_acc="not run: no accelbench binary"
fi
say "accelbench: $status_acc"

# ---- (5) ratio table -------------------------------------------------------------------------
write_table | tee "$out/ratio_table.md"
# ---- (6) the CUDA gtests, time permitting (after the table: measurements come first) ----------
# Built in step (2); here they only run: `*Cuda*` of gemm_tune_test (never run on a GPU before),
# gpu_settings_test and fused_linear_test (passing on the H200 since session 6).
gtest_status="not run"
if [ "$cpu" = 1 ] || [ "${built:-0}" != 1 ] || [ "${tests_configured:-0}" != 1 ]; then
  gtest_status="not run (no CUDA build with tests here)"
elif [ -z "${gtests_built:-}" ]; then
  gtest_status="not run: none built (cuda_gtests.log)"
else
  glog=$out/cuda_gtests.log
  gtest_status="built:$gtests_built"
  for t in $gtests_built; do
    left=$((${GPU_VS_HF_TOTAL:-585} - $(elapsed) - 3))
    [ $left -gt 10 ] || { gtest_status="$gtest_status; out of time before $t"; break; }
    LD_LIBRARY_PATH=$acc_ld timeout $left "$bdir/tests/gpu/$t" --gtest_filter='*Cuda*' >"$work/gt.log" 2>&1
    rc=$?
    cat "$work/gt.log" >>"$glog"
    gtest_status="$gtest_status; $t rc $rc: $(grep -E '^\[  (PASSED|FAILED|SKIPPED) ' "$work/gt.log" | tr '\n' ' ')"
  done
fi
say "cuda gtests: $gtest_status"
echo "cuda gtests: $gtest_status" >>"$out/ratio_table.md"
say "done in $(elapsed) s; files in $out"
