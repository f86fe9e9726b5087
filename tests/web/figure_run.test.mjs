// <nope-figure>'s training runner (web/js/figures/figure_run.js) under node
// with a fake pool: chunks add up to the preset's steps, and a session the
// worker lost (a replaced worker, or another worker taking the job) is
// rebuilt and replayed to the same step before training goes on. Also the
// prose formatter and the figure attributes reader's control list. Needs
// web/dist/schema.js (scripts/build-web).
import test from 'node:test';
import assert from 'node:assert/strict';
import { FigureRun, evalLengths } from '../../web/js/figures/figure_run.js';
import { formatValue } from '../../web/js/figures/prose.js';
import { readControls } from '../../web/js/figures/figure_config.js';
import { defaults } from '../../web/js/settings.js';

// A worker's sessions: name -> step; `log` records every request.
function fakePool() {
  const sessions = new Map();
  const log = [];
  const call = async (kind, p) => {
    log.push([kind, p.session, p.n]);
    if (kind === 'validate') return { ok: true };
    if (kind === 'create') { sessions.set(p.session, 0); return { step: 0 }; }
    if (kind === 'drop') { sessions.delete(p.session); return {}; }
    if (!sessions.has(p.session)) throw new Error(`no session "${p.session}": send "create" first`);
    if (kind === 'info') return { step: sessions.get(p.session) };
    if (kind === 'step') {
      sessions.set(p.session, sessions.get(p.session) + p.n);
      return { step: sessions.get(p.session), loss: 1, token_acc: 0 };
    }
    if (kind === 'evaluate') return p.lengths.map((length) => ({ length, step: sessions.get(p.session) }));
    if (kind === 'analyze') return { meta: { step: sessions.get(p.session) }, arrays: {} };
    throw new Error(kind);
  };
  return { sessions, log, submit: (run) => run(call) };
}

const settings = (over = {}) => ({ ...defaults(), 'train.steps': 100, ...over });

test('chunks add up to the steps, and the measure sees the trained model', async () => {
  const pool = fakePool();
  const run = new FigureRun(pool, 'f1', settings(), { lengths: true });
  const first = await run.first();
  assert.equal(first.lengths[0].step, 0);
  while (run.step < run.total) await run.trainChunk();
  assert.equal(run.step, 100);
  assert.equal(pool.sessions.get('f1'), 100);
  const out = await run.remeasure();
  assert.ok(out.lengths.every((r) => r.step === 100));
});

test('a lost session is rebuilt and replayed to the same step', async () => {
  const pool = fakePool();
  const run = new FigureRun(pool, 'f2', settings(), { analysis: true });
  await run.first();
  await run.trainChunk();
  const at = run.step;
  assert.ok(at > 0);
  pool.sessions.clear();  // the worker was replaced
  await run.trainChunk();
  assert.equal(pool.sessions.get('f2'), run.step);
  const replay = pool.log.filter(([k, s, n]) => k === 'step' && s === 'f2' && n === at);
  assert.ok(replay.length >= 2, 'the steps done so far were replayed');
  pool.sessions.set('f2', 3);  // a stale copy on another worker
  await run.trainChunk();
  assert.equal(pool.sessions.get('f2'), run.step);
});

test('an untrained figure drops its session after measuring', async () => {
  const pool = fakePool();
  const run = new FigureRun(pool, 'f3', settings({ 'train.steps': 0 }), { analysis: true });
  await run.first();
  assert.equal(pool.sessions.has('f3'), false);
});

test('the lab\'s length list, prose formatting and the controls attribute', () => {
  assert.deepEqual(evalLengths(settings({ 'task.train_len': 8, 'task.test_len': 16 })), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
  assert.deepEqual(evalLengths(settings({ 'task.train_len': 20, 'task.test_len': 40 })).slice(0, 4), [1, 4, 7, 10]);
  assert.equal(formatValue(0.98765, 2), '0.99');
  assert.equal(formatValue(null, 2), '…');
  assert.equal(formatValue(NaN, 2), '…');
  const c = readControls('sigma, attention model.task.nme shuffle');
  assert.deepEqual(c.controls.map((x) => x.kind === 'field' ? x.field.path : x.kind), ['model.init.std', 'model.attention', 'shuffle']);
  assert.deepEqual(c.problems, ['unknown control "model.task.nme"']);
});
