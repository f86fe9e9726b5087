// Runs the addition tries (scripts/lib/add_tries.mjs) and prints their table;
// --write also keeps the results in docs/data/add_tries.json and puts the
// table into docs/results/long_search.md between its markers. Trainings and
// evaluations are cached in build/reproduce-cache, as scripts/reproduce's.
//   node scripts/add_tries.mjs [--jobs N] [--write]
import fs from 'node:fs';
import { Runner } from './lib/runner.mjs';
import { LONG } from './lib/experiments.mjs';
import { TRIES, tryConfig, renderTriesTable, TRIES_START, TRIES_END } from './lib/add_tries.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const runner = new Runner({ jobs: +opt('--jobs', 2), log: (s) => process.stderr.write(s + '\n') });
const DATA = 'docs/data/add_tries.json', PAGE = 'docs/results/long_search.md';

const runs = await Promise.all(TRIES.map(async (t) => {
  const config = tryConfig(t);
  const { summary, ck } = await runner.train(config, 2);
  const e = await runner.evalCk(ck, ['--examples', String(LONG.examples)]);
  return { id: t.id, change: t.change, config, seconds: summary.seconds,
    results: e.results.map(({ length, seq_acc, token_acc }) => ({ length, seq_acc, token_acc })) };
}));
const data = { command: 'node scripts/add_tries.mjs --write', examples: LONG.examples, runs };
const table = renderTriesTable(data);
console.log(table);
if (argv.includes('--write')) {
  fs.writeFileSync(DATA, JSON.stringify(data, null, 1) + '\n');
  const page = fs.readFileSync(PAGE, 'utf8');
  const a = page.indexOf(TRIES_START), b = page.indexOf(TRIES_END);
  if (a < 0 || b < a) throw new Error(`${PAGE} has no ${TRIES_START} ... ${TRIES_END} markers`);
  fs.writeFileSync(PAGE, page.slice(0, a + TRIES_START.length) + '\n' + table + '\n' + page.slice(b));
  console.error(`add_tries: wrote ${DATA} and the table in ${PAGE}`);
}
