// Formats bench/compare.sh's run: the JSON of `nopelab bench` (this CPU's
// native build and, if given, the portable SSE2 build), the PyTorch reference
// and the wasm build, all taken in one run.
//   node bench/compare.mjs native.json portable.json torch.json wasm.json
import { readFileSync } from 'node:fs';

const load = (f) => { try { return JSON.parse(readFileSync(f, 'utf8')); } catch { return {}; } };
const [native, portable, torch, wasm] = process.argv.slice(2).map(load);
const row = (arr, m) => (arr || []).find((x) => x.model === m);
const ms = (r) => (r ? r.ms_per_step.toFixed(2).padStart(8) : '     n/a');
const ratio = (a, b) => (a && b ? (b.ms_per_step / a.ms_per_step).toFixed(2).padStart(5) : '  n/a');

console.log('ms/step (median)  native  portable   pytorch      wasm | pytorch/native  wasm throughput / native  / portable');
for (const m of ['A', 'B']) {
  const n = row(native.native, m), p = row(portable.native, m), t = row(torch.pytorch, m), w = row(wasm.wasm, m);
  console.log(`model ${m}          ${ms(n)}  ${ms(p)}  ${ms(t)}  ${ms(w)} |          ${ratio(n, t)}                     ${ratio(w, n)}      ${ratio(w, p)}`);
}
const peak = (j) => (j.simd_peak ? `${j.simd_peak.gflops.toFixed(1)} (${j.simd_peak.lanes} lanes)` : 'n/a');
console.log(`\nSIMD ceiling GFLOP/s: native ${peak(native)}, portable ${peak(portable)}, wasm ${peak(wasm)}`);
console.log('GEMM GFLOP/s                          native  portable   wasm   wasm / native');
for (const [i, g] of (native.gemm || []).entries()) {
  const p = portable.gemm?.[i], w = wasm.gemm?.[i];
  const f = (x) => (x ? x.gflops.toFixed(1).padStart(7) : '    n/a');
  console.log(`  ${g.shape.padEnd(32)} ${f(g)}  ${f(p)}  ${f(w)}   ${w ? (w.gflops / g.gflops).toFixed(2) : 'n/a'}`);
}
if (native.analysis)
  console.log(`\nanalysis (d128 L4 T256 B16): ${native.analysis.analysis_ms.toFixed(1)} ms vs one training step ${native.analysis.train_step_ms.toFixed(1)} ms`);
