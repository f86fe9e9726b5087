#!/usr/bin/env bash
# Parallel speed-up of `nopelab sweep`: --jobs 2 against --jobs 1 on a 12-run
# random-init sweep (4 init scales x 3 widths, 1 seed, T 128, batch 64,
# adjacency, variance slope and a hidden-state probe). Rounds alternate which of the two
# goes first; each time is the result's timing.seconds (the runs themselves,
# not process start-up); the ratio is of the medians. The machine is shared:
# the load average is printed before and after, read the ratio with it. With
# the kernel's autogroup scheduling (/proc/sys/kernel/sched_autogroup_enabled)
# a session gets a fixed share of a busy machine however many threads it runs,
# so under load from other sessions the ratio tends to 1 whatever the code does.
#   bash bench/sweep_bench.sh [ROUNDS]     (default 7)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${NOPELAB:-build/nopelab}
rounds=${1:-7}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cat >"$out/spec.json" <<'EOF2'
{"format": "nopelab-sweep", "version": 1,
 "base": {"model": {"n_layers": 2, "n_heads": 4, "d_ff": 256},
          "task": {"name": "position", "train_len": 127, "test_len": 127, "vocab_size": 256},
          "train": {"steps": 0, "warmup": 0}},
 "axes": [{"path": "model.init.std", "values": [0.01, 0.02, 0.05, 0.1]},
          {"path": "model.d_model", "values": [64, 128, 256]}],
 "seeds": 1, "measures": ["adjacency", "variance_slope", "probe_mad_hidden"],
 "analysis": {"layer": 0, "site": "attn_out", "batch": 64}}
EOF2
# --threads 1: the runs' own thread pool would otherwise give --jobs 1 both
# cores inside each run, and the ratio would compare two kinds of
# parallelism instead of measuring the across-run one.
sweep() {  # jobs -> seconds
  "$N" sweep --spec "$out/spec.json" --jobs "$1" --threads 1 --quiet --out "$out/j$1.json"
  node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).timing.seconds)' "$out/j$1.json"
}
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), autogroup $(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null || echo n/a)"
sweep 1 >/dev/null  # warm-up (page cache, CPU frequency)
: >"$out/t1"
: >"$out/t2"
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then order="1 2"; else order="2 1"; fi
  line="round $r:"
  for j in $order; do
    t=$(sweep "$j")
    echo "$t" >>"$out/t$j"
    line="$line  jobs $j ${t}s"
  done
  echo "$line"
done
m1=$(median <"$out/t1")
m2=$(median <"$out/t2")
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v a="$m1" -v b="$m2" 'BEGIN {printf "median: jobs 1 %.3fs, jobs 2 %.3fs, speed-up %.2fx (12 runs: %.1f vs %.1f runs/s)\n", a, b, a / b, 12 / a, 12 / b}'
