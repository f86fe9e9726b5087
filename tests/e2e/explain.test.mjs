// explain.html and <nope-figure> in headless Chromium: every figure paints
// within 2 s of scrolling into view, the numbers in the prose are the
// figures' own data, training pauses off screen, a plain page on another
// origin with only the script tag and two figures paints both with one
// worker, the Shuffle figure, errors in a figure's own box, the built site,
// and no console errors. Screenshots: test-artifacts/explain-*.png.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { artifacts, launch, repoRoot, startServer, watchErrors } from './browser.mjs';

let server, plain, browser;
before(async () => {
  server = await startServer();
  plain = await startServer({ isolation: false });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  server?.stop();
  plain?.stop();
});

const PAINT_MS = 2000;

// Non-blank pixels of every canvas inside a figure's shadow root.
async function figureInk(page, id) {
  return page.$eval(`#${id}`, (fig) => [...fig.shadowRoot.querySelectorAll('canvas')].map((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240)) ink++;
    return ink;
  }));
}

const state = (page, id) => page.$eval(`#${id}`, (f) => f.dataset.state);

// Scrolls a figure into view; -> ms until it painted (as the figure measured it).
async function showFigure(page, id) {
  await page.$eval(`#${id}`, (f) => f.scrollIntoView({ block: 'center' }));
  await page.waitForFunction((fid) => ['painted', 'training', 'done', 'error'].includes(document.getElementById(fid).dataset.state),
    id, { timeout: 30000 });
  const fig = await page.$eval(`#${id}`, (f) => ({ state: f.dataset.state, ms: Number(f.dataset.paintedMs),
    error: f.shadowRoot.querySelector('.nf-error').textContent }));
  assert.notEqual(fig.state, 'error', `${id}: ${fig.error}`);
  return fig.ms;
}

// Every <span data-from="fig:name"> against that figure's published values.
async function proseMismatches(page) {
  return page.$$eval('[data-from]', (spans) => spans.map((s) => {
    const [id, name] = s.dataset.from.split(':');
    const v = document.getElementById(id)?.values?.[name];
    const exp = s.dataset.format === 'exp';
    const digits = s.dataset.digits == null ? (exp ? 1 : 2) : Number(s.dataset.digits);
    const text = (x) => (exp ? x.toExponential(digits).replace('e+', 'e') : x.toFixed(digits));
    const want = typeof v === 'number' && Number.isFinite(v) ? text(v) : '…';
    return want === s.textContent ? null : `${s.dataset.from}: prose "${s.textContent}", figure ${v}`;
  }).filter(Boolean));
}

test('explain.html: every figure paints within 2 s of scrolling into view, prose = data, no console errors', async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors = watchErrors(page);
  await page.goto(`${server.base}explain.html`);
  const ids = await page.$$eval('nope-figure', (fs) => fs.map((f) => f.id));
  assert.ok(ids.length >= 5, `only ${ids.length} figures`);
  // Nothing below the fold has started.
  assert.equal(await state(page, ids.at(-1)), 'idle');
  for (const id of ids) {
    const ms = await showFigure(page, id);
    assert.ok(ms <= PAINT_MS, `${id} painted ${ms} ms after it scrolled into view`);
    // A training figure trains while on screen (minutes for the longer
    // presets): wait for its first repaint of a trained model, not the end.
    // The sweep figure shows its committed run, done, at first paint.
    await page.waitForFunction((fid) => {
      const f = document.getElementById(fid);
      return f.dataset.state === 'done' || (f.dataset.state === 'training' && f.values?.step > 0);
    }, id, { timeout: 120000 });
    const ink = await figureInk(page, id);
    assert.ok(ink.some((n) => n > 100), `${id} drew nothing: ${ink}`);
    const desc = await page.$eval(`#${id}`, (f) => f.shadowRoot.querySelector('.nf-desc').textContent);
    assert.ok(desc.length > 40, `${id} has no text description`);
    const lab = await page.$eval(`#${id}`, (f) => f.shadowRoot.querySelector('.nf-lab').href);
    assert.match(lab, /\/index\.html\?v=1/);
    await page.screenshot({ path: path.join(artifacts, `explain-${id}.png`) });
  }
  assert.deepEqual(await proseMismatches(page), []);
  // Every number of the untrained figures is there; a training figure's
  // "after" numbers may still be on their way (and then say so: "…").
  const missing = await page.$$eval('[data-from]', (spans) => spans.filter((x) => x.textContent === '…'
    && document.getElementById(x.dataset.from.split(':')[0]).dataset.state === 'done').map((x) => x.dataset.from));
  assert.deepEqual(missing, []);
  // Isolated: the figures' one worker runs the threaded build.
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
  const threads = await page.evaluate(() => Math.min(8, navigator.hardwareConcurrency));
  await page.waitForFunction((id) => document.getElementById(id).dataset.engine, ids[0]);
  assert.equal(await page.$eval(`#${ids[0]}`, (f) => f.dataset.engine), `threaded ${threads}`);
  await page.screenshot({ path: path.join(artifacts, 'explain-full.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('Shuffle: the bidirectional model\'s outputs move exactly with the tokens, the causal model\'s do not', async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors = watchErrors(page);
  await page.goto(`${server.base}explain.html`);
  await showFigure(page, 'fig-equivariance');
  await page.waitForFunction(() => document.getElementById('fig-equivariance').dataset.state === 'done');
  const first = await page.$eval('#fig-equivariance', (f) => ({ ...f.ctx.custom.bidirectional, pfx0: Array.from(f.ctx.custom.bidirectional.pfx) }));
  await page.locator('#fig-equivariance button', { hasText: 'Shuffle' }).click();
  await page.waitForFunction(() => {
    const f = document.getElementById('fig-equivariance');
    return f.dataset.state === 'done' && f.ctx.shuffles === 1;
  });
  const r = await page.$eval('#fig-equivariance', (f) => {
    const b = f.ctx.custom.bidirectional, c = f.ctx.custom.causal;
    return { b: { ...b, fpx: Array.from(b.fpx), pfx: Array.from(b.pfx) }, c: { deviation: c.deviation, permutation: c.permutation },
      text: f.shadowRoot.querySelector('.eq-tokens').textContent };
  });
  const { T, C } = r.b;
  assert.deepEqual(r.b.tokens, first.tokens, 'the same sequence');
  assert.notDeepEqual(r.b.permutation, first.permutation, 'Shuffle drew a new order');
  assert.deepEqual(r.c.permutation, r.b.permutation, 'both models see the same shuffle');
  assert.ok(r.text.endsWith(r.b.permutation.map((k) => r.b.tokens[k]).join(' ')), r.text);
  // f(X) from the first picture (its rows were f(X)[pi0(t)]), then the
  // shuffled input's outputs against f(X) in the new order, row by row.
  const fx = new Array(T * C);
  first.permutation.forEach((src, t) => { for (let j = 0; j < C; j++) fx[src * C + j] = first.pfx0[t * C + j]; });
  let num = 0, den = 0;
  r.b.permutation.forEach((src, t) => {
    for (let j = 0; j < C; j++) {
      num += (r.b.fpx[t * C + j] - fx[src * C + j]) ** 2;
      den += fx[src * C + j] ** 2;
    }
  });
  assert.ok(Math.sqrt(num / den) <= 1e-5, `bidirectional outputs did not move with the tokens: ${Math.sqrt(num / den)}`);
  assert.ok(r.b.deviation <= 1e-5, `bidirectional deviation ${r.b.deviation}`);
  assert.ok(r.c.deviation >= 1e-2, `causal deviation ${r.c.deviation}`);
  assert.deepEqual(await proseMismatches(page), []);
  await page.$eval('#fig-equivariance', (f) => f.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: path.join(artifacts, 'explain-shuffle.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('experiment B: the committed native run at first paint, labelled; Re-run trains the reader\'s own, labelled; prose = data', async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors = watchErrors(page);
  const committed = JSON.parse(readFileSync(path.join(repoRoot, 'docs', 'data', 'sweep_why_not_t_over_T.json'), 'utf8'));
  await page.goto(`${server.base}explain.html`);
  const ms = await showFigure(page, 'fig-whynot');
  assert.ok(ms <= PAINT_MS, `painted ${ms} ms after it scrolled into view`);
  const shown = () => page.$eval('#fig-whynot', (f) => ({
    state: f.dataset.state, values: f.values, status: f.shadowRoot.querySelector('.nf-status').textContent,
    note: f.shadowRoot.querySelector('.sweep-source').textContent, source: f.shadowRoot.querySelector('.sweep-source').dataset.source,
    desc: f.shadowRoot.querySelector('.nf-desc').textContent,
    buttons: [...f.shadowRoot.querySelectorAll('.nf-bar button')].filter((b) => !b.hidden).map((b) => b.textContent),
  }));
  let s = await shown();
  assert.equal(s.state, 'done');
  assert.equal(s.source, 'committed');
  assert.match(s.note, /^Committed run: all 25 runs \(5 settings x 5 seeds\) trained natively by nopelab sweep/);
  assert.match(s.note, /sweep_why_not_t_over_T\.json/);
  assert.match(s.desc, /committed native run/);
  assert.deepEqual(s.buttons, ['Re-run in your browser']);
  // The figure's numbers are the committed file's cell means.
  const cell = (enc) => committed.cells.find((c) => c.values['model.pos_encoding'] === enc).measures;
  assert.equal(s.values['token_acc_train_prefix.normalized'], cell('normalized').token_acc_train_prefix.mean);
  assert.equal(s.values['token_acc_test.index'], cell('index').token_acc_test.mean);
  assert.equal(s.values.runs_done, committed.runs.length);
  assert.ok((await figureInk(page, 'fig-whynot')).some((n) => n > 100), 'the committed run is drawn');
  assert.deepEqual(await proseMismatches(page), []);
  assert.equal(await page.$eval('[data-from="fig-whynot:token_acc_train_prefix.normalized"]', (x) => x.textContent),
    cell('normalized').token_acc_train_prefix.mean.toFixed(2));
  await page.$eval('#fig-whynot', (f) => f.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: path.join(artifacts, 'explain-whynot-committed.png') });
  // Re-run: the reader's own run, labelled, and the prose follows it.
  await page.locator('#fig-whynot button', { hasText: 'Re-run in your browser' }).click();
  await page.waitForFunction(() => document.getElementById('fig-whynot').dataset.state === 'training');
  s = await shown();
  assert.equal(s.source, 'browser');
  assert.match(s.note, /^Your run: 0 of 25 runs .* trained in your browser/);
  assert.match(s.status, /Run 1 of 25: training in your browser/);
  assert.deepEqual(s.buttons, ['Pause', 'Show the committed run']);
  assert.equal(s.values.runs_done, 0);
  assert.equal(s.values['token_acc_test.index'], undefined);
  assert.deepEqual(await proseMismatches(page), []);
  assert.equal(await page.$eval('[data-from="fig-whynot:token_acc_test.index"]', (x) => x.textContent), '…');
  // And back: the committed run again; the reader's run waits.
  await page.locator('#fig-whynot button', { hasText: 'Show the committed run' }).click();
  await page.waitForFunction(() => document.getElementById('fig-whynot').dataset.state === 'done');
  s = await shown();
  assert.equal(s.source, 'committed');
  assert.equal(s.values['token_acc_test.index'], cell('index').token_acc_test.mean);
  assert.deepEqual(await proseMismatches(page), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a committed run of another experiment is not shown: the figure says why and offers the live run', async () => {
  const page = await browser.newPage({ viewport: { width: 900, height: 1400 } });
  const errors = watchErrors(page);
  await page.route(`${server.base}committed-mismatch.html`, (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html><html lang="en">
<head><meta charset="utf-8"><title>t</title><link rel="icon" href="data:,"><script type="module" src="nope-figure.js"></script></head>
<body><nope-figure id="s" preset="sweep_why_not_t_over_T" view="sweep" sweep.seeds="2"
  committed="dist/data/sweep_why_not_t_over_T.json"></nope-figure></body></html>` }));
  await page.goto(`${server.base}committed-mismatch.html`);
  await page.waitForFunction(() => document.getElementById('s').dataset.state === 'training', null, { timeout: 30000 });
  const s = await page.$eval('#s', (f) => ({ status: f.shadowRoot.querySelector('.nf-status').textContent, error: f.shadowRoot.querySelector('.nf-error').hidden,
    source: f.shadowRoot.querySelector('.sweep-source').dataset.source, runs: f.values.runs_total,
    buttons: [...f.shadowRoot.querySelectorAll('.nf-bar button')].filter((b) => !b.hidden).map((b) => b.textContent) }));
  assert.match(s.status, /press Start to train them in your browser\. \(No committed run shown: dist\/data\/sweep_why_not_t_over_T\.json does not match this figure: its spec\.seeds differs/);
  assert.equal(s.error, true, 'no error box');
  assert.equal(s.source, 'browser');
  assert.equal(s.runs, 10);
  assert.deepEqual(s.buttons, ['Start']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a control reruns its figure and the prose follows; the lab link carries the setting', async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors = watchErrors(page);
  await page.goto(`${server.base}explain.html`);
  await showFigure(page, 'fig-similarity');
  const causal = await page.$eval('#fig-similarity', (f) => f.values.adjacency);
  await page.locator('#fig-similarity select[aria-label="attention mask"]').selectOption('bidirectional');
  await page.waitForFunction(() => {
    const f = document.getElementById('fig-similarity');
    return f.dataset.state === 'done' && f.getAttribute('model.attention') === 'bidirectional';
  });
  const bidir = await page.$eval('#fig-similarity', (f) => f.values.adjacency);
  assert.ok(bidir < causal, `bidirectional ${bidir} vs causal ${causal}`);
  assert.deepEqual(await proseMismatches(page), []);
  assert.match(await page.$eval('#fig-similarity', (f) => f.shadowRoot.querySelector('.nf-lab').href), /model\.attention=bidirectional/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a training figure pauses while off screen and resumes when back', async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors = watchErrors(page);
  await page.goto(`${server.base}explain.html`);
  await showFigure(page, 'fig-length');
  // Figures hold their height before they paint (explain_layout.test.mjs),
  // so nothing above pushes this one off screen while it starts.
  await page.waitForFunction(() => document.getElementById('fig-length').shadowRoot.querySelector('progress').value > 0,
    null, { timeout: 60000, polling: 250 })
    .catch(async (e) => {  // say where it stood: the figure's state and status line
      const at = await page.$eval('#fig-length', (f) => `${f.dataset.state}: ${f.shadowRoot.querySelector('.nf-status').textContent}`);
      throw new Error(`fig-length never trained a chunk (${at}): ${e.message}`);
    });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(800);  // a chunk in flight finishes
  const stepOf = () => page.$eval('#fig-length', (f) => f.shadowRoot.querySelector('progress').value);
  const a = await stepOf();
  await page.waitForTimeout(1500);
  assert.equal(await stepOf(), a, 'trained while off screen');
  assert.match(await page.$eval('#fig-length', (f) => f.shadowRoot.querySelector('.nf-status').textContent), /paused while off screen/);
  await page.$eval('#fig-length', (f) => f.scrollIntoView({ block: 'center' }));
  await page.waitForFunction((s) => document.getElementById('fig-length').shadowRoot.querySelector('progress').value > s, a, { timeout: 30000 });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a plain page on another origin: one script tag, two figures, both paint, one worker', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nope-blog-'));
  const site = server.base;
  writeFileSync(path.join(dir, 'index.html'), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A blog post</title>
<link rel="icon" href="data:,"><script type="module" src="${site}nope-figure.js"></script></head>
<body><main><h1>A blog post</h1>
<nope-figure id="a" preset="random_init_adjacency" view="similarity"></nope-figure>
<nope-figure id="b" preset="random_init_variance" view="variance" model.init.std="0.05"></nope-figure>
</main></body></html>`);
  const blog = await startServer({ dir, isolation: false });
  try {
    const page = await browser.newPage({ viewport: { width: 800, height: 3000 } });
    const errors = watchErrors(page);
    const workers = [];
    page.on('worker', (w) => workers.push(w.url()));
    await page.goto(`${blog.base}index.html`);
    for (const id of ['a', 'b']) {
      await page.waitForFunction((fid) => ['done', 'error'].includes(document.getElementById(fid)?.dataset.state), id, { timeout: 60000 });
      assert.equal(await state(page, id), 'done', await page.$eval(`#${id}`, (f) => f.shadowRoot.querySelector('.nf-error').textContent));
      const ink = await figureInk(page, id);
      assert.ok(ink.some((n) => n > 100), `${id} drew nothing`);
    }
    assert.equal(workers.length, 1, `workers: ${workers.join(', ')}`);
    await page.waitForFunction(() => document.getElementById('a').dataset.engine);
    assert.equal(await page.$eval('#a', (f) => f.dataset.engine), 'single 1');
    assert.equal(await page.$eval('#b', (f) => f.settings['model.init.std']), 0.05);
    await page.screenshot({ path: path.join(artifacts, 'explain-blog-page.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    blog.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a figure with a bad setting shows the error in its own box; the page and the other figure carry on', async () => {
  const page = await browser.newPage({ viewport: { width: 800, height: 2000 } });
  const errors = watchErrors(page);
  await page.route(`${server.base}two-figures-bad.html`, (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html><html lang="en">
<head><meta charset="utf-8"><title>t</title><link rel="icon" href="data:,"><script type="module" src="nope-figure.js"></script></head>
<body><nope-figure id="bad" preset="random_init_adjacency" model.init.std="-3"></nope-figure>
<nope-figure id="good" preset="random_init_adjacency"></nope-figure></body></html>` }));
  await page.goto(`${server.base}two-figures-bad.html`);
  await page.waitForFunction(() => ['bad', 'good'].every((id) => ['done', 'error'].includes(document.getElementById(id).dataset.state)), null, { timeout: 60000 });
  assert.equal(await state(page, 'bad'), 'error');
  assert.match(await page.$eval('#bad', (f) => f.shadowRoot.querySelector('.nf-error').textContent), /model\.init\.std/);
  assert.equal(await state(page, 'good'), 'done');
  assert.deepEqual(errors, []);
  await page.close();
});

test('scripts/build-site ships explain.html and <nope-figure>; on a host without headers the page is isolated by its service worker', async () => {
  const out = mkdtempSync(path.join(tmpdir(), 'nope-site-'));
  let site = null;
  try {
    execFileSync('bash', [path.join(repoRoot, 'scripts', 'build-site'), out], { cwd: repoRoot, stdio: 'pipe' });
    for (const f of ['explain.html', 'nope-figure.js', 'js/figures/figure_pool.js', 'css/figure.css', 'css/explain.css', 'css/embed.css',
      'dist/data/sweep_why_not_t_over_T.json']) {
      assert.ok(existsSync(path.join(out, f)), `site/ lacks ${f}`);
    }
    site = await startServer({ dir: out, isolation: false });
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors = watchErrors(page);
    await page.goto(`${site.base}explain.html`);
    await page.waitForFunction(() => self.crossOriginIsolated === true, null, { timeout: 30000 });
    await showFigure(page, 'fig-similarity');
    await page.waitForFunction(() => document.getElementById('fig-similarity').dataset.state === 'done', null, { timeout: 30000 });
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    site?.stop();
    rmSync(out, { recursive: true, force: true });
  }
});
