// A sweep figure's committed run (web/js/figures/sweep_figure.js): the
// native result file stands for the figure only when it is the same
// experiment (spec apart from measures, every measure drawn, every run, no
// shard), and the figure then shows it, summarised by the same call as a
// live run, until the reader switches to their own. Uses the committed
// docs/data/sweep_why_not_t_over_T.json; needs web/dist/schema.js.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SweepFigure, committedProblem, sweepBar, sweepNote, sweepValues } from '../../web/js/figures/sweep_figure.js';

const file = new URL('../../docs/data/sweep_why_not_t_over_T.json', import.meta.url);
const data = JSON.parse(readFileSync(file, 'utf8'));
const copy = (x) => JSON.parse(JSON.stringify(x));
const figureSpec = () => ({ ...copy(data.spec), measures: ['token_acc_train', 'token_acc_train_prefix', 'token_acc_test'] });

test('the committed file stands for a figure of the same experiment', () => {
  assert.equal(committedProblem(copy(data.spec), data), null);
  assert.equal(committedProblem(figureSpec(), data), null, 'a subset of its measures');
});

test('a committed file of another experiment is refused, saying why', () => {
  const spec = figureSpec();
  spec.base.train.steps = 500;
  assert.match(committedProblem(spec, data), /spec\.base differs/);
  const seeds = { ...figureSpec(), seeds: 3 };
  assert.match(committedProblem(seeds, data), /spec\.seeds differs/);
  assert.match(committedProblem({ ...figureSpec(), measures: ['seq_acc_test'] }, data), /lacks the measures seq_acc_test/);
  assert.match(committedProblem(figureSpec(), { ...data, shard: { index: 0, count: 2 } }), /shard 1 of 2/);
  assert.match(committedProblem(figureSpec(), { ...data, runs: data.runs.slice(1) }), /24 of the 25 runs/);
  assert.match(committedProblem(figureSpec(), { ...data, format: 'nopelab-sweep' }), /format/);
});

test('the figure shows the committed run first, then the reader\'s own when asked', async () => {
  const calls = [];
  const pool = {
    async call(kind, p) {
      calls.push(kind);
      if (kind === 'sweepSummarize') return { result: { cells: data.cells, interval: data.interval, from: p.records.length } };
      throw new Error(kind);
    },
  };
  const realFetch = globalThis.fetch;
  globalThis.fetch = async () => ({ ok: true, json: async () => copy(data) });
  try {
    const s = new SweepFigure(pool, {}, {});
    // planned() asks the worker; here the plan is the file's.
    s.spec = figureSpec();
    s.plan = { runs: 25, cells: 5, axes: data.spec.axes, spec: s.spec };
    assert.equal(await s.loadCommitted('x', 'dist/data/x.json'), null);
    assert.equal(s.shown.source, 'committed');
    assert.equal(s.shown.done, 25);
    assert.equal(s.shown.result.from, 25, 'summarised from every committed record');
    const v = sweepValues(s.shown.result, s.plan, s.shown.done);
    assert.equal(v['token_acc_train_prefix.normalized'], data.cells[3].measures.token_acc_train_prefix.mean);
    assert.equal(v.runs_done, 25);
    assert.equal(v.seeds, 5);
    assert.match(sweepNote(s), /^Committed run: all 25 runs \(5 settings x 5 seeds\) trained natively by nopelab sweep in 6\.5 min with --jobs 2, file dist\/data\/x\.json\. Means and 95%/);
    s.show('browser');
    assert.equal(s.shown.source, 'browser');
    assert.equal(s.shown.result, null);
    assert.deepEqual(sweepValues(s.shown.result, s.plan, s.shown.done), { runs_done: 0, runs_total: 25, seeds: 5 });
    assert.match(sweepNote(s), /^Your run: 0 of 25 runs .* No run has finished yet\.$/);
    globalThis.fetch = async () => ({ ok: false, status: 404 });
    const t = new SweepFigure(pool, {}, {});
    t.spec = figureSpec();
    assert.match(await t.loadCommitted('x', 'dist/data/x.json'), /could not be loaded \(HTTP 404\)/);
    assert.equal(t.shown.source, 'browser');
    assert.throws(() => t.show('committed'), /no committed run/);
    globalThis.fetch = async () => ({ ok: true, json: async () => { throw new SyntaxError('Unexpected token <'); } });
    assert.match(await t.loadCommitted('x', 'dist/data/x.json'), /could not be read \(Unexpected token <\)/);
    globalThis.fetch = async () => { throw new TypeError('Failed to fetch'); };
    assert.match(await t.loadCommitted('x', 'dist/data/x.json'), /could not be read \(Failed to fetch\)/);
  } finally {
    globalThis.fetch = realFetch;
  }
});

test('the sweep figure\'s bar: committed first, then the reader\'s run with Start / Pause / Resume', () => {
  const s = new SweepFigure(null, {}, {});
  s.spec = figureSpec();
  s.plan = { runs: 25, cells: 5, axes: data.spec.axes, spec: s.spec };
  s.committed = { result: { cells: data.cells }, runs: 25 };
  s.showing = 'committed';
  let b = sweepBar(s, { userPaused: true, onScreen: true });
  assert.equal(b.status, 'Showing the committed native run (5 seeds per setting).');
  assert.deepEqual([b.pause.hidden, b.rerun.hidden, b.rerun.text, b.progress.hidden], [true, false, 'Re-run in your browser', true]);
  s.show('browser');
  b = sweepBar(s, { userPaused: false, onScreen: true });
  assert.equal(b.status, 'Run 1 of 25: training in your browser.');
  assert.deepEqual([b.pause.hidden, b.pause.text, b.rerun.text, b.progress.hidden], [false, 'Pause', 'Show the committed run', false]);
  assert.equal(sweepBar(s, { userPaused: false, onScreen: false }).status, 'Run 1 of 25: paused while off screen.');
  s.records.set(0, { run: 0 });
  assert.equal(sweepBar(s, { userPaused: true, onScreen: true }).pause.text, 'Resume');
  s.show('committed');
  b = sweepBar(s, { userPaused: true, onScreen: true });
  assert.equal(b.status, 'Showing the committed native run (5 seeds per setting). Your run: 1 of 25 runs, paused.');
  assert.equal(b.rerun.text, 'Show your run');
  // Without a usable committed file: the live run alone, and why.
  const t = new SweepFigure(null, {}, {});
  t.spec = figureSpec();
  t.plan = s.plan;
  b = sweepBar(t, { userPaused: true, onScreen: true, problem: 'x.json does not match this figure: its spec.seeds differs' });
  assert.equal(b.status, 'Run 1 of 25: press Start to train them in your browser. (No committed run shown: x.json does not match this figure: its spec.seeds differs.)');
  assert.deepEqual([b.pause.text, b.rerun.hidden], ['Start', true]);
});
