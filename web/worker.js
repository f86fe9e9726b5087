// The Web Worker that owns the NoPE Lab wasm module. The page never runs
// model code: it sends typed requests and gets exactly one reply each.
// Protocol (docs/worker-protocol.md):
//   request  {id, kind, payload}
//   reply    {id, ok: true, result} | {id, ok: false, error}
//   progress {id, kind: 'progress', result}   (only for 'train', before its reply)
//   an error reply may carry fatal: true (the wasm module trapped: replace the worker)
/* global importScripts, createNopeLab, createNopeLabMt */
'use strict';

let lab = null;
// Which build runs (reported by init and shown on the page): the threaded
// one only where SharedArrayBuffer is allowed, i.e. the page is
// cross-origin isolated (docs/hosting.md); embeds and plain hosts get the
// single-thread one, as before.
let engine = null;
const MAX_THREADS = 8;
// Where the site lives: beside this script, or, for a worker started from a
// blob by a <nope-figure> script of another origin (web/js/figures/
// figure_pool.js), the base that script set.
// sitePath: a site file's path for importScripts and the glue (relative, so
// beside this script, unless a base was set).
const SITE = self.NOPE_BASE || self.location.href;
const sitePath = (p) => (self.NOPE_BASE ? new URL(p, self.NOPE_BASE).href : p);

// Loads dist/wasm/<file>.js and starts its module. `threads` > 0 picks the
// pthreads build with that many threads (its workers are created up front).
function loadModule(threads) {
  const file = threads ? 'nopelab_mt' : 'nopelab';
  importScripts(sitePath(`dist/wasm/${file}.js`));
  const factory = threads ? createNopeLabMt : createNopeLab;
  const options = {
    // The glue looks beside the worker script by default.
    locateFile: (f) => sitePath(`dist/wasm/${f}`),
    // A glue loaded by importScripts does not know its own URL, which its
    // pthread workers need to load it (emcc 3.1.6).
    mainScriptUrlOrBlob: new URL(`dist/wasm/${file}.js`, SITE).href,
    nopeThreads: threads,
  };
  return new Promise((resolve, reject) => {
    // emcc 3.1.6's factory never settles on an abort: reject ourselves.
    options.onAbort = (what) => reject(new Error(`the wasm module failed to load: ${what}`));
    if (!threads) {
      factory(options).then(resolve, reject);
      return;
    }
    // A thread worker that fails to load makes the glue rethrow its error
    // event here, uncaught (which would crash this worker, and the page would
    // restart it into the same failure), and leaves the factory pending: take
    // the error, or give up after a while, and let the caller fall back.
    const fail = (why) => {
      self.removeEventListener('error', onError);
      clearTimeout(timer);
      try {
        options.PThread?.terminateAllThreads();
      } catch { /* best effort */ }
      reject(new Error(why));
    };
    const onError = (e) => {
      e.preventDefault();
      fail('a thread worker failed to start');
    };
    self.addEventListener('error', onError);
    const timer = setTimeout(() => fail('its threads did not start within 15 s'), 15000);
    factory(options).then((m) => {
      self.removeEventListener('error', onError);
      clearTimeout(timer);
      resolve(m);
    }, (err) => fail(String((err && err.message) || err)));
  });
}

// Pool workers (web/js/pool.js) ask for the single-thread build: a sweep's
// parallelism is across runs, one per worker, and threads inside each run
// would only compete for the same cores.
const SINGLE_ONLY = self.NOPE_ENGINE === 'single' || new URL(self.location.href).searchParams.get('engine') === 'single';

// worker.js?kernel=<name> (the page passes its own ?kernel=): every GEMM of
// this worker's module runs that micro-kernel instead of the one its shape
// class chose at load time (core/gemm_choice.h; same bits, for diagnosis).
const KERNEL = new URL(self.location.href).searchParams.get('kernel');

async function loadBest() {
  const isolated = self.crossOriginIsolated === true;
  if (isolated && !SINGLE_ONLY) {
    const threads = Math.max(1, Math.min(MAX_THREADS, navigator.hardwareConcurrency || 1));
    try {
      const mt = await loadModule(threads);
      const info = unwrap(mt.setThreads(threads));
      lab = mt;
      engine = { build: 'threaded', threads: info.threads, isolated };
      return;
    } catch (err) {
      engine = { fallback: `threaded build failed: ${err.message}` };
    }
  }
  lab = await loadModule(0);
  engine = { build: 'single', threads: 1, isolated, ...engine };
}

const sessions = new Map(); // name -> Session
const training = { active: null, paused: false, stopRequested: false, resumeWaiters: [] };

function session(name) {
  const s = sessions.get(name || 'main');
  if (!s) throw new Error(`no session "${name || 'main'}": send "create" first`);
  return s;
}

// A result object from the module: {ok, error, ...}. Errors become throws so
// the dispatcher replies with ok: false.
function unwrap(r) {
  if (!r.ok) throw new Error(r.error);
  const out = {};
  for (const k of Object.keys(r)) if (k !== 'ok') out[k] = r[k];
  return out;
}

const yieldToMessages = () => new Promise((resolve) => setTimeout(resolve, 0));

async function train(id, p) {
  if (training.active !== null) throw new Error('already training: pause, resume or stop it first');
  const s = session(p.session);
  const total = Math.max(0, p.steps | 0);
  training.active = id;
  training.paused = false;
  training.stopRequested = false;
  let done = 0;
  let chunk = 1;
  let last = null;
  const t0 = performance.now();
  try {
    while (done < total && !training.stopRequested) {
      if (training.paused) {
        self.postMessage({ id, kind: 'progress', result: { ...last, paused: true } });
        await new Promise((resolve) => training.resumeWaiters.push(resolve));
        continue;
      }
      const n = Math.min(chunk, total - done);
      const c0 = performance.now();
      last = unwrap(s.step(n));
      done += n;
      // Aim for ~40 ms of work between yields: responsive to pause/stop and
      // to analysis requests, without drowning the page in messages.
      const dt = performance.now() - c0;
      chunk = Math.max(1, Math.min(1000, Math.round(n * (40 / Math.max(dt, 1)))));
      last.steps_per_s = (done / (performance.now() - t0)) * 1000;
      last.done = done;
      last.total = total;
      self.postMessage({ id, kind: 'progress', result: last });
      await yieldToMessages();
    }
    return { done, stopped: training.stopRequested, last };
  } finally {
    training.active = null;
    training.paused = false;
  }
}

// The analysis arrays' names, from the core's registry (core/analysis/wire.h).
let wireArrayRows = null;
function wireArrays() {
  wireArrayRows ??= lab.schema().registries.analysis_arrays;
  return wireArrayRows;
}

function analyze(p) {
  const r = unwrap(session(p.session).analyze(JSON.stringify(p.request || {})));
  const meta = r.meta;
  const arrays = {};
  for (const { name } of wireArrays()) arrays[name] = r[name];
  return { meta, arrays };
}

// The sweep functions (docs/sweep.md) return plain objects; each run builds
// its own model, so any worker can run any run of a sweep.
function sweepPlan(p) {
  const r = lab.sweepPlan(JSON.stringify(p.spec));
  if (!r.ok) return { ok: false, error: r.error }; // an invalid spec is data, as in validate
  return { ok: true, spec: r.spec, runs: r.runs, cells: r.cells, axes: r.axes };
}

const handlers = {
  async init() {
    if (!lab) await loadBest();
    if (KERNEL !== null) engine.kernel = unwrap(lab.setKernel(KERNEL)).forced;
    return { version: lab.version(), engine };
  },
  schema: () => lab.schema(),
  validate(p) {
    return lab.validateConfig(JSON.stringify(p.config)); // validation failures are data, not errors
  },
  create(p) {
    const s = sessions.get(p.session || 'main') || new lab.Session();
    const info = unwrap(s.create(JSON.stringify(p.config)));
    sessions.set(p.session || 'main', s);
    return info;
  },
  drop(p) {
    const s = sessions.get(p.session);
    if (s) {
      s.delete();
      sessions.delete(p.session);
    }
    return {};
  },
  train: (p, id) => train(id, p),
  pause() {
    if (training.active === null) throw new Error('not training');
    training.paused = true;
    return {};
  },
  resume() {
    if (training.active === null) throw new Error('not training');
    training.paused = false;
    training.resumeWaiters.splice(0).forEach((r) => r());
    return {};
  },
  stop() {
    training.stopRequested = true;
    training.paused = false;
    training.resumeWaiters.splice(0).forEach((r) => r());
    return {};
  },
  step: (p) => unwrap(session(p.session).step(p.n || 1)),
  info: (p) => unwrap(session(p.session).info()),
  evaluate(p) {
    const s = session(p.session);
    return (p.lengths || []).map((len) => unwrap(s.evaluate(len, p.examples || 128)));
  },
  analyze,
  sweepPlan,
  sweepRun: (p) => unwrap(lab.sweepRun(JSON.stringify(p.spec), p.run | 0)),
  sweepSummarize: (p) => unwrap(lab.sweepSummarize(JSON.stringify(p.spec), JSON.stringify(p.records || []))),
  saveCheckpoint: (p) => unwrap(session(p.session).saveCheckpoint(!!p.withOptimizer)),
  saveSafetensors: (p) => unwrap(session(p.session).saveSafetensors()),
  loadCheckpoint(p) {
    const s = sessions.get(p.session || 'main') || new lab.Session();
    // A safetensors file arrives as bytes (Uint8Array), a JSON one as text.
    const info = unwrap(p.bytes ? s.loadSafetensors(p.bytes) : s.loadCheckpoint(String(p.text)));
    sessions.set(p.session || 'main', s);
    return info;
  },
};

self.onmessage = async (e) => {
  const { id, kind, payload } = e.data || {};
  try {
    if (!lab && kind !== 'init') throw new Error('module not loaded: send "init" first');
    const handler = handlers[kind];
    if (!handler) throw new Error(`unknown request kind "${kind}"`);
    const result = await handler(payload || {}, id);
    const transfer = result && result.arrays ? Object.values(result.arrays).map((a) => a.buffer) : [];
    self.postMessage({ id, ok: true, result }, transfer);
  } catch (err) {
    // A wasm trap (RuntimeError) leaves the module in an unknown state: say so,
    // and the client replaces this worker instead of trusting it again.
    const fatal = typeof WebAssembly !== 'undefined' && err instanceof WebAssembly.RuntimeError;
    self.postMessage({ id, ok: false, error: String((err && err.message) || err), ...(fatal ? { fatal } : {}) });
  }
};
