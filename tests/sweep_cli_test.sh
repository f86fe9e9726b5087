#!/usr/bin/env bash
# End-to-end checks of `nopelab sweep`: JSON and CSV output, --jobs 2 equal to
# --jobs 1 (ignoring timings), 3 shards through `xargs -P 3` merged equal to
# the unsharded sweep, merge refusals (foreign spec, overlap, gap), resume
# after a killed run without redoing finished runs, one-line errors.
# Usage: sweep_cli_test.sh path/to/nopelab
set -euo pipefail
NOPELAB=$1
source "$(dirname "$0")/lib/checks.sh"

cat >"$work/base.json" <<'EOF'
{"model": {"d_model": 16, "n_heads": 2, "n_layers": 2, "d_ff": 32},
 "task": {"name": "copy", "train_len": 4, "test_len": 6, "vocab_size": 8},
 "train": {"steps": 0, "warmup": 0, "batch_size": 4}}
EOF
SWEEP=("$NOPELAB" sweep --config "$work/base.json" --axis model.init.std=0.02,0.2 --axis "model.d_model=range(16,32,2)"
       --seeds 3 --measures adjacency,variance_slope,probe_mad_hidden)

# Help and output.
"$NOPELAB" sweep --help | grep -q "usage: nopelab sweep" && ok || fail "sweep --help"
"$NOPELAB" --help | grep -q "sweep" && ok || fail "nopelab --help lists sweep"
if "${SWEEP[@]}" --jobs 1 --out "$work/j1.json" --csv "$work/j1.csv" 2>"$work/err"; then ok; else fail "sweep: $(cat "$work/err")"; fi
grep -q "sweep: 12 runs (4 cells x 3 seeds), 12 to run on 1 thread" "$work/err" && ok || fail "sweep header line: $(head -1 "$work/err")"
grep -q "sweep: run 12/12 .* runs/s  ETA" "$work/err" && ok || fail "progress line with ETA"
[ ! -e "$work/j1.json.runs.jsonl" ] && ok || fail "sidecar removed after a finished sweep"
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const bad = [];
  if (r.format !== "nopelab-sweep-result" || r.version !== 1) bad.push("format");
  if (r.runs.length !== 12 || r.cells.length !== 4) bad.push("counts");
  if (JSON.stringify(r.cells[3].values) !== JSON.stringify({"model.d_model": 32, "model.init.std": 0.2})) bad.push("cell 3 values " + JSON.stringify(r.cells[3].values));
  const m = r.cells[0].measures.adjacency;
  if (m.n !== 3 || m.values.length !== 3 || !(m.ci > 0)) bad.push("adjacency stats");
  if (!("probe_mad_baseline" in r.cells[0].measures) || !("adjacency_chance" in r.cells[0].measures)) bad.push("chance/baseline");
  if (!/Student-t/.test(r.interval)) bad.push("interval");
  if (bad.length) { console.error(bad.join(", ")); process.exit(1); }' "$work/j1.json" && ok || fail "result shape"
[ "$(head -1 "$work/j1.csv" | cut -d, -f1-4)" == "cell,model.init.std,model.d_model,adjacency_mean" ] && ok || fail "CSV header: $(head -1 "$work/j1.csv")"
[ "$(wc -l <"$work/j1.csv")" -eq 5 ] && ok || fail "CSV has a header and 4 cells"
grep -q "^3,0.2,32," "$work/j1.csv" && ok || fail "CSV cell 3 row"

# --jobs 2 gives the same result.
"${SWEEP[@]}" --jobs 2 --quiet --out "$work/j2.json"
same_result "--jobs 2 vs --jobs 1" "$work/j1.json" "$work/j2.json"
# A spec file gives the same sweep as the options.
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(JSON.stringify(r.spec))' "$work/j1.json" >"$work/spec.json"
"$NOPELAB" sweep --spec "$work/spec.json" --quiet --out "$work/spec_out.json"
same_result "--spec" "$work/j1.json" "$work/spec_out.json"

# 3 shards in parallel, then merge (to stdout and to --out).
printf '%s\n' 0 1 2 | xargs -P 3 -I{} "${SWEEP[@]}" --jobs 1 --quiet --shard {}/3 --out "$work/part{}.json"
"$NOPELAB" sweep merge "$work"/part*.json >"$work/merged.json"
same_result "3 shards merged" "$work/j1.json" "$work/merged.json"
"$NOPELAB" sweep merge "$work/part2.json" "$work/part0.json" "$work/part1.json" --out "$work/merged2.json" --csv "$work/merged2.csv"
same_result "merge in another order, --out" "$work/j1.json" "$work/merged2.json"
cmp -s "$work/j1.csv" "$work/merged2.csv" && ok || fail "merged CSV equals the unsharded CSV"
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  process.exit(r.runs.length === 4 && r.runs.every((x) => x.run % 3 === 1) && r.shard.index === 1 && r.shard.count === 3 ? 0 : 1)' \
  "$work/part1.json" && ok || fail "shard 1/3 holds runs 1, 4, 7, 10"

# Merge refusals.
expect_error "merge gap" "4 of 12 runs are in no part (runs 2, 5, 8, 11)" "$NOPELAB" sweep merge "$work/part0.json" "$work/part1.json"
expect_error "merge overlap" "is in both" "$NOPELAB" sweep merge "$work/part0.json" "$work/part1.json" "$work/part2.json" "$work/j1.json"
"$NOPELAB" sweep --config "$work/base.json" --axis model.init.std=0.02,0.2 --seeds 3 --quiet --shard 2/3 --out "$work/foreign.json"
expect_error "merge foreign spec" "belongs to a different sweep" "$NOPELAB" sweep merge "$work/part0.json" "$work/part1.json" "$work/foreign.json"
expect_error "merge nothing" "needs the partial results" "$NOPELAB" sweep merge
expect_error "merge a non-result" "is not a sweep result" "$NOPELAB" sweep merge "$work/spec.json"

# Resume: kill a training sweep after two finished runs, cut its last line
# mid-write, resume; finished runs are kept (same seconds), the rest run.
TRAIN=("$NOPELAB" sweep --config "$work/base.json" --set train.steps=600 --set train.warmup=0
       --axis model.pos_encoding=none,rope --seeds 4 --jobs 1 --out "$work/resume.json")
"${TRAIN[@]}" --quiet 2>/dev/null &
pid=$!
for _ in $(seq 1 600); do
  [ -f "$work/resume.json.runs.jsonl" ] && [ "$(wc -l <"$work/resume.json.runs.jsonl")" -ge 3 ] && break
  sleep 0.05
done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
if [ -f "$work/resume.json" ]; then
  fail "resume: the sweep finished before it could be killed (make its runs longer)"
else
  finished=$(($(wc -l <"$work/resume.json.runs.jsonl") - 1))
  cp "$work/resume.json.runs.jsonl" "$work/before.jsonl"
  printf '{"run": 7, "cell": 1, "seed_ind' >>"$work/resume.json.runs.jsonl"  # a line cut off by the kill
  "${TRAIN[@]}" --resume 2>"$work/err" >/dev/null
  grep -q "$((8 - finished)) to run on 1 thread ($finished resumed)" "$work/err" && ok || fail "resume runs only the rest: $(head -1 "$work/err")"
  node -e 'const fs = require("fs");
    const before = fs.readFileSync(process.argv[1], "utf8").trim().split("\n").slice(1).map(JSON.parse);
    const r = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
    const same = before.every((b) => JSON.stringify(r.runs[b.run]) === JSON.stringify(b));
    process.exit(same && r.runs.length === 8 ? 0 : 1)' "$work/before.jsonl" "$work/resume.json" && ok || fail "resumed runs kept as they were"
  "${TRAIN[@]/resume.json/full.json}" --quiet
  same_result "resumed sweep equals an uninterrupted one" "$work/full.json" "$work/resume.json"
  # A runs file of another sweep is refused.
  head -1 "$work/before.jsonl" >"$work/other.json.runs.jsonl"
  expect_error "resume foreign runs file" "holds runs of a different sweep" "$NOPELAB" sweep --config "$work/base.json" \
    --axis model.init.std=0.5 --quiet --out "$work/other.json" --resume
fi

# range / logrange: both ends, rounded, integers where integral.
"$NOPELAB" sweep --config "$work/base.json" --axis "model.init.std=logrange(0.01,1,3)" --axis "model.d_ff=range(32,64,3)" \
  --quiet --max-runs 9 --out "$work/ranges.json"
[ "$(node -e 'console.log(JSON.stringify(require(process.argv[1]).spec.axes.map((a) => a.values)))' "$work/ranges.json")" == \
  '[[0.01,0.1,1],[32,48,64]]' ] && ok || fail "range/logrange values"

# One-line errors.
expect_error "unknown axis path" "axes[0] (model.colour): unknown path" "$NOPELAB" sweep --axis model.colour=1,2
expect_error "value out of range" "axes[0] (model.init.std) value -1: model.init.std = -1 is out of range" \
  "$NOPELAB" sweep --axis model.init.std=0.1,-1
expect_error "empty axis value" "empty value" "$NOPELAB" sweep --axis model.init.std=0.1,,0.2
expect_error "bad range" "range(a,b,n)" "$NOPELAB" sweep --axis "model.init.std=range(0.1,x,3)"
expect_error "duplicate axis" "is already axes[0]" "$NOPELAB" sweep --axis model.init.std=0.1 --axis model.init.std=0.2
expect_error "too many axes" "at most 3" "$NOPELAB" sweep --axis model.init.std=0.1 --axis model.d_model=64 \
  --axis model.d_ff=64 --axis train.seed=1
expect_error "too many runs" "more than max_runs = 10" "$NOPELAB" sweep --axis model.init.std=0.1,0.2 --seeds 6 --max-runs 10
expect_error "unknown measure" "measures has \"speed\"" "$NOPELAB" sweep --axis model.init.std=0.1 --measures speed
expect_error "bad site" "analysis.site = \"middle\"" "$NOPELAB" sweep --axis model.init.std=0.1 --site middle
expect_error "bad layer" "analysis.layer = 3 but model.n_layers = 2" "$NOPELAB" sweep --axis model.init.std=0.1 --layer 3
expect_error "no axes" "axes must be" "$NOPELAB" sweep --seeds 2
expect_error "bad shard" "--shard expects I/N" "$NOPELAB" sweep --axis model.init.std=0.1 --shard 3/3
expect_error "resume without out" "--resume needs --out" "$NOPELAB" sweep --axis model.init.std=0.1 --resume
expect_error "spec and config" "not both" "$NOPELAB" sweep --spec "$work/spec.json" --config "$work/base.json"

summary "sweep cli"
