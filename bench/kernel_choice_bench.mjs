// Does the load-time kernel choice ("auto", the module's default: a sub-block
// probe at each shape class's first product, then a trial of any other pick
// against the default kernel on the class's real products) cost or gain
// speed against the default kernel (4x8r) forced? Each run is a fresh node process, as each page load is a fresh
// module (nothing tiered up, nothing chosen yet): it trains model B from its
// first step, so the probes and trials are inside the timed steps. Runs
// alternate auto and default, so a drift of the machine's speed hits both.
// Prints every run's ms/step (median of its steps, and its first step, where
// the probes run) and what each auto run chose.
//   node bench/kernel_choice_bench.mjs [--rounds R] [--steps S]   (default 4 rounds of 12 steps)
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadNopeLab } from '../tests/wasm/load_module.mjs';
import { median } from '../web/js/chart.js';

const argValue = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const rounds = argValue('--rounds', 4), steps = argValue('--steps', 12);

if (process.argv.includes('--child')) {
  const kernel = process.argv[process.argv.indexOf('--child') + 1];
  const lab = await loadNopeLab();
  // 'default': the first kernel (4x8r) forced, what ran before the choice.
  const set = lab.setKernel(kernel === 'default' ? lab.gemmKernels().names[0] : kernel);
  if (!set.ok) throw new Error(set.error);
  // One step at a time, so the first (probing) step is seen on its own.
  const ms = [];
  for (let i = 0; i < steps; i++) {
    const r = lab.benchTraining(1, 1);
    if (!r.ok) throw new Error(r.error);
    ms.push(r.ms_per_step);
  }
  const { classes } = lab.gemmKernels();
  console.log(JSON.stringify({ kernel, ms, classes }));
  process.exit(0);
}

const self = fileURLToPath(import.meta.url);
const run = (kernel) => JSON.parse(execFileSync(process.execPath, [self, '--child', kernel, '--steps', String(steps)], { encoding: 'utf8' }));
const results = { auto: [], default: [] };
for (let r = 0; r < rounds; r++)
  for (const kernel of r % 2 ? ['default', 'auto'] : ['auto', 'default']) {
    const x = run(kernel);
    results[kernel].push(x);
    const chose = x.classes.map((c) => `${c.chosen || 'on trial'}${c.probe_pick ? ` (tried ${c.probe_pick})` : ''}`).join(', ');
    console.log(`round ${r + 1} ${kernel.padEnd(7)}: median ${median(x.ms.slice(1)).toFixed(1)} ms/step, first step ${x.ms[0].toFixed(1)} ms` +
      (kernel === 'auto' ? `; classes chose: ${chose}` : ''));
  }
for (const kernel of ['auto', 'default']) {
  const m = results[kernel].map((x) => median(x.ms.slice(1)));
  console.log(`${kernel.padEnd(7)}: per-run medians ${m.map((v) => v.toFixed(1)).join(', ')} ms/step; median ${median(m).toFixed(1)}`);
}
const ratio = median(results.default.map((x) => median(x.ms.slice(1)))) / median(results.auto.map((x) => median(x.ms.slice(1))));
console.log(`auto against the default: ${ratio.toFixed(3)}x the speed (model B, steps after the first)`);
