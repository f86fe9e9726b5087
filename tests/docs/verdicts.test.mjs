// docs/science.md's verdict table and its trained numbers come from the
// committed runs: docs/data/trained.json and docs/data/random_init.json
// (written by scripts/reproduce). The table is re-rendered here
// (scripts/lib/verdicts.mjs) and must appear verbatim; every decimal in the
// sections on trained models must be one these data give.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { verdictTable, keptRows, START, END, KAZEMNEJAD_SLOT } from '../../scripts/lib/verdicts.mjs';
import { boot } from '../../scripts/lib/seed_stats.mjs';
import { modelComparison, probeRise, RECORD_FEATURES } from '../../scripts/lib/trained_data.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (p) => readFileSync(path.join(root, p), 'utf8');
const trained = JSON.parse(read('docs/data/trained.json'));
const random = JSON.parse(read('docs/data/random_init.json'));
const science = read('docs/science.md');

// The sections whose numbers are all from these data.
export const TRAINED_SECTIONS = [
  '### Zuo et al.: the adjacency pattern after training',
  '### Zuo et al.: cosine similarity carries position better than variance',
  '### Haviv et al. 2022: NoPE language models know position',
];

function section(heading) {
  const start = science.indexOf(heading);
  assert.ok(start >= 0, `docs/science.md has no section "${heading}"`);
  const rest = science.slice(start + heading.length);
  const end = rest.search(/\n##+ /);
  return end < 0 ? rest : rest.slice(0, end);
}

// Every number the data give, as the docs print them (2 and 3 decimals):
// each list's mean and bootstrap bounds, every per-model comparison and
// rise, every init row's mean and interval, every null.
function allowed() {
  const out = new Set();
  const add = (x) => { if (Number.isFinite(x)) for (const d of [2, 3]) { out.add(x.toFixed(d)); out.add(Math.abs(x).toFixed(d)); } };
  const addB = (b) => { add(b.mean); add(b.lo); add(b.hi); };
  const walk = (o) => {
    if (Array.isArray(o) && o.every((x) => typeof x === 'number')) { if (o.length) addB(boot(o)); o.forEach(add); return; }
    if (o && typeof o === 'object') Object.values(o).forEach(walk); else if (typeof o === 'number') add(o);
  };
  walk(trained);
  walk(random);
  for (const r of trained.models) {
    for (const f of RECORD_FEATURES) if (f !== 'variance') addB(modelComparison(r, f));
    const L = r.sites.resid_post.length;
    for (let l = 1; l < L; l++) addB(probeRise(r, 'resid_post', 'hidden', l - 1, l));
    if (r.lm_loss_heldout_text) addB(boot(r.lm_loss_heldout_text.map((x) => x / Math.LN2)));
  }
  return out;
}

test('every trained model has at least 3 seeds, every list one value per seed', () => {
  for (const r of trained.models) {
    assert.ok(r.seeds.length >= 3, `${r.task} ${r.pe}: ${r.seeds.length} seeds`);
    const n = r.seeds.length;
    for (const k of ['seq_acc', 'token_acc', 'token_acc_test']) assert.equal(r[k].length, n, `${r.task} ${r.pe} ${k}`);
    for (const site of Object.values(r.sites)) for (const layer of site) {
      assert.equal(layer.padj.length, n);
      for (const f of RECORD_FEATURES) assert.equal(layer.probe[f].length, n);
    }
  }
});

test('docs/science.md holds the verdict table rendered from the committed runs', () => {
  assert.equal(science.split(START).length, 2, 'one verdict table');
  const block = science.slice(science.indexOf(START), science.indexOf(END) + END.length);
  const want = verdictTable(trained, random, keptRows(block));
  assert.equal(block, want, 'docs/science.md\'s verdict table is not the one its data render');
  assert.ok(block.includes(KAZEMNEJAD_SLOT), 'the table keeps the slot for the Kazemnejad row');
});

test('every decimal in the sections on trained models is a number of the runs', () => {
  const ok = allowed();
  for (const h of TRAINED_SECTIONS) {
    const text = section(h);
    for (const x of text.match(/\d+\.\d+/g) ?? []) assert.ok(ok.has(x), `${x} in "${h}" is not a number of docs/data/trained.json or random_init.json`);
  }
});
