// The addition tries of docs/results/long_search.md: the length-
// generalisation recipe (LONG, on add) changed one way at a time, to find out
// why no encoding learns add and whether another format or scale does. Each
// try is one training (seed 1) evaluated at every length 1..test_len on
// LONG.examples fresh examples. scripts/add_tries.mjs runs them and keeps
// the results in docs/data/add_tries.json; renderTriesTable is the page's
// table, so tests/docs/add_tries.test.mjs can check the page against the data.
import { LONG, longConfig } from './experiments.mjs';
import { merge } from './runner.mjs';
import { at, beyondTokenAcc } from './long_verdict.mjs';

// A fixed length (no vary_length) at train_len n, tested one item longer.
const fixed = (n) => ({ task: { train_len: n, test_len: n + 1, vary_length: false } });
const small = { model: { n_layers: 2 }, train: { lr: 0.001 } };

export const TRIES = [
  { id: 'add-30k', task: 'add', pe: 'none', change: '30000 steps', patch: { train: { steps: 30000 } } },
  { id: 'add-d128', task: 'add', pe: 'none', change: 'd_model 128, d_ff 512', patch: { model: { d_model: 128, d_ff: 512 } } },
  { id: 'add-fixed3', task: 'add', pe: 'none', change: 'length 3 only, 2 layers, lr 0.001', patch: merge(fixed(3), small) },
  { id: 'add-fixed3-learned', task: 'add', pe: 'learned', change: 'length 3 only, 2 layers, lr 0.001', patch: merge(fixed(3), small) },
  { id: 'add_lsd-fixed3', task: 'add_lsd', pe: 'none', change: 'length 3 only, 2 layers, lr 0.001', patch: merge(fixed(3), small) },
  { id: 'add_lsd', task: 'add_lsd', pe: 'none', change: 'none (the recipe)', patch: {} },
  { id: 'add_lsd-alibi', task: 'add_lsd', pe: 'alibi', change: 'none (the recipe)', patch: {} },
  { id: 'add_lsd-30k', task: 'add_lsd', pe: 'none', change: '30000 steps', patch: { train: { steps: 30000 } } },
  { id: 'add_lsd-1..8', task: 'add_lsd', pe: 'none', change: 'lengths 1..8', patch: { task: { train_len: 8, test_len: 16 } } },
  { id: 'add_lsd-1..8-lr', task: 'add_lsd', pe: 'none', change: 'lengths 1..8, lr 0.001', patch: { task: { train_len: 8, test_len: 16 }, train: { lr: 0.001 } } },
  { id: 'add_lsd-fixed8', task: 'add_lsd', pe: 'none', change: 'length 8 only, lr 0.001', patch: merge(fixed(8), { train: { lr: 0.001 } }) },
  { id: 'add_lsd-fixed8-learned', task: 'add_lsd', pe: 'learned', change: 'length 8 only, lr 0.001', patch: merge(fixed(8), { train: { lr: 0.001 } }) },
];

export const tryConfig = (t) => merge(longConfig(t.task, t.pe), t.patch);

// The lengths the try trained on: every length up to train_len with
// vary_length, else train_len alone.
export function trainedLengths(config) {
  const n = config.task.train_len;
  return config.task.vary_length === false ? [n] : Array.from({ length: n }, (_, i) => i + 1);
}

const f3 = (x) => x.toFixed(3);

// One row per try: the lowest sequence accuracy over its trained lengths
// (competence is >= LONG.competence there), sequence accuracy at 1, 2 and 3
// items, token accuracy at its longest trained length and averaged over the
// untrained lengths beyond it, and its training time.
export function triesRows(data) {
  return data.runs.map((r) => {
    const trained = trainedLengths(r.config), top = Math.max(...trained), testLen = r.config.task.test_len;
    const seqAt = (n) => (at(r, n) ? f3(at(r, n).seq_acc) : '-');
    return {
      id: r.id,
      cells: [r.config.task.name, r.config.model.pos_encoding, r.change,
        trained.length > 1 ? `1..${top}` : String(top),
        f3(Math.min(...trained.map((n) => at(r, n).seq_acc))), seqAt(1), seqAt(2), seqAt(3),
        f3(at(r, top).token_acc), testLen > top ? f3(beyondTokenAcc(r, top, testLen)) : '-', `${r.seconds.toFixed(0)} s`],
    };
  });
}

export function renderTriesTable(data) {
  return [
    `| task | encoding | change from the recipe | trained lengths | min seq acc over them | seq acc @1 | seq acc @2 | seq acc @3 | token acc @ longest trained | token acc beyond | train time |`,
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...triesRows(data).map((r) => `| ${r.cells.join(' | ')} |`),
  ].join('\n');
}

export const TRIES_START = '<!-- add-tries: node scripts/add_tries.mjs --write -->';
export const TRIES_END = '<!-- /add-tries -->';
