// The page's sweep spec helpers: ranges, the URL form, the CLI command and
// the per-cell CSV.
import test from 'node:test';
import assert from 'node:assert/strict';
import { defaults } from '../../web/js/settings.js';
import { axisField, buildSpec, defaultSweep, rangeValues, resultCsv, sweepCommand, sweepFromParams, sweepToParams } from '../../web/js/sweep_spec.js';

test('range helper: linear and log spacing, ints rounded and deduplicated', () => {
  assert.deepEqual(rangeValues({ from: 0, to: 1, count: 5 }), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(rangeValues({ from: 0.01, to: 1, count: 3, scale: 'log' }), [0.01, 0.1, 1]);
  assert.deepEqual(rangeValues({ from: 8, to: 256, count: 6, scale: 'log', type: 'int' }), [8, 16, 32, 64, 128, 256]);
  assert.deepEqual(rangeValues({ from: 1, to: 3, count: 9, type: 'int' }), [1, 2, 3]);
  assert.deepEqual(rangeValues({ from: 0, to: 1, count: 3, scale: 'log' }), [], 'log needs positive ends');
  assert.deepEqual(rangeValues({ from: 5, to: 9, count: 1 }), [5]);
});

test('axis fields: the settings (not the seed) plus analysis layer and site', () => {
  assert.equal(axisField('model.init.std').type, 'number');
  assert.equal(axisField('train.seed'), null);
  assert.deepEqual(axisField('analysis.site').values.includes('resid_post'), true);
  assert.equal(axisField('analysis.layer', { 'model.n_layers': 4 }).max, 3);
});

test('URL form round-trips a three-axis sweep with typed values', () => {
  const sweep = { axes: [{ path: 'model.init.std', values: [0.01, 0.1] }, { path: 'model.pos_encoding', values: ['none', 'rope'] },
    { path: 'model.bias', values: [true, false] }], seeds: 4, measures: ['adjacency', 'final_loss'], steps: 200, layer: 1, site: 'resid_post' };
  const q = new URLSearchParams(sweepToParams(sweep)).toString();
  const back = sweepFromParams(`?${q}`);
  assert.deepEqual(back.problems, []);
  assert.deepEqual(back.sweep, sweep);
  assert.equal(sweepFromParams('?v=1&model.d_model=32'), null, 'no sweep in the URL');
  assert.match(sweepFromParams('?sweep.axis0=model.nope=1,2').problems[0], /model\.nope/);
  assert.match(sweepFromParams('?sweep.axis0=model.d_model=32,x').problems[0], /not a number/);
  assert.deepEqual(sweepToParams(defaultSweep()), [], 'an empty sweep stays out of the URL');
});

test('spec and command: the settings are the base, train steps from the sweep', () => {
  const settings = { ...defaults(), 'model.d_model': 32, 'train.steps': 1000 };
  const sweep = { ...defaultSweep(), axes: [{ path: 'model.init.std', values: [0.01, 0.1] }], steps: 0 };
  const spec = buildSpec(settings, sweep);
  assert.equal(spec.format, 'nopelab-sweep');
  assert.equal(spec.base.model.d_model, 32);
  assert.equal(spec.base.train.steps, 0);
  assert.deepEqual(spec.analysis, { layer: 0, site: 'attn_out' });
  assert.equal(sweepCommand(settings, sweep),
    'nopelab sweep --set model.d_model=32 --set train.steps=0 --axis model.init.std=0.01,0.1 --seeds 3 ' +
    '--measures adjacency,variance_slope --layer 0 --site attn_out --out sweep.json');
});

test('CSV: one row per cell, mean/ci/n per measure, missing cells empty', () => {
  const result = {
    spec: { axes: [{ path: 'model.pos_encoding', values: ['none', 'rope'] }] },
    cells: [
      { cell: 0, values: { 'model.pos_encoding': 'none' }, measures: { adjacency: { mean: 0.9, ci: 0.01, n: 3, values: [] } } },
      { cell: 1, values: { 'model.pos_encoding': 'rope' }, measures: {} },
    ],
  };
  assert.equal(resultCsv(result), 'cell,model.pos_encoding,adjacency_mean,adjacency_ci,adjacency_n\n0,none,0.9,0.01,3\n1,rope,,,0');
});
