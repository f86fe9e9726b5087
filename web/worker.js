// The Web Worker that owns the NoPE Lab wasm module. The page never runs
// model code: it sends typed requests and gets exactly one reply each.
// Protocol (docs/worker-protocol.md):
//   request  {id, kind, payload}
//   reply    {id, ok: true, result} | {id, ok: false, error}
//   progress {id, kind: 'progress', result}   (only for 'train', before its reply)
//   an error reply may carry fatal: true (the wasm module trapped: replace the worker)
/* global importScripts, createNopeLab */
'use strict';

importScripts('dist/wasm/nopelab.js');

let lab = null;
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

function analyze(p) {
  const r = unwrap(session(p.session).analyze(JSON.stringify(p.request || {})));
  const meta = JSON.parse(r.meta);
  const arrays = {};
  for (const k of ['similarity', 'variance', 'decay', 'theory', 'attention', 'probe_predicted']) arrays[k] = r[k];
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
    if (!lab) {
      lab = await new Promise((resolve, reject) => {
        createNopeLab({
          // The glue looks beside the worker script by default.
          locateFile: (file) => `dist/wasm/${file}`,
          // emcc 3.1.6's factory never settles on an abort: reject ourselves.
          onAbort: (what) => reject(new Error(`the wasm module failed to load: ${what}`)),
        }).then(resolve, reject);
      });
    }
    return { version: lab.version() };
  },
  validate(p) {
    const r = lab.validateConfig(JSON.stringify(p.config));
    if (r.ok) r.config = JSON.parse(r.config);
    return r; // validation failures are data, not errors
  },
  create(p) {
    const s = sessions.get(p.session || 'main') || new lab.Session();
    const info = unwrap(s.create(JSON.stringify(p.config)));
    sessions.set(p.session || 'main', s);
    info.config = JSON.parse(info.config);
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
  evaluate(p) {
    const s = session(p.session);
    return (p.lengths || []).map((len) => unwrap(s.evaluate(len, p.examples || 128)));
  },
  analyze,
  sweepPlan,
  sweepRun: (p) => unwrap(lab.sweepRun(JSON.stringify(p.spec), p.run | 0)),
  sweepSummarize: (p) => unwrap(lab.sweepSummarize(JSON.stringify(p.spec), JSON.stringify(p.records || []))),
  saveCheckpoint: (p) => unwrap(session(p.session).saveCheckpoint(!!p.withOptimizer)),
  loadCheckpoint(p) {
    const s = sessions.get(p.session || 'main') || new lab.Session();
    const info = unwrap(s.loadCheckpoint(String(p.text)));
    sessions.set(p.session || 'main', s);
    info.config = JSON.parse(info.config);
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
