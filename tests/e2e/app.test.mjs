// End-to-end tests of the web app in real headless Chromium: load, train,
// every view, shared URLs, exports, bad checkpoints, divergence, embed mode.
// Screenshots of the main views go to test-artifacts/.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { artifacts, canvasInk, closeLab, openLab, repoRoot, watchErrors } from './browser.mjs';

let server, browser;
before(async () => ({ server, browser } = await openLab()));
after(() => closeLab({ server, browser }));

async function open(query = '', { page: target = 'index.html', viewport = { width: 1400, height: 1000 } } = {}) {
  const page = await browser.newPage({ viewport, acceptDownloads: true });
  const errors = watchErrors(page);
  await page.goto(`${server.base}${target}${query}`);
  await page.waitForSelector('body[data-analysis-ready="true"]', { state: 'attached', timeout: 60000 });
  return { page, errors };
}

const small = '?v=1&model.d_model=32&task.train_len=6&task.test_len=10&task.vocab_size=6&train.steps=40&train.warmup=5';

test('page loads, analyses the untrained model, and has no console errors', async () => {
  const { page, errors } = await open();
  assert.ok((await canvasInk(page, '#panel-similarity .heatmap-canvas')) > 0.9);
  assert.match(await page.textContent('#panel-similarity .score'), /P_adj = 0\.\d+ \(chance 0\.\d+; the tokens alone, no position, score 0\.\d+ on these inputs\)/);
  assert.match(await page.textContent('#cli'), /^nopelab train/);
  await page.screenshot({ path: path.join(artifacts, 'similarity.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('training updates the loss, the curves and every view', async () => {
  const { page, errors } = await open(small);
  await page.click('#btn-train');
  await page.waitForFunction(() => document.getElementById('stat-step').textContent.startsWith('40 /'), null, { timeout: 60000 });
  await page.waitForFunction(() => !document.getElementById('btn-train').disabled);
  assert.match(await page.textContent('#stat-loss'), /^\d+\.\d{4}$/);
  for (const view of ['similarity', 'variance', 'decay', 'attention', 'probes', 'length', 'training']) {
    await page.click(`#tab-${view}`);
    await page.waitForTimeout(300);
    const inks = await page.$$eval(`#panel-${view} canvas`, (cs) => cs.map((c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let ink = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240)) ink++;
      return ink;
    }));
    assert.ok(inks.length > 0 && inks.some((n) => n > 100), `${view} drew nothing: ${inks}`);
    await page.screenshot({ path: path.join(artifacts, `${view}.png`), fullPage: true });
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('comparison mode draws one card per variant', async () => {
  const { page, errors } = await open(small + '&view=compare');
  await page.fill('#panel-compare input[type=number]', '0');
  await page.click('#panel-compare button.primary');
  // The run button comes back when every variant has landed (or failed: the
  // status line then says which); each card holds one heatmap (plus its
  // colour bar, so counting canvases would count two per card).
  await page.waitForFunction(() => !document.querySelector('#panel-compare button.primary').disabled, null, { timeout: 60000 });
  assert.match(await page.textContent('#panel-compare .score'), /^4 variants, 0 steps each/);
  assert.equal(await page.locator('.compare-card .heatmap-canvas').count(), 4);
  assert.ok((await canvasInk(page, '.compare-card .heatmap-canvas')) > 0.9);
  await page.screenshot({ path: path.join(artifacts, 'compare.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a shared URL restores settings and reproduces the first-step loss (also natively)', async () => {
  const query = '?v=1&model.pos_encoding=rope&model.n_layers=1&task.name=reverse&train.seed=7&view=variance';
  const losses = [];
  for (let k = 0; k < 2; k++) {
    const { page } = await open(query);
    assert.equal(await page.inputValue('#f-model-pos_encoding'), 'rope');
    assert.equal(await page.inputValue('#f-train-seed'), '7');
    assert.equal(await page.getAttribute('#tab-variance', 'aria-selected'), 'true');
    await page.click('#btn-step');
    await page.waitForFunction(() => document.getElementById('stat-loss').textContent !== '-');
    losses.push(await page.evaluate(() => window.nopeApp.status.loss));
    await page.close();
  }
  assert.equal(losses[0], losses[1]);
  const nopelab = path.join(repoRoot, 'build', 'nopelab');
  if (existsSync(nopelab)) {
    const out = JSON.parse(execFileSync(nopelab, ['train', '--set', 'model.pos_encoding=rope', '--set', 'model.n_layers=1',
      '--set', 'task.name=reverse', '--set', 'train.seed=7', '--steps', '1', '--quiet', '--eval-examples', '1'], { encoding: 'utf8' }));
    assert.ok(Math.abs(out.first_loss - losses[0]) / out.first_loss < 1e-5, `native ${out.first_loss} vs page ${losses[0]}`);
  }
});

test('a preset link with fields applies the preset, then the fields (page and embed)', async () => {
  const query = '?preset=trained_position_task&model.pos_encoding=rope&train.seed=7';
  const { page, errors } = await open(query);
  assert.equal(await page.inputValue('#f-model-pos_encoding'), 'rope');
  assert.equal(await page.inputValue('#f-train-seed'), '7');
  assert.equal(await page.inputValue('#f-task-name'), 'position');  // the preset's
  assert.equal(await page.getAttribute('#tab-probes', 'aria-selected'), 'true');
  assert.deepEqual(errors, []);
  await page.close();
  const embed = await open(`${query}&model.d_modle=3`, { page: 'embed.html', viewport: { width: 760, height: 560 } });
  const s = await embed.page.evaluate(() => window.nopeApp.settings);
  assert.equal(s['model.pos_encoding'], 'rope');
  assert.equal(s['train.seed'], 7);
  assert.equal(s['task.name'], 'position');
  assert.match(await embed.page.textContent('#error'), /unknown setting "model\.d_modle"/);
  await embed.page.close();
});

test('exports produce files: PNG, CSV, JSON and a checkpoint', async () => {
  const { page } = await open(small);
  for (const [button, suffix] of [['#export-png', '.png'], ['#export-csv', '.csv'], ['#export-json', '.json'], ['#btn-ckpt-save', '.json']]) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
    assert.ok(download.suggestedFilename().endsWith(suffix), download.suggestedFilename());
    const file = await download.path();
    assert.ok(file && existsSync(file));
  }
  await page.close();
});

test('an invalid checkpoint upload shows an error and the page keeps working', async () => {
  const { page, errors } = await open(small);
  const bad = path.join(artifacts, 'bad-checkpoint.json');
  writeFileSync(bad, JSON.stringify({ format: 'nopelab-checkpoint', version: 1, config: {}, params: { wte: { shape: [1], data: [0] } } }));
  await page.setInputFiles('#ckpt-file', bad);
  await page.waitForSelector('#error:not([hidden])');
  assert.match(await page.textContent('#error'), /Could not load bad-checkpoint\.json: checkpoint: /);
  await page.click('#btn-step');
  await page.waitForFunction(() => document.getElementById('stat-step').textContent.startsWith('1 /'));
  assert.deepEqual(errors, []);
  await page.close();
});

test('invalid settings and divergence give a clear message and the page recovers', async () => {
  const { page } = await open('?v=1&model.d_model=32&model.n_layers=4&model.norm=none&model.init.std=10&model.init.embed_std=10&train.lr=1&train.clip=0&train.warmup=0&train.steps=50');
  await page.click('#btn-train');
  await page.waitForSelector('#error:not([hidden])', { timeout: 60000 });
  assert.match(await page.textContent('#error'), /diverged at step \d+/);
  await page.selectOption('#f-model-norm', 'pre');
  await page.fill('#f-model-d_model', '30');
  await page.dispatchEvent('#f-model-d_model', 'change');
  await page.waitForFunction(() => /divisible by model.n_heads/.test(document.getElementById('error').textContent));
  assert.match(await page.textContent('.field-note:not(:empty)'), /model\.d_model = 30/);
  await page.fill('#f-model-d_model', '32');
  await page.dispatchEvent('#f-model-d_model', 'change');
  await page.waitForFunction(() => document.getElementById('error').hidden);
  await page.close();
});

test('embed mode renders one view lazily; two embeds work independently', async () => {
  const { page, errors } = await open('?preset=random_init_adjacency&view=similarity', { page: 'embed.html', viewport: { width: 760, height: 560 } });
  assert.equal(await page.$('#controls'), null);
  assert.ok((await canvasInk(page, '#panel-similarity .heatmap-canvas')) > 0.9);
  assert.match(await page.textContent('#panel-similarity .score'), /P_adj = 0\.9\d*/);
  await page.screenshot({ path: path.join(artifacts, 'embed.png') });
  assert.deepEqual(errors, []);
  await page.close();

  const host = await browser.newPage({ viewport: { width: 800, height: 900 } });
  const src = (q) => `${server.base}embed.html${q}`;
  await host.setContent(`<iframe id="a" src="${src('?preset=random_init_variance&view=variance')}" width="760" height="420"></iframe>
    <iframe id="b" src="${src('?preset=causal_vs_bidirectional&view=similarity')}" width="760" height="420"></iframe>`);
  const frames = await Promise.all(['#a', '#b'].map(async (id) => (await host.$(id)).contentFrame()));
  for (const f of frames) await f.waitForSelector('body[data-analysis-ready="true"]', { state: 'attached', timeout: 60000 });
  assert.match(await frames[1].textContent('#panel-similarity .score'), /P_adj = 0\.0\d+/);
  await host.close();
});

test('pause holds training between chunks, resume continues, reset starts over', async () => {
  const { page, errors } = await open('?v=1&model.d_model=32&task.train_len=6&task.test_len=10&task.vocab_size=6&train.steps=100000');
  const step = () => page.evaluate(() => window.nopeApp.status.step);
  await page.click('#btn-train');
  await page.waitForFunction(() => window.nopeApp.status.step > 20);
  await page.click('#btn-pause');
  await page.waitForFunction(() => document.getElementById('btn-pause').textContent === 'Resume');
  await page.waitForTimeout(300);  // a chunk in flight may still land
  const held = await step();
  await page.waitForTimeout(700);
  assert.equal(await step(), held, 'training advanced while paused');
  await page.click('#btn-pause');
  await page.waitForFunction((h) => window.nopeApp.status.step > h + 10, held);
  await page.click('#btn-reset');
  await page.waitForFunction(() => window.nopeApp.status.step === 0 && !window.nopeApp.status.training);
  assert.equal(await page.textContent('#stat-step'), '0 / 100000');
  assert.deepEqual(errors, []);
  await page.close();
});
