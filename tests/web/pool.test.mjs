// The worker pool's logic with fake workers (tests/web/fake_worker.mjs):
// crash -> replaced and retried once -> reported failed; a trapped module is
// a crash too; cancel terminates everything promptly and keeps what
// finished; the result does not depend on the number of workers.
import test from 'node:test';
import assert from 'node:assert/strict';
import { WorkerPool, defaultPoolSize, MAX_POOL_SIZE } from '../../web/js/pool.js';
import { planSweep, runSweep, runCompare, COMPARE_VARIANTS } from '../../web/js/experiments.js';
import { fakeWorkerFactory, fakeRecord } from './fake_worker.mjs';

const spec = {
  format: 'nopelab-sweep', version: 1, base: { train: { seed: 5 } },
  axes: [{ path: 'model.init.std', values: [0.01, 0.02, 0.05] }, { path: 'model.pos_encoding', values: ['none', 'rope'] }],
  seeds: 3,
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function sweep(pool, opts = {}) {
  const plan = await planSweep(pool, spec);
  assert.equal(plan.ok, true);
  return runSweep(pool, plan, opts);
}

test('pool size follows the cores, bounded, and can be lowered', () => {
  assert.equal(defaultPoolSize(2), 2);
  assert.equal(defaultPoolSize(64), MAX_POOL_SIZE);
  assert.equal(defaultPoolSize(undefined), 2);
  const { factory, workers } = fakeWorkerFactory();
  const pool = new WorkerPool({ size: 4, createWorker: factory });
  assert.equal(workers.length, 0, 'workers start lazily');
  pool.resize(1);
  assert.equal(pool.size, 1);
  pool.resize(100);
  assert.equal(pool.size, MAX_POOL_SIZE);
  pool.terminate();
});

test('a sweep runs every run once and summarises every cell', async () => {
  const { factory, log } = fakeWorkerFactory();
  const pool = new WorkerPool({ size: 3, createWorker: factory });
  const seen = [];
  const summaries = [];
  const out = await sweep(pool, { onRecord: (r) => seen.push(r.run), onSummary: (s) => summaries.push(s) });
  assert.equal(out.failures.length, 0);
  assert.equal(out.cancelled, false);
  assert.deepEqual([...seen].sort((a, b) => a - b), [...Array(18).keys()]);
  assert.equal(log.filter((l) => l.kind === 'sweepRun').length, 18, 'each run exactly once');
  assert.equal(out.result.cells.length, 6);
  assert.ok(out.result.cells.every((c) => c.measures.adjacency.n === 3));
  assert.ok(summaries.length >= 2, 'summaries stream while records arrive');
  assert.deepEqual(out.result.runs[7], fakeRecord(spec, 7));
  pool.terminate();
});

test('an invalid spec is reported by the plan before any run starts', async () => {
  const { factory, log } = fakeWorkerFactory();
  const pool = new WorkerPool({ size: 2, createWorker: factory });
  const plan = await planSweep(pool, { ...spec, axes: [] });
  assert.equal(plan.ok, false);
  assert.match(plan.error, /axis/);
  assert.equal(log.filter((l) => l.kind === 'sweepRun').length, 0);
  pool.terminate();
});

test('results do not depend on the number of workers or on finishing order', async () => {
  const results = [];
  for (const size of [1, 2, 3, 5]) {
    // Random delays: runs finish out of order.
    const { factory } = fakeWorkerFactory({ behaviour: () => ({ delay: Math.floor(Math.random() * 8) }) });
    const pool = new WorkerPool({ size, createWorker: factory });
    const order = [];
    const out = await sweep(pool, { onRecord: (r) => order.push(r.run) });
    const { timing, ...rest } = out.result;
    assert.equal(timing.jobs, size);
    results.push(rest);
    pool.terminate();
  }
  for (const r of results.slice(1)) assert.deepEqual(r, results[0]);
});

test('a worker that crashes is replaced and its run retried once', async () => {
  const attempts = new Map();
  const { factory, workers } = fakeWorkerFactory({
    behaviour: (kind, p) => {
      if (kind !== 'sweepRun') return {};
      const n = (attempts.get(p.run) || 0) + 1;
      attempts.set(p.run, n);
      if (p.run === 4 && n === 1) return { crash: 'error' };    // onerror once
      if (p.run === 9 && n === 1) return { crash: 'fatal' };    // a trapped module once
      if (p.run === 13) return { crash: 'error' };              // crashes every time
      return {};
    },
  });
  const pool = new WorkerPool({ size: 2, createWorker: factory });
  const out = await sweep(pool);
  assert.equal(attempts.get(4), 2);
  assert.equal(attempts.get(9), 2);
  assert.equal(attempts.get(13), 2, 'retried once, not more');
  assert.deepEqual(out.failures.map((f) => f.run), [13]);
  assert.match(out.failures[0].error, /crashed.*retry crashed too/);
  assert.equal(out.records.size, 17, 'every other run finished');
  assert.equal(out.result.cells[Math.floor(13 / 3)].measures.adjacency.n, 2, 'the failed run is missing from its cell');
  assert.equal(pool.crashes, 4);
  assert.ok(workers.filter((w) => w.terminated).length >= 4, 'crashed workers were terminated');
  assert.ok(workers.length >= 2 + 4, 'and replaced');
  pool.terminate();
});

test('an error reply is a result, not a crash: no retry', async () => {
  const { factory, log } = fakeWorkerFactory();
  const pool = new WorkerPool({ size: 2, createWorker: factory });
  await assert.rejects(pool.call('sweepRun', { spec, run: 99 }), /out of range/);
  assert.equal(log.filter((l) => l.kind === 'sweepRun').length, 1);
  assert.equal(pool.crashes, 0);
  pool.terminate();
});

test('cancel stops every worker promptly and keeps the finished runs', async () => {
  const { factory, workers, log } = fakeWorkerFactory({ behaviour: (kind) => (kind === 'sweepRun' ? { delay: 40 } : {}) });
  const pool = new WorkerPool({ size: 3, createWorker: factory });
  const ctl = new AbortController();
  const finished = [];
  const started = Date.now();
  const running = sweep(pool, { signal: ctl.signal, onRecord: (r) => finished.push(r.run) });
  while (finished.length < 4) await sleep(2);
  ctl.abort();
  const out = await running;
  assert.ok(Date.now() - started < 2000);
  assert.equal(out.cancelled, true);
  assert.ok(out.records.size >= 4 && out.records.size < 18);
  assert.deepEqual([...out.records.keys()].sort(), [...finished].sort());
  assert.equal(out.result.runs.length, out.records.size, 'what finished is summarised');
  assert.deepEqual(workers.filter((w) => !w.terminated && w.inflight.includes('sweepRun')), [],
    'every worker running a sweep run was terminated');
  assert.equal(pool.pending, 0);
  await sleep(100);
  assert.equal(log.filter((l) => l.kind === 'sweepRun').length, finished.length, 'no run finished after cancel');
  // The pool works again afterwards (fresh workers, started lazily).
  const again = await pool.call('echo', { x: 1 });
  assert.deepEqual(again, { x: 1 });
  pool.terminate();
});

test('cancel() without a signal rejects queued and running jobs', async () => {
  const { factory, workers } = fakeWorkerFactory({ behaviour: () => ({ crash: 'hang' }) });
  const pool = new WorkerPool({ size: 2, createWorker: factory });
  const jobs = [0, 1, 2, 3].map((run) => pool.call('sweepRun', { spec, run }));
  await sleep(10);
  pool.cancel();
  const settled = await Promise.allSettled(jobs);
  assert.ok(settled.every((s) => s.status === 'rejected' && s.reason.cancelled));
  assert.ok(workers.every((w) => w.terminated));
});

test('compare variants run in parallel and come back in variant order', async () => {
  let inFlight = 0, maxInFlight = 0;
  const created = [];
  const factory = () => {
    const w = {
      onmessage: null, terminate() {},
      postMessage({ id, kind, payload }) {
        if (kind === 'create') { inFlight++; maxInFlight = Math.max(maxInFlight, inFlight); created.push(payload.config.model.pos_encoding); }
        const delay = kind === 'create' ? 5 + 10 * (created.length % 3) : 1;
        setTimeout(() => {
          if (kind === 'drop') inFlight--;
          const result = kind === 'analyze' ? { meta: { pe: payload.session }, arrays: {} }
            : kind === 'evaluate' ? payload.lengths.map((length) => ({ length, seq_acc: 0.5 })) : {};
          w.onmessage({ data: { id, ok: true, result } });
        }, delay);
      },
    };
    return w;
  };
  const pool = new WorkerPool({ size: 3, createWorker: factory });
  const settings = { 'model.pos_encoding': 'none', 'model.attention': 'causal', 'task.train_len': 8, 'task.test_len': 12 };
  const variants = COMPARE_VARIANTS.slice(0, 5);
  const order = [];
  const out = await runCompare(pool, { settings, variants, steps: 0, analysisRequest: {}, onResult: (k) => order.push(k) });
  assert.deepEqual(out.map((r) => r.variant.id), variants.map((v) => v.id));
  assert.ok(out.every((r) => !r.error && r.eval.length === 2));
  assert.equal(maxInFlight, 3, 'three variants at once on three workers');
  pool.terminate();
});

test('a module that fails to load fails the job without a retry; the next job gets a fresh worker', async () => {
  let made = 0;
  const factory = () => {
    const k = made++;
    const w = {
      onmessage: null, terminated: false, terminate() { this.terminated = true; },
      postMessage({ id, kind }) {
        setTimeout(() => {
          if (kind === 'init' && k === 0) return w.onmessage({ data: { id, ok: false, error: 'the wasm module failed to load: test' } });
          w.onmessage({ data: { id, ok: true, result: { kind } } });
        }, 1);
      },
    };
    return w;
  };
  const pool = new WorkerPool({ size: 1, createWorker: factory });
  await assert.rejects(pool.call('echo'), /failed to load: test/);
  assert.equal(made, 1, 'no retry');
  assert.deepEqual(await pool.call('echo'), { kind: 'echo' });
  assert.equal(made, 2);
  pool.terminate();
});

test('a worker that cannot be created fails the job with the reason', async () => {
  const pool = new WorkerPool({ size: 1, createWorker: () => { throw new Error('SecurityError: no workers here'); } });
  const jobs = [pool.call('echo'), pool.call('echo'), pool.call('echo')];
  for (const j of jobs) await assert.rejects(j, /could not start a compute worker: SecurityError/);
  assert.equal(pool.pending, 0);
  pool.terminate();
});

test('the largest runs start first (a width or steps axis), the result stays in run order', async () => {
  const { factory, log } = fakeWorkerFactory();
  const pool = new WorkerPool({ size: 1, createWorker: factory });
  const wide = { ...spec, axes: [{ path: 'model.d_model', values: [32, 64, 128] }, { path: 'train.steps', values: [0, 10] }], seeds: 2 };
  const plan = await planSweep(pool, wide);
  const out = await runSweep(pool, plan);
  const order = log.filter((l) => l.kind === 'sweepRun').map((l) => l.run);
  // Cells are (d, steps) row-major: cell 5 = (128, 10) is the largest, cell 0 = (32, 0) the smallest.
  assert.deepEqual(order.slice(0, 2), [10, 11]);
  assert.deepEqual(order.slice(-2), [0, 1]);
  assert.deepEqual(out.result.runs.map((r) => r.run), [...Array(12).keys()]);
  pool.terminate();
});

test('idle workers are ended after a while and replaced on demand', async () => {
  const { factory, workers } = fakeWorkerFactory();
  const pool = new WorkerPool({ size: 2, createWorker: factory, idleMs: 30 });
  await Promise.all([pool.call('echo', { a: 1 }), pool.call('echo', { a: 2 })]);
  assert.equal(workers.length, 2);
  assert.ok(workers.every((w) => !w.terminated));
  await sleep(80);
  assert.ok(workers.every((w) => w.terminated), 'idle workers ended');
  assert.deepEqual(await pool.call('echo', { a: 3 }), { a: 3 });
  assert.equal(workers.length, 3, 'a fresh worker for the next job');
  pool.terminate();
});
