#!/usr/bin/env bash
# Single-thread training speed of this tree against an earlier revision, in
# one run: builds REV's `nopelab` in a temporary worktree (Release, this
# machine's flags), then alternates `nopelab bench --threads 1` of the two
# builds for ROUNDS rounds (so a drift of the machine's speed hits both) and
# prints each model's median ms/step and the ratio. How docs/performance.md's
# before/after figures of a performance change are taken.
#   bash bench/before_after.sh REV [ROUNDS]          (default ROUNDS 3)
#   bash bench/before_after.sh REV [ROUNDS] --threads N   each round times
#     1 and N threads (`nopelab bench --threads N`): both builds' N-thread
#     ms/step and their speed-up over one thread
#   bash bench/before_after.sh REV [ROUNDS] --wasm   the wasm module instead:
#     builds REV's single-thread module with Debian's emscripten (a few
#     minutes) and alternates model-B steps and the GEMM on model B's six
#     product shapes under node against build-wasm/ (run scripts/build-wasm
#     first).
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: bench/before_after.sh REV [ROUNDS] [--wasm | --threads N]"
rev=${1:?$usage}
shift
rounds=3
[[ ${1:-} =~ ^[0-9]+$ ]] && { rounds=$1; shift; }
wasm=0
threads=1
while [ $# -gt 0 ]; do
  case $1 in
    --wasm) wasm=1 ;;
    --threads) threads=${2:?$usage}; shift ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
  shift
done
now=build/nopelab
if [ $wasm = 1 ]; then
  [ -f build-wasm/wasm/nopelab.wasm ] || { echo "build this tree's module first (scripts/build-wasm)" >&2; exit 1; }
else
  [ -x "$now" ] || { echo "build this tree first (scripts/test or cmake --build build)" >&2; exit 1; }
fi
tmp=$(mktemp -d)
trap 'git worktree remove --force "$tmp/src" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git worktree add --detach "$tmp/src" "$rev" >/dev/null 2>&1
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$tmp/before"; : >"$tmp/after"

if [ $wasm = 1 ]; then
  export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}  # emcc's JS optimizer (scripts/build-wasm)
  emcmake cmake -S "$tmp/src" -B "$tmp/build-wasm" -DCMAKE_BUILD_TYPE=Release >"$tmp/wasm.log" 2>&1 &&
    cmake --build "$tmp/build-wasm" -j"$(nproc)" --target nopelab_wasm >>"$tmp/wasm.log" 2>&1 ||
    { cat "$tmp/wasm.log" >&2; exit 1; }
  ms() {  # module dir -> "B_ms gemm1 .. gemm6" (one round: 3 warm-up steps, median of 12; GFLOP/s per model-B shape)
    NOPE_WASM_DIR="$1" node --input-type=module -e "
      const { loadNopeLab } = await import('$PWD/tests/wasm/load_module.mjs');
      const lab = await loadNopeLab();
      lab.benchTraining(1, 3);
      console.log(lab.benchTraining(1, 12).ms_per_step, ...lab.benchGemm().map((g) => g.gflops));"
  }
  for r in $(seq "$rounds"); do
    if [ $((r % 2)) -eq 1 ]; then ms "$tmp/build-wasm/wasm" >>"$tmp/before"; ms "$PWD/build-wasm/wasm" >>"$tmp/after"
    else ms "$PWD/build-wasm/wasm" >>"$tmp/after"; ms "$tmp/build-wasm/wasm" >>"$tmp/before"; fi
  done
  models='["B (wasm)"]'
  gemm_shapes=$(grep -o '{"[^"]*(' core/bench.h | sed 's/^{"//; s/ *($//' | paste -sd'|')
else
  cmake -S "$tmp/src" -B "$tmp/build" -DCMAKE_BUILD_TYPE=Release -DNOPE_BUILD_TESTS=OFF >/dev/null
  cmake --build "$tmp/build" -j"$(nproc)" --target nopelab >/dev/null
  before=$tmp/build/nopelab
  ms() {  # binary -> "A_ms B_ms" (one round; with --threads N: "A_1 A_N B_1 B_N")
    "$1" bench --threads "$threads" --rounds 1 --json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(*[x for m in d["native"] for x in ([m["ms_per_step"]] + ([m["ms_per_step_threads"]] if "ms_per_step_threads" in m else []))])'
  }
  for r in $(seq "$rounds"); do
    if [ $((r % 2)) -eq 1 ]; then ms "$before" >>"$tmp/before"; ms "$now" >>"$tmp/after"
    else ms "$now" >>"$tmp/after"; ms "$before" >>"$tmp/before"; fi
  done
  models='["A", "B"]'
fi
python3 - "$tmp/before" "$tmp/after" "$rev" "$models" "$threads" "${gemm_shapes:-}" <<'PY'
import json, statistics, sys
before = [list(map(float, l.split())) for l in open(sys.argv[1])]
after = [list(map(float, l.split())) for l in open(sys.argv[2])]
rev, threads = sys.argv[3], int(sys.argv[5])
shapes = [x for x in sys.argv[6].split("|") if x] if len(sys.argv) > 6 else []
per_model = (len(before[0]) - len(shapes)) // len(json.loads(sys.argv[4]))  # 1, or 2 with --threads N
med = lambda rows, i: statistics.median(r[i] for r in rows)
for m, name in enumerate(json.loads(sys.argv[4])):
    i = m * per_model
    b, a = med(before, i), med(after, i)
    print(f"model {name}, 1 thread: {rev} {b:.2f} ms/step, this tree {a:.2f} ms/step ({b / a:.2f}x)")
    if per_model == 2:
        bn, an = med(before, i + 1), med(after, i + 1)
        print(f"model {name}, {threads} threads: {rev} {bn:.2f} ms/step ({b / bn:.2f}x its 1 thread), "
              f"this tree {an:.2f} ms/step ({a / an:.2f}x its 1 thread) ({bn / an:.2f}x)")
for s, name in enumerate(shapes):  # --wasm: model B's product shapes, GFLOP/s
    i = len(before[0]) - len(shapes) + s
    b, a = med(before, i), med(after, i)
    print(f"  gemm {name:<22} {rev} {b:6.1f} GFLOP/s, this tree {a:6.1f} GFLOP/s ({a / b:.2f}x)")
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
