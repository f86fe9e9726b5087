// explain.html does not move under its reader: every figure holds the room
// it will take before it paints (its panel's height by view and width, the
// prose numbers' width), loads a screen before it scrolls into view, and
// never shrinks at one width. A reader walks the page figure by figure, at a
// desktop and a phone width, waiting at each until it has painted (and
// trained a step); the layout shifts of the page's own content (the
// 'layout-shift' entries whose sources are outside the figures' shadow
// roots) must add up to under 0.005, and no figure's top may move once it
// has been on screen. Changes inside a figure the reader is looking at (a
// map appearing beside another after training) are the figure, not a shift.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { artifacts, closeLab, openLab, watchErrors } from './browser.mjs';

let lab;
before(async () => { lab = await openLab(); });
after(() => closeLab(lab));

const SHIFT_LIMIT = 0.005;
const MOVE_PX = 1;

for (const [width, height] of [[1100, 900], [390, 844]]) {
  test(`explain.html at ${width}x${height}: no layout shift of the page as its figures paint`, async () => {
    const page = await lab.browser.newPage({ viewport: { width, height } });
    const errors = watchErrors(page);
    await page.addInitScript(() => {
      window.pageShifts = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          const nodes = e.sources.map((s) => s.node).filter(Boolean);
          if (nodes.length) {
            window.pageShifts.push({ value: e.value, at: Math.round(e.startTime),
              nodes: nodes.map((n) => (n.id ? `#${n.id}` : n.nodeName)).join(' ') });
          }
        }
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await page.goto(`${lab.server.base}explain.html`);
    const ids = await page.$$eval('nope-figure', (fs) => fs.map((f) => f.id));
    const tops = () => page.$$eval('nope-figure', (fs) => fs.map((f) => f.getBoundingClientRect().top + scrollY));
    const seen = new Map();  // figure -> its document top when first on screen
    for (const id of ids) {
      await page.$eval(`#${id}`, (f) => f.scrollIntoView({ block: 'start' }));
      const now = await tops();
      ids.forEach((other, k) => { if (!seen.has(other) && k <= ids.indexOf(id)) seen.set(other, now[k]); });
      await page.waitForFunction((fid) => {
        const f = document.getElementById(fid);
        return f.dataset.state === 'done' || (f.dataset.state === 'training' && f.values?.step > 0);
      }, id, { timeout: 120000 });
      await page.waitForTimeout(300);
    }
    const end = await tops();
    const moved = ids.filter((id, k) => Math.abs(end[k] - seen.get(id)) > MOVE_PX)
      .map((id) => `${id} ${seen.get(id).toFixed(0)} -> ${end[ids.indexOf(id)].toFixed(0)}`);
    const shifts = await page.evaluate(() => window.pageShifts);
    const total = shifts.reduce((s, e) => s + e.value, 0);
    await page.screenshot({ path: path.join(artifacts, `explain-layout-${width}.png`) });
    assert.deepEqual(moved, [], 'figures moved after they had been on screen');
    assert.ok(total < SHIFT_LIMIT, `layout shift of the page ${total.toFixed(4)}: ${JSON.stringify(shifts)}`);
    assert.deepEqual(errors, []);
    await page.close();
  });
}
