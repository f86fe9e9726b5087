// The wasm build on the `nopelab bench` models (core/bench.h) under node,
// plus the SIMD GEMM's GFLOP/s.
//   node bench/wasm_bench.mjs [--json]
import { loadNopeLab } from '../tests/wasm/load_module.mjs';

const lab = await loadNopeLab();
const wasm = [lab.benchTraining(0, 100), lab.benchTraining(1, 15)].map(({ ok, ...r }) => r);
const gemm = [64, 128, 256].map((n) => ({ n, gflops: lab.benchGemm(n, n <= 128 ? 200 : 20) }));
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ wasm, gemm }));
} else {
  for (const r of wasm) console.log(`wasm model ${r.model}: ${r.ms_per_step.toFixed(2)} ms/step  ${r.tokens_per_s.toFixed(0)} tokens/s`);
  for (const g of gemm) console.log(`wasm SIMD GEMM ${g.n}x${g.n}x${g.n}: ${g.gflops.toFixed(1)} GFLOP/s`);
}
