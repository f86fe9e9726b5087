// The wasm module's JS API: create, train, evaluate, analyze, checkpoint
// round trip, and every error path returning a value instead of aborting.
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadNopeLab } from './load_module.mjs';

const lab = await loadNopeLab();

const small = {
  model: { d_model: 32, n_heads: 4, n_layers: 2, d_ff: 64 },
  task: { name: 'copy', train_len: 6, test_len: 10, vocab_size: 6 },
  train: { steps: 300, batch_size: 16, lr: 0.003, warmup: 20, seed: 5 },
};

function session(cfg = small) {
  const s = new lab.Session();
  const r = s.create(JSON.stringify(cfg));
  assert.equal(r.ok, true, r.error);
  return s;
}

test('version and config validation', () => {
  assert.match(lab.version(), /^\d+\.\d+\.\d+$/);
  const ok = lab.validateConfig(JSON.stringify(small));
  assert.equal(ok.ok, true);
  assert.equal(ok.config.model.pos_encoding, 'none');
  assert.equal(ok.train_seq_len, 13);
  const bad = lab.validateConfig(JSON.stringify({ model: { d_modle: 3 } }));
  assert.equal(bad.ok, false);
  assert.match(bad.error, /model\.d_modle: unknown field/);
});

test('the schema is the parser\'s: defaults validate, enum values and ranges are listed', () => {
  const schema = lab.schema();
  assert.equal(schema.version, 1);
  const byPath = Object.fromEntries(schema.fields.map((f) => [f.path, f]));
  assert.deepEqual(byPath['model.pos_encoding'].values, ['none', 'sinusoidal', 'learned', 'rope', 'alibi', 'normalized', 'index', 't5_bias']);
  assert.equal(byPath['model.n_layers'].max, 16);
  assert.equal(byPath['train.seed'].max, Number.MAX_SAFE_INTEGER);
  const defaults = {};
  for (const f of schema.fields) {
    const keys = f.path.split('.');
    let node = defaults;
    for (const k of keys.slice(0, -1)) node = node[k] ??= {};
    node[keys.at(-1)] = f.default;
  }
  assert.deepEqual(lab.validateConfig(JSON.stringify(defaults)).config, defaults);
  assert.deepEqual(schema.sites, ['embed', 'norm1', 'attn_out', 'resid_mid', 'mlp_out', 'resid_post']);
});

test('training lowers the loss and evaluation reports accuracy', () => {
  const s = session();
  const first = s.step(1);
  assert.equal(first.ok, true);
  assert.equal(first.step, 1);
  assert.match(first.batch_hash, /^[0-9a-f]{16}$/);
  const later = s.step(150);
  assert.equal(later.step, 151);
  assert.ok(later.loss < first.loss * 0.8, `${later.loss} vs ${first.loss}`);
  const ev = s.evaluate(6, 64);
  assert.equal(ev.ok, true);
  assert.equal(ev.trained, true);
  assert.ok(ev.token_acc > 0.3);
  assert.equal(s.evaluate(10, 8).trained, false);
});

test('analysis returns typed arrays consistent with its metadata', () => {
  const s = session();
  const r = s.analyze(JSON.stringify({ batch: 16, length: 12 }));
  assert.equal(r.ok, true, r.error);
  const meta = r.meta;
  const S = meta.site_order.length, T = meta.T;
  assert.equal(T, 12);
  assert.equal(S, 2 * 6);
  assert.ok(r.similarity instanceof Float32Array);
  assert.equal(r.similarity.length, S * T * T);
  assert.equal(r.variance.length, S * T);
  assert.equal(r.decay.length, S * T);
  assert.equal(r.attention.length, 2 * 4 * T * T);
  assert.equal(r.probe_predicted.length, meta.probes.length * T);
  // Diagonal of every similarity matrix is 1; attention rows sum to 1.
  for (let s0 = 0; s0 < S; s0++) assert.ok(Math.abs(r.similarity[s0 * T * T] - 1) < 1e-5);
  let row = 0;
  for (let j = 0; j < T; j++) row += r.attention[5 * T + j];
  assert.ok(Math.abs(row - 1) < 1e-5);
  const subset = s.analyze(JSON.stringify({ batch: 8, sites: ['attn_out'], layers: [0], probes: false }));
  assert.equal(subset.meta.site_order.length, 1);
});

test('checkpoint round trip continues identically', () => {
  const a = session();
  a.step(5);
  const saved = a.saveCheckpoint(true);
  assert.equal(saved.ok, true);
  const b = new lab.Session();
  const loaded = b.loadCheckpoint(saved.checkpoint);
  assert.equal(loaded.ok, true, loaded.error);
  assert.equal(loaded.step, 5);
  assert.deepEqual(b.evaluate(6, 32), a.evaluate(6, 32));
});

test('every bad input comes back as an error value', () => {
  const s = new lab.Session();
  assert.match(s.step(1).error, /no model yet/);
  assert.match(s.create('{not json').error, /invalid JSON/);
  assert.match(s.create(JSON.stringify({ task: { name: 'poetry' } })).error, /task\.name/);
  assert.match(
    s.create(JSON.stringify({ model: { d_model: 1024, n_layers: 16, d_ff: 4096 }, task: { train_len: 200, test_len: 250 }, train: { batch_size: 512 } })).error,
    /above the limit of 1024 MiB/);
  const ok = session();
  assert.match(ok.step(0).error, /out of range/);
  assert.match(ok.evaluate(99, 8).error, /length 99 is out of range/);
  assert.match(ok.analyze('{"sites": ["nowhere"]}').error, /analysis\.sites/);
  assert.match(ok.analyze('{"batch": 2}').error, /at least 3/);
  assert.match(ok.loadCheckpoint('{"format": "nopelab-checkpoint", "version": 7}').error, /unsupported version 7/);
  assert.match(ok.loadCheckpoint('garbage').error, /not valid JSON/);
  // The session still works after all of that.
  assert.equal(ok.step(1).ok, true);
});

test('divergence stops training with a message and keeps the last good weights', () => {
  const cfg = structuredClone(small);
  // No norms, four layers and huge weights: activations overflow float32.
  cfg.model.init = { std: 10, embed_std: 10 };
  cfg.model.norm = 'none';
  cfg.model.n_layers = 4;
  cfg.train = { ...cfg.train, lr: 1, clip: 0, warmup: 0 };
  const s = session(cfg);
  let r;
  const before = JSON.parse(s.saveCheckpoint(false).checkpoint).params;
  for (let i = 0; i < 50 && (!r || r.ok); i++) r = s.step(1);
  assert.equal(r.ok, false);
  assert.match(r.error, /training diverged at step 1: loss is NaN/);
  // The failed step did not touch the weights.
  assert.deepEqual(JSON.parse(s.saveCheckpoint(false).checkpoint).params, before);
});

test('bench entry points report the 4-lane SIMD build and every product shape', () => {
  const peak = lab.benchSimdPeak();
  assert.equal(peak.lanes, 4);  // wasm simd128
  assert.ok(peak.gflops > 0);
  const gemm = lab.benchGemm();
  assert.equal(gemm.length, 6);
  for (const g of gemm) {
    assert.match(g.shape, /\(\d+x\d+x\d+\)$/);
    assert.ok(g.gflops > 0, g.shape);
  }
  const analysis = lab.benchAnalysis(1);
  assert.equal(analysis.ok, true);
  assert.ok(analysis.analysis_ms > 0 && analysis.train_step_ms > 0);
  assert.equal(lab.benchAnalysis(0).ok, false);
  const bad = lab.benchTraining(2, 1);
  assert.equal(bad.ok, false);
  assert.match(bad.error, /benchTraining/);
});
