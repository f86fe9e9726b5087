// The same config and seed give bit-identical initial weights and training
// data in the native CLI and the wasm module, and the same first-step loss
// to float tolerance (the two builds use different GEMM kernels).
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadNopeLab, repoRoot } from './load_module.mjs';

const nopelab = process.env.NOPELAB || path.join(repoRoot, 'build', 'nopelab');
const lab = await loadNopeLab();
const work = mkdtempSync(path.join(tmpdir(), 'nope-det-'));

const configs = {
  'copy, NoPE': { task: { name: 'copy', train_len: 8, test_len: 12, vocab_size: 10 } },
  'lm, learned PE, gpt2 init': {
    model: { pos_encoding: 'learned', init: { scheme: 'gpt2' } },
    task: { name: 'lm', train_len: 32, test_len: 32 },
    train: { seed: 12345678901 },
  },
  'add, rope, post-norm, bidirectional': {
    model: { pos_encoding: 'rope', norm: 'post', attention: 'bidirectional', d_model: 48, n_heads: 3 },
    task: { name: 'add', train_len: 4, test_len: 5 },
  },
  'copy, index': { model: { pos_encoding: 'index' }, task: { name: 'copy', train_len: 8, test_len: 12, vocab_size: 10 } },
  'reverse, T5 bias, bidirectional, 6 buckets to 5': {
    model: { pos_encoding: 't5_bias', attention: 'bidirectional', t5_buckets: 6, t5_max_distance: 5 },
    task: { name: 'reverse', train_len: 8, test_len: 12, vocab_size: 10 },
  },
};

function native(cfgPath, ...args) {
  return JSON.parse(execFileSync(nopelab, ['train', '--config', cfgPath, '--quiet', ...args], { encoding: 'utf8' }));
}

for (const [name, cfg] of Object.entries(configs)) {
  test(`native and wasm agree: ${name}`, { skip: !existsSync(nopelab) && `no native build at ${nopelab}` }, () => {
    const cfgPath = path.join(work, 'cfg.json');
    writeFileSync(cfgPath, JSON.stringify({ ...cfg, train: { batch_size: 8, warmup: 0, ...(cfg.train || {}) } }));
    const ckPath = path.join(work, 'ck.json');
    native(cfgPath, '--steps', '0', '--out', ckPath, '--eval-examples', '1');
    const nativeParams = JSON.parse(readFileSync(ckPath, 'utf8')).params;
    const first = native(cfgPath, '--steps', '1', '--eval-examples', '1');

    const s = new lab.Session();
    const created = s.create(readFileSync(cfgPath, 'utf8'));
    assert.equal(created.ok, true, created.error);
    const wasmParams = JSON.parse(s.saveCheckpoint(false).checkpoint).params;
    assert.deepEqual(Object.keys(wasmParams), Object.keys(nativeParams));
    for (const key of Object.keys(nativeParams)) assert.deepEqual(wasmParams[key], nativeParams[key], key);

    const step = s.step(1);
    assert.equal(step.ok, true, step.error);
    assert.equal(step.batch_hash, first.first_batch_hash, 'training batch differs');
    const rel = Math.abs(step.loss - first.first_loss) / Math.abs(first.first_loss);
    assert.ok(rel < 1e-5, `first-step loss ${step.loss} (wasm) vs ${first.first_loss} (native): rel ${rel}`);
  });
}
