// A sweep preset as a figure (view="sweep"): the preset's runs one after
// another on the page's shared worker, drawn by the lab's sweep plots as
// they land (mean and 95% interval over the seeds done so far). Runs go one
// at a time so the figure can stop between runs when it scrolls away and
// pick up where it stopped; finished runs are kept. The plan (axes, cells)
// paints at once; each cell's numbers arrive with its runs.
import { el } from '../dom.js';
import { toConfig } from '../settings.js';
import { SweepPlots } from '../views/sweep_plots.js';

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
// (cell means), plus runs_done / runs_total.
export function sweepValues(result, plan, done) {
  const v = { runs_done: done, runs_total: plan?.runs ?? 0 };
  for (const cell of result?.cells || []) {
    const key = plan.axes.map((a) => String(cell.values[a.path])).join('.');
    for (const [m, s] of Object.entries(cell.measures || {})) if (s?.n > 0 && Number.isFinite(s.mean)) v[`${m}.${key}`] = s.mean;
  }
  return v;
}

export class SweepFigure {
  constructor(pool, settings, sweep) {
    this.pool = pool;
    this.spec = sweepSpec(settings, sweep);
    this.records = new Map();
    this.plan = null;
    this.result = null;
  }

  async planned({ priority = false } = {}) {
    const plan = await this.pool.call('sweepPlan', { spec: this.spec }, { priority });
    if (!plan.ok) throw new Error(`invalid sweep: ${plan.error}`);
    this.plan = plan;
    this.spec = plan.spec;
    this.order = runOrder(plan.cells, plan.spec.seeds);
    return plan;
  }

  get done() {
    return this.records.size;
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
}

SweepFigure.prototype.stop = function stop() {
  this.abort?.abort();
  this.abort = null;
};

export function sweepView(panel, ctx) {
  const note = el('p', { class: 'score' });
  const plots = new SweepPlots(panel);
  panel.append(note);
  let key = null;
  return {
    update() {
      const s = ctx.sweep;
      if (!s?.plan) return;
      const k = JSON.stringify(s.plan.axes) + s.spec.measures.join();
      if (k !== key) {
        key = k;
        plots.reset(s.plan.axes, s.spec.measures);
      }
      // Nothing is drawn before the first run lands: an empty cell is not a 0.
      if (s.result) plots.update(s.result);
      note.textContent = `${s.done} of ${s.plan.runs} runs (${s.plan.cells} settings x ${s.spec.seeds} seeds), trained in your browser; ` +
        'means with 95% intervals over the seeds done so far.';
    },
  };
}
