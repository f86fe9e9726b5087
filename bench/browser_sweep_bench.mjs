// Browser sweep speed in headless Chromium (Debian's /usr/bin/chromium, as
// the e2e tests launch it): (1) the worker pool with 1 and 2 workers on the
// same 12-run random-init sweep, in alternating rounds, printing runs/s and
// the ratio, next to what two threads get from this machine right now (a
// fixed busy loop in 1 vs 2 plain workers: on a shared, loaded machine the
// pool cannot beat that ceiling); (2) the first sweep preset opened in the Sweep view, timed from
// page load to the last cell drawn.
// Usage: node bench/browser_sweep_bench.mjs [--rounds 3] [--sizes 1,2] [--preset ID]
// (needs scripts/build-wasm and scripts/build-web).
import { execSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { launch, repoRoot, startServer } from '../tests/e2e/browser.mjs';
import { median } from '../web/js/chart.js';

const arg = (name, def) => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? process.argv[k + 1] : def;
};
const rounds = Number(arg('rounds', 3));
const sizes = arg('sizes', '1,2').split(',').map(Number);

const cpu = (() => {
  try { return execSync("lscpu | grep 'Model name'", { encoding: 'utf8' }).split(':')[1].trim(); } catch { return 'unknown CPU'; }
})();

// The 12-run random-init sweep of bench/sweep_bench.sh (the native --jobs
// 2 vs 1 benchmark), read from that script so both time the same spec.
const nativeBench = readFileSync(path.join(repoRoot, 'bench', 'sweep_bench.sh'), 'utf8');
const specText = /<<'EOF2'\n([\s\S]*?)\nEOF2/.exec(nativeBench)?.[1];
if (!specText) throw new Error('bench/sweep_bench.sh: no spec between <<\'EOF2\' and EOF2');
const spec = JSON.parse(specText);

// Without the site headers: its CSP (worker-src 'self') forbids the blob: workers of
// the busy-loop probe, and the pool needs no isolation.
const server = await startServer({ isolation: false });
const browser = await launch();
try {
  const page = await browser.newPage();
  // Any same-origin document will do: the bench drives the modules directly.
  await page.goto(`${server.base}dist/presets/index.json`);
  const rate = {};
  for (const s of sizes) rate[s] = [];
  const ceiling = [];
  // Work per second of n plain workers each running the same busy loop.
  const spin = (n) => page.evaluate(async (n) => {
    const src = 'onmessage = () => { let x = 1; for (let i = 0; i < 6e7; i++) x = (x * 1103515245 + 12345) % 2147483648; postMessage(x); };';
    const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
    const ws = Array.from({ length: n }, () => new Worker(url));
    await Promise.all(ws.map((w) => new Promise((r) => { w.onmessage = r; w.postMessage(0); })));  // warm (JIT)
    const t0 = performance.now();
    await Promise.all(ws.map((w) => new Promise((r) => { w.onmessage = r; w.postMessage(0); })));
    const s = (performance.now() - t0) / 1000;
    ws.forEach((w) => w.terminate());
    return n / s;
  }, n);
  for (let r = 0; r < rounds; r++) {
    if (sizes.length > 1) {
      const [a, b] = [await spin(sizes[0]), await spin(sizes.at(-1))];
      ceiling.push(b / a);
      console.log(`round ${r + 1}: busy loop, ${sizes.at(-1)} vs ${sizes[0]} threads: ${(b / a).toFixed(2)}x (what the machine gives now)`);
    }
    for (const size of r % 2 ? [...sizes].reverse() : sizes) {
      const out = await page.evaluate(async ({ size, spec }) => {
        const { WorkerPool } = await import('/js/pool.js');
        const { planSweep, runSweep } = await import('/js/experiments.js');
        const pool = new WorkerPool({ size, createWorker: () => new Worker('/worker.js') });
        // Warm: every worker has loaded its module before the clock starts.
        const plans = await Promise.all(Array.from({ length: size }, () => planSweep(pool, spec)));
        if (!plans[0].ok) throw new Error(plans[0].error);
        const t0 = performance.now();
        const res = await runSweep(pool, plans[0]);
        const seconds = (performance.now() - t0) / 1000;
        pool.terminate();
        if (res.failures.length) throw new Error(JSON.stringify(res.failures));
        const runSecs = [...res.records.values()].reduce((a, x) => a + x.seconds, 0) / res.records.size;
        return { runs: res.records.size, seconds, runSecs };
      }, { size, spec });
      rate[size].push(out.runs / out.seconds);
      console.log(`round ${r + 1}: ${size} worker${size > 1 ? 's' : ''}: ${out.runs} runs in ${out.seconds.toFixed(2)} s = ${(out.runs / out.seconds).toFixed(2)} runs/s (one run ${(out.runSecs * 1000).toFixed(0)} ms inside wasm)`);
    }
  }
  console.log(`\nCPU: ${cpu}; ${rounds} alternating rounds, median runs/s`);
  for (const s of sizes) console.log(`pool of ${s}: ${median(rate[s]).toFixed(2)} runs/s`);
  if (sizes.length > 1) {
    const ratio = median(rate[sizes.at(-1)]) / median(rate[sizes[0]]);
    const ceil = median(ceiling);
    console.log(`ratio ${sizes.at(-1)} vs ${sizes[0]} workers: ${ratio.toFixed(2)}x (target >= 1.8x); ` +
      `busy-loop ceiling now ${ceil.toFixed(2)}x, so the pool reaches ${((100 * ratio) / ceil).toFixed(0)}% of it`);
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
    console.log(`load average during the run: ${load} on ${execSync('nproc', { encoding: 'utf8' }).trim()} cores`);
  }
  await page.close();

  // The first sweep preset (sigma x d_model at random init, T 32),
  // through the Sweep view, from page load to the last cell drawn.
  const presetId = arg('preset', 'sweep_adjacency_sigma_dmodel');
  const preset = readdirSync(path.join(repoRoot, 'presets')).filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(repoRoot, 'presets', f), 'utf8'))).find((p) => p.id === presetId && p.sweep);
  if (!preset) throw new Error(`no sweep preset "${presetId}" in presets/`);
  const query = `?preset=${presetId}`;
  const view = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const t0 = Date.now();
  await view.goto(`${server.base}index.html${query}`);
  // A sweep over the page's budget asks first: say yes (and report it).
  const asked = view.waitForSelector('#sweep-confirm-yes', { timeout: 0 }).then((b) => b.click().then(() => true), () => false);
  await view.waitForFunction(() => ['done', 'cancelled'].includes(document.body.dataset.sweepState), null, { timeout: 900000 });
  const seconds = (Date.now() - t0) / 1000;
  const status = await view.textContent('#sweep-status');
  console.log(`\npreset ${presetId}: ${seconds.toFixed(1)} s from page load to the last cell (target < 30 s)` +
    `${(await Promise.race([asked, Promise.resolve(false)])) ? ' (the page asked for confirmation)' : ''}`);
  console.log(`  status: ${status}`);
  await view.close();
} finally {
  await browser.close();
  server.stop();
}
