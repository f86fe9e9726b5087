// End-to-end tests of the Sweep view in headless Chromium: a small two-axis
// sweep paints its phase diagram, CSV export matches the JSON export, the
// URL restores (and re-runs) the sweep, cancel stops it, validation and the
// budget guard act before runs start, sweep presets and embeds work.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { artifacts, canvasInk, closeLab, openLab, repoRoot, watchErrors } from './browser.mjs';
import { seedBootstrap } from '../../web/js/seed_bootstrap.js';

const nopelab = path.join(repoRoot, 'build', 'nopelab');

let server, browser;
before(async () => ({ server, browser } = await openLab()));
after(() => closeLab({ server, browser }));

// A small model so runs take well under a second.
const small = 'v=1&model.d_model=32&model.n_layers=1&task.train_len=12&task.test_len=12&task.vocab_size=64';
const twoAxes = `?${small}&view=sweep&sweep.axis0=model.init.std=0.01,0.05,0.2&sweep.axis1=model.pos_encoding=none,rope&sweep.seeds=2`;

async function open(query, { target = 'index.html', viewport = { width: 1400, height: 1100 } } = {}) {
  const page = await browser.newPage({ viewport, acceptDownloads: true });
  const errors = watchErrors(page);
  await page.goto(`${server.base}${target}${query}`);
  return { page, errors };
}

const finished = (page, timeout = 120000) => page.waitForFunction(
  () => ['done', 'cancelled'].includes(document.body.dataset.sweepState), null, { timeout });

async function downloadText(page, button) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  return { name: download.suggestedFilename(), text: readFileSync(await download.path(), 'utf8') };
}

function parseCsv(text) {
  const [header, ...rows] = text.trim().split('\n').map((l) => l.split(','));
  return rows.map((r) => Object.fromEntries(header.map((h, k) => [h, r[k]])));
}

test('a shared two-axis sweep link runs, paints the phase diagram, and CSV export matches the JSON', async () => {
  const { page, errors } = await open(twoAxes);
  await finished(page);
  assert.equal(await page.getAttribute('#tab-sweep', 'aria-selected'), 'true');
  assert.match(await page.textContent('#sweep-status'), /^12 of 12 runs in .* runs\/s/);
  assert.ok((await canvasInk(page, '#panel-sweep .heatmap-canvas')) > 0.99, 'every cell painted');
  // Hover read-out: mean [seed interval] and n of the cell under the pointer
  // (checked against the exported file's values below).
  const box = await page.locator('#panel-sweep .heatmap-canvas').boundingBox();
  await page.mouse.move(box.x + box.width * 0.75, box.y + box.height * 0.5);
  const readout = await page.textContent('#panel-sweep .readout');
  assert.match(readout, /model\.init\.std = 0\.05, model\.pos_encoding = rope: adjacency -?\d\.\d+ \[-?\d\.\d+, -?\d\.\d+\] \(n = 2\)/);
  assert.match(await page.textContent('#sweep-cli'), /^nopelab sweep .*--axis model\.init\.std=0\.01,0\.05,0\.2 --axis model\.pos_encoding=none,rope --seeds 2/);
  await page.screenshot({ path: path.join(artifacts, 'sweep.png'), fullPage: true });

  const json = JSON.parse((await downloadText(page, '#export-json')).text);
  assert.equal(json.format, 'nopelab-sweep-result');
  assert.equal(json.runs.length, 12);
  assert.deepEqual(json.runs.map((r) => r.run), [...Array(12).keys()]);
  assert.equal(json.cells.length, 6);
  // The read-out's interval is the seed bootstrap of that cell's values (row std 0.05, column rope: cell 3).
  const hovered = seedBootstrap(json.cells[3].measures.adjacency.values);
  assert.ok(readout.includes(`[${hovered.lo.toFixed(3)}, ${hovered.hi.toFixed(3)}]`), `${readout} vs ${JSON.stringify(hovered)}`);
  const csv = await downloadText(page, '#export-csv');
  assert.ok(csv.name.endsWith('.csv'));
  const rows = parseCsv(csv.text);
  assert.equal(rows.length, 6);
  for (const [k, cell] of json.cells.entries()) {
    assert.equal(Number(rows[k].cell), cell.cell);
    assert.equal(rows[k]['model.init.std'], String(cell.values['model.init.std']));
    assert.equal(rows[k]['model.pos_encoding'], cell.values['model.pos_encoding']);
    for (const m of ['adjacency', 'variance_slope']) {
      assert.equal(Number(rows[k][`${m}_mean`]), cell.measures[m].mean, `${m} cell ${k}`);
      assert.equal(Number(rows[k][`${m}_ci`]), cell.measures[m].ci);
      assert.equal(Number(rows[k][`${m}_n`]), 2);
    }
  }
  const png = await downloadText(page, '#export-png');
  assert.ok(png.name.endsWith('.png'));

  // The command the page shows gives the same runs natively.
  if (existsSync(nopelab)) {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'nope-sweep-e2e-')), 'sweep.json');
    const args = (await page.textContent('#sweep-cli')).trim().split(/\s+/).slice(2);
    args[args.indexOf('--out') + 1] = out;
    execFileSync(nopelab, ['sweep', ...args, '--jobs', '1', '--quiet']);
    const native = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(native.runs.length, json.runs.length);
    for (const [k, n] of native.runs.entries()) {
      assert.deepEqual(json.runs[k].cell_values, n.cell_values);
      for (const [m, v] of Object.entries(n.values)) {
        assert.ok(Math.abs(json.runs[k].values[m] - v) <= 1e-6 * Math.max(1, Math.abs(v)), `run ${k} ${m}: page ${json.runs[k].values[m]}, native ${v}`);
      }
    }
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('a sweep built in the form goes into the URL, and the URL restores and re-runs it', async () => {
  const { page, errors } = await open(`?${small}&view=sweep`);
  // Axis 1: init std, log range 0.01..0.1 in 3 steps; axis 2: attention mask.
  await page.selectOption('[data-axis="0"] .axis-path', 'model.init.std');
  await page.fill('[data-axis="0"] .axis-from', '0.01');
  await page.fill('[data-axis="0"] .axis-to', '0.1');
  await page.fill('[data-axis="0"] .axis-count', '3');
  await page.selectOption('[data-axis="0"] .axis-scale', 'log');
  await page.dispatchEvent('[data-axis="0"] .axis-scale', 'change');
  assert.equal(await page.inputValue('[data-axis="0"] .axis-list'), '0.01,0.0316,0.1');
  await page.selectOption('[data-axis="1"] .axis-path', 'model.attention');
  await page.fill('#sweep-seeds', '2');
  await page.dispatchEvent('#sweep-seeds', 'change');
  const url = page.url();
  assert.match(url, /sweep\.axis0=model\.init\.std%3D0\.01%2C0\.0316%2C0\.1/);
  assert.match(url, /sweep\.axis1=model\.attention%3Dcausal%2Cbidirectional/);
  await page.click('#sweep-run');
  await finished(page);
  const first = JSON.parse((await downloadText(page, '#export-json')).text);
  await page.close();

  const again = await browser.newPage({ acceptDownloads: true });
  const errors2 = watchErrors(again);
  await again.goto(url);
  await finished(again);
  assert.equal(await again.inputValue('[data-axis="0"] .axis-list'), '0.01,0.0316,0.1');
  assert.equal(await again.inputValue('[data-axis="1"] .axis-path'), 'model.attention');
  assert.equal(await again.inputValue('#sweep-seeds'), '2');
  const second = JSON.parse((await downloadText(again, '#export-json')).text);
  assert.deepEqual(second.cells, first.cells, 'the same sweep gives the same numbers');
  assert.deepEqual(errors, []);
  assert.deepEqual(errors2, []);
  await again.close();
});

test('cancel stops the sweep promptly and keeps the finished runs', async () => {
  const { page, errors } = await open(`?${small}&view=sweep&sweep.axis0=model.init.std=0.01,0.02,0.05,0.1&sweep.axis1=model.d_model=32,64&sweep.seeds=8`);
  await page.waitForFunction(() => document.getElementById('sweep-progress').value >= 3, null, { timeout: 60000 });
  await page.click('#sweep-cancel');
  await finished(page, 10000);
  assert.equal(await page.evaluate(() => document.body.dataset.sweepState), 'cancelled');
  const status = await page.textContent('#sweep-status');
  const kept = Number(/cancelled: (\d+) of 64 runs kept/.exec(status)?.[1]);
  assert.ok(kept >= 3 && kept < 64, status);
  const progress = await page.evaluate(() => document.getElementById('sweep-progress').value);
  await page.waitForTimeout(1000);
  assert.equal(await page.evaluate(() => document.getElementById('sweep-progress').value), progress, 'nothing ran after cancel');
  assert.equal(await page.isDisabled('#sweep-cancel'), true);
  // What finished is drawn and exported.
  const json = JSON.parse((await downloadText(page, '#export-json')).text);
  assert.equal(json.runs.length, kept);
  // The pool starts fresh workers for the next sweep.
  await page.fill('#sweep-seeds', '1');
  await page.dispatchEvent('#sweep-seeds', 'change');
  await page.click('#sweep-run');
  await finished(page);
  assert.match(await page.textContent('#sweep-status'), /^8 of 8 runs/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('an invalid sweep is refused before any run starts; a large one asks first', async () => {
  const { page, errors } = await open(`?${small}&view=sweep&sweep.axis0=model.d_model=32,100000&sweep.seeds=2`);
  await finished(page);
  assert.match(await page.textContent('#sweep-error'), /Sweep not started: .*model\.d_model/);
  assert.equal(await page.evaluate(() => document.getElementById('sweep-progress').value), 0);

  // 2000 runs of 300 training steps each: the timing run says it is long.
  await page.goto(`${server.base}index.html?${small}&view=sweep&sweep.axis0=model.init.std=${Array.from({ length: 40 }, (_, k) => (0.01 + k * 0.001).toFixed(3)).join(',')}&sweep.seeds=50&sweep.steps=300`);
  await page.waitForSelector('#sweep-confirm:not([hidden])', { timeout: 60000 });
  assert.match(await page.textContent('#sweep-confirm'), /This sweep is large: 2000 runs × .* of compute, about .* on \d workers?/);
  await page.click('#sweep-confirm-no');
  await finished(page);
  assert.match(await page.textContent('#sweep-status'), /^not run/);
  assert.equal(await page.evaluate(() => document.getElementById('sweep-progress').value), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a sweep preset opens in the Sweep view and runs', async () => {
  const p = await browser.newPage();
  const errs = watchErrors(p);
  // A fixture preset in the shape of presets/*.json with a "sweep" field.
  const fixture = {
    id: 'test_sweep', title: 'Test sweep', view: 'sweep', explanation: 'A fixture for the browser test.', cites: ['none'],
    config: { model: { d_model: 32, n_layers: 1 }, task: { name: 'copy', train_len: 10, test_len: 10, vocab_size: 64 }, train: { steps: 0 } },
    sweep: { axes: [{ path: 'model.init.std', values: [0.01, 0.1, 0.5] }], seeds: 3, measures: ['adjacency', 'variance_slope'] },
  };
  await p.route('**/dist/presets/index.json', async (route) => {
    const list = await (await route.fetch()).json();
    await route.fulfill({ json: [...list, { id: fixture.id, title: fixture.title, view: 'sweep', file: 'test_sweep.json' }] });
  });
  await p.route('**/dist/presets/test_sweep.json', (route) => route.fulfill({ json: fixture }));
  await p.goto(`${server.base}index.html`);
  await p.waitForSelector('body[data-analysis-ready="true"]', { state: 'attached', timeout: 60000 });
  await p.selectOption('#presets', 'test_sweep');
  await finished(p);
  assert.equal(await p.getAttribute('#tab-sweep', 'aria-selected'), 'true');
  assert.equal(await p.inputValue('[data-axis="0"] .axis-list'), '0.01,0.1,0.5');
  assert.match(await p.textContent('#sweep-status'), /^9 of 9 runs/);
  assert.ok((await canvasInk(p, '#panel-sweep .sweep-chart canvas')) > 0.01, 'the line chart drew');
  assert.match(p.url(), /sweep\.axis0=model\.init\.std%3D0\.01%2C0\.1%2C0\.5/);
  assert.deepEqual(errs, []);
  await p.close();
});

test('the three-axis sweep preset draws one phase diagram per analysis site', async () => {
  const { page, errors } = await open('?preset=sweep_adjacency_sigma_dmodel');
  await finished(page);
  assert.match(await page.textContent('#sweep-status'), /^120 of 120 runs/);
  const titles = await page.$$eval('#panel-sweep .phase h4', (hs) => hs.map((h) => h.textContent));
  assert.deepEqual(titles, ['analysis.site = attn_out', 'analysis.site = resid_post']);
  const maps = await page.$$('#panel-sweep .heatmap-canvas');
  assert.equal(maps.length, 2);
  for (const k of [1, 2]) assert.ok((await canvasInk(page, `#panel-sweep .phase:nth-of-type(${k}) .heatmap-canvas`)) > 0.99);
  assert.match(page.url(), /sweep\.axis2=analysis\.site%3Dattn_out%2Cresid_post/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('embed mode runs a sweep link and paints it', async () => {
  const { page, errors } = await open(twoAxes, { target: 'embed.html', viewport: { width: 760, height: 700 } });
  await finished(page);
  assert.ok((await canvasInk(page, '#panel-sweep .heatmap-canvas')) > 0.99);
  await page.screenshot({ path: path.join(artifacts, 'sweep-embed.png') });
  assert.deepEqual(errors, []);
  await page.close();
});
