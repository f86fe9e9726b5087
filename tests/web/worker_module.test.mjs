// The pool against the real web/worker.js and wasm module (tests/web/
// vm_worker.mjs): the protocol's sweep kinds and results independent of the
// number of workers. (A wasm run equal to the native `nopelab sweep` record
// is tests/wasm/sweep.test.mjs; the page's command reproducing the page's
// numbers is tests/e2e/sweep.test.mjs.)
import test from 'node:test';
import assert from 'node:assert/strict';
import { WorkerPool } from '../../web/js/pool.js';
import { planSweep, runSweep } from '../../web/js/experiments.js';
import { vmWorkerFactory } from './vm_worker.mjs';

const createWorker = vmWorkerFactory();

// Small and quick, but every kind of value: a config axis, an analysis axis,
// seeds, a probe measure and training (so accuracy and loss are measured).
const spec = {
  format: 'nopelab-sweep', version: 1,
  base: { model: { d_model: 32, n_layers: 2, n_heads: 2, d_ff: 64 }, task: { name: 'copy', train_len: 6, test_len: 8, vocab_size: 8 },
    train: { steps: 3, batch_size: 4, warmup: 0, seed: 11 } },
  axes: [{ path: 'model.init.std', values: [0.02, 0.2] }, { path: 'analysis.site', values: ['attn_out', 'resid_post'] }],
  seeds: 2,
  measures: ['adjacency', 'variance_slope', 'probe_mad_cosine', 'final_loss', 'seq_acc_test'],
  analysis: { layer: 1, batch: 8 },
  eval: { examples: 16 },
};

test('sweepPlan validates before anything runs; errors are data', async () => {
  const pool = new WorkerPool({ size: 1, createWorker });
  const plan = await planSweep(pool, spec);
  assert.equal(plan.ok, true, plan.error);
  assert.equal(plan.runs, 8);
  assert.equal(plan.cells, 4);
  assert.deepEqual(plan.axes.map((a) => a.path), ['model.init.std', 'analysis.site']);
  const bad = await planSweep(pool, { ...spec, axes: [{ path: 'model.d_model', values: [32, 100000] }] });
  assert.equal(bad.ok, false);
  assert.match(bad.error, /model\.d_model/);
  await assert.rejects(pool.call('sweepRun', { spec, run: 99 }), /run/);
  assert.equal(pool.crashes, 0);
  pool.terminate();
});

test('the real worker gives the same sweep with 1 and 2 workers', async () => {
  const out = [];
  for (const size of [1, 2]) {
    const pool = new WorkerPool({ size, createWorker });
    const plan = await planSweep(pool, spec);
    const r = await runSweep(pool, plan);
    assert.deepEqual(r.failures, []);
    const strip = (rec) => ({ ...rec, seconds: 0 });
    out.push({ runs: r.result.runs.map(strip), cells: r.result.cells });
    pool.terminate();
  }
  assert.deepEqual(out[1], out[0]);
  assert.equal(out[0].runs.length, 8);
  for (const m of spec.measures) assert.ok(out[0].runs.every((r) => m in r.values), m);
});
