// docs/science.md's Kazemnejad et al. verdict row and section, and README's
// row, quote the --long runs: every number they state must appear in the
// tables those runs printed (docs/results/results.md's long section, the
// 2-layer grid, and docs/results/long_search.md, the recipe search and the
// 4-layer follow-up). The verdict itself follows scripts/lib/long_verdict.mjs.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (p) => readFileSync(path.join(root, p), 'utf8');

function between(text, start, end) {
  const a = text.indexOf(start);
  assert.ok(a >= 0, `no "${start}"`);
  const b = text.indexOf(end, a + start.length);
  assert.ok(b > a, `no "${end}" after "${start}"`);
  return text.slice(a, b);
}

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

test('the 4-layer follow-up table has the rows the verdict compares', () => {
  const search = read('docs/results/long_search.md');
  assert.match(search, /\| copy \| none \| 3\/3 \|.*\| 0\.85 \[0\.81, 0\.89\] \|$/m);
  assert.match(search, /\| copy \| alibi \| 3\/3 \|.*\| 0\.98 \[0\.96, 1\.00\] \|$/m);
});
