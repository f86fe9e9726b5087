// The page's checkpoint path through the real web/worker.js and wasm module
// (tests/web/vm_worker.mjs): saveSafetensors gives the bytes the Download
// button saves, and loadCheckpoint takes them back as the Upload does
// ({bytes} for safetensors, {text} for JSON), into a session that then
// evaluates exactly as the original; bad bytes are an error, not a crash.
import test from 'node:test';
import assert from 'node:assert/strict';
import { WorkerPool } from '../../web/js/pool.js';
import { vmWorkerFactory } from './vm_worker.mjs';

const createWorker = vmWorkerFactory();
const config = { model: { d_model: 32, n_layers: 2, n_heads: 2, d_ff: 64, pos_encoding: 'alibi' },
  task: { name: 'copy', train_len: 6, test_len: 8, vocab_size: 8 }, train: { steps: 10, batch_size: 4, warmup: 0, seed: 3 } };

test('Download .safetensors and Upload it again through the worker', async () => {
  const pool = new WorkerPool({ size: 1, createWorker });
  const r = await pool.submit(async (call) => {
    await call('create', { config });
    await call('step', { n: 3 });
    const saved = await call('saveSafetensors', {});
    const json = await call('saveCheckpoint', { withOptimizer: false });
    const before = await call('evaluate', { lengths: [8], examples: 16 });
    const info = await call('loadCheckpoint', { bytes: saved.safetensors, session: 'copy' });
    const after = await call('evaluate', { lengths: [8], examples: 16, session: 'copy' });
    const fromJson = await call('loadCheckpoint', { text: json.checkpoint, session: 'copy2' });
    const bad = await call('loadCheckpoint', { bytes: saved.safetensors.slice(0, 40), session: 'copy' }).catch((e) => e);
    return { saved, info, before, after, fromJson, bad };
  });
  assert.ok(r.saved.safetensors instanceof Uint8Array);
  assert.equal(r.info.step, 3);
  assert.equal(r.fromJson.step, 3);
  assert.deepEqual(r.after, r.before);
  assert.match(String(r.bad.message), /truncated: the header says/);
  pool.terminate();
});
