// The lab's Probes, Similarity and Decay views show each measure beside its
// controls and nulls, and every analysis view says which inputs it measured:
// a model that trains is analysed on its task's own examples from step 0
// (as `nopelab analyze` does for a checkpoint), an untrained copy model on
// random tokens. Each view is axe-clean (no serious or critical violation).
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { artifacts, closeLab, openLab, repoRoot, watchErrors } from './browser.mjs';

let lab;
before(async () => { lab = await openLab(); });
after(() => closeLab(lab));

const AXE = path.join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js');
async function axeViolations(page, selector) {
  await page.addScriptTag({ path: AXE });
  const r = await page.evaluate(async (sel) => window.axe.run(document.querySelector(sel), { resultTypes: ['violations'] }), selector);
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}; ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

async function open(query) {
  const page = await lab.browser.newPage({ viewport: { width: 1400, height: 1000 }, bypassCSP: true });
  const errors = watchErrors(page);
  await page.goto(`${lab.server.base}index.html${query}`);
  await page.waitForSelector('body[data-analysis-ready="true"]', { state: 'attached', timeout: 60000 });
  return { page, errors };
}

const text = (page, sel) => page.textContent(sel);
const NUM = /^\d+\.\d{2,3}$/;

test('a model that trains is analysed on its task\'s examples from step 0; an untrained copy model on random tokens', async () => {
  const small = '?v=1&task.name=copy&task.train_len=8&task.test_len=8&model.d_model=32&train.warmup=1';
  let { page, errors } = await open(`${small}&train.steps=5`);
  assert.match(await text(page, '#panel-similarity .ba-input'), /^Input: 32 examples of the copy task, T = 17\./);
  await page.click('#btn-train');
  await page.waitForSelector('#panel-similarity .ba-figure[data-role=after][data-step="5"]', { timeout: 60000 });
  assert.match(await text(page, '#panel-similarity .ba-input'), /examples of the copy task.* Before and after see the same sequences/);
  assert.deepEqual(errors, []);
  await page.close();
  ({ page, errors } = await open(`${small}&train.steps=0`));
  assert.match(await text(page, '#panel-similarity .ba-input'), /^Input: 32 sequences of random tokens, T = 17\./);
  assert.deepEqual(errors, []);
  await page.close();
});

test('Probes, Similarity and Decay show their references and nulls, say their input, and are axe-clean', async () => {
  const { page, errors } = await open('?preset=random_init_adjacency');
  // Similarity: the score beside chance 2/T and the content null, in the text and the by-layer chart.
  await page.click('#tab-similarity');
  const score = await text(page, '#panel-similarity .score');
  const m = score.match(/P_adj = (0\.\d+) \(chance (0\.\d+); the tokens alone, no position, score (0\.\d+) on these inputs\)/);
  assert.ok(m, score);
  const input = await text(page, '#panel-similarity .ba-input');
  assert.match(input, /examples of the position task, T = \d+/);
  const T = Number(input.match(/T = (\d+)/)[1]);
  assert.equal(m[2], (2 / T).toFixed(3));
  assert.match(await text(page, '#panel-similarity .ba-table caption'), new RegExp(`chance ${m[2]}, content null ${m[3]}`));
  assert.deepEqual(await axeViolations(page, '#panel-similarity'), []);

  // Probes: every feature set's MAD by layer beside the landmark, predict-the-mean and random-guess references.
  await page.click('#tab-probes');
  await page.waitForSelector('#panel-probes .probe-table tbody tr');
  const rows = await page.$$eval('#panel-probes .probe-table tbody tr', (trs) => trs.map((r) => [...r.cells].map((c) => c.textContent)));
  assert.deepEqual(rows.slice(0, -3).map((r) => r[0]).sort(), ['cosine', 'cosine_first', 'cosine_past', 'hidden', 'variance']);
  assert.deepEqual(rows.slice(-3).map((r) => r[0]), ['token id alone (landmark)', 'predict the mean', 'random guess']);
  for (const r of rows) for (const v of r.slice(1)) assert.match(v, NUM, `${r[0]}: ${v}`);
  const layers = rows[0].length - 1;
  assert.equal(layers, await page.$$eval('#panel-probes select[aria-label=layer] option', (o) => o.length));
  // The figures the table shows are the analysis's own.
  const fromData = await page.evaluate(() => {
    const a = window.nopeApp?.analysis;
    return a ? a.meta.probes.filter((p) => p.site === window.nopeApp.sel.site && p.features === 'cosine_past').map((p) => p.mad) : null;
  });
  assert.ok(fromData?.length, 'the analysis has cosine_past probes');
  assert.deepEqual(rows.find((r) => r[0] === 'cosine_past').slice(1), fromData.map((v) => v.toFixed(3)));
  assert.match(await text(page, '#panel-probes .probe-note'), /cosine_past: references at or before t only.*Input: 32 examples of the position task/);
  assert.deepEqual(await axeViolations(page, '#panel-probes'), []);

  // Decay on the position task's examples: no theory line, and it says why.
  await page.click('#tab-decay');
  assert.match(await text(page, '#panel-decay .score'), /^No theory line here: .* on random tokens .*Input: 32 examples of the position task/);
  await page.click('#tab-variance');
  assert.match(await text(page, '#panel-variance .score'), /Input: 32 examples of the position task, T = \d+/);
  await page.click('#tab-probes');
  await page.screenshot({ path: path.join(artifacts, 'views-probes.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('Decay: on random tokens, the uniform-averaging line with its gap stated', async () => {
  const { page, errors } = await open('?v=1&task.name=copy&task.vocab_size=256&train.steps=0&view=decay');
  await page.selectOption('#panel-decay select[aria-label=site]', 'attn_out');
  const decay = await text(page, '#panel-decay .score');
  assert.match(decay, /^Dashed: what uniform causal averaging predicts for layer 0's attn_out \(ρ = \d\.\d{3}; √\(i\/j\) at ρ = 0\)\. Mean gap to the measured profile: \d\.\d{3}\. Input: 32 sequences of random tokens/, decay);
  const gap = await page.evaluate(() => window.nopeApp.analysis.site(0, 'attn_out').decay_theory_gap);
  assert.ok(decay.includes(`Mean gap to the measured profile: ${gap.toFixed(3)}.`), `${decay} vs ${gap}`);
  assert.deepEqual(await axeViolations(page, '#panel-decay'), []);
  await page.screenshot({ path: path.join(artifacts, 'views-decay.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});
