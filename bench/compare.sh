#!/usr/bin/env bash
# Native core (this CPU's build and a portable SSE2 build) vs PyTorch vs the
# wasm build, in one run, on the models of core/bench.h; prints ms/step, GEMM
# GFLOP/s against each build's SIMD ceiling, and ratios. Native and wasm
# alternate for ROUNDS rounds (default 3) and report medians. Native and
# PyTorch also run with THREADS threads (default: all cores) next to one.
#   bash bench/compare.sh [ROUNDS] [THREADS]   (after scripts/test or scripts/start built everything)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
threads=${2:-$(nproc)}
# The portable build is the same core without -march=native: 4-lane SSE2,
# the same vector width as wasm SIMD.
if [ ! -x build-portable/nopelab ]; then
  cmake -S . -B build-portable -DCMAKE_BUILD_TYPE=Release -DNOPE_NATIVE_ARCH=OFF -DNOPE_BUILD_TESTS=OFF >/dev/null
  cmake --build build-portable -j2 --target nopelab >/dev/null
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for i in $(seq "$rounds"); do
  ./build/nopelab bench --json --rounds 1 --threads "$threads" >"$out/native-$i.json"
  node bench/wasm_bench.mjs --json >"$out/wasm-$i.json" 2>/dev/null || echo '{}' >"$out/wasm-$i.json"
done
./build-portable/nopelab bench --json --rounds 1 --threads 1 >"$out/portable.json"
/usr/bin/python3 bench/pytorch_bench.py --json >"$out/torch.json" 2>/dev/null || echo '{}' >"$out/torch.json"
/usr/bin/python3 bench/pytorch_bench.py --json --threads "$threads" >"$out/torch-threads.json" 2>/dev/null ||
  echo '{}' >"$out/torch-threads.json"
node bench/compare.mjs "$out"
