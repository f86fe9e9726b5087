// The threaded wasm build (nopelab_mt.js, pthreads as node worker_threads):
// it loads, reports its threads, and a run with 2 threads is bit-identical to
// the single-thread build (same kernels, a thread-count-independent
// partition) and agrees with the native run as the single-thread build does
// (same initial weights and batches, first-step loss to float tolerance).
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadNopeLab, loadNopeLabMt, repoRoot } from './load_module.mjs';

const nopelab = process.env.NOPELAB || path.join(repoRoot, 'build', 'nopelab');
const single = await loadNopeLab();
const threaded = await loadNopeLabMt(2);
const work = mkdtempSync(path.join(tmpdir(), 'nope-mt-'));

// Big enough that every parallel_for of a step has several tasks.
const configs = {
  'copy, NoPE, pre-norm': {
    model: { d_model: 64, n_heads: 4, n_layers: 2, d_ff: 256 },
    task: { name: 'copy', train_len: 16, test_len: 20, vocab_size: 16 },
    train: { batch_size: 16, warmup: 2, seed: 3 },
  },
  'lm, rope, post-norm, bidirectional': {
    model: { pos_encoding: 'rope', norm: 'post', attention: 'bidirectional', d_model: 48, n_heads: 3, n_layers: 2 },
    task: { name: 'lm', train_len: 48, test_len: 48 },
    train: { batch_size: 8, warmup: 0, seed: 12345678901 },
  },
};

function run(lab, cfg, steps, threadsAt = null) {
  const s = new lab.Session();
  const created = s.create(JSON.stringify(cfg));
  assert.equal(created.ok, true, created.error);
  const init = JSON.parse(s.saveCheckpoint(false).checkpoint).params;
  const metrics = [];
  for (let i = 0; i < steps; i++) {
    if (threadsAt && threadsAt[i]) assert.equal(lab.setThreads(threadsAt[i]).ok, true);
    const m = s.step(1);
    assert.equal(m.ok, true, m.error);
    metrics.push([m.loss, m.grad_norm, m.token_acc, m.batch_hash]);
  }
  const params = JSON.parse(s.saveCheckpoint(true).checkpoint);
  const analysis = s.analyze(JSON.stringify({ batch: 4, input: 'random', seed: 9 }));
  assert.equal(analysis.ok, true, analysis.error);
  s.delete();
  return { init, metrics, params, analysis };
}

test('the threaded module loads under node and reports its threads', () => {
  assert.deepEqual(threaded.threadInfo(), { ok: true, threads: 2, max_threads: 2, pthreads: true });
  assert.equal(threaded.version(), single.version());
  assert.deepEqual(single.threadInfo(), { ok: true, threads: 1, max_threads: 1, pthreads: false });
  const r = single.setThreads(2);
  assert.equal(r.ok, false);
  assert.match(r.error, /setThreads: n = 2 is outside \[1, 1\]/);
  assert.match(threaded.setThreads(3).error, /n = 3 is outside \[1, 2\]/);
  assert.match(threaded.setThreads(0).error, /n = 0 is outside/);
  assert.equal(threaded.threadInfo().threads, 2, 'a rejected setThreads leaves the pool alone');
});

for (const [name, cfg] of Object.entries(configs)) {
  test(`2 threads = 1 thread, bit for bit, and native agrees: ${name}`, () => {
    const a = run(single, cfg, 6);
    const b = run(threaded, cfg, 6);
    // Switching the thread count mid-run changes nothing either.
    const c = run(threaded, cfg, 6, { 2: 1, 4: 2 });
    assert.deepEqual(b.init, a.init);
    assert.deepEqual(b.metrics, a.metrics);
    assert.deepEqual(c.metrics, a.metrics);
    assert.deepEqual(b.params, a.params);
    const meta = (r) => ({ ...r.meta, seconds: 0 });  // everything but the timing
    assert.deepEqual(meta(b.analysis), meta(a.analysis));
    for (const k of ['similarity', 'variance', 'decay', 'attention']) assert.deepEqual(b.analysis[k], a.analysis[k], k);

    if (!existsSync(nopelab)) return;
    const cfgPath = path.join(work, 'cfg.json');
    writeFileSync(cfgPath, JSON.stringify(cfg));
    const ckPath = path.join(work, 'ck.json');
    const native = (...args) => JSON.parse(execFileSync(nopelab,
      ['train', '--config', cfgPath, '--quiet', '--eval-examples', '1', '--threads', '2', ...args], { encoding: 'utf8' }));
    native('--steps', '0', '--out', ckPath);
    assert.deepEqual(b.init, JSON.parse(readFileSync(ckPath, 'utf8')).params, 'initial weights differ from native');
    const first = native('--steps', '1');
    assert.equal(b.metrics[0][3], first.first_batch_hash, 'training batch differs from native');
    const rel = Math.abs(b.metrics[0][0] - first.first_loss) / Math.abs(first.first_loss);
    assert.ok(rel < 1e-5, `first-step loss ${b.metrics[0][0]} (threaded wasm) vs ${first.first_loss} (native): rel ${rel}`);
  });
}

test('results copied out after another thread grew the shared memory are intact', () => {
  // A model whose step needs far more than the initial 32 MiB: the memory
  // grows during the threaded step, then the facade copies arrays out.
  const big = {
    model: { d_model: 128, n_heads: 4, n_layers: 2, d_ff: 512 },
    task: { name: 'lm', train_len: 128, test_len: 128 },
    train: { batch_size: 32, seed: 4 },
  };
  const before = threaded.HEAP8.buffer.byteLength;
  const a = run(single, big, 2);
  const b = run(threaded, big, 2);
  assert.ok(threaded.HEAP8.buffer.byteLength > before || before > 64 << 20, 'memory did not grow');
  assert.deepEqual(b.metrics, a.metrics);
  for (const k of ['similarity', 'variance', 'attention']) assert.deepEqual(b.analysis[k], a.analysis[k], k);
});
