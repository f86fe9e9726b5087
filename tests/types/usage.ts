// Compile-only check of web/types/nopelab.d.ts (tsc --noEmit, ctest: types):
// the way an embedder would use the module and the worker protocol. Each line
// marked as an expected error must stay one, or the types have gone loose.
import type {
  AnalysisRequest,
  Config,
  CreateNopeLab,
  NopeLabModule,
  WorkerCalls,
  WorkerKind,
  WorkerProgress,
  WorkerReply,
  WorkerRequest,
} from '../../web/types/nopelab';

declare const createNopeLab: CreateNopeLab;

async function useModule(): Promise<number> {
  const lab: NopeLabModule = await createNopeLab({ locateFile: (f) => `dist/wasm/${f}` });
  const config: Config = { model: { pos_encoding: 'rope', n_layers: 1 }, train: { seed: 7 } };
  const checked = lab.validateConfig(JSON.stringify(config));
  if (!checked.ok) return checked.error.length;
  const heads: number = checked.config.model.n_heads;  // the core fills every field
  const session = new lab.Session();
  const created = session.create(JSON.stringify(config));
  if (!created.ok) throw new Error(created.error);
  const step = session.step(10);
  const hash: string = step.ok ? step.batch_hash : step.error;
  const ev = session.evaluate(4, 64);
  const trained: boolean = ev.ok && ev.trained;
  const request: AnalysisRequest = { batch: 16, sites: ['attn_out'], probe_features: ['cosine'] };
  const r = session.analyze(JSON.stringify(request));
  if (r.ok) {
    const T = r.meta.T;
    const S = r.meta.site_order.length;
    const first: number = r.similarity[0] + r.attention.length + S * T;
    const slope = r.meta.layers[0].sites.attn_out?.variance_slope ?? 0;
    const mad: number = r.meta.probes[0].mad;
    void [first, slope, mad];
  }
  const saved = session.saveCheckpoint(true);
  if (saved.ok) session.loadCheckpoint(saved.checkpoint);
  for (const f of lab.schema().fields) if (f.type === 'enum') void f.values?.join('|');
  session.delete();
  // @ts-expect-error - pos_encoding is an enum
  const bad: Config = { model: { pos_encoding: 'rotary' } };
  // @ts-expect-error - a failed result has no metrics
  if (!step.ok) void step.loss;
  // @ts-expect-error - the request is JSON text
  session.analyze(request);
  void [bad, hash, trained, heads];
  return lab.version().length;
}

// A typed client for the worker: one reply per request.
function call<K extends WorkerKind>(worker: Worker, id: number, kind: K, payload: WorkerCalls[K]['payload']):
    Promise<WorkerCalls[K]['result']> {
  const msg: WorkerRequest<K> = { id, kind, payload };
  worker.postMessage(msg);
  return new Promise((resolve, reject) => {
    worker.addEventListener('message', function on(e: MessageEvent<WorkerReply<K> | WorkerProgress>) {
      const m = e.data;
      if (m.id !== id || ('kind' in m && m.kind === 'progress')) return;
      worker.removeEventListener('message', on);
      if ('ok' in m && m.ok) resolve(m.result);
      else if ('error' in m) reject(new Error(m.error));
    });
  });
}

async function useWorker(worker: Worker): Promise<void> {
  const { version } = await call(worker, 1, 'init', {});
  const v = await call(worker, 2, 'validate', { config: { task: { name: 'position' } } });
  if (v.ok) void v.bytes;
  await call(worker, 3, 'create', { config: {} });
  const { meta, arrays } = await call(worker, 4, 'analyze', { request: { batch: 8 } });
  const evals = await call(worker, 5, 'evaluate', { lengths: [1, 2], examples: 8 });
  const trainedRun = await call(worker, 6, 'train', { steps: 10 });
  void [version, meta.n_heads, arrays.probe_predicted, evals[0].seq_acc, trainedRun.last?.steps_per_s];
  // @ts-expect-error - unknown request kind
  await call(worker, 7, 'train_forever', {});
  // @ts-expect-error - evaluate needs lengths
  await call(worker, 8, 'evaluate', { examples: 8 });
}

void [useModule, useWorker];
