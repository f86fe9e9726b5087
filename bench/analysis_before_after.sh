#!/usr/bin/env bash
# The analysis of this tree against an earlier revision: builds REV's
# `nopelab` in a temporary worktree, then
#  1. runs `nopelab analyze` with both builds on seven configs (pre/post/no
#     norm, RoPE/ALiBi, bidirectional, a trained checkpoint on task input,
#     T 20-256, one and two threads, probes and equivariance on) and checks
#     that the JSON, similarity and attention matrices included, is byte for
#     byte the same apart from the "seconds" field;
#  2. alternates the two builds for ROUNDS rounds on the benchmark's analysis
#     (core/bench.h's: d_model 128, 4 layers, T 256, batch 16, one thread),
#     without and with probes, and prints the median of each build's own
#     analysis time (the JSON's "seconds") and the ratio.
#   bash bench/analysis_before_after.sh REV [ROUNDS]      (default ROUNDS 3)
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:?usage: bench/analysis_before_after.sh REV [ROUNDS]}
rounds=${2:-3}
now=$PWD/build/nopelab
[ -x "$now" ] || { echo "build this tree first (cmake --build build --target nopelab)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'git worktree remove --force "$tmp/src" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git worktree add --detach "$tmp/src" "$rev" >/dev/null 2>&1
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
cmake -S "$tmp/src" -B "$tmp/build" -DCMAKE_BUILD_TYPE=Release -DNOPE_BUILD_TESTS=OFF >/dev/null
cmake --build "$tmp/build" -j"$(nproc)" --target nopelab >/dev/null
before=$tmp/build/nopelab

big=(--set model.d_model=128 --set model.n_layers=4 --set model.n_heads=4 --set model.d_ff=512
     --set task.train_len=128 --set task.test_len=128 --batch 16 --length 256 --threads 1)
"$now" train --set task.name=copy --set task.train_len=8 --set task.test_len=12 --steps 40 \
  --out "$tmp/ck.json" --quiet >/dev/null 2>&1
configs=(
  "--batch 16 --length 64"
  "--set model.norm=post --set model.attention=bidirectional --set model.pos_encoding=rope --set model.d_model=48 --set model.n_heads=3 --batch 8 --length 20"
  "${big[*]} --no-probes"
  "--set model.norm=none --set model.pos_encoding=alibi --batch 5 --length 33"
  "--checkpoint $tmp/ck.json --batch 12"
  "--set model.norm=post --batch 7 --length 60 --threads 2"
  "${big[*]}"
)
same=0
for i in "${!configs[@]}"; do
  # shellcheck disable=SC2086
  "$before" analyze ${configs[$i]} 2>/dev/null | sed -E 's/"seconds":[0-9.e+-]+/"seconds":0/' >"$tmp/b$i.json"
  # shellcheck disable=SC2086
  "$now" analyze ${configs[$i]} 2>/dev/null | sed -E 's/"seconds":[0-9.e+-]+/"seconds":0/' >"$tmp/a$i.json"
  if [ -s "$tmp/a$i.json" ] && cmp -s "$tmp/b$i.json" "$tmp/a$i.json"; then
    same=$((same + 1))
  else
    echo "config $i differs (or failed): ${configs[$i]}"
  fi
done
echo "analysis JSON byte-identical on $same of ${#configs[@]} configs"

secs() {  # binary, extra args -> the analysis's own seconds
  local bin=$1
  shift
  "$bin" analyze "${big[@]}" "$@" 2>/dev/null | python3 -c 'import json, sys; print(json.load(sys.stdin)["seconds"])'
}
: >"$tmp/times"
for r in $(seq "$rounds"); do
  for probes in no yes; do
    flag=(); [ $probes = no ] && flag=(--no-probes)
    if [ $((r % 2)) -eq 1 ]; then
      echo "$probes before $(secs "$before" "${flag[@]}")" >>"$tmp/times"; echo "$probes after $(secs "$now" "${flag[@]}")" >>"$tmp/times"
    else
      echo "$probes after $(secs "$now" "${flag[@]}")" >>"$tmp/times"; echo "$probes before $(secs "$before" "${flag[@]}")" >>"$tmp/times"
    fi
  done
done
python3 - "$tmp/times" "$rev" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
for probes, label in (("no", "without probes"), ("yes", "with probes")):
    b = statistics.median(float(x[2]) for x in rows if x[0] == probes and x[1] == "before")
    a = statistics.median(float(x[2]) for x in rows if x[0] == probes and x[1] == "after")
    print(f"analysis d128 L4 T256 B16 {label}: {sys.argv[2]} {b * 1000:.1f} ms, this tree {a * 1000:.1f} ms, {b / a:.2f}x")
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
