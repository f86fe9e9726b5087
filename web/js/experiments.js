// Experiments that run on the worker pool, DOM-free: a sweep (plan, time one
// run, run the rest in parallel, summarise as records arrive) and the
// Compare view's variants (one pool job each, in parallel). Views only draw
// what these report.
import { WorkerPool, defaultPoolSize } from './pool.js';
import { toConfig } from './settings.js';

// ----------------------------------------------------------------- the pool
const POOL_SIZE_KEY = 'nopelab.pool-size';
let pool = null;

// The user's choice (stored in the browser; it is a property of the machine,
// not of the experiment, so it stays out of the URL), bounded by the cores.
export function poolSize() {
  let n = NaN;
  try { n = Number(globalThis.localStorage?.getItem(POOL_SIZE_KEY)); } catch { /* storage blocked */ }
  const max = defaultPoolSize();
  return n >= 1 ? Math.min(max, n) : max;
}

export function setPoolSize(n) {
  try { globalThis.localStorage?.setItem(POOL_SIZE_KEY, String(n)); } catch { /* storage blocked */ }
  sharedPool().resize(poolSize());
}

export function sharedPool() {
  if (!pool) pool = new WorkerPool({ size: poolSize() });
  return pool;
}

// ----------------------------------------------------------------- sweeps
const SUMMARY_MS = 250;

// {ok, spec, runs, cells, axes} or {ok: false, error}: nothing runs before this.
export function planSweep(pool, spec, { signal } = {}) {
  return pool.call('sweepPlan', { spec }, { signal, priority: true });
}

// A run's rough cost, to start the largest runs first (a d_model axis mixes
// runs 10x apart; in index order one worker would end alone on the last big
// one): per-token work of the model x the tokens it sees, analysis plus
// training. Only the order depends on it, never a number.
export function runCost(plan, run) {
  let cell = Math.floor(run / plan.spec.seeds);
  const cellValues = {};
  for (let a = plan.axes.length - 1; a >= 0; a--) {
    const vals = plan.axes[a].values;
    cellValues[plan.axes[a].path] = vals[cell % vals.length];
    cell = Math.floor(cell / vals.length);
  }
  const get = (path, def) => {
    if (path in cellValues) return cellValues[path];
    const v = path.split('.').reduce((o, k) => o?.[k], plan.spec.base);
    return typeof v === 'number' ? v : def;
  };
  const d = get('model.d_model', 64), L = get('model.n_layers', 2), ff = get('model.d_ff', 4 * d);
  const T = Math.max(get('task.train_len', 16), get('analysis.length', 0)) + 2;
  const perToken = L * (4 * d * d + 2 * d * ff + 2 * T * d);
  const analysis = (plan.spec.analysis?.batch ?? 64) * T * perToken;
  const training = 3 * get('train.steps', 0) * get('train.batch_size', 16) * T * perToken;
  return analysis + training;
}

export async function runOne(pool, spec, run, { signal } = {}) {
  return (await pool.call('sweepRun', { spec, run }, { signal })).record;
}

// Runs every run of a planned sweep not already in `records` (Map run ->
// record) or `started` (Map run -> Promise of its record, e.g. the first
// wave that timed the runs). Records are delivered as they finish
// (onRecord), a summary follows them (onSummary, never more than one
// summarise request in flight), and onProgress gets {done, failed,
// diverged, total, rate, eta}. Resolves with {result, records, failures, cancelled}; a
// cancelled sweep still returns (and summarises) what finished.
export async function runSweep(pool, plan, { records = new Map(), started = new Map(), signal = null, onRecord, onSummary, onProgress } = {}) {
  const spec = plan.spec;
  const total = plan.runs;
  const failures = [];
  const t0 = Date.now();
  const already = records.size;
  let summarising = null, dirty = false, cancelled = false;

  const summarise = async () => {
    const list = [...records.values()].sort((a, b) => a.run - b.run);
    const { result } = await pool.call('sweepSummarize', { spec, records: list }, { priority: true });
    result.timing = { seconds: (Date.now() - t0) / 1000, jobs: pool.size };
    return result;
  };
  // Summaries follow the records, one in flight at a time and at most one
  // per SUMMARY_MS: each re-sends every record so far, and a large sweep
  // must not spend a worker on them.
  let lastSummary = 0, timer = null;
  const refresh = () => {
    if (summarising || timer) {
      dirty = true;
      return;
    }
    const wait = lastSummary + SUMMARY_MS - Date.now();
    if (wait > 0) {
      timer = setTimeout(() => {
        timer = null;
        if (!signal?.aborted) refresh();
      }, wait);
      return;
    }
    dirty = false;
    lastSummary = Date.now();
    summarising = summarise().then((r) => onSummary?.(r), () => {}).finally(() => {
      summarising = null;
      if (dirty && !signal?.aborted) refresh();
    });
  };
  const progress = () => {
    const done = records.size;
    const secs = (Date.now() - t0) / 1000;
    const rate = secs > 0 ? (done - already) / secs : 0;
    const left = total - done - failures.length;
    // A run whose training diverged is a record with "error" and null values.
    const diverged = [...records.values()].filter((r) => r.error).length;
    onProgress?.({ done, failed: failures.length, diverged, total, rate, eta: rate > 0 ? left / rate : null });
  };

  progress();
  if (records.size) refresh();
  const jobs = [];
  const order = Array.from({ length: total }, (_, run) => run).filter((run) => !records.has(run));
  const cost = new Map(order.map((run) => [run, runCost(plan, run)]));
  order.sort((a, b) => cost.get(b) - cost.get(a) || a - b);  // largest first, then in index order
  for (const run of order) {
    jobs.push((started.get(run) || runOne(pool, spec, run, { signal })).then((record) => {
      records.set(run, record);
      onRecord?.(record);
      refresh();
      progress();
    }, (err) => {
      if (err.cancelled) cancelled = true;
      else {
        failures.push({ run, error: err.message });
        progress();
      }
    }));
  }
  await Promise.all(jobs);
  clearTimeout(timer);
  while (summarising) await summarising;
  const result = records.size ? await summarise() : null;
  if (result) onSummary?.(result);
  return { result, records, failures, cancelled: cancelled || !!signal?.aborted };
}

// ----------------------------------------------------------------- compare

// The Compare view's variants: positional encodings and the causal /
// bidirectional control, each a patch over the current settings.
export const COMPARE_VARIANTS = [
  { id: 'none', label: 'NoPE (causal)', set: { 'model.pos_encoding': 'none', 'model.attention': 'causal' } },
  { id: 'bidir', label: 'NoPE bidirectional', set: { 'model.pos_encoding': 'none', 'model.attention': 'bidirectional' } },
  { id: 'sinusoidal', label: 'sinusoidal', set: { 'model.pos_encoding': 'sinusoidal' } },
  { id: 'learned', label: 'learned', set: { 'model.pos_encoding': 'learned' } },
  { id: 'normalized', label: 'normalised t/(T-1)', set: { 'model.pos_encoding': 'normalized' } },
  { id: 'rope', label: 'RoPE', set: { 'model.pos_encoding': 'rope' } },
  { id: 'alibi', label: 'ALiBi', set: { 'model.pos_encoding': 'alibi' } },
];

// One variant on one worker: build, train `steps`, analyse, evaluate at the
// train and test lengths. Returns raw replies (analysis arrays included).
async function compareVariant(call, settings, steps, analysisRequest) {
  const session = 'compare';
  await call('create', { session, config: toConfig(settings) });
  if (steps > 0) await call('train', { session, steps });
  const analysis = await call('analyze', { session, request: analysisRequest });
  const lens = [...new Set([settings['task.train_len'], settings['task.test_len']])];
  const evaluation = await call('evaluate', { session, lengths: lens, examples: 128 });
  await call('drop', { session });
  return { analysis, eval: evaluation };
}

// Runs the chosen variants in parallel; onResult(k, variant, {analysis,
// eval}) as each finishes. Resolves with [{variant, analysis, eval} |
// {variant, error}] in variant order.
export async function runCompare(pool, { settings, variants, steps, analysisRequest, signal = null, onResult }) {
  return Promise.all(variants.map((v, k) =>
    pool.submit((call) => compareVariant(call, { ...settings, ...v.set }, steps, analysisRequest), { signal })
      .then((r) => {
        onResult?.(k, v, r);
        return { variant: v, ...r };
      }, (err) => ({ variant: v, error: err }))));
}
