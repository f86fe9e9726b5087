// docs/results/long_search.md's addition tries against their runs
// (docs/data/add_tries.json, written by `node scripts/add_tries.mjs --write`):
// the table is the one the data renders, the data holds every try the script
// defines with the config it defines, and the prose after the table, in
// science.md and in the results page quotes only numbers the table has.
import test from 'node:test';
import assert from 'node:assert/strict';
import { read, between } from './doc_text.mjs';
import { TRIES, tryConfig, renderTriesTable, triesRows, TRIES_START, TRIES_END } from '../../scripts/lib/add_tries.mjs';

const data = JSON.parse(read('docs/data/add_tries.json'));
const page = read('docs/results/long_search.md');

test('the data holds every try, each with the config the script defines and every length evaluated', () => {
  assert.deepEqual(data.runs.map((r) => r.id), TRIES.map((t) => t.id));
  for (const t of TRIES) {
    const r = data.runs.find((x) => x.id === t.id);
    assert.deepEqual(r.config, tryConfig(t), t.id);
    assert.deepEqual(r.results.map((e) => e.length), Array.from({ length: r.config.task.test_len }, (_, i) => i + 1), t.id);
  }
});

test('long_search.md shows the table the data renders', () => {
  assert.equal(between(page, TRIES_START, TRIES_END).slice(TRIES_START.length).trim(), renderTriesTable(data));
});

// The prose about the tries quotes three-decimal accuracies: each must be a
// cell of the table.
const cells = new Set(triesRows(data).flatMap((r) => r.cells));
// (A learning rate such as "lr 0.001" is not an accuracy.)
const quoted = (text) => [...text.matchAll(/(?<!lr )\b[01]\.\d\d\d\b/g)].map((m) => m[0]);
// The page's text after the table, to its next section or its end.
const afterTable = page.slice(page.indexOf(TRIES_END) + TRIES_END.length).split('\n## ')[0];
const prose = {
  'long_search.md, after the table': afterTable,
  'science.md, the addition bullet': between(between(read('docs/science.md'), '### Kazemnejad et al. 2023', '### '), '- **Addition', '\n\n'),
};
for (const [name, text] of Object.entries(prose)) {
  test(`${name}: every accuracy quoted is one of the tries' table`, () => {
    const numbers = quoted(text);
    assert.ok(numbers.length > 0 || false, `${name} quotes no accuracy`);
    for (const n of numbers) assert.ok(cells.has(n), `${name} states ${n}, which the tries' table does not have`);
  });
}

test('the format test: add_lsd at length 3 is learned where add is not (the claim the page makes)', () => {
  const row = (id) => data.runs.find((r) => r.id === id);
  const seq3 = (id) => row(id).results.find((e) => e.length === 3).seq_acc;
  assert.ok(seq3('add_lsd-fixed3') >= 0.95, 'add_lsd at length 3 is no longer learned');
  assert.ok(seq3('add-fixed3') < 0.5, 'add at length 3 is now learned: the page says it is not');
  assert.ok(seq3('add-fixed3-learned') >= 0.95, 'add with learned positions at length 3 is no longer learned');
});
