// safetensors through the wasm module (the page's Upload and Download): a
// file written by the module loads into another session and continues
// identically, it is byte-identical to what the native `nopelab export`
// writes for the same checkpoint, and a native file loads in the module;
// bad bytes come back as error values and leave the session's model alone.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadNopeLab, repoRoot } from './load_module.mjs';

const lab = await loadNopeLab();
const nopelab = process.env.NOPELAB || path.join(repoRoot, 'build', 'nopelab');

const cfg = {
  model: { d_model: 32, n_heads: 4, n_layers: 2, d_ff: 64, pos_encoding: 'rope' },
  task: { name: 'copy', train_len: 6, test_len: 10, vocab_size: 6 },
  train: { steps: 50, batch_size: 16, lr: 0.003, warmup: 5, seed: 9 },
};

function trained(steps) {
  const s = new lab.Session();
  assert.equal(s.create(JSON.stringify(cfg)).ok, true);
  assert.equal(s.step(steps).ok, true);
  return s;
}

test('safetensors round trip through the module', () => {
  const a = trained(4);
  const saved = a.saveSafetensors();
  assert.equal(saved.ok, true, saved.error);
  assert.ok(saved.safetensors instanceof Uint8Array);
  assert.equal(saved.safetensors[8], 0x7b);  // '{' after the 8-byte header length
  const b = new lab.Session();
  const loaded = b.loadSafetensors(saved.safetensors);
  assert.equal(loaded.ok, true, loaded.error);
  assert.equal(loaded.step, 4);
  assert.deepEqual(b.evaluate(8, 32), a.evaluate(8, 32));
  assert.deepEqual(JSON.parse(b.saveCheckpoint(false).checkpoint).params, JSON.parse(a.saveCheckpoint(false).checkpoint).params);
});

test('module and native nopelab export write the same bytes and read each other', () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'nopelab-st-'));
  const s = trained(3);
  writeFileSync(path.join(work, 'ck.json'), s.saveCheckpoint(false).checkpoint);
  execFileSync(nopelab, ['export', '--checkpoint', path.join(work, 'ck.json'), '--out', path.join(work, 'n.safetensors')]);
  const native = new Uint8Array(readFileSync(path.join(work, 'n.safetensors')));
  assert.deepEqual(s.saveSafetensors().safetensors, native);
  const t = new lab.Session();
  assert.equal(t.loadSafetensors(native).ok, true);
  assert.deepEqual(t.evaluate(6, 16), s.evaluate(6, 16));
});

test('bad safetensors bytes are error values and keep the model', () => {
  const s = trained(2);
  const before = s.saveCheckpoint(false).checkpoint;
  const good = s.saveSafetensors().safetensors;
  assert.match(s.loadSafetensors(good.slice(0, 5)).error, /shorter than the 8-byte header length/);
  assert.match(s.loadSafetensors(good.slice(0, 200)).error, /truncated: the header says/);
  const huge = good.slice();
  huge.set([0, 0, 0, 0x40, 0, 0, 0, 0], 0);  // a 1 GiB header
  assert.match(s.loadSafetensors(huge).error, /exceeds the limit of 1048576 bytes/);
  assert.match(s.loadSafetensors(new Uint8Array([...good, 1, 2, 3, 4])).error, /belong to no tensor/);
  assert.match(s.loadSafetensors(new TextEncoder().encode(before)).error, /header length|truncated/);
  assert.equal(s.saveCheckpoint(false).checkpoint, before);
  assert.equal(s.step(1).ok, true);
});
