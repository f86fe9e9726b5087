// The one worker pool every <nope-figure> on a page shares (web/js/pool.js):
// one module load per page, not one per figure. Its worker runs the
// threaded wasm build when the page is cross-origin isolated and the
// single-thread build otherwise (embedding pages usually are not isolated).
// A script loaded from another origin cannot start a worker from its own URL,
// so there the worker is a same-origin blob that imports worker.js and tells
// it where the site lives (self.NOPE_BASE, read by worker.js).
import { WorkerPool } from '../pool.js';

// One worker: figures' jobs are small (an analysis, a chunk of training) and
// interleave; a page of figures should not hold several wasm heaps.
export const FIGURE_POOL_SIZE = 1;

export const SITE_BASE = new URL('../../', import.meta.url).href;

export function workerUrl({ isolated = globalThis.crossOriginIsolated === true, pageOrigin = globalThis.location?.origin } = {}) {
  const url = new URL('worker.js', SITE_BASE);
  if (!isolated) url.searchParams.set('engine', 'single');
  return { url: url.href, sameOrigin: url.origin === pageOrigin };
}

function createWorker() {
  const { url, sameOrigin } = workerUrl();
  if (sameOrigin) return new Worker(url);
  const boot = `self.NOPE_BASE = ${JSON.stringify(SITE_BASE)}; self.NOPE_ENGINE = "single"; importScripts(${JSON.stringify(url)});`;
  return new Worker(URL.createObjectURL(new Blob([boot], { type: 'text/javascript' })));
}

const KEY = Symbol.for('nopelab.figure-pool');

// The page's pool; every figure module copy on the page finds the same one.
export function figurePool() {
  globalThis[KEY] ??= new WorkerPool({ size: FIGURE_POOL_SIZE, createWorker, idleMs: 10 * 60 * 1000 });
  return globalThis[KEY];
}

// Which build the figures' worker runs: {build: 'threaded'|'single', threads, ...}.
export function figureEngine() {
  return figurePool().call('init').then((r) => r.engine);
}
