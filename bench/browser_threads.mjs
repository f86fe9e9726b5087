// Training speed in headless Chromium, as the page shows it (steps/s): model
// B's shape (d128, 4 layers, 4 heads, d_ff 512, T 127, batch 16, vocab 32)
// served cross-origin isolated (threaded build, navigator.hardwareConcurrency
// threads, at most 8) and without the headers (single-thread build). The two
// alternate for a few rounds; medians. Needs web/dist (scripts/build-wasm,
// scripts/build-web) and Chromium, as the e2e tests.
//   node bench/browser_threads.mjs [--seconds S] [--rounds R]
import { launch, startServer } from '../tests/e2e/browser.mjs';
import { median } from '../web/js/chart.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const seconds = arg('--seconds', 20);
const rounds = arg('--rounds', 3);
const query = '?v=1&model.d_model=128&model.n_layers=4&model.n_heads=4&model.d_ff=512'
  + '&task.name=copy&task.train_len=63&task.test_len=63&task.vocab_size=32&train.batch_size=16'
  + '&train.steps=100000&train.warmup=10&view=training';

const browser = await launch();
const servers = { threaded: await startServer(), single: await startServer({ isolation: false }) };
const rates = { threaded: [], single: [] };
let threads = 1;
try {
  for (let r = 0; r < rounds; r++) {
    for (const kind of ['single', 'threaded']) {
      const page = await browser.newPage();
      await page.goto(`${servers[kind].base}index.html${query}`);
      await page.waitForSelector('body[data-analysis-ready="true"]', { state: 'attached', timeout: 120000 });
      const engine = await page.evaluate(() => window.nopeApp.engine);
      if (engine.build !== kind) throw new Error(`expected the ${kind} build, the page runs ${JSON.stringify(engine)}`);
      if (kind === 'threaded') threads = engine.threads;
      await page.click('#btn-train');
      await page.waitForTimeout(seconds * 1000);
      // The figure the page shows: steps done / seconds since Train.
      rates[kind].push(Number(await page.textContent('#stat-rate')));
      await page.close();
    }
  }
} finally {
  await browser.close();
  for (const s of Object.values(servers)) s.stop();
}
const single = median(rates.single), threaded = median(rates.threaded);
console.log(`Chromium, model B shape, ${seconds} s of training per page, median of ${rounds} alternating rounds:`);
console.log(`  single-thread build (no isolation headers)  ${single.toFixed(2)} steps/s  [${rates.single.join(', ')}]`);
console.log(`  threaded build, ${threads} threads (isolated)      ${threaded.toFixed(2)} steps/s  [${rates.threaded.join(', ')}]`);
console.log(`  ratio ${(threaded / single).toFixed(2)}x`);
