// What a figure asks of the shared pool, as pool jobs: build the model and
// analyse it, then (for a model that trains) train in short chunks so other
// figures' jobs interleave and training can pause between chunks. A session
// lives in the worker under the figure's own name; if the worker lost it
// (replaced after a crash, or another worker took the job), the chunk rebuilds
// it and replays the steps done so far: training is deterministic, so the
// replayed model is the same model.
import { toConfig } from '../settings.js';
import { analysisInput } from '../before_after.js';

// The lab's analysis (App.analysisRequest): the same numbers as the lab.
export function analysisRequest(settings) {
  return { batch: 32, input: analysisInput(settings), seed: settings['train.seed'] };
}

// The lab's length sweep (App.refreshLengths): 1..test_len in at most 16 steps, plus train_len.
export function evalLengths(settings) {
  const maxLen = settings['task.test_len'];
  const step = Math.max(1, Math.ceil(maxLen / 16));
  const lengths = [];
  for (let n = 1; n <= maxLen; n += step) lengths.push(n);
  if (lengths.at(-1) !== maxLen) lengths.push(maxLen);
  if (!lengths.includes(settings['task.train_len'])) lengths.push(settings['task.train_len']);
  return lengths.sort((a, b) => a - b);
}

export class FigureRun {
  // session: a name unique on the page; needs: {analysis, lengths}.
  constructor(pool, session, settings, needs) {
    this.pool = pool;
    this.session = session;
    this.settings = settings;
    this.config = toConfig(settings);
    this.needs = needs;
    this.step = 0;
    this.total = settings['train.steps'];
    this.chunk = 5;
  }

  // Rebuilds the session at this.step if the worker does not hold it there.
  async ensure(call) {
    let info = null;
    try {
      info = await call('info', { session: this.session });
    } catch (err) {
      if (!/no session/.test(err.message)) throw err;
    }
    if (info && info.step === this.step) return;
    await call('create', { session: this.session, config: this.config });
    if (this.step > 0) await call('step', { session: this.session, n: this.step });
  }

  async measure(call) {
    const out = {};
    if (this.needs.analysis) out.analysis = await call('analyze', { session: this.session, request: analysisRequest(this.settings) });
    if (this.needs.lengths) out.lengths = await call('evaluate', { session: this.session, lengths: evalLengths(this.settings), examples: 64 });
    return out;
  }

  // The model as built: {analysis?, lengths?}. An invalid config fails with the core's message.
  first({ priority = false } = {}) {
    return this.pool.submit(async (call) => {
      const v = await call('validate', { config: this.config });
      if (!v.ok) throw new Error(`invalid settings: ${v.error}`);
      await call('create', { session: this.session, config: this.config });
      const out = await this.measure(call);
      if (this.total === 0) await call('drop', { session: this.session });
      return out;
    }, { priority });
  }

  // One chunk of training (about `targetMs` of work): -> the last step's metrics.
  trainChunk(targetMs = 150) {
    return this.pool.submit(async (call) => {
      await this.ensure(call);
      const n = Math.min(this.chunk, this.total - this.step);
      const t0 = performance.now();
      const m = await call('step', { session: this.session, n });
      const dt = performance.now() - t0;
      this.step += n;
      this.chunk = Math.max(1, Math.min(500, Math.round(n * targetMs / Math.max(dt, 1))));
      return m;
    });
  }

  // The trained model (or the model so far) measured.
  remeasure() {
    return this.pool.submit(async (call) => {
      await this.ensure(call);
      return this.measure(call);
    });
  }

  drop() {
    return this.pool.submit((call) => call('drop', { session: this.session })).catch(() => {});
  }
}
