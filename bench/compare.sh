#!/usr/bin/env bash
# Native core vs PyTorch (one thread each) vs the wasm build, in one run, on
# the models of core/bench.h; prints ms/step and the ratios.
#   bash bench/compare.sh        (after scripts/test or scripts/start built everything)
set -euo pipefail
cd "$(dirname "$0")/.."
native=$(./build/nopelab bench --json)
torch=$(/usr/bin/python3 bench/pytorch_bench.py --json 2>/dev/null || echo '{}')
wasm=$(node bench/wasm_bench.mjs --json 2>/dev/null || echo '{}')
node -e '
const [n, t, w] = process.argv.slice(1).map((s) => JSON.parse(s));
const row = (arr, m) => (arr || []).find((x) => x.model === m);
console.log("model   native ms   pytorch ms   wasm ms   pytorch/native   wasm tokens/s / native");
for (const m of ["A", "B"]) {
  const a = row(n.native, m), b = row(t.pytorch, m), c = row(w.wasm, m);
  const f = (x) => (x ? x.ms_per_step.toFixed(2).padStart(9) : "      n/a");
  console.log(`${m}      ${f(a)}    ${f(b)}   ${f(c)}   ${b ? (b.ms_per_step / a.ms_per_step).toFixed(2) + "x" : "n/a"}`.padEnd(66) +
    `${c ? (c.tokens_per_s / a.tokens_per_s).toFixed(2) : "n/a"}`);
}
console.log(`analysis (d128 L4 T256 B16): ${n.analysis.analysis_ms.toFixed(1)} ms vs one training step ${n.analysis.train_step_ms.toFixed(1)} ms`);
' "$native" "$torch" "$wasm"
