// Formats bench/compare.sh's run from the JSON files in one directory:
// native-<i>.json and wasm-<i>.json (`nopelab bench --json` and
// `wasm_bench.mjs --json`, taken in alternating rounds), portable.json (the
// same native bench built without -march=native), torch.json (one thread) and
// torch-threads.json (as many threads as the native run's N). Each figure
// is the median over the rounds, so a burst on the shared machine during one
// round does not decide a ratio.
//   node bench/compare.mjs <dir>
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { median } from '../web/js/chart.js';

const dir = process.argv[2];
const load = (f) => { try { return JSON.parse(readFileSync(path.join(dir, f), 'utf8')); } catch { return {}; } };
const rounds = (prefix) => readdirSync(dir).filter((f) => f.startsWith(prefix)).sort().map(load);

// One record per engine: {models: {A: ms, B: ms}, peak: {lanes, gflops}, gemm: [{shape, gflops}]}.
function summarise(runs, key) {
  const ms = (m) => median(runs.map((r) => (r[key] || []).find((x) => x.model === m)?.ms_per_step));
  const shapes = runs.find((r) => r.gemm)?.gemm || [];
  return {
    rounds: runs.length,
    models: { A: ms('A'), B: ms('B') },
    peak: runs[0]?.simd_peak && { lanes: runs[0].simd_peak.lanes, gflops: median(runs.map((r) => r.simd_peak?.gflops)) },
    gemm: shapes.map((g, i) => ({ shape: g.shape, gflops: median(runs.map((r) => r.gemm?.[i]?.gflops)) })),
    analysis: runs[0]?.analysis && {
      analysis_ms: median(runs.map((r) => r.analysis?.analysis_ms)),
      train_step_ms: median(runs.map((r) => r.analysis?.train_step_ms)),
    },
  };
}

const native = summarise(rounds('native-'), 'native');
const wasm = summarise(rounds('wasm-'), 'wasm');
const portable = summarise([load('portable.json')], 'native');
const torch = summarise([load('torch.json')], 'pytorch');

const f = (x, w = 8) => (x === undefined ? 'n/a'.padStart(w) : x.toFixed(2).padStart(w));
const over = (a, b) => (a === undefined || b === undefined ? undefined : a / b);
console.log(`${native.rounds} alternating rounds of native and wasm (medians), portable and PyTorch once\n`);
console.log('ms/step (median)  native  portable   pytorch      wasm | pytorch/native  wasm throughput / native  / portable');
for (const m of ['A', 'B']) {
  const [n, p, t, w] = [native, portable, torch, wasm].map((e) => e.models[m]);
  console.log(`model ${m}         ${f(n)}  ${f(p)}  ${f(t)}  ${f(w)} |       ${f(over(t, n))}                  ${f(over(n, w))}   ${f(over(p, w))}`);
}
const peak = (e) => (e.peak ? `${e.peak.gflops.toFixed(1)} (${e.peak.lanes} lanes)` : 'n/a');
console.log(`\nSIMD ceiling GFLOP/s: native ${peak(native)}, portable ${peak(portable)}, wasm ${peak(wasm)}`);
console.log('GEMM GFLOP/s                          native  portable     wasm  wasm / native');
native.gemm.forEach((g, i) => {
  const p = portable.gemm[i]?.gflops, w = wasm.gemm[i]?.gflops;
  console.log(`  ${g.shape.padEnd(32)} ${f(g.gflops, 7)}  ${f(p, 7)}  ${f(w, 7)}  ${f(over(w, g.gflops), 6)}`);
});
const analysis = (e) => `${e.analysis.analysis_ms.toFixed(1)} ms vs one training step ${e.analysis.train_step_ms.toFixed(1)} ms`;
if (native.analysis) console.log(`\nanalysis (d128 L4 T256 B16): native ${analysis(native)}`);
if (wasm.analysis) console.log(`                             wasm   ${analysis(wasm)}`);

// Threads: `nopelab bench` times one thread and N threads in the same run;
// PyTorch with torch.set_num_threads(N) from torch-threads.json.
const nativeRuns = rounds('native-');
const threads = nativeRuns[0]?.threads;
if (threads > 1) {
  const torchN = summarise([load('torch-threads.json')], 'pytorch');
  const msN = (m) => median(nativeRuns.map((r) => (r.native || []).find((x) => x.model === m)?.ms_per_step_threads));
  console.log(`\nms/step with ${threads} threads   native 1  native ${threads}  speedup | pytorch 1  pytorch ${threads}  speedup | pytorch/native (${threads})`);
  for (const m of ['A', 'B']) {
    const [n1, nN, t1, tN] = [native.models[m], msN(m), torch.models[m], torchN.models[m]];
    console.log(`model ${m}                 ${f(n1)}  ${f(nN)}  ${f(over(n1, nN), 7)} |  ${f(t1)}   ${f(tN)}  ${f(over(t1, tN), 7)} |  ${f(over(tN, nN))}`);
  }
}
