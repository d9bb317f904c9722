#!/usr/bin/env bash
# Issue 13: stages, on this (Debian 12) machine, what bench/gpu_vs_hf.sh needs on a bare device
# machine that has PyTorch, nvcc, CMake and ninja but none of accelbench's C++ dependencies:
#   third_party/gpu-carry/duckdb.tar.xz   DuckDB header + libduckdb.so (xz: the device tool
#                                         carries 64 MiB in all, libduckdb.so alone is ~62 MiB)
#   third_party/gpu-carry/devroot.tar.xz  the Debian -dev packages accelbench builds against and
#                                         their runtime libraries, unpacked (dpkg -x) into devroot/
#   third_party/gpu-carry/vega.tar.xz     the dashboard's Vega bundles from npm (third_party/npm/
#                                         vega*/build/*.min.js: the build embeds them)
# Then, on the device machine: carry ["third_party/gpu-carry"] and run bench/gpu_vs_hf.sh, which
# unpacks them (DuckDB into third_party/duckdb, the devroot under /tmp, the Vega bundles into
# third_party/npm) and builds against them.
# Uses `apt-get download` (Debian's own client; no root needed) and xz.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$root/third_party/gpu-carry
mkdir -p "$dest"
[ -f "$root/third_party/duckdb/lib/libduckdb.so" ] || { echo "run scripts/setup first" >&2; exit 1; }

# Build-time (-dev) and run-time packages; libraries any Ubuntu/Debian base has (libc, libstdc++,
# zlib, libssl, libudev) are left out.
pkgs=(libcli11-dev nlohmann-json3-dev libfmt-dev libfmt9 libyaml-cpp-dev libyaml-cpp0.7
      libhwloc-dev libhwloc15 libcpuinfo-dev libcpuinfo0 libprotobuf-dev libprotobuf32
      libprotobuf-lite32 libonnx-dev libonnx1 libonnxifi libcpp-httplib-dev libcpp-httplib0.11
      libbrotli1 libbrotli-dev zlib1g-dev libssl-dev libxgboost-dev libxgboost0 libdmlc0 libgloo-dev libgloo0 libhiredis0.14 libgtest-dev libgmock-dev
      libibverbs1 pkgconf-bin libpkgconf3)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download "${pkgs[@]}")
mkdir -p "$work/devroot"
for deb in "$work"/*.deb; do dpkg -x "$deb" "$work/devroot"; done
rm -rf "$work/devroot/usr/share/doc" "$work/devroot/usr/share/man" "$work/devroot/usr/share/lintian"
# pkgconf insists on Requires.private packages (openssl, zlib, brotli -dev) even for shared
# linking; the device image has their libraries, so drop those lines instead of carrying -dev's.
sed -i '/^Requires.private:/d' "$work"/devroot/usr/lib/x86_64-linux-gnu/pkgconfig/*.pc
tar -C "$work" -cf - devroot | xz -T0 -6 >"$dest/devroot.tar.xz.tmp"
mv "$dest/devroot.tar.xz.tmp" "$dest/devroot.tar.xz"  # never a truncated archive
vega=(third_party/npm/vega/build/vega.min.js third_party/npm/vega-lite/build/vega-lite.min.js
      third_party/npm/vega-embed/build/vega-embed.min.js)
for f in "${vega[@]}"; do
  [ -f "$root/$f" ] || { echo "$f missing: run scripts/setup first" >&2; exit 1; }
done
tar -C "$root" -cf - "${vega[@]}" | xz -T0 -6 >"$dest/vega.tar.xz.tmp"
mv "$dest/vega.tar.xz.tmp" "$dest/vega.tar.xz"
if [ ! "$dest/duckdb.tar.xz" -nt "$root/third_party/duckdb/lib/libduckdb.so" ] ||
   [ ! -s "$dest/duckdb.tar.xz" ]; then
  tar -C "$root/third_party" -cf - duckdb | xz -T0 -6 >"$dest/duckdb.tar.xz.tmp"
  mv "$dest/duckdb.tar.xz.tmp" "$dest/duckdb.tar.xz"
fi
du -sh "$dest"/*
echo "carry [\"third_party/gpu-carry\"] and run: bash bench/gpu_vs_hf.sh"
