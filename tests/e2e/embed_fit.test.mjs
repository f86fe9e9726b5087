// The iframe embed fits its frame: at the README's size (720x520) and at a
// phone's (360x480) the similarity map and the adjacency read-out are wholly
// inside the frame, and the frame does not scroll. Screenshots go to
// test-artifacts/embed-<w>x<h>.png.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { artifacts, canvasInk, closeLab, openLab, watchErrors } from './browser.mjs';

let server, browser;
before(async () => ({ server, browser } = await openLab({ isolation: false })));
after(() => closeLab({ server, browser }));

for (const [width, height] of [[720, 520], [360, 480]]) {
  test(`embed.html fits a ${width}x${height} frame`, async () => {
    const page = await browser.newPage({ viewport: { width, height } });
    const errors = watchErrors(page);
    await page.goto(`${server.base}embed.html?v=1&preset=random_init_adjacency&view=similarity`);
    await page.waitForSelector('body[data-analysis-ready="true"]', { state: 'attached', timeout: 60000 });
    await page.waitForFunction(() => /P_adj = /.test(document.querySelector('#panel-similarity .score')?.textContent || ''));
    const box = await page.evaluate(() => {
      const r = (sel) => {
        const e = document.querySelector(sel);
        const b = e.getBoundingClientRect();
        return { top: b.top, left: b.left, bottom: b.bottom, right: b.right, width: b.width, height: b.height };
      };
      return {
        map: r('#panel-similarity .heatmap-canvas'),
        score: r('#panel-similarity .score'),
        bar: r('#panel-similarity .colorbar-box'),
        scrollW: document.documentElement.scrollWidth, scrollH: document.documentElement.scrollHeight,
        w: innerWidth, h: innerHeight,
      };
    });
    await page.screenshot({ path: path.join(artifacts, `embed-${width}x${height}.png`) });
    for (const name of ['map', 'score', 'bar']) {
      const b = box[name];
      assert.ok(b.width > 0 && b.height > 0, `${name} is not shown`);
      assert.ok(b.top >= 0 && b.left >= 0 && b.bottom <= box.h + 0.5 && b.right <= box.w + 0.5,
        `${name} ${JSON.stringify(b)} is outside the ${box.w}x${box.h} frame`);
    }
    assert.ok(box.map.width >= Math.min(200, width * 0.5), `the map is only ${box.map.width} px wide`);
    assert.ok(box.scrollW <= box.w && box.scrollH <= box.h, `the frame scrolls: content ${box.scrollW}x${box.scrollH}`);
    assert.ok((await canvasInk(page, '#panel-similarity .heatmap-canvas')) > 0.9);
    assert.deepEqual(errors, []);
    await page.close();
  });
}
