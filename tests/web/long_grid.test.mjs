// scripts/reproduce --long: its shards partition the grid and merge back
// (or refuse to), and its verdict counts only competent encodings and calls
// a difference only when the seed intervals are apart.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseShard, gridRuns, shardRuns, mergeParts } from '../../scripts/lib/long_parts.mjs';
import { cellSummary, verdict, minTrainedSeqAcc, beyondTokenAcc } from '../../scripts/lib/long_verdict.mjs';

const grid = { tasks: ['copy', 'add'], encodings: ['none', 'rope', 't5_bias'], seeds: [1, 2, 3] };
const part = (index, count) => ({ grid, shard: { index, count }, runs: shardRuns(grid, { index, count }) });

test('--shard I/N is parsed and refused outside its range', () => {
  assert.deepEqual(parseShard('2/5'), { index: 2, count: 5 });
  assert.throws(() => parseShard('5/5'), /I must be in \[0, 4\]/);
  assert.throws(() => parseShard('0/0'), /N >= 1/);
  assert.throws(() => parseShard('1-4'), /is not I\/N/);
});

test('the shards partition the grid and merge back in grid order', () => {
  for (const n of [1, 4, 7, 18, 25]) {
    const parts = Array.from({ length: n }, (_, i) => part(i, n));
    assert.equal(parts.reduce((a, p) => a + p.runs.length, 0), 18);
    assert.deepEqual(mergeParts(parts.reverse()), gridRuns(grid));
  }
});

test('a merge refuses a missing run, a run in two parts and a part of another grid', () => {
  assert.throws(() => mergeParts([part(0, 3), part(2, 3)]), /6 run\(s\) missing, e\.g\. copy\/rope\/seed 1 \(shard 1\/3\)/);
  assert.throws(() => mergeParts([part(0, 2), part(1, 2), part(1, 2)]), /is in two parts/);
  const other = { ...part(1, 2), grid: { ...grid, seeds: [1, 2] } };
  assert.throws(() => mergeParts([part(0, 2), other]), /part 1 \(shard 1\/2\) is of another grid/);
  assert.throws(() => mergeParts([]), /no part files/);
});

// A run whose sequence accuracy is `trained` on 1..4 and whose token accuracy is `beyond` on 5..8.
const run = (trained, beyond) => ({ results: Array.from({ length: 8 }, (_, i) => i < 4
  ? { length: i + 1, seq_acc: trained, token_acc: 1 } : { length: i + 1, seq_acc: 0, token_acc: beyond }) });
const opts = { trainLen: 4, testLen: 8, competence: 0.95 };
const cells = (spec) => new Map(Object.entries(spec).map(([pe, rs]) => [pe, cellSummary(rs.map(([t, b]) => run(t, b)), opts)]));

test('competence is every seed at every trained length; generalisation is the untrained lengths only', () => {
  const r = run(0.97, 0.4);
  r.results[2].seq_acc = 0.9;
  assert.equal(minTrainedSeqAcc(r, 4), 0.9);
  assert.equal(beyondTokenAcc(r, 4, 8), 0.4);
  const c = cellSummary([run(1, 0.5), r, run(0.96, 0.6)], opts);
  assert.equal(c.competentSeeds, 2);
  assert.ok(c.beyond.lo >= 0.4 && c.beyond.hi <= 0.6);
});

test('the verdict: inconclusive without competence or with overlap, a mark only when intervals are apart', () => {
  const good = [[1, 0.9], [1, 0.92], [1, 0.91]], bad = [[1, 0.3], [1, 0.35], [1, 0.32]];
  assert.match(verdict(cells({ none: [[0.5, 0.9], [1, 0.9], [1, 0.9]], rope: bad }), opts).text, /NoPE is not competent \(2\/3 seeds/);
  assert.equal(verdict(cells({ none: good, rope: [[0.2, 0.1], [0.2, 0.1], [0.2, 0.1]] }), opts).mark, 'inconclusive at this scale');
  assert.equal(verdict(cells({ none: good, rope: bad, t5_bias: bad }), opts).mark, '✔');
  assert.equal(verdict(cells({ none: bad, rope: good }), opts).mark, '✘');
  const overlap = verdict(cells({ none: [[1, 0.5], [1, 0.9], [1, 0.7]], rope: bad, t5_bias: [[1, 0.6], [1, 0.8], [1, 0.7]] }), opts);
  assert.equal(overlap.mark, 'inconclusive at this scale');
  assert.match(overlap.text, /overlaps t5_bias/);
});

// Through the native CLI: two shards of a tiny grid, merged, give the section
// an unsharded run gives (runs are cached by their arguments, so the second
// way computes nothing).

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = process.env.NOPELAB || path.join(root, 'build', 'nopelab');

test('reproduce --long: --shard parts merged with --long-merge equal the unsharded section', { skip: !fs.existsSync(bin) && 'no nopelab binary' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'long-parts-'));
  const grid = ['--long', '--only', 'long', '--long-steps', '120', '--long-tasks', 'copy', '--long-encodings', 'none,t5_bias', '--train-seeds', '1', '--jobs', '1'];
  const run = (args) => execFileSync('node', ['scripts/reproduce.mjs', ...grid, ...args], { cwd: root, env: { ...process.env, NOPELAB: bin, NOPELAB_THREADS: '1' }, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  for (const i of [0, 1]) run(['--shard', `${i}/2`, '--long-part', path.join(dir, `part-${i}-of-2.json`)]);
  const parts = [0, 1].map((i) => JSON.parse(fs.readFileSync(path.join(dir, `part-${i}-of-2.json`), 'utf8')));
  assert.deepEqual(parts.map((p) => p.runs.map((r) => r.pe)), [['none'], ['t5_bias']]);
  const body = (text) => text.split('\n').filter((l) => !l.startsWith('<sub>') && !l.startsWith('Runtime of')).join('\n').replace(/ \(merged from shard parts in [^)]*\)/, '');
  const merged = run(['--long-merge', dir]), direct = run([]);
  assert.match(merged, /\| copy \| t5_bias \| \d\/1 \|/);
  assert.equal(body(merged), body(direct));
  fs.rmSync(dir, { recursive: true });
});
