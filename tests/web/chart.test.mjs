// The chart rules the page and the docs' figures share (web/js/chart.js).
import test from 'node:test';
import assert from 'node:assert/strict';
import { viridis, cssColor, wantsLogScale, LOG_SCALE_RATIO, median, escapeXml } from '../../web/js/chart.js';

test('viridis runs from dark purple to yellow and clamps outside [0, 1]', () => {
  assert.deepEqual(viridis(0), [68, 1, 84]);
  assert.deepEqual(viridis(1), [253, 231, 37]);
  assert.deepEqual(viridis(-3), viridis(0));
  assert.deepEqual(viridis(NaN), viridis(0));
  assert.equal(cssColor(1), 'rgb(253,231,37)');
});

test('one log-scale rule: positive numbers spanning the ratio or more', () => {
  assert.equal(wantsLogScale([1, LOG_SCALE_RATIO]), true);
  assert.equal(wantsLogScale([0.01, 0.02, 0.05, 0.1]), true);
  assert.equal(wantsLogScale([32, 64, 128]), false);
  assert.equal(wantsLogScale([0, 1, 100]), false);
  assert.equal(wantsLogScale(['none', 'rope']), false);
  assert.equal(wantsLogScale([]), false);
});

test('median: the middle value (the upper one of an even count), undefined left out', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 3);
  assert.equal(median([undefined, 5, 1, 9]), 5);
  assert.equal(median([]), undefined);
  const xs = [2, 1];
  median(xs);
  assert.deepEqual(xs, [2, 1], 'the input is not reordered');
});

test('escapeXml escapes markup', () => {
  assert.equal(escapeXml('a < b & c > d'), 'a &lt; b &amp; c &gt; d');
  assert.equal(escapeXml(0.5), '0.5');
});
