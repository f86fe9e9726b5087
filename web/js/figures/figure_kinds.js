// What each figure view draws and says. Drawing is the lab's own views
// (views/registry.js) over a narrow context; this file adds, per view, what
// the figure needs computed (analysis, lengths), the named numbers it
// publishes (for prose: <span data-from="figure-id:name">) and a sentence
// describing the data for screen readers. Both are read from the same data
// the view draws.
import { VIEWS } from '../views/registry.js';
import { fmt } from '../views/heatmap.js';
import { computeDemo, equivarianceView } from './equivariance_figure.js';
import { sweepValues, sweepView } from './sweep_figure.js';

const labView = (id) => VIEWS.find((v) => v.id === id);

// Sites where each view looks first (the lab's default selection).
const DEFAULT_SEL = { layer: 0, site: 'attn_out', head: 0, features: 'cosine' };

function similarityValues(ctx) {
  const a = ctx.analysis;
  if (!a) return null;
  const d = ctx.beforeAfter.data(a, ctx.sel.layer, ctx.sel.site, ctx.settings['task.name']);
  if (!d) return null;
  const now = d.panels.at(-1);
  const v = { adjacency: now.score, chance: now.chance, T: d.T, layer: d.layer, step: now.step, batch: d.batch, task_input: d.input === 'task' ? 1 : 0 };
  if (now.null != null) v.content_null = now.null;
  if (d.paired) v.adjacency_before = d.panels[0].score;
  // The block output of the last layer, where training has to keep the pattern.
  const last = a.layers.at(-1);
  v.adjacency_last_block = a.site(last, 'resid_post')?.adjacency_score;
  const beforeLast = ctx.beforeAfter.before?.site(last, 'resid_post')?.adjacency_score;
  if (d.paired && beforeLast != null) v.adjacency_last_block_before = beforeLast;
  v.ratio_to_chance = now.score / now.chance;
  return v;
}

function varianceValues(ctx) {
  const a = ctx.analysis;
  const s = a?.site(ctx.sel.layer, ctx.sel.site);
  if (!s) return null;
  const v = { slope: s.variance_slope, layer: ctx.sel.layer, T: a.T };
  const V = a.variance(ctx.sel.layer, ctx.sel.site);
  v.variance_first = V[0];
  v.variance_last = V[a.T - 1];
  v.variance_ratio = V[0] / V[a.T - 1];
  return v;
}

function attentionValues(ctx) {
  const a = ctx.analysis;
  if (!a) return null;
  const A = a.attention(ctx.sel.layer, ctx.sel.head);
  if (!A) return null;
  const T = a.T;
  // Row t: query t's weights over keys 0..T-1 (batch mean).
  let maxRow = 0;
  for (let t = 1; t < T; t++) {
    let m = 0;
    for (let j = 0; j < T; j++) m = Math.max(m, A[t * T + j]);
    maxRow = Math.max(maxRow, m);
  }
  return {
    first_self: A[0], first_others: 1 - A[0], last_to_first: A[(T - 1) * T], uniform_last: 1 / T,
    max_weight_after_first: maxRow, T, heads: a.meta.n_heads,
  };
}

function lengthValues(ctx) {
  const r = ctx.lengthGen;
  if (!r?.length) return null;
  const trained = ctx.settings['task.train_len'];
  const at = (n) => r.find((x) => x.length === n);
  const v = { train_len: trained, test_len: ctx.settings['task.test_len'], step: ctx.status.step };
  const t = at(trained);
  if (t) Object.assign(v, { seq_acc_trained: t.seq_acc, token_acc_trained: t.token_acc });
  const longest = r.at(-1);
  Object.assign(v, { seq_acc_longest: longest.seq_acc, token_acc_longest: longest.token_acc, longest: longest.length });
  const next = r.find((x) => x.length > trained);
  if (next) Object.assign(v, { next_len: next.length, token_acc_next: next.token_acc, seq_acc_next: next.seq_acc });
  const shorter = r.filter((x) => x.length > 1 && x.length < trained);
  if (shorter.length) v.seq_acc_shorter_max = Math.max(...shorter.map((x) => x.seq_acc));
  return v;
}

// Settings every figure publishes beside its measures, for prose such as
// "trained on <span data-from="fig:train_len">" (numbers only).
export function settingValues(s) {
  return { train_len: s['task.train_len'], test_len: s['task.test_len'], steps: s['train.steps'], sigma: s['model.init.std'], d_model: s['model.d_model'], layers: s['model.n_layers'] };
}

// Room (px) each view's panel takes once painted, by the figure's width w
// (px) and what is known before anything is computed (the number of sweep
// charts, whether the model will train), so a figure has its height before
// it paints (nothing below it moves when it does). Measured in headless
// Chromium on explain.html's figures at widths 336-740 px; the lab's CSS
// changes layout at 620 px (figure.css). A panel that needs more grows.
const NARROW = 620;
const byWidth = (wide, narrow) => (w) => Math.round(w > NARROW ? wide(w) : narrow(w));
export const RESERVE = {
  similarity: (w, { trains }) => (trains ? byWidth(() => 710, (x) => 1712 - 1.17 * x)(w) : byWidth(() => 630, () => 1130)(w)),
  variance: byWidth(() => 440, (x) => 745 - 0.63 * x),
  decay: byWidth(() => 440, (x) => 745 - 0.63 * x),
  attention: byWidth((x) => (x >= 700 ? 280 : 500), (x) => (x < 340 ? 1690 - 2.5 * x : 540)),  // heads wrap by width
  length: byWidth(() => 330, (x) => 500 - 0.25 * x),
  equivariance: byWidth(() => 540, (x) => 165 + 4.15 * x),
  sweep: (w, { charts = 1 }) => charts * byWidth(() => 350, (x) => 709 - 0.7 * x)(w),
};

const site = (ctx) => `layer ${ctx.sel.layer} ${ctx.sel.site}`;
const mask = (ctx) => `${ctx.settings['model.attention']} attention, encoding ${ctx.settings['model.pos_encoding']}, σ ${ctx.settings['model.init.std']}`;

export const KINDS = {
  similarity: {
    needs: { analysis: true }, view: 'similarity', values: similarityValues,
    describe: (ctx, v) => `Cosine similarity of hidden states between positions i and j (${v.T} by ${v.T}) at ${site(ctx)}, ${mask(ctx)}, step ${v.step}. ` +
      `Adjacency score ${fmt(v.adjacency)} against chance ${fmt(v.chance)}` +
      (v.content_null != null ? ` and the content null ${fmt(v.content_null)} (the tokens alone, no position)` : '') +
      (v.adjacency_before != null ? `; ${fmt(v.adjacency_before)} before training` : '') +
      (v.task_input ? `. Input: ${v.batch} examples of the ${ctx.settings['task.name']} task.` : `. Input: ${v.batch} sequences of random tokens.`),
  },
  variance: {
    needs: { analysis: true }, view: 'variance', values: varianceValues,
    describe: (ctx, v) => `Variance across dimensions at each position 1 to ${v.T}, log-log, at ${site(ctx)}, ${mask(ctx)}. ` +
      `Fitted slope ${fmt(v.slope)}; variance falls from ${fmt(v.variance_first)} at position 1 to ${fmt(v.variance_last)} at position ${v.T}.`,
  },
  decay: {
    needs: { analysis: true }, view: 'decay', values: () => ({}),
    describe: (ctx) => `Mean similarity of positions k apart at ${site(ctx)}, ${mask(ctx)}.`,
  },
  attention: {
    needs: { analysis: true }, view: 'attention', values: attentionValues,
    describe: (ctx, v) => `Attention probabilities of the ${v.heads} heads of layer ${ctx.sel.layer} (query rows, key columns, ${v.T} positions), ${mask(ctx)}. ` +
      `Head ${ctx.sel.head}: the first query puts weight ${fmt(v.first_self)} on itself; the last query puts ${fmt(v.last_to_first)} on the first token (uniform would be ${fmt(v.uniform_last)}).`,
  },
  length: {
    needs: { lengths: true }, view: 'length', values: lengthValues,
    describe: (ctx, v) => `Accuracy by sequence length, trained on length ${v.train_len} (step ${v.step}). ` +
      (v.seq_acc_trained != null ? `Sequence exact match ${fmt(v.seq_acc_trained)} at length ${v.train_len}; ` : '') +
      `token accuracy ${fmt(v.token_acc_longest)} at length ${v.longest}.`,
  },
  // Figures of their own (not a lab view): `compute` replaces the model run
  // and fills ctx.custom; `make` draws it.
  equivariance: {
    needs: {}, labView: 'similarity', compute: computeDemo,
    caption: 'The same tokens, shuffled, through a bidirectional and a causal model.',
    make: (panel, ctx) => {
      const v = equivarianceView(panel);
      return { update: () => v.update(ctx.custom) };
    },
    values: (ctx) => {
      const d = ctx.custom;
      if (!d) return null;
      return {
        deviation_bidirectional: d.bidirectional.deviation, deviation_causal: d.causal.deviation,
        equivariance_bidirectional: d.bidirectional.equivariance, equivariance_causal: d.causal.equivariance,
        T: d.causal.T, C: d.causal.C, layer: d.causal.layer, shuffles: ctx.shuffles,
      };
    },
    describe: (ctx, v) => `Hidden states of the last block (${v.T} positions by ${v.C} dimensions) for one sequence of random tokens after shuffle ${v.shuffles}, ` +
      `each beside the original sequence's states moved with the tokens. Bidirectional model: relative difference ${fmt(v.deviation_bidirectional)} ` +
      `(the outputs move exactly with the tokens); causal model: ${fmt(v.deviation_causal)}.`,
  },
  sweep: {
    needs: {}, labView: 'sweep', sweep: true, make: sweepView,
    caption: 'A sweep preset, run in your browser.',
    // The numbers of the run the chart shows (committed or the reader's).
    values: (ctx) => {
      const s = ctx.sweep;
      if (!s?.plan) return null;
      const { result, done, source } = s.shown;
      return { ...sweepValues(result, s.plan, done), committed: source === 'committed' ? 1 : 0 };
    },
    describe: (ctx, v) => {
      const s = ctx.sweep;
      const { result, source } = s.shown;
      const first = s.spec.measures[0];
      const cells = (result?.cells || []).filter((c) => c.measures?.[first]?.n > 0)
        .map((c) => `${s.plan.axes.map((a) => c.values[a.path]).join(', ')}: ${fmt(c.measures[first].mean)}`);
      const which = source === 'committed' ? `The committed native run (${s.committed.file}), all ${v.runs_done} runs`
        : `Your run in this browser, ${v.runs_done} of ${v.runs_total} runs done`;
      return `Sweep over ${s.plan.axes.map((a) => a.path).join(' and ')}. ${which}. ` +
        (cells.length ? `${first} by setting: ${cells.join('; ')}.` : 'No run has finished yet.');
    },
  },
  training: {
    needs: {}, view: 'training', values: (ctx) => (ctx.curves.step.length ? { loss: ctx.curves.loss.at(-1), token_acc: ctx.curves.acc.at(-1), step: ctx.curves.step.at(-1) } : null),
    describe: (ctx, v) => `Training loss and token accuracy by step; at step ${v.step} loss ${fmt(v.loss)}, token accuracy ${fmt(v.token_acc)}.`,
  },
};

// kind id -> {make(panel, ctx), caption, labView, ...}
export function kindFor(id) {
  const k = KINDS[id];
  if (!k) return null;
  const v = k.view ? labView(k.view) : null;
  return { id, ...k, make: k.make || v.make, caption: k.caption || v.caption, labView: k.labView || k.view };
}

export { DEFAULT_SEL };
