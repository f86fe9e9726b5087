// TensorFlow.js (npm @tensorflow/tfjs + @tensorflow/tfjs-backend-wasm: its
// XNNPACK wasm backend, SIMD, one thread) against our wasm module on the
// `nopelab bench` models of core/bench.h, under node, in one run: each
// round times ours, then TF.js in its three product forms, model by model, so
// a drift of the machine's speed hits all of them alike. Prints the median
// ms/step of each, TF.js's best form, and the ratio.
//
// The TF.js model is ours: token embedding (no positions; a one-hot product), pre-LayerNorm
// blocks with a fused qkv projection, causal softmax attention, GELU (tanh
// form) MLP, final LayerNorm, untied head, mean cross-entropy; Adam with
// decoupled weight decay (0.1 on the matrices and the embedding, as ours),
// betas (0.9, 0.95), eps 1e-8, lr 1e-3, the gradients clipped to global
// norm 1. Activations are (B*T, C) (TF.js 4.22 has no gradient for a
// batched product against a shared 2-D weight), in three product forms:
//   plain: tf.matMul(x, W, false, true) then + b, W stored (out, in) as ours;
//   xnn:   tf.fused.matMul(x, W^T) with the bias, W stored (out, in);
//   xnn_in_out: tf.fused.matMul(x, W) with the bias, W stored (in, out),
//          and a custom gradient whose products are untransposed too
//          (dX = dY transpose(W), dW = transpose(X) dY, explicit transposes):
//          the wasm backend runs a product without transpose flags through
//          XNNPACK (19-24 GFLOP/s on model B's fc shape on a Zen 4) and one
//          with a flag on a generic path (2.2; bench/tfjs_products.mjs), and autodiff of
//          matMul would use the flags. Attention's batched products have no
//          fast path in any form (about 2.2 GFLOP/s either way).
//   node bench/tfjs_bench.mjs [--rounds R] [--json]      (default R 3)
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadNopeLab, repoRoot } from '../tests/wasm/load_module.mjs';

const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs');
const wasmBackend = require('@tensorflow/tfjs-backend-wasm');

const argValue = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const rounds = argValue('--rounds', 3);

// core/bench.h's models (kept in step with kBenchModels; `ours` below checks
// the name and the GFLOP the module reports for the same index).
const MODELS = [
  { name: 'A', C: 64, L: 2, NH: 4, F: 256, T: 64, B: 16, V: 32, steps: { ours: 30, tfjs: 5 } },
  { name: 'B', C: 128, L: 4, NH: 4, F: 512, T: 128, B: 16, V: 32, steps: { ours: 8, tfjs: 2 } },
];

wasmBackend.setWasmPaths(path.join(repoRoot, 'node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
wasmBackend.setThreadsCount(1);
await tf.setBackend('wasm');
await tf.ready();

// One TF.js training setup of model m in product form `form`.
function tfjsModel(m, form) {
  const { C, L, NH, F, T, B, V } = m;
  const hs = C / NH;
  let seed = 1;
  const normal = (shape, std) => tf.variable(tf.randomNormal(shape, 0, std, 'float32', seed++));
  const zeros = (shape) => tf.variable(tf.zeros(shape));
  const ones = (shape) => tf.variable(tf.ones(shape));
  const params = []; // [variable, decays]
  // A weight of `out` rows of `in` (ours), or stored transposed for xnn_in_out.
  const inOut = form === 'xnn_in_out';
  const shape = (out, inp) => (inOut ? [inp, out] : [out, inp]);
  const p = (v, decays) => (params.push([v, decays]), v);
  const wte = p(normal([V, C], 0.02), true);
  const layers = [];
  for (let l = 0; l < L; l++) {
    layers.push({
      ln1g: p(ones([C]), false), ln1b: p(zeros([C]), false),
      wqkv: p(normal(shape(3 * C, C), 0.02), true), bqkv: p(zeros([3 * C]), false),
      wo: p(normal(shape(C, C), 0.02), true), bo: p(zeros([C]), false),
      ln2g: p(ones([C]), false), ln2b: p(zeros([C]), false),
      wfc: p(normal(shape(F, C), 0.02), true), bfc: p(zeros([F]), false),
      wpr: p(normal(shape(C, F), 0.02), true), bpr: p(zeros([C]), false),
    });
  }
  const lnfg = p(ones([C]), false), lnfb = p(zeros([C]), false);
  const head = p(normal(shape(V, C), 0.02), true);
  const moments = params.map(([v]) => [tf.zerosLike(v), tf.zerosLike(v)]);
  const inputs = tf.oneHot(tf.tensor1d(Int32Array.from({ length: B * T }, (_, i) => (i * 7 + 3) % V), 'int32'), V).toFloat();
  const targets = tf.oneHot(tf.tensor1d(Int32Array.from({ length: B * T }, (_, i) => (i * 5 + 1) % V), 'int32'), V);
  const causal = tf.linalg.bandPart(tf.ones([T, T]), -1, 0).sub(1).mul(1e9); // 0 on and below the diagonal

  const rows = [B * T];
  // y = x W^T + b for W (out, in), x (..., in).
  const linear = {
    plain: (x, w, b) => tf.add(tf.matMul(x, w, false, true), b),
    xnn: (x, w, b) => tf.fused.matMul({ a: x, b: w, transposeB: true, bias: b }),
    xnn_in_out: tf.customGrad((x, w, b, save) => {
      save([x, w]);
      return {
        value: tf.fused.matMul({ a: x, b: w, bias: b }),
        gradFunc: (dy, [xs, ws]) => [tf.matMul(dy, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dy), tf.sum(dy, 0)],
      };
    }),
  }[form];
  const layerNorm = (x, g, b) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return x.sub(mean).mul(tf.rsqrt(variance.add(1e-5))).mul(g).add(b);
  };
  const gelu = (x) => x.mul(0.5).mul(tf.tanh(x.add(x.mul(x).mul(x).mul(0.044715)).mul(Math.sqrt(2 / Math.PI))).add(1));
  const attention = (qkv) => {
    const heads = (t) => t.reshape([B, T, NH, hs]).transpose([0, 2, 1, 3]);
    const [q, k, v] = tf.split(qkv.reshape([B, T, 3 * C]), 3, -1).map(heads);
    const scores = tf.matMul(q, k, false, true).mul(1 / Math.sqrt(hs)).add(causal);
    const y = tf.matMul(tf.softmax(scores), v);
    return y.transpose([0, 2, 1, 3]).reshape([...rows, C]);
  };
  const loss = () => {
    // The embedding as one-hot rows times wte: the wasm backend has no
    // UnsortedSegmentSum, which the gradient of tf.gather needs.
    let x = tf.matMul(inputs, wte);
    for (const ly of layers) {
      x = x.add(linear(attention(linear(layerNorm(x, ly.ln1g, ly.ln1b), ly.wqkv, ly.bqkv)), ly.wo, ly.bo));
      x = x.add(linear(gelu(linear(layerNorm(x, ly.ln2g, ly.ln2b), ly.wfc, ly.bfc)), ly.wpr, ly.bpr));
    }
    const logits = tf.matMul(layerNorm(x, lnfg, lnfb).reshape([B * T, C]), head, false, !inOut);
    return tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), targets))).div(B * T);
  };
  const lr = 1e-3, wd = 0.1, b1 = 0.9, b2 = 0.95, eps = 1e-8, clip = 1.0;
  let t = 0;
  const step = () => {
    t++;
    tf.tidy(() => {
      const { grads } = tf.variableGrads(loss, params.map(([v]) => v));
      const g = params.map(([v]) => grads[v.name]);
      const norm = tf.sqrt(tf.addN(g.map((x) => tf.sum(tf.square(x)))));
      const scale = tf.minimum(1, tf.div(clip, norm.add(1e-6)));
      const bc1 = 1 - b1 ** t, bc2 = 1 - b2 ** t;
      params.forEach(([v, decays], i) => {
        const gi = g[i].mul(scale);
        const [m1, m2] = moments[i];
        const m1n = m1.mul(b1).add(gi.mul(1 - b1)), m2n = m2.mul(b2).add(gi.square().mul(1 - b2));
        m1.dispose(), m2.dispose();
        moments[i] = [tf.keep(m1n), tf.keep(m2n)];
        const w = decays ? v.mul(1 - lr * wd) : v;
        v.assign(w.sub(m1n.div(bc1).mul(lr).div(m2n.div(bc2).sqrt().add(eps))));
      });
    });
    // The step's last values reach the variables before the clock stops.
    params[params.length - 1][0].dataSync();
  };
  return { step };
}

const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
// ms per step: the median of `steps` steps after one warm-up step.
function timeSteps(step, steps) {
  step();
  const ms = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

const lab = await loadNopeLab();
const forms = ['plain', 'xnn', 'xnn_in_out'];
const results = [];
const loadBefore = (await import('node:os')).loadavg();
for (const [index, m] of MODELS.entries()) {
  const tfjs = Object.fromEntries(forms.map((f) => [f, tfjsModel(m, f)]));
  const runs = Object.fromEntries(['ours', ...forms].map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    const o = lab.benchTraining(index, m.steps.ours);
    if (!o.ok || o.model !== m.name) throw new Error(o.error || `model ${index} is ${o.model}, not ${m.name}`);
    runs.ours.push(o.ms_per_step);
    for (const f of forms) runs[f].push(timeSteps(tfjs[f].step, m.steps.tfjs));
  }
  const med = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v)]));
  const best = forms.reduce((a, f) => (med[f] < med[a] ? f : a));
  results.push({ model: m.name, rounds, ms_per_step: med, tfjs_best: best, ratio: med[best] / med.ours });
}
const loadAfter = (await import('node:os')).loadavg();
const versions = { tfjs: tf.version.tfjs, 'tfjs-backend-wasm': wasmBackend.version_wasm, node: process.versions.node, v8: process.versions.v8 };
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ versions, load: { before: loadBefore, after: loadAfter }, results }));
} else {
  const cpu = (await import('node:os')).cpus()[0].model;
  console.log(`CPU: ${cpu}; load before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`TF.js ${versions.tfjs}, backend wasm ${versions['tfjs-backend-wasm']} (XNNPACK, SIMD, 1 thread); node ${versions.node} (V8 ${versions.v8})`);
  for (const r of results) {
    const ms = r.ms_per_step;
    console.log(`model ${r.model}, median of ${r.rounds} alternating rounds: ours ${ms.ours.toFixed(1)} ms/step, ` +
      `TF.js ${forms.map((f) => `${f} ${ms[f].toFixed(1)}`).join(', ')} ms/step: ` +
      `${r.ratio.toFixed(2)}x (against TF.js ${r.tfjs_best})`);
  }
  console.log(`load after ${loadAfter.map((x) => x.toFixed(2)).join(' ')}`);
}
