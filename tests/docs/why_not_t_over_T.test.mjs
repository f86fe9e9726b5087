// Experiment B (presets/sweep_why_not_t_over_T.json): the committed run
// (docs/data/sweep_why_not_t_over_T.json, `nopelab sweep --spec` of the
// preset) is the preset's own run, its `expect` holds on it, and every
// number in the docs/science.md section is one this data renders (the
// table rows are regenerated here and must appear verbatim).
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedBootstrap, cellValues } from '../../scripts/lib/seed_bootstrap.mjs';
import { sweepMeasure } from '../../scripts/lib/expect.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (p) => readFileSync(path.join(root, p), 'utf8');
const preset = JSON.parse(read('presets/sweep_why_not_t_over_T.json'));
const data = JSON.parse(read('docs/data/sweep_why_not_t_over_T.json'));
const science = read('docs/science.md');

export const HEADING = '### Why not t/(T−1) or the index t? (experiment B)';
export const MEASURES = ['token_acc_train', 'token_acc_train_prefix', 'token_acc_test', 'token_acc_test_prefix'];

const f3 = (x) => x.toFixed(3);
const interval = (b) => `${f3(b.mean)} [${f3(b.lo)}, ${f3(b.hi)}]`;

// One table row per encoding: mean [95% bootstrap interval] of each measure.
function rows() {
  return preset.sweep.axes[0].values.map((pe) => {
    const cells = MEASURES.map((m) => interval(seedBootstrap(cellValues(data, { 'model.pos_encoding': pe }, m))));
    return `| \`${pe}\` | ${cells.join(' | ')} |`;
  });
}

function section() {
  const start = science.indexOf(HEADING);
  assert.ok(start >= 0, `docs/science.md has no section "${HEADING}"`);
  const rest = science.slice(start + HEADING.length);
  const end = rest.search(/\n##+ /);
  return end < 0 ? rest : rest.slice(0, end);
}

test('the committed data is the preset\'s own sweep', () => {
  assert.deepEqual(data.spec.axes, preset.sweep.axes);
  assert.equal(data.spec.seeds, preset.sweep.seeds);
  for (const m of MEASURES) assert.ok(data.spec.measures.includes(m), m);
  const base = data.spec.base;
  for (const group of ['model', 'task', 'train'])
    for (const [k, v] of Object.entries(preset.config[group])) assert.deepEqual(base[group][k], v, `${group}.${k}`);
  for (const c of data.cells) for (const m of MEASURES) assert.equal(c.measures[m].n, preset.sweep.seeds, `${m} has every seed`);
});

test('the preset\'s expect holds on the committed data', () => {
  for (const e of preset.expect) {
    const v = sweepMeasure(e, data);
    assert.ok(v >= e.range[0] && v <= e.range[1], `${e.measure} ${JSON.stringify(e.cell)} = ${v} outside [${e.range}]`);
  }
});

test('the science section\'s table is the data\'s, and its prose quotes only the table', () => {
  const text = section();
  const want = rows();
  for (const r of want) assert.ok(text.includes(r), `docs/science.md lacks the row\n${r}`);
  // Every decimal in the section (prose included) is one of the table's.
  const allowed = new Set(want.join(' ').match(/\d+\.\d+/g));
  for (const x of text.match(/\d+\.\d+/g) ?? []) assert.ok(allowed.has(x), `${x} in the section is not a number of the run`);
});
