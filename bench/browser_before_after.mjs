// Training speed in headless Chromium of this tree's page against an earlier
// revision's, as a reader sees it: the page's default preset (no query), the
// steps/s its training view shows after S seconds, served without the
// cross-origin headers (the single-thread module) and isolated (the threaded
// one). Pages alternate before/after within each round, so a drift of the
// machine's speed hits both. The earlier revision's web/ must be built
// (scripts/build-wasm and scripts/build-web in a worktree of it):
//   git worktree add /tmp/before REV && (cd /tmp/before && ln -s "$PWD/node_modules" . \
//     && bash scripts/build-wasm && bash scripts/build-web)
//   node bench/browser_before_after.mjs /tmp/before [--seconds S] [--rounds R] [--query '?kernel=auto']
import os from 'node:os';
import path from 'node:path';
import { launch, startServer } from '../tests/e2e/browser.mjs';
import { median } from '../web/js/chart.js';

const beforeRoot = process.argv[2];
if (!beforeRoot || beforeRoot.startsWith('--')) {
  console.error('usage: node bench/browser_before_after.mjs BEFORE_WORKTREE [--seconds S] [--rounds R] [--query Q]');
  process.exit(2);
}
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const seconds = Number(arg('--seconds', 15)), rounds = Number(arg('--rounds', 3)), query = arg('--query', '');

const browser = await launch();
const dirs = { before: path.join(path.resolve(beforeRoot), 'web'), after: 'web' };
const servers = {};
for (const [tree, dir] of Object.entries(dirs))
  for (const isolation of [false, true]) servers[`${tree} ${isolation ? 'isolated' : 'single'}`] = await startServer({ dir, isolation });
const rates = Object.fromEntries(Object.keys(servers).map((k) => [k, []]));
const load = [os.loadavg()[0]];
try {
  for (let r = 0; r < rounds; r++) {
    for (const build of ['single', 'isolated'])
      for (const tree of r % 2 ? ['after', 'before'] : ['before', 'after']) {
        const key = `${tree} ${build}`;
        const page = await browser.newPage();
        await page.goto(`${servers[key].base}index.html${query}`);
        await page.waitForSelector('body[data-analysis-ready="true"]', { state: 'attached', timeout: 120000 });
        await page.click('#btn-train');
        await page.waitForTimeout(seconds * 1000);
        // The figure the page shows: steps done / seconds since Train.
        rates[key].push(Number(await page.textContent('#stat-rate')));
        await page.close();
      }
    load.push(os.loadavg()[0]);
  }
} finally {
  await browser.close();
  for (const s of Object.values(servers)) s.stop();
}
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`default preset in headless Chromium, ${seconds} s of training a page, ${rounds} rounds; ${cpu}; load average ${Math.min(...load).toFixed(1)}-${Math.max(...load).toFixed(1)}`);
for (const build of ['single', 'isolated']) {
  const b = median(rates[`before ${build}`]), a = median(rates[`after ${build}`]);
  console.log(`${build.padEnd(8)} before ${rates[`before ${build}`].join(', ')} steps/s (median ${b}); after ${rates[`after ${build}`].join(', ')} (median ${a}): ${(a / b).toFixed(2)}x`);
}
