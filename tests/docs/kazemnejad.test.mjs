// docs/science.md's Kazemnejad et al. verdict row and section, and README's
// row, quote the --long runs: every number they state must appear in the
// tables those runs printed (docs/results/results.md's long section, the
// 4-layer grid, and docs/results/long_search.md: the recipe search, the
// 2-layer grid, NoPE against ALiBi on add). The verdicts follow
// scripts/lib/long_verdict.mjs.
import test from 'node:test';
import assert from 'node:assert/strict';
import { read, between } from './doc_text.mjs';

const results = read('docs/results/results.md');
const runs = between(results, '<!-- section: long -->', '<!-- /section: long -->') + read('docs/results/long_search.md');
// Intervals "m [lo, hi]" and seed counts "k/3" as the run tables print them.
const quoted = (text) => [...text.matchAll(/\d\.\d\d \[\d\.\d\d, \d\.\d\d\]|\b\d\/3\b/g)].map((m) => m[0]);

const science = read('docs/science.md');
const cases = {
  'science.md verdict row': science.split('\n').find((l) => l.startsWith('| NoPE generalises to longer inputs best (Kazemnejad')),
  'science.md section': between(science, '### Kazemnejad et al. 2023', '### '),
  'README row': read('README.md').split('\n').find((l) => l.startsWith('| NoPE generalises to longer inputs best (Kazemnejad')),
};

for (const [name, text] of Object.entries(cases)) {
  test(`${name}: every interval and seed count is one the --long runs printed`, () => {
    assert.ok(text, `${name} is missing`);
    const numbers = quoted(text);
    assert.ok(numbers.length >= 2, `${name} quotes no run numbers`);
    for (const n of numbers) assert.ok(runs.includes(n), `${name} states "${n}", which no --long table has`);
  });
}

test('the 4-layer grid has the rows the verdicts compare, and its verdict lines say what the docs say', () => {
  const grid = between(results, '<!-- section: long -->', '<!-- /section: long -->');
  assert.match(grid, /d_model 64, 4 layers/);
  assert.match(grid, /\| copy \| none \| 3\/3 \|.*\| 0\.85 \[0\.81, 0\.89\] \|$/m);
  assert.match(grid, /\| copy \| alibi \| 3\/3 \|.*\| 0\.98 \[0\.96, 1\.00\] \|$/m);
  assert.match(grid, /\| reverse \| none \| 3\/3 \|.*\| 0\.85 \[0\.79, 0\.91\] \|$/m);
  assert.match(grid, /^- copy: \*\*✘\*\*/m);
  assert.match(grid, /^- reverse: \*\*✔\*\*/m);
  // Add ran for NoPE and ALiBi only (long_search.md), and neither is competent.
  const search = read('docs/results/long_search.md');
  assert.match(search, /\| add \| none \| 0\/3 \|/);
  assert.match(search, /\| add \| alibi \| 0\/3 \|/);
  assert.match(search, /^- add: \*\*inconclusive at this scale\*\*/m);
  const row = cases['science.md verdict row'];
  assert.match(row, /✘ on copy .*✔ on reverse .*inconclusive on add/);
});
