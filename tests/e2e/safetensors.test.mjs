// The page's checkpoint buttons with safetensors in headless Chromium: the
// .safetensors Download is a file the native CLI reads (same step and
// config), and the Upload takes it back, as well as a file written by
// `nopelab export` for another architecture (its settings appear).
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { artifacts, closeLab, openLab, repoRoot, watchErrors } from './browser.mjs';

const nopelab = process.env.NOPELAB || path.join(repoRoot, 'build', 'nopelab');
let server, browser;
before(async () => ({ server, browser } = await openLab()));
after(() => closeLab({ server, browser }));

async function open(query = '') {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  const errors = watchErrors(page);
  await page.goto(`${server.base}index.html${query}`);
  await page.waitForSelector('body[data-analysis-ready="true"]', { state: 'attached', timeout: 60000 });
  return { page, errors };
}

const small = '?v=1&model.d_model=32&task.train_len=6&task.test_len=10&task.vocab_size=6&train.steps=40&train.warmup=5';

test('Download .safetensors, read it natively, Upload it and a native export', async () => {
  const { page, errors } = await open(small);
  await page.click('#btn-step');
  await page.waitForFunction(() => document.getElementById('stat-step').textContent.startsWith('1 /'));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#btn-ckpt-save-st')]);
  assert.equal(download.suggestedFilename(), 'nopelab-step1.safetensors');
  const file = path.join(artifacts, 'page.safetensors');
  await download.saveAs(file);
  const bytes = readFileSync(file);
  assert.equal(bytes[8], 0x7b);
  const native = JSON.parse(execFileSync(nopelab, ['eval', '--checkpoint', file, '--length', '6', '--examples', '8'], { encoding: 'utf8' }));
  assert.equal(native.step, 1);

  // A different architecture exported natively: the page takes its settings.
  const ck = path.join(artifacts, 'rope.json');
  const st = path.join(artifacts, 'rope.safetensors');
  execFileSync(nopelab, ['train', '--set', 'model.d_model=16', '--set', 'model.n_heads=2', '--set', 'model.n_layers=1',
    '--set', 'model.d_ff=32', '--set', 'model.pos_encoding=rope', '--set', 'task.train_len=4', '--set', 'task.test_len=6',
    '--steps', '2', '--quiet', '--out', ck]);
  execFileSync(nopelab, ['export', '--checkpoint', ck, '--out', st]);
  await page.setInputFiles('#ckpt-file', st);
  await page.waitForFunction(() => document.getElementById('stat-step').textContent.startsWith('2 /'), null, { timeout: 60000 });
  const url = await page.evaluate(() => location.search);
  assert.match(url, /pos_encoding=rope/);

  await page.setInputFiles('#ckpt-file', file);
  await page.waitForFunction(() => document.getElementById('stat-step').textContent.startsWith('1 /'), null, { timeout: 60000 });
  assert.doesNotMatch(await page.evaluate(() => location.search), /pos_encoding=rope/);

  const bad = path.join(artifacts, 'truncated.safetensors');
  writeFileSync(bad, bytes.subarray(0, 64));
  await page.setInputFiles('#ckpt-file', bad);
  await page.waitForSelector('#error:not([hidden])');
  assert.match(await page.textContent('#error'), /Could not load truncated\.safetensors: safetensors: truncated/);
  assert.deepEqual(errors, []);
  await page.close();
});
