// TensorFlow.js's wasm backend (4.22, one thread) on single products of
// model B's shapes, in each transpose form: which forms reach XNNPACK (fast)
// and which fall to the backend's generic path. Best of 5 per form, GFLOP/s.
// Why bench/tfjs_bench.mjs has a form with untransposed products.
//   node bench/tfjs_products.mjs
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from '../tests/wasm/load_module.mjs';

const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs');
const wasmBackend = require('@tensorflow/tfjs-backend-wasm');
wasmBackend.setWasmPaths(path.join(repoRoot, 'node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
wasmBackend.setThreadsCount(1);
await tf.setBackend('wasm');
await tf.ready();

function time(name, flops, product) {
  product().dispose();  // warm-up
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const r = product();
    r.dataSync();
    best = Math.min(best, performance.now() - t0);
    r.dispose();
  }
  console.log(`${name.padEnd(46)} ${best.toFixed(2).padStart(8)} ms  ${(flops / best / 1e6).toFixed(1).padStart(5)} GFLOP/s`);
}

const r = (shape, seed) => tf.randomNormal(shape, 0, 1, 'float32', seed);
const fc = 2 * 2048 * 512 * 128;
const x = r([2048, 128], 1), wOutIn = r([512, 128], 2), wInOut = r([128, 512], 3), dy = r([2048, 512], 4), bias = tf.zeros([512]);
time('fc x W, W (in, out)            matMul', fc, () => tf.matMul(x, wInOut));
time('fc x W, W (in, out)            fused + bias', fc, () => tf.fused.matMul({ a: x, b: wInOut, bias }));
time('fc x W^T, W (out, in)          matMul', fc, () => tf.matMul(x, wOutIn, false, true));
time('fc x W^T, W (out, in)          fused + bias', fc, () => tf.fused.matMul({ a: x, b: wOutIn, transposeB: true, bias }));
time('fc dW = dY^T x                 transposeA', fc, () => tf.matMul(dy, x, true, false));
time('fc dW = transpose(dY) x        explicit', fc, () => tf.matMul(tf.transpose(dy), x));
const att = 2 * 16 * 4 * 128 * 128 * 32;
const q = r([16, 4, 128, 32], 5), k = r([16, 4, 128, 32], 6), p = r([16, 4, 128, 128], 7);
time('attention scores Q K^T (4-D)   transposeB', att, () => tf.matMul(q, k, false, true));
time('attention mix P V (4-D)        no flag', att, () => tf.matMul(p, q));
console.log(`tfjs ${tf.version.tfjs}, node ${process.versions.node}; ${(await import('node:os')).cpus()[0].model}`);
