#!/usr/bin/env bash
# Single-thread training speed of this tree against an earlier revision, in
# one run: builds REV's `nopelab` in a temporary worktree (Release, this
# machine's flags), then alternates `nopelab bench --threads 1` of the two
# builds for ROUNDS rounds (so a drift of the machine's speed hits both) and
# prints each model's median ms/step and the ratio. How the README's
# before/after figures of a performance change are taken.
#   bash bench/before_after.sh REV [ROUNDS]     (default ROUNDS 3)
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:?usage: bench/before_after.sh REV [ROUNDS]}
rounds=${2:-3}
now=build/nopelab
[ -x "$now" ] || { echo "build this tree first (scripts/test or cmake --build build)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'git worktree remove --force "$tmp/src" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git worktree add --detach "$tmp/src" "$rev" >/dev/null 2>&1
cmake -S "$tmp/src" -B "$tmp/build" -DCMAKE_BUILD_TYPE=Release -DNOPE_BUILD_TESTS=OFF >/dev/null
cmake --build "$tmp/build" -j"$(nproc)" --target nopelab >/dev/null
before=$tmp/build/nopelab
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
ms() {  # binary -> "A_ms B_ms" (one thread, one round)
  "$1" bench --threads 1 --rounds 1 --json 2>/dev/null |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print(*[m["ms_per_step"] for m in d["native"]])'
}
: >"$tmp/before"; : >"$tmp/after"
for r in $(seq "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then ms "$before" >>"$tmp/before"; ms "$now" >>"$tmp/after"
  else ms "$now" >>"$tmp/after"; ms "$before" >>"$tmp/before"; fi
done
python3 - "$tmp/before" "$tmp/after" "$rev" <<'PY'
import statistics, sys
before = [list(map(float, l.split())) for l in open(sys.argv[1])]
after = [list(map(float, l.split())) for l in open(sys.argv[2])]
for i, name in enumerate(["A", "B"]):
    b = statistics.median(r[i] for r in before); a = statistics.median(r[i] for r in after)
    print(f"model {name}, 1 thread: {sys.argv[3]} {b:.2f} ms/step, this tree {a:.2f} ms/step ({b / a:.2f}x)")
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
