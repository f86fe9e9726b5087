// A stand-in for web/worker.js that node can run: the same protocol
// (docs/worker-protocol.md) over a tiny deterministic "sweep" whose values
// depend only on (cell values, seed), with knobs to delay, crash (onerror),
// trap (a fatal reply) or hang on chosen runs. Drives the pool logic
// without a browser or a wasm module.

export function sweepSize(spec) {
  return spec.axes.reduce((n, a) => n * a.values.length, 1) * spec.seeds;
}

function cellValues(spec, cell) {
  const out = {};
  for (let a = spec.axes.length - 1; a >= 0; a--) {
    const vals = spec.axes[a].values;
    out[spec.axes[a].path] = vals[cell % vals.length];
    cell = Math.floor(cell / vals.length);
  }
  return out;
}

// Deterministic from (cell values, seed) only.
function fakeMeasure(values, seed) {
  let h = 2166136261;
  for (const ch of JSON.stringify(values) + seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return (h % 100000) / 100000;
}

export function fakeRecord(spec, run) {
  const cell = Math.floor(run / spec.seeds), k = run % spec.seeds;
  const cv = cellValues(spec, cell);
  const seed = (spec.base?.train?.seed ?? 1) + k;
  return { run, cell, seed_index: k, seed, cell_values: cv,
    values: { adjacency: fakeMeasure(cv, seed), adjacency_chance: 0.1 }, seconds: 0.001 };
}

export function fakeSummary(spec, records) {
  const cells = spec.axes.reduce((n, a) => n * a.values.length, 1);
  const out = [];
  for (let c = 0; c < cells; c++) {
    const rs = records.filter((r) => r.cell === c).sort((a, b) => a.run - b.run);
    const measures = {};
    for (const m of ['adjacency', 'adjacency_chance']) {
      const v = rs.map((r) => r.values[m]);
      const mean = v.length ? v.reduce((s, x) => s + x, 0) / v.length : null;
      measures[m] = { mean, ci: 0, n: v.length, values: v };
    }
    out.push({ cell: c, values: cellValues(spec, c), measures });
  }
  return { format: 'nopelab-sweep-result', version: 1, spec, shard: { index: 0, count: 1 },
    runs: [...records].sort((a, b) => a.run - b.run), cells: out };
}

// behaviour(kind, payload) -> {delay?, crash?: 'error'|'fatal'|'hang'}
export function fakeWorkerFactory({ behaviour = () => ({}), log = [] } = {}) {
  const workers = [];
  const factory = () => {
    const w = {
      terminated: false,
      handled: 0,
      inflight: [],  // kinds received and not yet answered
      onmessage: null,
      onerror: null,
      terminate() { this.terminated = true; },
      postMessage({ id, kind, payload }) {
        if (this.terminated) return;
        const b = kind === 'init' ? {} : behaviour(kind, payload) || {};
        this.inflight.push(kind);
        setTimeout(() => {
          if (this.terminated) return;
          if (b.crash !== 'hang') this.inflight.splice(this.inflight.indexOf(kind), 1);
          if (b.crash === 'hang') return;
          if (b.crash === 'error') return this.onerror?.({ message: 'boom', preventDefault() {} });
          if (b.crash === 'fatal') return this.onmessage?.({ data: { id, ok: false, error: 'RuntimeError: unreachable', fatal: true } });
          this.handled++;
          log.push({ worker: workers.indexOf(this), kind, run: payload?.run });
          const reply = (result) => this.onmessage?.({ data: { id, ok: true, result } });
          const fail = (error) => this.onmessage?.({ data: { id, ok: false, error } });
          if (kind === 'init') return reply({ version: 'fake' });
          if (kind === 'sweepPlan') {
            if (!payload.spec.axes?.length) return reply({ ok: false, error: 'axes: at least one axis' });
            return reply({ ok: true, spec: payload.spec, runs: sweepSize(payload.spec),
              cells: sweepSize(payload.spec) / payload.spec.seeds, axes: payload.spec.axes });
          }
          if (kind === 'sweepRun') {
            if (payload.run >= sweepSize(payload.spec)) return fail(`run ${payload.run} out of range`);
            return reply({ record: fakeRecord(payload.spec, payload.run) });
          }
          if (kind === 'sweepSummarize') return reply({ result: fakeSummary(payload.spec, payload.records) });
          if (kind === 'echo') return reply(payload);
          return fail(`unknown request kind "${kind}"`);
        }, b.delay ?? 1);
      },
    };
    workers.push(w);
    return w;
  };
  return { factory, workers, log };
}
