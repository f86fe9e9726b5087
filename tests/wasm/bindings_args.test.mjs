// Every count the module takes is checked by the core (core/api.h), not
// cast by embind: fractions, huge values, NaN, strings and missing
// arguments are error values naming the argument, and the module keeps
// working after each.
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadNopeLab } from './load_module.mjs';

const lab = await loadNopeLab();
const cfg = JSON.stringify({
  model: { d_model: 16, n_heads: 2, n_layers: 1, d_ff: 32 },
  task: { name: 'copy', train_len: 4, test_len: 5, vocab_size: 4 },
  train: { steps: 10, batch_size: 4, warmup: 0, seed: 3 },
});
const BAD = [2.5, 1e12, NaN, '3', undefined, null, {}];

function refused(r, re, what) {
  assert.equal(r.ok, false, `${what} was accepted`);
  assert.match(r.error, re, what);
}

test('integer arguments: 2.5, 1e12, NaN, strings and missing values are errors, not truncated', () => {
  const s = new lab.Session();
  assert.equal(s.create(cfg).ok, true);
  for (const v of BAD) {
    refused(s.step(v), /^step count (must be an integer|= .* is out of range)/, `step(${String(v)})`);
    refused(s.evaluate(v, 8), /^length /, `evaluate(${String(v)}, 8)`);
    refused(s.evaluate(4, v), /^examples /, `evaluate(4, ${String(v)})`);
    refused(lab.benchTraining(v, 1), /^benchTraining model/, `benchTraining(${String(v)}, 1)`);
    refused(lab.benchTraining(0, v), /^benchTraining steps/, `benchTraining(0, ${String(v)})`);
    refused(lab.benchAnalysis(v), /^benchAnalysis repeats/, `benchAnalysis(${String(v)})`);
    refused(lab.setThreads(v), /^setThreads: n/, `setThreads(${String(v)})`);
  }
  assert.match(s.step(2.5).error, /step count must be an integer, got 2\.5/);
  assert.match(s.step(1e12).error, /out of range \[1, 100000\]/);
  // After every refusal the session still trains, from step 0.
  const m = s.step(2);
  assert.equal(m.ok, true, m.error);
  assert.equal(m.step, 2);
});

test('sweepRun refuses a fractional or huge run index', () => {
  const spec = JSON.stringify({ base: JSON.parse(cfg), axes: [{ path: 'model.init.std', values: [0.02, 0.2] }],
    measures: ['adjacency'], analysis: { batch: 4 } });
  assert.equal(lab.sweepPlan(spec).ok, true);
  refused(lab.sweepRun(spec, 0.5), /^run must be an integer, got 0\.5/, 'sweepRun(0.5)');
  refused(lab.sweepRun(spec, 1e12), /out of range/, 'sweepRun(1e12)');
  refused(lab.sweepRun(spec, '1'), /^run must be an integer/, "sweepRun('1')");
  assert.equal(lab.sweepRun(spec, 1).ok, true);
});

test('text arguments that are not strings are errors too', () => {
  const s = new lab.Session();
  refused(s.create(42), /config must be JSON text/, 'create(42)');
  refused(lab.validateConfig(undefined), /config must be JSON text/, 'validateConfig()');
  refused(s.create('{x'), /config is not valid JSON: invalid JSON at line 1/, "create('{x')");
});

test('saveCheckpoint takes a boolean and loadSafetensors a Uint8Array', () => {
  const s = new lab.Session();
  refused(s.saveCheckpoint(true), /^no model yet/, 'saveCheckpoint before create');
  assert.equal(s.create(cfg).ok, true);
  for (const v of [1, 'true', undefined, null]) {
    refused(s.saveCheckpoint(v), /^with_optimizer must be true or false/, `saveCheckpoint(${String(v)})`);
  }
  refused(s.loadSafetensors('bytes'), /^safetensors must be a Uint8Array/, "loadSafetensors('bytes')");
  assert.equal(s.saveCheckpoint(false).ok, true);
});

test('the registries arrive with the schema', () => {
  const r = lab.schema().registries;
  assert.deepEqual(r.sites.map((x) => x.name), lab.schema().sites);
  assert.ok(r.measures.some((m) => m.name === 'adjacency' && m.baseline === 'adjacency_chance'));
  assert.deepEqual(r.analysis_arrays.map((a) => a.name),
    ['similarity', 'variance', 'decay', 'theory', 'attention', 'probe_predicted',
      'demo_original_permuted', 'demo_permuted_input']);
  assert.ok(r.pos_encodings.some((e) => e.name === 'none'));
});
