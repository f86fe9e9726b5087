// Loads the MODULARIZE build of the wasm module under node. The wasm bytes
// are passed in directly: emcc 3.1.6's glue would otherwise try fetch() on a
// file path in Node >= 18.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
export const wasmDir = process.env.NOPE_WASM_DIR || path.join(repoRoot, 'build-wasm', 'wasm');

export async function loadNopeLab() {
  const require = createRequire(import.meta.url);
  const createNopeLab = require(path.join(wasmDir, 'nopelab.js'));
  return createNopeLab({ wasmBinary: readFileSync(path.join(wasmDir, 'nopelab.wasm')) });
}

// The threaded build (nopelab_mt.js, -pthread): its Web Workers are node
// worker_threads here. `threads` sizes the worker pool at startup and the
// core's pool; the workers are unref'd so they do not keep node alive.
export async function loadNopeLabMt(threads = 2) {
  const require = createRequire(import.meta.url);
  const createNopeLabMt = require(path.join(wasmDir, 'nopelab_mt.js'));
  const lab = await createNopeLabMt({ wasmBinary: readFileSync(path.join(wasmDir, 'nopelab_mt.wasm')), nopeThreads: threads });
  for (const w of [...lab.PThread.unusedWorkers, ...lab.PThread.runningWorkers]) w.unref();
  const r = lab.setThreads(threads);
  if (!r.ok) throw new Error(r.error);
  return lab;
}
