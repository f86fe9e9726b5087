// Accessibility: axe-core (node_modules/axe-core) on the lab, the embed and
// the explanation page once they have drawn: no serious or critical
// violations. Also: every figure control is reachable with the keyboard.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { closeLab, openLab, repoRoot, watchErrors } from './browser.mjs';

let server, browser;
before(async () => ({ server, browser } = await openLab()));
after(() => closeLab({ server, browser }));

const AXE = path.join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js');

async function axeViolations(page) {
  await page.addScriptTag({ path: AXE });
  const r = await page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}; ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

// The site's CSP allows no inline script; axe is injected as one, so the
// test page bypasses the CSP (the pages themselves run under it elsewhere).
const openPage = (viewport) => browser.newPage({ viewport, bypassCSP: true });

test('axe: index.html has no serious or critical violations', async () => {
  const page = await openPage({ width: 1400, height: 1000 });
  const errors = watchErrors(page);
  await page.goto(`${server.base}index.html`);
  await page.waitForSelector('body[data-analysis-ready="true"]', { state: 'attached', timeout: 60000 });
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('axe: embed.html has no serious or critical violations', async () => {
  const page = await openPage({ width: 720, height: 520 });
  const errors = watchErrors(page);
  await page.goto(`${server.base}embed.html?v=1&preset=random_init_adjacency&view=similarity`);
  await page.waitForSelector('body[data-analysis-ready="true"]', { state: 'attached', timeout: 60000 });
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('axe: explain.html has no serious or critical violations; figure controls take the keyboard', async () => {
  const page = await openPage({ width: 1100, height: 900 });
  const errors = watchErrors(page);
  await page.goto(`${server.base}explain.html`);
  for (const id of ['fig-attention', 'fig-variance', 'fig-similarity']) {
    await page.$eval(`#${id}`, (f) => f.scrollIntoView({ block: 'center' }));
    await page.waitForFunction((fid) => document.getElementById(fid).dataset.state === 'done', id, { timeout: 30000 });
  }
  assert.deepEqual(await axeViolations(page), []);
  // Keyboard: focus the variance figure's σ control and change it with the arrow keys.
  const sigma = page.locator('#fig-variance select[aria-label="init std (σ)"]');
  await sigma.focus();
  const before = await sigma.inputValue();
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction((b) => document.getElementById('fig-variance').getAttribute('model.init.std') !== b, before);
  await page.waitForFunction(() => document.getElementById('fig-variance').dataset.state === 'done');
  assert.deepEqual(errors, []);
  await page.close();
});

test('prefers-reduced-motion: a training figure shows its result, not every frame on the way', async () => {
  const page = await openPage({ width: 1100, height: 900 });
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const errors = watchErrors(page);
  await page.goto(`${server.base}explain.html`);
  await page.$eval('#fig-trained', (f) => f.scrollIntoView({ block: 'center' }));
  await page.waitForFunction(() => document.getElementById('fig-trained').shadowRoot.querySelector('progress').value > 0, null, { timeout: 30000 });
  await page.waitForTimeout(3000);  // longer than the repaint interval
  const r = await page.$eval('#fig-trained', (f) => ({ trained: f.shadowRoot.querySelector('progress').value, shown: f.values.step }));
  assert.ok(r.trained > 0);
  assert.equal(r.shown, 0, `repainted at step ${r.shown} while training under reduced motion`);
  assert.deepEqual(errors, []);
  await page.close();
});
