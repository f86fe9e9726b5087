// The wasm build on the `nopelab bench` models (core/bench.h) under node:
// ms/step, then the SIMD GEMM on model B's product shapes against the wasm
// SIMD ceiling (the same micro-benchmark `nopelab bench` runs natively), and
// a full analysis against one training step; which micro-kernel each shape
// class chose at its first product (the probe's figures) and every
// candidate's GFLOP/s on each GEMM shape (NOPELAB_KERNEL=<name> forces one,
// as the page's ?kernel= does). --threads N instead compares model B on the
// threaded build (nopelab_mt, N threads and 1) with the single-thread build,
// alternating rounds, medians.
//   [NOPELAB_KERNEL=name] node bench/wasm_bench.mjs [--json] [--threads N [--rounds R]]
import { loadNopeLab, loadNopeLabMt } from '../tests/wasm/load_module.mjs';
import { median } from '../web/js/chart.js';

const argValue = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
if (process.argv.includes('--threads')) {
  await benchThreads(argValue('--threads', 2), argValue('--rounds', 3));
  process.exit(0);
}

const lab = await loadNopeLab();
if (process.env.NOPELAB_KERNEL) {
  const r = lab.setKernel(process.env.NOPELAB_KERNEL);
  if (!r.ok) throw new Error(r.error);
}
const wasm = [lab.benchTraining(0, 100), lab.benchTraining(1, 15)].map(({ ok, ...r }) => r);
const { ok: _ok, ...choices } = lab.gemmKernels();  // what the training steps' first products chose
const peak = lab.benchSimdPeak();
const gemm = lab.benchGemm();
const kernels = lab.benchGemmKernels();
const { ok, ...analysis } = lab.benchAnalysis(3);
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ wasm, simd_peak: peak, gemm, kernels, kernel_choices: choices, analysis }));
} else {
  for (const r of wasm) console.log(`wasm model ${r.model}: ${r.ms_per_step.toFixed(2)} ms/step  ${r.tokens_per_s.toFixed(0)} tokens/s`);
  console.log(`wasm SIMD ceiling (${peak.lanes} float lanes, multiply-add chains): ${peak.gflops.toFixed(1)} GFLOP/s`);
  // The whole step against the ceiling: its products at the measured speed.
  for (const r of wasm) {
    const rate = r.gflop_per_step / (r.ms_per_step / 1000);
    console.log(`  step  model ${r.model}: ${r.gflop_per_step.toFixed(2)} GFLOP of products = ${rate.toFixed(1)} GFLOP/s  (${((100 * rate) / peak.gflops).toFixed(0)}% of the ceiling)`);
  }
  const pct = (gflops) => `${((100 * gflops) / peak.gflops).toFixed(0)}%`;
  for (const [i, g] of gemm.entries()) {
    console.log(`  gemm ${g.shape.padEnd(30)} ${g.gflops.toFixed(1).padStart(6)} GFLOP/s  (${pct(g.gflops)} of the ceiling)  kernel ${kernels[i].kernel}`);
    console.log(`       every kernel: ${kernels[i].candidates.map((c) => `${c.name} ${c.gflops.toFixed(1)} (${pct(c.gflops)})`).join(', ')}`);
  }
  const forced = choices.forced ? ` (forced: ${choices.forced})` : '';
  console.log(`kernel choice per shape class at the first product of a training step${forced}:`);
  for (const c of choices.classes) {
    console.log(`  ${c.shape_class.padEnd(22)} ${(c.chosen || 'on trial').padEnd(8)} probe ${c.probe_shape} ${c.probe_ms.toFixed(1)} ms: ${c.candidates.map((k) => `${k.name} ${k.gflops.toFixed(1)}`).join(', ')} GFLOP/s`);
    // A pick other than the default went on trial against it on real products.
    if (c.probe_pick) console.log(`    trial of ${c.probe_pick}: ${c.trial.products} products, ${c.trial.shapes} shapes timed by both: default ${c.trial.default_ms.toFixed(2)} ms, ${c.probe_pick} ${c.trial.pick_ms.toFixed(2)} ms (fastest product of each shape, summed)`);
  }
  console.log(`  probes in all: ${choices.classes.reduce((s, c) => s + c.probe_ms, 0).toFixed(1)} ms`);
  console.log(`wasm analysis (d128 L4 T256 B16, all sites): ${analysis.analysis_ms.toFixed(1)} ms vs one training step ${analysis.train_step_ms.toFixed(1)} ms`);
}

// Model B per step: single-thread build, threaded build on 1 thread (the
// price of a pthreads build) and on n threads; each round runs all three,
// so a drift of the machine's speed hits them alike.
async function benchThreads(n, rounds) {
  const st = await loadNopeLab();
  const mt = await loadNopeLabMt(n);
  const runs = { single: [], mt1: [], mtN: [] };
  const step = (lab) => {
    const r = lab.benchTraining(1, 10);
    if (!r.ok) throw new Error(r.error);
    return r.ms_per_step;
  };
  for (let i = 0; i < rounds; i++) {
    runs.single.push(step(st));
    mt.setThreads(1);
    runs.mt1.push(step(mt));
    mt.setThreads(n);
    runs.mtN.push(step(mt));
  }
  const m = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v)]));
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ model: 'B', threads: n, rounds, ms_per_step: m, speedup: m.single / m.mtN }));
    return;
  }
  console.log(`wasm model B, median of ${rounds} alternating rounds:`);
  console.log(`  single-thread build         ${m.single.toFixed(1)} ms/step`);
  console.log(`  threaded build, 1 thread    ${m.mt1.toFixed(1)} ms/step  (${(m.single / m.mt1).toFixed(2)}x the single-thread build)`);
  console.log(`  threaded build, ${n} threads   ${m.mtN.toFixed(1)} ms/step  (${(m.single / m.mtN).toFixed(2)}x the single-thread build)`);
}
