// The wasm build on the `nopelab bench` models (core/bench.h) under node:
// ms/step, then the SIMD GEMM on model B's product shapes against the wasm
// SIMD ceiling (the same micro-benchmark `nopelab bench` runs natively), and
// a full analysis against one training step.
//   node bench/wasm_bench.mjs [--json]
import { loadNopeLab } from '../tests/wasm/load_module.mjs';

const lab = await loadNopeLab();
const wasm = [lab.benchTraining(0, 100), lab.benchTraining(1, 15)].map(({ ok, ...r }) => r);
const peak = lab.benchSimdPeak();
const gemm = lab.benchGemm();
const { ok, ...analysis } = lab.benchAnalysis(3);
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ wasm, simd_peak: peak, gemm, analysis }));
} else {
  for (const r of wasm) console.log(`wasm model ${r.model}: ${r.ms_per_step.toFixed(2)} ms/step  ${r.tokens_per_s.toFixed(0)} tokens/s`);
  console.log(`wasm SIMD ceiling (${peak.lanes} float lanes, multiply-add chains): ${peak.gflops.toFixed(1)} GFLOP/s`);
  for (const g of gemm)
    console.log(`  gemm ${g.shape.padEnd(30)} ${g.gflops.toFixed(1).padStart(6)} GFLOP/s  (${((100 * g.gflops) / peak.gflops).toFixed(0)}% of the ceiling)`);
  console.log(`wasm analysis (d128 L4 T256 B16, all sites): ${analysis.analysis_ms.toFixed(1)} ms vs one training step ${analysis.train_step_ms.toFixed(1)} ms`);
}
