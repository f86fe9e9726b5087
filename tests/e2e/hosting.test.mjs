// Hosting end to end in headless Chromium: served with the site's headers
// (COOP/COEP + CSP) the page is cross-origin isolated and trains on the
// threaded wasm build; served without them it runs the single-thread build;
// both give the same first-step loss, bit for bit, with no console errors
// (CSP violations included). embed.html works inside a non-isolated parent,
// and the static folder from scripts/build-site becomes isolated on a host
// without headers through its service worker; a threaded build that cannot
// start falls back to the single-thread one.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launch, repoRoot, startServer, watchErrors } from './browser.mjs';

const query = '?v=1&model.d_model=32&model.n_layers=2&task.name=reverse&task.train_len=12&task.test_len=16&train.seed=11&train.steps=40&train.warmup=5';
let browser, isolated, plain;
before(async () => {
  browser = await launch();
  isolated = await startServer();
  plain = await startServer({ isolation: false });
});
after(async () => {
  await browser?.close();
  isolated?.stop();
  plain?.stop();
});

// Loads a page, waits for the first analysis, takes one training step.
async function firstStep(page, url) {
  await page.goto(url);
  await page.waitForSelector('body[data-analysis-ready="true"]', { state: 'attached', timeout: 60000 });
  await page.click('#btn-step');
  await page.waitForFunction(() => document.getElementById('stat-loss').textContent !== '-', null, { timeout: 60000 });
  return page.evaluate(() => ({
    isolated: self.crossOriginIsolated,
    engine: window.nopeApp.engine,
    line: document.getElementById('engine').textContent,
    loss: window.nopeApp.status.loss,
  }));
}

test('with headers the threaded module trains, without them the single-thread one, same first-step loss', async () => {
  const a = await browser.newPage();
  const aErrors = watchErrors(a);
  const mt = await firstStep(a, `${isolated.base}index.html${query}`);
  const threads = await a.evaluate(() => Math.min(8, navigator.hardwareConcurrency));
  assert.equal(mt.isolated, true);
  assert.equal(mt.engine.build, 'threaded');
  assert.equal(mt.engine.threads, threads);
  assert.equal(mt.line, `wasm: threaded, ${threads} thread${threads === 1 ? '' : 's'}`);
  assert.deepEqual(aErrors, []);
  await a.close();

  const b = await browser.newPage();
  const bErrors = watchErrors(b);
  const st = await firstStep(b, `${plain.base}index.html${query}`);
  assert.equal(st.isolated, false);
  assert.equal(st.engine.build, 'single');
  assert.equal(st.engine.threads, 1);
  assert.equal(st.line, 'wasm: single thread (page not cross-origin isolated)');
  assert.deepEqual(bErrors, []);
  await b.close();

  assert.equal(mt.loss, st.loss, 'first-step loss differs between the threaded and the single-thread module');
});

test('embed.html inside a non-isolated parent page runs single-thread', async () => {
  const host = await browser.newPage({ viewport: { width: 800, height: 600 } });
  const errors = watchErrors(host);
  // The parent is a blog page without headers; the frame comes from the site
  // that sends them (COEP on a frame does not isolate it).
  await host.setContent(`<link rel="icon" href="data:,"><h1>A blog post</h1><iframe id="e" src="${isolated.base}embed.html?preset=random_init_adjacency&view=similarity"
    width="760" height="520"></iframe>`);
  const frame = await (await host.$('#e')).contentFrame();
  await frame.waitForSelector('body[data-analysis-ready="true"]', { state: 'attached', timeout: 60000 });
  assert.match(await frame.textContent('#panel-similarity .score'), /P_adj = 0\.9\d*/);
  assert.equal(await frame.evaluate(() => self.crossOriginIsolated), false);
  assert.equal(await frame.evaluate(() => window.nopeApp.engine.build), 'single');
  assert.deepEqual(errors, []);
  await host.close();
});

test('scripts/build-site: isolated with _headers, and through its service worker on a host without headers', async () => {
  const out = mkdtempSync(path.join(tmpdir(), 'nope-site-'));
  // Stopped in finally as well: a server left running keeps the test
  // runner's pipes open, and ctest would wait on it forever.
  const servers = [];
  const serve = async (opts) => { const s = await startServer(opts); servers.push(s); return s; };
  try {
    execFileSync('bash', [path.join(repoRoot, 'scripts', 'build-site'), out], { cwd: repoRoot, stdio: 'pipe' });
    for (const isolation of [true, false]) {
      const server = await serve({ dir: out, isolation });
      const page = await browser.newPage();
      const errors = watchErrors(page);
      await page.goto(`${server.base}index.html${query}`);
      // Without headers the service worker installs, then reloads the page once.
      await page.waitForFunction(() => window.nopeApp?.engine?.build === 'threaded', null, { timeout: 60000 });
      assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
      assert.equal(await page.evaluate(() => !!navigator.serviceWorker.controller), !isolation);
      assert.deepEqual(errors, [], `isolation headers: ${isolation}`);
      await page.close();
      server.stop();
    }
    // A threaded build that cannot start its threads: the worker falls back
    // to the single-thread build instead of crashing (and being restarted
    // into the same failure).
    rmSync(path.join(out, 'dist', 'wasm', 'nopelab_mt.worker.js'));
    const server = await serve({ dir: out });
    const page = await browser.newPage();
    const errors = watchErrors(page);
    const r = await firstStep(page, `${server.base}index.html${query}`);
    assert.equal(r.isolated, true);
    assert.equal(r.engine.build, 'single');
    // Chromium reports the missing thread worker as an error event, or (seen
    // when other pages ran before in the same browser) never: the timeout.
    assert.match(r.line, /^wasm: single thread \(threaded build failed: (a thread worker failed to start|its threads did not start within 15 s)\)$/);
    assert.deepEqual(errors, []);
    await page.close();
    server.stop();
  } finally {
    for (const s of servers) s.stop();
    rmSync(out, { recursive: true, force: true });
  }
});
