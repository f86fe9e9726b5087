// A sweep preset as a figure (view="sweep"). It can show two runs of the
// same experiment: a committed run (the native CLI's `nopelab sweep` result
// file, shipped with the site, drawn at first paint) and the reader's own
// run, trained in their browser on the page's shared worker when they ask
// for it. Live runs go one at a time so the figure can stop between runs
// when it scrolls away and pick up where it stopped; finished runs are kept.
// Both are summarised by the same core call (sweepSummarize) over their
// records, so the chart, the prose numbers and the text description are
// computed the same way whichever run is shown.
import { el } from '../dom.js';
import { toConfig } from '../settings.js';
import { SweepPlots } from '../views/sweep_plots.js';
import { SEED_INTERVAL } from '../seed_bootstrap.js';

// The preset's sweep over the figure's settings (preset, then attributes).
export function sweepSpec(settings, sweep) {
  return { format: 'nopelab-sweep', version: 1, ...sweep, base: toConfig(settings) };
}

// Seed-major order: every cell's first seed before any cell's second, so a
// reader sees the whole picture early and the intervals tighten after.
export function runOrder(cells, seeds) {
  const order = [];
  for (let k = 0; k < seeds; k++) for (let c = 0; c < cells; c++) order.push(c * seeds + k);
  return order;
}

// Named numbers of a sweep result: "<measure>.<axis value>[.<axis value>]"
// (cell means), plus runs_done / runs_total / seeds.
export function sweepValues(result, plan, done) {
  const v = { runs_done: done, runs_total: plan?.runs ?? 0, seeds: plan?.spec?.seeds ?? 0 };
  for (const cell of result?.cells || []) {
    const key = plan.axes.map((a) => String(cell.values[a.path])).join('.');
    for (const [m, s] of Object.entries(cell.measures || {})) if (s?.n > 0 && Number.isFinite(s.mean)) v[`${m}.${key}`] = s.mean;
  }
  return v;
}

const canonical = (x) => (Array.isArray(x) ? x.map(canonical)
  : x && typeof x === 'object' ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, canonical(x[k])])) : x);
const same = (a, b) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

// Why a committed result file cannot stand for the figure's experiment, or
// null when it can: the same planned spec (base config, axes, seeds, eval,
// analysis) apart from the measures, of which it holds every one the figure
// draws, a whole run (no shard of several) and a record for every run.
export function committedProblem(spec, data) {
  if (data?.format !== 'nopelab-sweep-result') return `format is ${JSON.stringify(data?.format)}, expected "nopelab-sweep-result"`;
  const { measures: want, ...rest } = spec;
  const { measures: have, ...theirs } = data.spec || {};
  for (const key of new Set([...Object.keys(rest), ...Object.keys(theirs)])) {
    if (!same(rest[key], theirs[key])) return `its spec.${key} differs from the figure's settings`;
  }
  const missing = want.filter((m) => !(have || []).includes(m));
  if (missing.length) return `it lacks the measures ${missing.join(', ')}`;
  if ((data.shard?.count ?? 1) !== 1) return `it is shard ${data.shard.index + 1} of ${data.shard.count}`;
  const runs = new Set((data.runs || []).map((r) => r.run));
  const total = (spec.axes || []).reduce((n, a) => n * a.values.length, 1) * spec.seeds;
  if (runs.size !== total) return `it holds ${runs.size} of the ${total} runs`;
  return null;
}

export class SweepFigure {
  constructor(pool, settings, sweep) {
    this.pool = pool;
    this.spec = sweepSpec(settings, sweep);
    this.records = new Map();  // the reader's runs
    this.plan = null;
    this.result = null;        // the summary of the reader's runs
    this.committed = null;     // {result, runs, file, seconds, jobs, interval}
    this.showing = 'browser';  // or 'committed'
  }

  async planned({ priority = false } = {}) {
    const plan = await this.pool.call('sweepPlan', { spec: this.spec }, { priority });
    if (!plan.ok) throw new Error(`invalid sweep: ${plan.error}`);
    this.plan = plan;
    this.spec = plan.spec;
    this.order = runOrder(plan.cells, plan.spec.seeds);
    return plan;
  }

  // The committed run from `url` (after planned()): -> null when shown, or
  // why it cannot be (then the figure offers the live run alone).
  async loadCommitted(url, file, { priority = false } = {}) {
    let data;
    try {
      const response = await fetch(url);
      if (!response.ok) return `${file} could not be loaded (HTTP ${response.status})`;
      data = await response.json();
    } catch (err) {
      return `${file} could not be read (${err.message})`;
    }
    const problem = committedProblem(this.spec, data);
    if (problem) return `${file} does not match this figure: ${problem}`;
    const { result } = await this.pool.call('sweepSummarize', { spec: this.spec, records: data.runs }, { priority });
    this.committed = { result, runs: data.runs.length, file, seconds: data.timing?.seconds, jobs: data.timing?.jobs, interval: data.interval };
    this.showing = 'committed';
    return null;
  }

  // The reader's runs done so far.
  get done() {
    return this.records.size;
  }

  // What the figure draws: the committed result or the reader's.
  get shown() {
    return this.showing === 'committed'
      ? { result: this.committed.result, done: this.committed.runs, source: 'committed' }
      : { result: this.result, done: this.records.size, source: 'browser' };
  }

  show(source) {
    if (source === 'committed' && !this.committed) throw new Error('no committed run to show');
    this.showing = source;
  }

  // The next run not yet done: -> the new summary. A run takes minutes and
  // holds the page's one worker; stop() gives the worker back at once (the
  // unfinished run is dropped and starts over on the next runNext).
  async runNext() {
    const run = this.order.find((r) => !this.records.has(r));
    this.abort = new AbortController();
    const { record } = await this.pool.call('sweepRun', { spec: this.spec, run }, { signal: this.abort.signal });
    this.abort = null;
    this.records.set(run, record);
    const list = [...this.records.values()].sort((a, b) => a.run - b.run);
    this.result = (await this.pool.call('sweepSummarize', { spec: this.spec, records: list })).result;
    return this.result;
  }

  stop() {
    this.abort?.abort();
    this.abort = null;
  }
}

// The figure's bar for a sweep: the status line and its two buttons (the
// reader's run: Start / Pause / Resume; which run is shown: Re-run in your
// browser / Show the committed run / Show your run), from the sweep and
// whether the reader has paused it, the figure is on screen, and why a
// committed file was not used (problem).
export function sweepBar(s, { userPaused, onScreen, problem = null }) {
  const live = s.showing === 'browser';
  const finished = s.done >= s.plan.runs;
  let status;
  if (!live) {
    status = `Showing the committed native run (${s.spec.seeds} seeds per setting).` +
      (s.done > 0 ? ` Your run: ${s.done} of ${s.plan.runs} runs, paused.` : '');
  } else {
    const why = userPaused ? (s.done === 0 ? 'press Start to train them in your browser' : 'paused')
      : !onScreen ? 'paused while off screen' : 'training in your browser';
    status = (finished ? `All ${s.plan.runs} runs trained in your browser.` : `Run ${s.done + 1} of ${s.plan.runs}: ${why}.`) +
      (problem ? ` (No committed run shown: ${problem}.)` : '');
  }
  return {
    status,
    progress: { hidden: !live },
    pause: { hidden: !live || finished, text: userPaused ? (s.done === 0 ? 'Start' : 'Resume') : 'Pause' },
    rerun: { hidden: !s.committed, text: live ? 'Show the committed run' : s.done > 0 ? 'Show your run' : 'Re-run in your browser' },
  };
}

const minutes = (s) => `${(s / 60).toFixed(1)} min`;

// The line under the chart: which run it is and where it came from.
export function sweepNote(s) {
  const { source, done } = s.shown;
  const size = `${s.plan.cells} settings x ${s.spec.seeds} seeds`;
  if (source === 'committed') {
    const c = s.committed;
    const how = c.seconds ? ` in ${minutes(c.seconds)}${c.jobs ? ` with --jobs ${c.jobs}` : ''}` : '';
    return `Committed run: all ${done} runs (${size}) trained natively by nopelab sweep${how}, file ${c.file}. ` +
      `Means and ${SEED_INTERVAL}.`;
  }
  const interval = s.result?.interval ? `Means and ${SEED_INTERVAL}, over the seeds done so far.` : 'No run has finished yet.';
  return `Your run: ${done} of ${s.plan.runs} runs (${size}) trained in your browser. ${interval}`;
}

export function sweepView(panel, ctx) {
  const note = el('p', { class: 'score sweep-source' });
  const plots = new SweepPlots(panel);
  panel.append(note);
  let key = null;
  return {
    update() {
      const s = ctx.sweep;
      if (!s?.plan) return;
      const { result, source } = s.shown;
      const k = JSON.stringify(s.plan.axes) + s.spec.measures.join() + source;
      if (k !== key) {
        key = k;
        plots.reset(s.plan.axes, s.spec.measures);
      }
      // Nothing is drawn before the first run lands: an empty cell is not a 0.
      if (result) plots.update(result);
      note.textContent = sweepNote(s);
      note.dataset.source = source;
    },
  };
}
