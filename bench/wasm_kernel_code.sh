#!/usr/bin/env bash
# The wasm GEMM micro-kernels alone, in L1, under node (bench/wasm_kernel_l1.cpp:
# GFLOP/s and fraction of the wasm SIMD ceiling), and the x64 (or arm64) code
# V8's optimising tier generates for one kernel: its k loop, to count
# instructions per k, see spills (stack loads/stores inside the loop) and
# what the loop spends besides the multiplies and adds.
#   bash bench/wasm_kernel_code.sh [KERNEL]      (default 4x8r; names: core/gemm_wasm_kernels.cpp)
set -euo pipefail
cd "$(dirname "$0")/.."
kernel=${1:-4x8r}
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}  # emcc's JS optimizer (scripts/build-wasm)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# --profiling-funcs keeps the function names V8 prints; -O3 as the module.
em++ -std=c++17 -O3 -msimd128 -ffp-contract=fast --profiling-funcs -Icore bench/wasm_kernel_l1.cpp \
  core/gemm_wasm_kernels.cpp core/bench_peak.cpp -o "$tmp/k.js" 2>"$tmp/emcc.log" || { cat "$tmp/emcc.log" >&2; exit 1; }
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs); node $(node --version); load $(cut -d' ' -f1-3 /proc/loadavg)"
# --no-liftoff: time and print the optimised code only (V8 starts every
# function in its baseline compiler and tiers up while it runs).
node --no-experimental-fetch --no-liftoff "$tmp/k.js"
node --no-experimental-fetch --no-liftoff --print-wasm-code "$tmp/k.js" >"$tmp/code.txt"
python3 - "$tmp/code.txt" "$kernel" <<'PY'
import re, sys
text = open(sys.argv[1]).read().split("--- WebAssembly code ---")
names = {"4x8r": "rows_4x8("}
kernel = sys.argv[2]
m = re.match(r"(\d+)x(\d+)(s?)(?:u(\d+))?$", kernel)
want = names.get(kernel)
if want is None and m:
    mr, nr, shuffle, unroll = int(m[1]), int(m[2]), m[3] == "s", int(m[4] or 1)
    want = f"packed<{mr}, {nr // 4}, {unroll}, {'true' if shuffle else 'false'}>"
for block in text:
    if want and want in block.split("\n", 3)[1] if "\n" in block else False:
        lines = [l for l in block.split("\n") if re.match(r"^0x[0-9a-f]+ ", l)]
        # The k loop: from the first backward branch's target to that branch.
        addr = lambda l: int(l.split()[0], 16)
        for i, l in enumerate(lines):
            b = re.search(r"\bj\w+ (0x[0-9a-f]+) ", l)
            if b and int(b[1], 16) < addr(l) and "+0x" in l:
                start = int(b[1], 16)
                loop = [x for x in lines[: i + 1] if addr(x) >= start]
                body = [" ".join(x.split()[3:]) for x in loop]
                fp = sum(1 for x in body if re.match(r"v(mul|add)ps", x))
                spills = sum(1 for x in body if "[rbp" in x)
                print(f"\nV8's k loop of {kernel} ({want}): {len(body)} instructions, {fp} vmulps/vaddps, "
                      f"{spills} stack accesses (spills)")
                print("\n".join("    " + x for x in body))
                sys.exit(0)
print(f"no loop found for {kernel}", file=sys.stderr)
sys.exit(1)
PY
