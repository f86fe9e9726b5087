// Wall time of one preset's training in headless Chromium, as a user sees it:
// from pressing Train to the last step, and to the page's final analysis and
// length evaluation (Train enabled again), served cross-origin isolated
// (threaded build) and without the headers (single-thread build). Needs
// web/dist (scripts/build-wasm, scripts/build-web) and Chromium, as the e2e tests.
//   node bench/browser_preset_time.mjs [--preset trained_copy_adjacency] [--rounds 1] [--steps N]
import os from 'node:os';
import { launch, startServer } from '../tests/e2e/browser.mjs';
import { median } from '../web/js/chart.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const preset = arg('--preset', 'trained_copy_adjacency');
const rounds = Number(arg('--rounds', 1));
const steps = arg('--steps', null);
const query = `?preset=${encodeURIComponent(preset)}${steps ? `&train.steps=${Number(steps)}` : ''}`;

const browser = await launch();
const servers = { threaded: await startServer(), single: await startServer({ isolation: false }) };
const times = { threaded: [], single: [] };
const load = [os.loadavg()[0]];
let total = 0, threads = 1;
try {
  for (let r = 0; r < rounds; r++) {
    for (const kind of ['threaded', 'single']) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await page.goto(`${servers[kind].base}index.html${query}`);
      await page.waitForSelector('body[data-analysis-ready="true"]', { state: 'attached', timeout: 120000 });
      const engine = await page.evaluate(() => window.nopeApp.engine);
      if (engine.build !== kind) throw new Error(`expected the ${kind} build, the page runs ${JSON.stringify(engine)}`);
      if (kind === 'threaded') threads = engine.threads;
      total = await page.evaluate(() => window.nopeApp.settings['train.steps']);
      const t0 = Date.now();
      await page.click('#btn-train');
      await page.waitForFunction((n) => window.nopeApp.status.step >= n, total, { timeout: 600000, polling: 50 });
      const trained = (Date.now() - t0) / 1000;
      await page.waitForFunction(() => !document.getElementById('btn-train').disabled, null, { timeout: 120000, polling: 50 });
      const shown = (Date.now() - t0) / 1000;
      times[kind].push({ trained, shown });
      process.stderr.write(`${kind}: ${trained.toFixed(1)} s to step ${total}, ${shown.toFixed(1)} s until the page is done\n`);
      await page.close();
    }
  }
} finally {
  await browser.close();
  for (const s of Object.values(servers)) s.stop();
}
load.push(os.loadavg()[0]);
console.log(`Chromium, preset ${preset} (${total} steps), median of ${rounds} round(s); 1-min load average ${load.map((l) => l.toFixed(1)).join(' -> ')} on ${os.cpus().length} cores:`);
for (const kind of ['threaded', 'single']) {
  const t = median(times[kind].map((x) => x.trained)), s = median(times[kind].map((x) => x.shown));
  const label = kind === 'threaded' ? `threaded build, ${threads} threads (isolated)` : 'single-thread build (no isolation headers)';
  console.log(`  ${label.padEnd(44)} ${t.toFixed(1)} s to the last step (${(total / t).toFixed(1)} steps/s), ${s.toFixed(1)} s until analysed`);
}
