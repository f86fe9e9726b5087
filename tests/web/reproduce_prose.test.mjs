// scripts/reproduce writes its prose from the experiment data and the runs
// (scripts/lib/experiments.mjs): its random-init section, run now through the
// native CLI, says what the committed docs/results/results.md says (heading,
// baselines, table head, one row per model), numbers aside.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSections } from '../../scripts/lib/results_doc.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = process.env.NOPELAB || path.join(root, 'build', 'nopelab');

// Each line with every table cell after the first replaced: the words, not the figures.
const shape = (body) => body.split('\n').filter((l) => !l.startsWith('<sub>'))
  .map((l) => (l.startsWith('| ') && !l.startsWith('| model') ? l.split(' | ')[0] : l));

test('the random-init section is written from the data and the runs', { skip: !fs.existsSync(bin) && 'no nopelab binary' }, () => {
  const out = execFileSync('node', ['scripts/reproduce.mjs', '--only', 'random'], { cwd: root, env: { ...process.env, NOPELAB: bin }, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  const fresh = readSections(out), committed = readSections(fs.readFileSync(path.join(root, 'docs/results/results.md'), 'utf8'));
  assert.deepEqual([...fresh.keys()], ['random'], 'only the section asked for');
  assert.deepEqual(shape(fresh.get('random')), shape(committed.get('random')));
  assert.match(fresh.get('random'), /<sub>This section: `bash scripts\/reproduce --only random` \(native build, 2 jobs in parallel under nice -n 10, on a \d+-core machine\)\.<\/sub>/);
});
