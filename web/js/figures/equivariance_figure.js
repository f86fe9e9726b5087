// The Shuffle figure (explain.html section 1): one sequence of random tokens
// and one permutation of its positions, through the same untrained model
// twice, with a bidirectional and with a causal mask. For each it draws the
// hidden states of the shuffled input, f(PX), beside the original's hidden
// states with their rows moved the same way, P f(X) (both from the core's
// permutation demo, docs/analysis.md), and states their relative deviation
// |f(PX) - P f(X)| / |f(X)|, and the averaged equivariance measure. Shuffle
// draws a new permutation (seeded: the n-th shuffle is the same everywhere).
import { el } from '../dom.js';
import { Heatmap, fmt } from '../views/heatmap.js';

export const MASKS = ['bidirectional', 'causal'];

// A permutation of 0..T-1 from (seed, n): mulberry32 + Fisher-Yates.
export function shuffledOrder(T, seed, n) {
  let a = (Math.imul(seed >>> 0, 2654435761) ^ Math.imul(n + 1, 40503)) >>> 0;
  const rand = () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const p = Array.from({ length: T }, (_, i) => i);
  for (let i = T - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

// The request: the last layer's block output only (the model's output
// states), no probes or attention maps; `demo` is true (the core's first
// pair) or {tokens, permutation}.
export function demoRequest(settings, layer, demo) {
  return {
    batch: 4, input: 'random', seed: settings['train.seed'], layers: [layer], sites: ['resid_post'],
    probes: false, attention: false, theory: false, equivariance: true, permutation_demo: demo,
  };
}

// Both masks on the pool, one job: -> {bidirectional: demo, causal: demo},
// each {tokens, permutation, T, C, fpx (T*C), pfx (T*C), deviation, equivariance}.
export function computeDemo(pool, settings, shuffles, { priority = false } = {}) {
  return pool.submit(async (call) => {
    const out = {};
    let demo = true;
    const layer = settings['model.n_layers'] - 1;
    for (const mask of MASKS) {
      const config = configWith(settings, mask);
      const v = await call('validate', { config });
      if (!v.ok) throw new Error(`invalid settings: ${v.error}`);
      const session = `equivariance-${mask}`;
      await call('create', { session, config });
      if (demo === true && shuffles > 0) {
        // The core's sequence, with this figure's n-th shuffle of it.
        const first = await call('analyze', { session, request: demoRequest(settings, layer, true) });
        const T = first.meta.T;
        demo = { tokens: first.meta.permutation_demo.tokens, permutation: shuffledOrder(T, settings['train.seed'], shuffles) };
      }
      const r = await call('analyze', { session, request: demoRequest(settings, layer, demo) });
      await call('drop', { session });
      const d = r.meta.permutation_demo;
      if (demo === true) demo = { tokens: d.tokens, permutation: d.permutation };
      const site = r.meta.layers.find((l) => l.layer === layer).sites.resid_post;
      out[mask] = {
        tokens: d.tokens, permutation: d.permutation, T: r.meta.T, C: d.C, layer,
        fpx: r.arrays.demo_permuted_input, pfx: r.arrays.demo_original_permuted,
        deviation: d.sites[0].deviation, equivariance: site.equivariance,
      };
    }
    return out;
  }, { priority });
}

function configWith(settings, mask) {
  const cfg = {};
  for (const [path, value] of Object.entries({ ...settings, 'model.attention': mask })) {
    const keys = path.split('.');
    let node = cfg;
    for (const k of keys.slice(0, -1)) node = node[k] ??= {};
    node[keys.at(-1)] = value;
  }
  return cfg;
}

// The drawing: per mask a row with the shuffled tokens, f(PX) and P f(X) on
// one colour scale, and |f(PX) - P f(X)| on a scale from 0 to the largest
// |state|: dark everywhere when the outputs moved exactly with the tokens.
export function equivarianceView(root) {
  const panels = MASKS.map((mask) => {
    const box = el('div', { class: 'eq-model' });
    const tokens = el('p', { class: 'eq-tokens' });
    const maps = el('div', { class: 'eq-maps' });
    const map = (caption) => {
      const f = el('figure', { class: 'eq-map' }, el('figcaption', { text: caption }));
      maps.append(f);
      return f;
    };
    const describe = (name) => (i, j, v) => `${name}: position ${i}, dimension ${j}: ${fmt(v)}`;
    const hf = new Heatmap(map('outputs of the shuffled tokens, f(PX)'), { label: 'state', describe: describe('f(PX)') });
    const hp = new Heatmap(map('original outputs moved with the tokens, P f(X)'), { label: 'state', describe: describe('P f(X)') });
    const hd = new Heatmap(map('difference |f(PX) − P f(X)|'), { label: 'difference', describe: describe('|f(PX) − P f(X)|') });
    const verdict = el('p', { class: 'eq-verdict score' });
    box.append(el('h4', { text: `${mask} attention` }), tokens, maps, verdict);
    return { mask, box, tokens, verdict, hf, hp, hd };
  });
  root.append(el('div', { class: 'eq-grid' }, ...panels.map((p) => p.box)));
  return {
    update(data) {
      for (const p of panels) {
        const d = data?.[p.mask];
        if (!d) continue;
        let lo = Infinity, hi = -Infinity;
        for (const a of [d.fpx, d.pfx]) for (const x of a) { if (x < lo) lo = x; if (x > hi) hi = x; }
        const diff = d.fpx.map((x, k) => Math.abs(x - d.pfx[k]));
        p.hf.draw(d.fpx, d.T, d.C, { range: [lo, hi] });
        p.hp.draw(d.pfx, d.T, d.C, { range: [lo, hi] });
        p.hd.draw(diff, d.T, d.C, { range: [0, Math.max(Math.abs(lo), Math.abs(hi))] });
        p.tokens.textContent = `tokens in shuffled order: ${d.permutation.map((k) => d.tokens[k]).join(' ')}`;
        p.verdict.textContent = d.deviation <= 1e-5
          ? `The outputs moved with the tokens, unchanged up to round-off: relative difference ${fmt(d.deviation)}.`
          : `The outputs changed: relative difference ${fmt(d.deviation)}.`;
        p.box.dataset.deviation = String(d.deviation);
      }
    },
  };
}
