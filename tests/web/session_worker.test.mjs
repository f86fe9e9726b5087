// The page's main worker (SessionWorker in web/js/pool.js) with fake workers
// (tests/web/fake_worker.mjs): calls reach the worker while another is in
// flight (pause and stop during train); a crash or a trap fails what was in
// flight with the page's message, restarts the worker at once and tells the
// page, which then builds its session on the fresh worker.
import test from 'node:test';
import assert from 'node:assert/strict';
import { SessionWorker } from '../../web/js/pool.js';
import { fakeWorkerFactory } from './fake_worker.mjs';

test('calls go straight to the one worker, without waiting for each other', async () => {
  const { factory, workers } = fakeWorkerFactory({ behaviour: (kind, p) => ({ delay: p?.slow ? 60 : 1 }) });
  const session = new SessionWorker({ createWorker: factory });
  assert.deepEqual(await session.ready, { version: 'fake' });
  const done = [];
  const slow = session.call('echo', { slow: true }).then(() => done.push('slow'));
  const quick = session.call('echo', { quick: true }).then(() => done.push('quick'));
  await Promise.all([slow, quick]);
  assert.deepEqual(done, ['quick', 'slow']);
  assert.equal(workers.length, 1);
});

for (const crash of ['error', 'fatal']) {
  test(`a ${crash === 'error' ? 'crash' : 'trapped module'} fails what was in flight, restarts at once and tells the page`, async () => {
    const { factory, workers } = fakeWorkerFactory({ behaviour: (kind, p) => (p?.crash ? { crash } : { delay: p?.slow ? 40 : 1 }) });
    const crashes = [];
    const session = new SessionWorker({ createWorker: factory, onCrash: (e) => crashes.push(e) });
    await session.ready;
    const inflight = session.call('echo', { slow: true });
    await assert.rejects(session.call('echo', { crash: true }), /^Error: the compute worker crashed \(.+\); it has been restarted$/);
    await assert.rejects(inflight, /it has been restarted/);
    assert.equal(crashes.length, 1);
    assert.equal(crashes[0].crashed, true);
    assert.equal(workers.length, 2, 'a fresh worker at once');
    assert.ok(workers[0].terminated);
    assert.deepEqual(await session.call('echo', { a: 1 }), { a: 1 }, 'the fresh worker answers');
    assert.equal(session.crashes, 1);
  });
}

test('a module that fails to load fails ready and every call with the load error', async () => {
  const factory = () => {
    const w = {
      onmessage: null,
      terminate() {},
      postMessage({ id }) { setTimeout(() => this.onmessage?.({ data: { id, ok: false, error: 'failed to load: test' } }), 1); },
    };
    return w;
  };
  const session = new SessionWorker({ createWorker: factory });
  await assert.rejects(session.ready, /failed to load: test/);
  await assert.rejects(session.call('echo'), /failed to load: test/);
});
