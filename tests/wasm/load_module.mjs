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
