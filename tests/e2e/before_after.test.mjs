// The Similarity view's before | after: a trained preset (few steps) shows the
// untrained model's map beside the trained one on one colour scale, with the
// adjacency score by layer for both; reset drops the snapshot; a model that
// trains, and lm and position always, are analysed on task examples.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { artifacts, canvasInk, closeLab, openLab, watchErrors } from './browser.mjs';

let server, browser;
before(async () => ({ server, browser } = await openLab()));
after(() => closeLab({ server, browser }));

async function open(query) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = watchErrors(page);
  await page.goto(`${server.base}index.html${query}`);
  await page.waitForSelector('body[data-analysis-ready="true"]', { state: 'attached', timeout: 60000 });
  return { page, errors };
}

const figure = (role) => `#panel-similarity .ba-figure[data-role=${role}]`;
// The colour range a heatmap drew with, from its accessible label.
const rangeOf = (page, role) => page.getAttribute(`${figure(role)} .heatmap-canvas`, 'aria-label').then((s) => s.match(/from (\S+) to (\S+)$/).slice(1));

test('trained preset: before (step 0) | after, same colour scale, score table by layer; reset starts over', async () => {
  const { page, errors } = await open('?preset=trained_copy_adjacency&train.steps=200');
  // Untrained: one map, the model itself at step 0.
  assert.equal(await page.getAttribute('#panel-similarity .ba-figure:not([hidden])', 'data-step'), '0');
  assert.equal(await page.$$eval('#panel-similarity .ba-figure:not([hidden])', (fs) => fs.length), 1);
  await page.click('#btn-train');
  await page.waitForFunction(() => document.getElementById('stat-step').textContent.startsWith('200 /'), null, { timeout: 60000 });
  await page.waitForFunction(() => !document.getElementById('btn-train').disabled);
  await page.waitForSelector(`${figure('after')}[data-step="200"]`);

  assert.match(await page.textContent(`${figure('before')} .ba-title`), /before training: step 0$/);
  assert.match(await page.textContent(`${figure('after')} .ba-title`), /after training: step 200$/);
  for (const role of ['before', 'after']) {
    assert.ok((await canvasInk(page, `${figure(role)} .heatmap-canvas`)) > 0.9, `${role} map is blank`);
    assert.match(await page.textContent(`${figure(role)} .ba-caption`), /^layer 0 attn_out: P_adj 0\.\d{3} vs chance 0\.\d{3}, content null 0\.\d{3}$/);
  }
  assert.deepEqual(await rangeOf(page, 'before'), await rangeOf(page, 'after'));
  // A model that trains is analysed on its task's examples, before and after alike.
  assert.match(await page.textContent('#panel-similarity .ba-input'), /32 examples of the copy task, T = 17\. Before and after see the same sequences/);

  // Two layers x (attn_out, resid_post) x (before, after), all numbers.
  const cells = await page.$$eval('#panel-similarity .ba-table tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
  assert.equal(cells.length, 2);
  for (const row of cells) {
    assert.equal(row.length, 5);
    for (const v of row.slice(1)) assert.match(v, /^\d\.\d{3}$/);
  }
  assert.deepEqual(await page.$$eval('#panel-similarity .ba-table thead tr:nth-child(2) th', (ths) => ths.map((t) => t.textContent)),
    ['step 0', 'step 200', 'step 0', 'step 200']);

  // Another layer and site: both maps follow the selection.
  await page.selectOption('#panel-similarity select[aria-label=layer]', '1');
  await page.selectOption('#panel-similarity select[aria-label=site]', 'resid_post');
  assert.match(await page.textContent(`${figure('before')} .ba-caption`), /^layer 1 resid_post: /);
  assert.match(await page.textContent(`${figure('after')} .ba-caption`), /^layer 1 resid_post: /);
  await page.screenshot({ path: path.join(artifacts, 'similarity-before-after.png'), fullPage: true });

  // Reset: a new untrained model, no stale snapshot.
  await page.click('#btn-reset');
  await page.waitForFunction(() => document.getElementById('stat-step').textContent.startsWith('0 /'));
  await page.waitForFunction(() => document.querySelectorAll('#panel-similarity .ba-figure:not([hidden])').length === 1);
  assert.equal(await page.getAttribute('#panel-similarity .ba-figure:not([hidden])', 'data-role'), 'current');
  assert.deepEqual(errors, []);
  await page.close();
});

test('lm and position are analysed on task examples, and the caption says so', async () => {
  for (const task of ['position', 'lm']) {
    const { page, errors } = await open(`?v=1&task.name=${task}&task.train_len=8&task.test_len=8&model.d_model=32&train.steps=5&train.warmup=1`);
    assert.match(await page.textContent('#panel-similarity .ba-input'), new RegExp(`examples of the ${task} task`));
    await page.click('#btn-train');
    await page.waitForFunction(() => document.getElementById('stat-step').textContent.startsWith('5 /'), null, { timeout: 60000 });
    await page.waitForSelector(`${figure('after')}[data-step="5"]`);
    assert.ok((await canvasInk(page, `${figure('before')} .heatmap-canvas`)) > 0.9);
    assert.ok((await canvasInk(page, `${figure('after')} .heatmap-canvas`)) > 0.9);
    assert.deepEqual(errors, []);
    await page.close();
  }
});
