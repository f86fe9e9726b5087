// Property test of the module's JS Session API under node: thousands of random
// configs, analysis requests, evaluate/step arguments and checkpoint strings
// (valid, mutated, truncated, huge). Properties: no call aborts, traps or
// throws; every failure is {ok: false, error} with a message that names the
// problem; every success has the documented shape (web/types/nopelab.d.ts);
// and a valid session keeps working afterwards. Seeded, so a failure replays.
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadNopeLab } from './load_module.mjs';

const lab = await loadNopeLab();
const schema = lab.schema();
const SEED = Number(process.env.NOPE_PROPERTY_SEED || 20261125);

// xorshift-style generator: deterministic, no dependency.
function rng(seed) {
  let x = seed >>> 0 || 1;
  const next = () => ((x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32);
  next.int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  next.pick = (a) => a[Math.floor(next() * a.length)];
  next.chance = (p) => next() < p;
  return next;
}

const JUNK = [null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53, 2 ** 64, '', 'x', '64', 'none', '\u0000', [], [1], {}, { a: 1 }];

// One value for a schema field: mostly valid and small, sometimes an end of
// the range, sometimes just outside it, sometimes the wrong type.
function fieldValue(r, f, clean) {
  const roll = clean ? 0.2 + 0.8 * r() : r();
  if (roll < 0.08) return r.pick(JUNK);
  if (f.type === 'bool') return r.chance(0.5);
  if (f.type === 'enum') return roll < 0.12 ? `${r.pick(f.values)}x` : r.pick(f.values);
  if (clean && f.path === 'model.d_model') return r.pick([16, 32, 48]);
  if (clean && f.path === 'model.n_heads') return r.pick([1, 2, 4, 8]);
  const small = { 'model.d_model': [8, 48], 'model.n_heads': [1, 4], 'model.n_layers': [1, 2], 'model.d_ff': [1, 64],
    'task.train_len': [1, 8], 'task.test_len': [1, 12], 'task.vocab_size': [2, 20], 'train.batch_size': [1, 8],
    'train.steps': [0, 50], 'train.warmup': [0, 50] }[f.path];
  if (roll < 0.16) return r.pick([f.min, f.max]);
  if (roll < 0.2) return r.pick([f.min - 1, f.max + 1, f.type === 'int' ? f.min + 0.5 : NaN]);
  if (small) return r.int(small[0], small[1]);
  if (f.type === 'int') return r.int(f.min, Math.min(f.max, 1000));
  return f.min + (Math.min(f.max, 2) - f.min) * r();
}

// Half the configs are "clean" (every value valid on its own, the
// cross-field rules mostly kept), half may hold anything.
function randomConfig(r) {
  const cfg = {};
  const clean = r.chance(0.5);
  for (const f of schema.fields) {
    if (r.chance(0.5)) continue;
    const keys = f.path.split('.');
    let node = cfg;
    for (const k of keys.slice(0, -1)) node = node[k] ??= {};
    node[keys.at(-1)] = fieldValue(r, f, clean);
  }
  if (clean) {
    const task = (cfg.task ??= {}), train = (cfg.train ??= {});
    task.train_len ??= 16;
    task.test_len = task.train_len + r.int(0, 4);
    if (task.name === 'parity') task.vocab_size = 2;
    train.steps ??= 1000;
    train.warmup = Math.min(train.warmup ?? 0, train.steps);
    return cfg;
  }
  if (r.chance(0.05)) cfg[r.pick(['model', 'task', 'train', 'extra'])] = r.pick(JUNK);
  if (r.chance(0.05)) cfg.model = { ...(typeof cfg.model === 'object' ? cfg.model : {}), d_modle: 3 };
  return r.chance(0.05) ? r.pick(JUNK) : cfg;
}

function randomRequest(r) {
  const req = {};
  const maybe = (k, v) => { if (r.chance(0.4)) req[k] = v; };
  maybe('batch', r.chance(0.9) ? r.int(1, 24) : r.pick([0, 2, 1024, 1025, -3, 'x', 2.5]));
  maybe('length', r.chance(0.9) ? r.int(0, 16) : r.pick([-1, 512, 513, 1e9, null]));
  maybe('input', r.pick(['random', 'task', 'other', 3]));
  maybe('layers', r.chance(0.8) ? [r.int(0, 2)] : r.pick([[], [-1], [99], 'all', [0, 0]]));
  maybe('sites', r.chance(0.8) ? [r.pick(schema.sites)] : r.pick([[], ['nowhere'], 'embed', [1]]));
  for (const k of ['attention', 'probes', 'theory']) maybe(k, r.chance(0.9) ? r.chance(0.5) : 'yes');
  maybe('probe_features', r.chance(0.8) ? [r.pick(schema.probe_features)] : ['raw']);
  maybe('seed', r.chance(0.8) ? r.int(0, 1000) : r.pick([-1, 1.5, 'seed', 2 ** 64]));
  if (r.chance(0.05)) req.unknown = 1;
  if (r.chance(0.03)) return r.pick(['', '[', 'null', '[]', '"x"', '{"batch":', '{'.repeat(10000)]);
  return JSON.stringify(req);
}

// A call's result is a plain object: ok with the given keys, or a named failure.
function checkResult(r, keys, what) {
  assert.equal(typeof r, 'object', what);
  assert.equal(typeof r.ok, 'boolean', what);
  if (!r.ok) {
    assert.equal(typeof r.error, 'string', what);
    assert.ok(r.error.length > 3 && r.error.length < 2000, `${what}: ${r.error}`);
    // Names the problem: a field, value or thing, not a bare exception name.
    assert.doesNotMatch(r.error, /^(std::|basic_string|vector|unknown error)/, `${what}: ${r.error}`);
    return false;
  }
  for (const k of keys) assert.ok(k in r, `${what}: missing ${k}`);
  return true;
}

const INFO = ['params', 'vocab', 'max_seq_len', 'train_seq_len', 'step', 'config'];
const STEP = ['step', 'loss', 'lr', 'grad_norm', 'token_acc', 'batch_hash'];
const EVAL = ['length', 'seq_len', 'loss', 'token_acc', 'seq_acc', 'examples', 'trained'];
const ARRAYS = ['similarity', 'variance', 'decay', 'theory', 'attention', 'probe_predicted'];

const tiny = { model: { d_model: 16, n_heads: 2, n_layers: 2, d_ff: 16 }, task: { train_len: 4, test_len: 6 }, train: { steps: 100, warmup: 1 } };

// The reference session: after anything else, it must still step.
function witness() {
  const s = new lab.Session();
  assert.equal(s.create(JSON.stringify(tiny)).ok, true);
  let step = 0;
  return {
    session: s,
    check(what) {
      const m = s.step(1);
      assert.equal(m.ok, true, `${what}: the valid session stopped working: ${m.error}`);
      assert.equal(m.step, ++step, what);
      assert.ok(Number.isFinite(m.loss), what);
    },
  };
}

test('random configs: validated and created, or refused with a named error', () => {
  const r = rng(SEED);
  const w = witness();
  const s = new lab.Session();
  let created = 0, refused = 0;
  for (let i = 0; i < 3000; i++) {
    const cfg = randomConfig(r);
    const text = JSON.stringify(cfg);
    const what = `config #${i} ${text}`;
    const v = lab.validateConfig(text);
    if (checkResult(v, ['config', 'bytes', 'vocab', 'train_seq_len', 'test_seq_len'], what)) {
      assert.ok(v.bytes > 0 && v.bytes <= schema.limits.max_bytes, what);
      // Validation and creation agree; creating is only worth it when small.
      if (v.bytes < 16 * 2 ** 20 && (i % 4 === 0)) {
        const c = s.create(text);
        assert.equal(checkResult(c, INFO, what), true, `${what}: validated but not created: ${c.error}`);
        assert.deepEqual(c.config, v.config, what);
        created++;
      }
    } else {
      assert.equal(s.create(text).ok, false, what);
      refused++;
    }
    if (i % 100 === 0) w.check(what);
  }
  w.check('after the configs');
  assert.ok(created > 100 && refused > 500, `created ${created}, refused ${refused}`);
  s.delete();
  w.session.delete();
});

test('random analysis requests, evaluate and step arguments on a live session', () => {
  const r = rng(SEED + 1);
  const w = witness();
  const s = new lab.Session();
  assert.equal(s.create(JSON.stringify(tiny)).ok, true);
  let analysed = 0;
  for (let i = 0; i < 1500; i++) {
    const text = randomRequest(r);
    const what = `request #${i} ${text.slice(0, 200)}`;
    const a = s.analyze(text);
    if (checkResult(a, ['meta', ...ARRAYS], what)) {
      const { meta } = a;
      const T = meta.T, S = meta.site_order.length, L = meta.layer_order.length, P = meta.probes.length;
      assert.ok(T >= 1, what);
      assert.equal(a.similarity.length, S * T * T, what);
      assert.equal(a.variance.length, S * T, what);
      assert.equal(a.decay.length, S * T, what);
      assert.equal(a.theory.length, S * T, what);
      assert.equal(a.attention.length, L * meta.n_heads * T * T, what);
      assert.equal(a.probe_predicted.length, P * T, what);
      for (const k of ARRAYS) assert.ok(a[k] instanceof Float32Array, what);
      analysed++;
    }
    if (i % 50 === 0) w.check(what);
  }
  // 100001 is one past both limits (steps per call, examples); reaching them would only be slow.
  const odd = () => r.pick([r.int(-3, 10), 0, -0, 1.5, NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31) - 1, 1e20, 100001]);
  for (let i = 0; i < 2000; i++) {
    const len = odd(), n = r.chance(0.5) ? r.int(1, 64) : odd();
    const what = `evaluate(${len}, ${n})`;
    const e = s.evaluate(len, n);
    if (checkResult(e, EVAL, what)) {
      assert.equal(e.length, len, what);
      assert.equal(e.trained, len <= tiny.task.train_len, what);
    }
    if (i % 10 === 0) {
      const steps = r.chance(0.8) ? odd() : r.pick([0, 100001]);
      const m = s.step(steps);
      if (checkResult(m, STEP, `step(${steps})`)) assert.match(m.batch_hash, /^[0-9a-f]{16}$/);
      w.check(what);
    }
  }
  assert.ok(analysed > 300, `only ${analysed} analyses succeeded`);
  const after = s.step(1);
  assert.equal(after.ok, true, after.error);
  s.delete();
  w.session.delete();
});

test('random checkpoint strings: valid, mutated, truncated and huge', () => {
  const r = rng(SEED + 2);
  const w = witness();
  const src = new lab.Session();
  src.create(JSON.stringify(tiny));
  src.step(3);
  const valid = src.saveCheckpoint(true).checkpoint;
  const s = new lab.Session();
  const mutate = (text) => {
    const chars = [...text];
    const edits = r.int(1, 8);
    for (let k = 0; k < edits; k++) {
      const at = r.int(0, chars.length - 1);
      const op = r.int(0, 3);
      if (op === 0) chars[at] = r.pick(['0', '9', '-', '.', 'e', '"', ',', '[', ']', '{', '}', ':', 'n', '\u00ff']);
      else if (op === 1) chars.splice(at, r.int(1, 40));
      else if (op === 2) chars.splice(at, 0, r.pick(['1e999', 'null', '"x"', ',0', '[]', 'NaN']));
      else chars[at] = String.fromCharCode(r.int(0, 0xffff));
    }
    return chars.join('');
  };
  let loaded = 0;
  for (let i = 0; i < 600; i++) {
    const kind = r.int(0, 5);
    let text;
    if (kind === 0) text = valid;
    else if (kind === 1 || kind === 2) text = mutate(valid);
    else if (kind === 3) text = valid.slice(0, r.int(0, valid.length - 1));
    else if (kind === 4) text = r.pick(['', 'null', '{}', '[]', '"checkpoint"', '{"format":"nopelab-checkpoint"}']);
    else text = r.pick(['['.repeat(200000), ' '.repeat(5_000_000), `{"format":"nopelab-checkpoint","version":1,"pad":"${'x'.repeat(3_000_000)}"}`,
      valid.replace('"params":', `"params_${'p'.repeat(100000)}":`)]);
    const what = `checkpoint #${i} (kind ${kind}, ${text.length} chars)`;
    const c = s.loadCheckpoint(text);
    if (checkResult(c, INFO, what)) {
      loaded++;
      const m = s.step(1);
      assert.equal(m.ok, true, `${what}: a loaded checkpoint must train: ${m.error}`);
    }
    if (i % 20 === 0) w.check(what);
  }
  assert.ok(loaded > 50, `only ${loaded} checkpoints loaded`);
  w.check('after the checkpoints');
  for (const x of [s, src, w.session]) x.delete();
});
