// The wasm sweep functions (sweepPlan / sweepRun / sweepSummarize): a run in
// the module gives the native `nopelab sweep` record within 1e-6, the plan
// and summary have the documented shapes, and every bad input comes back as
// {ok: false, error} instead of aborting the module.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadNopeLab, repoRoot } from './load_module.mjs';

const nopelab = process.env.NOPELAB || path.join(repoRoot, 'build', 'nopelab');
const lab = await loadNopeLab();
const work = mkdtempSync(path.join(tmpdir(), 'nope-sweep-'));

const spec = {
  format: 'nopelab-sweep',
  version: 1,
  base: {
    model: { d_model: 32, n_heads: 4, n_layers: 2, d_ff: 64 },
    task: { name: 'position', train_len: 15, test_len: 15, vocab_size: 64 },
    train: { steps: 0, warmup: 0, seed: 3 },
  },
  axes: [
    { path: 'model.init.std', values: [0.02, 0.2] },
    { path: 'model.attention', values: ['causal', 'bidirectional'] },
  ],
  seeds: 2,
  measures: ['adjacency', 'variance_slope', 'probe_mad_variance'],
  analysis: { layer: 1, site: 'resid_post', batch: 16 },
};
const specText = JSON.stringify(spec);

function close(a, b, what) {
  if (a === null || b === null) return assert.equal(a, b, what);
  assert.ok(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)), `${what}: wasm ${a} vs native ${b}`);
}

test('sweepPlan: normalised spec, counts, axes', () => {
  const plan = lab.sweepPlan(specText);
  assert.equal(plan.ok, true, plan.error);
  assert.equal(plan.runs, 8);
  assert.equal(plan.cells, 4);
  assert.deepEqual(plan.axes, spec.axes);
  assert.equal(plan.spec.base.model.pos_encoding, 'none');  // defaults filled in
  assert.deepEqual(plan.spec.analysis, { layer: 1, site: 'resid_post', batch: 16, length: 0, input: 'random' });
  assert.equal(plan.spec.max_runs, 5000);
  // A preset carrying a sweep is accepted as well.
  const preset = { id: 'p', config: spec.base, sweep: { axes: spec.axes, seeds: 2 } };
  const fromPreset = lab.sweepPlan(JSON.stringify(preset));
  assert.equal(fromPreset.ok, true, fromPreset.error);
  assert.equal(fromPreset.runs, 8);
});

test('sweepRun equals native nopelab sweep records within 1e-6', { skip: !existsSync(nopelab) && `no native build at ${nopelab}` }, () => {
  const specPath = path.join(work, 'spec.json');
  const outPath = path.join(work, 'out.json');
  writeFileSync(specPath, specText);
  execFileSync(nopelab, ['sweep', '--spec', specPath, '--jobs', '1', '--quiet', '--out', outPath]);
  const native = JSON.parse(readFileSync(outPath, 'utf8'));
  const plan = lab.sweepPlan(specText);
  assert.deepEqual(plan.spec, native.spec);

  const records = [];
  for (let run = 0; run < plan.runs; run++) {
    const r = lab.sweepRun(specText, run);
    assert.equal(r.ok, true, r.error);
    records.push(r.record);
    const n = native.runs[run];
    for (const key of ['run', 'cell', 'seed_index', 'seed']) assert.equal(r.record[key], n[key], key);
    assert.deepEqual(r.record.cell_values, n.cell_values);
    assert.deepEqual(Object.keys(r.record.values).sort(), Object.keys(n.values).sort());
    for (const [k, v] of Object.entries(n.values)) close(r.record.values[k], v, `run ${run} ${k}`);
    assert.ok(r.record.seconds >= 0);
  }

  const sum = lab.sweepSummarize(specText, JSON.stringify(records));
  assert.equal(sum.ok, true, sum.error);
  assert.equal(sum.result.format, 'nopelab-sweep-result');
  assert.equal(sum.result.interval, native.interval);
  assert.equal(sum.result.cells.length, native.cells.length);
  for (const [i, cell] of native.cells.entries()) {
    const mine = sum.result.cells[i];
    assert.deepEqual(mine.values, cell.values);
    for (const [k, m] of Object.entries(cell.measures)) {
      assert.equal(mine.measures[k].n, m.n);
      close(mine.measures[k].mean, m.mean, `cell ${i} ${k} mean`);
      close(mine.measures[k].ci, m.ci, `cell ${i} ${k} ci`);
    }
  }
});

test('sweepSummarize with missing runs reports n < K and null seeds', () => {
  const records = [0, 1, 2].map((run) => lab.sweepRun(specText, run).record);
  const sum = lab.sweepSummarize(specText, JSON.stringify([records[2], records[0], records[1]]));
  assert.equal(sum.ok, true, sum.error);
  assert.deepEqual(sum.result.runs.map((r) => r.run), [0, 1, 2]);
  assert.equal(sum.result.cells[0].measures.adjacency.n, 2);
  assert.equal(sum.result.cells[1].measures.adjacency.n, 1);
  assert.equal(sum.result.cells[1].measures.adjacency.values[1], null);
  assert.equal(sum.result.cells[3].measures.adjacency.n, 0);
  assert.equal(sum.result.cells[3].measures.adjacency.mean, null);
  assert.deepEqual(sum.result.shard, { index: 0, count: 1 });
});

test('sweep functions return errors as values', () => {
  const bad = (s) => JSON.stringify({ ...spec, ...s });
  const cases = [
    [lab.sweepPlan('{'), /sweep spec is not valid JSON/],
    [lab.sweepPlan('[]'), /must be a JSON object/],
    [lab.sweepPlan(bad({ axes: [{ path: 'model.colour', values: [1] }] })), /axes\[0\] \(model\.colour\): unknown path/],
    [lab.sweepPlan(bad({ axes: [{ path: 'model.init.std', values: [-1] }] })), /value -1: model\.init\.std = -1 is out of range/],
    [lab.sweepPlan(bad({ axes: [{ path: 'model.init.std', values: [] }] })), /is empty/],
    [lab.sweepPlan(bad({ max_runs: 7 })), /8 runs \(4 cells x 2 seeds\), more than max_runs = 7/],
    [lab.sweepPlan(bad({ measures: ['speed'] })), /measures has "speed"/],
    [lab.sweepPlan(bad({ analysis: { layer: 2 } })), /analysis\.layer = 2 but model\.n_layers = 2/],
    [lab.sweepRun(specText, 8), /run 8 is out of range \[0, 7\]/],
    [lab.sweepRun(specText, -1), /out of range/],
    [lab.sweepRun('{"axes": 3}', 0), /axes must be/],
    [lab.sweepSummarize(specText, '{}'), /records must be a JSON array/],
    [lab.sweepSummarize(specText, 'nope'), /records is not valid JSON/],
    [lab.sweepSummarize(specText, '[{"run": 0, "cell": 0, "seed_index": 0, "values": {}}, {"run": 0, "cell": 0, "seed_index": 0, "values": {}}]'), /run 0 appears twice/],
    [lab.sweepSummarize(specText, '[{"run": 1, "cell": 1, "seed_index": 1, "values": {}}]'), /must have cell 0/],
  ];
  for (const [r, re] of cases) {
    assert.equal(r.ok, false);
    assert.match(r.error, re);
  }
  // The module still works after every error.
  assert.equal(lab.sweepRun(specText, 0).ok, true);
});
