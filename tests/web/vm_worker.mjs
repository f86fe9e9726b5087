// Runs the real web/worker.js (and the real wasm module) inside a node vm
// context that looks like a Web Worker (self, postMessage, importScripts),
// so the pool can be tested against the actual worker protocol.
import vm from 'node:vm';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
export const wasmDir = process.env.NOPE_WASM_DIR || path.join(repoRoot, 'build-wasm', 'wasm');

export function vmWorkerFactory() {
  const wasmBinary = readFileSync(path.join(wasmDir, 'nopelab.wasm'));
  const workerSource = readFileSync(path.join(repoRoot, 'web', 'worker.js'), 'utf8');
  return () => {
    const outside = { onmessage: null, onerror: null, terminated: false };
    const ctx = {
      console, performance, setTimeout, clearTimeout, setInterval, clearInterval, queueMicrotask,
      WebAssembly, TextDecoder, TextEncoder, URL, Float32Array, Uint8Array, Promise,
      location: { href: 'http://localhost/worker.js' },
    };
    ctx.self = ctx;
    // Messages are structured clones, as between a page and a worker (this
    // also moves objects out of the vm's realm).
    ctx.postMessage = (data) => {
      const copy = structuredClone(data);
      if (!outside.terminated) setImmediate(() => !outside.terminated && outside.onmessage?.({ data: copy }));
    };
    // The worker imports the module's glue; give it the wasm bytes directly.
    ctx.importScripts = (file) => {
      const local = file.startsWith('dist/wasm/') ? path.join(wasmDir, path.basename(file)) : path.join(repoRoot, 'web', file);
      vm.runInContext(readFileSync(local, 'utf8'), ctx, { filename: local });
      if (file.endsWith('nopelab.js')) {
        const create = ctx.createNopeLab;
        ctx.createNopeLab = (opts) => create({ ...opts, wasmBinary });
      }
    };
    vm.createContext(ctx);
    vm.runInContext(workerSource, ctx, { filename: 'worker.js' });
    outside.postMessage = (message) => {
      if (outside.terminated) return;
      const data = structuredClone(message);
      setImmediate(() => {
        if (outside.terminated) return;
        Promise.resolve(ctx.onmessage({ data })).catch((e) => outside.onerror?.({ message: String(e), preventDefault() {} }));
      });
    };
    outside.terminate = () => { outside.terminated = true; };
    return outside;
  };
}
