#!/usr/bin/env bash
# Native core (this CPU's build and a portable SSE2 build) vs PyTorch (one
# thread) vs the wasm build, in one run, on the models of core/bench.h;
# prints ms/step, GEMM GFLOP/s against each build's SIMD ceiling, and ratios.
#   bash bench/compare.sh        (after scripts/test or scripts/start built everything)
set -euo pipefail
cd "$(dirname "$0")/.."
# The portable build is the same core without -march=native: 4-lane SSE2,
# the same vector width as wasm SIMD.
if [ ! -x build-portable/nopelab ]; then
  cmake -S . -B build-portable -DCMAKE_BUILD_TYPE=Release -DNOPE_NATIVE_ARCH=OFF -DNOPE_BUILD_TESTS=OFF >/dev/null
  cmake --build build-portable -j2 --target nopelab >/dev/null
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
./build/nopelab bench --json >"$out/native.json"
./build-portable/nopelab bench --json >"$out/portable.json"
/usr/bin/python3 bench/pytorch_bench.py --json >"$out/torch.json" 2>/dev/null || echo '{}' >"$out/torch.json"
node bench/wasm_bench.mjs --json >"$out/wasm.json" 2>/dev/null || echo '{}' >"$out/wasm.json"
node bench/compare.mjs "$out/native.json" "$out/portable.json" "$out/torch.json" "$out/wasm.json"
