// The untrained model's analysis, kept as a "before" snapshot for the session,
// and the plain numbers the Similarity view draws from it and the current
// analysis: matrices on one colour scale and the adjacency score by layer.
// Also which input the page analyses for a task.

// Which inputs the page analyses a model on, as `nopelab analyze` does: a
// model that trains (train.steps > 0) is measured in distribution, on its
// task's own examples, from step 0 on (so before and after training see the
// same sequences; the CLI's default for a checkpoint is the same
// `--input task`); a model that stays untrained is analysed on random tokens,
// the CLI's default for a fresh model. lm and position always use their
// examples: random tokens are off-distribution for them even untrained (no
// <bos> for `position`, not text for `lm`), and the random-init presets'
// expect ranges were measured on position's examples (docs/analysis.md).
const TASK_INPUT = new Set(['lm', 'position']);

export function analysisInput(settings) {
  return TASK_INPUT.has(settings['task.name']) || settings['train.steps'] > 0 ? 'task' : 'random';
}

// The sentence every analysis view shows under its chart: which sequences
// the numbers come from.
export function inputText({ input, batch, task, T }) {
  return input === 'task'
    ? `Input: ${batch} examples of the ${task} task, T = ${T}.`
    : `Input: ${batch} sequences of random tokens, T = ${T}.`;
}

// Sites of the by-layer table: the attention output, where the pattern forms
// at init, and the block output, where training has to keep it.
export const TABLE_SITES = ['attn_out', 'resid_post'];

export class BeforeAfter {
  constructor() {
    this.reset();
  }

  // A new model (create, reset, preset, settings, loaded checkpoint): its own
  // step-0 analysis, if there is one, becomes the snapshot.
  reset() {
    this.before = null;
    this.request = null;
  }

  // Every analysis the page receives, with the request that produced it.
  // The first one of the untrained model (meta.step 0) is kept; later ones
  // at step 0 are the same model on the same input.
  observe(analysis, request) {
    this.request = request;
    if (!this.before && analysis.meta.step === 0) this.before = analysis;
  }

  // -> the narrow object the view draws, or null without an analysis:
  //   {layer, site, T, input, batch, task, paired, range,
  //    panels: [{role, step, S, score, chance}]  (before first when paired),
  //    layers, curve: {before, after} (P_adj by layer at `site`),
  //    table: [{layer, sites: {attn_out: {before, after}, ...}}], chance,
  //    null (the content null: P_adj of the tokens alone on the same inputs)}
  // `paired` when there is a snapshot and the current model has trained past
  // it; both matrices then share one colour range.
  data(current, layer, site, taskName) {
    if (!current) return null;
    const before = this.before;
    const paired = !!before && current.meta.step > 0 && before.T === current.T && before.has(layer, site) &&
      (before.meta.input ?? 'random') === (current.meta.input ?? 'random');
    const panel = (a, role) => {
      const s = a.site(layer, site), S = a.similarity(layer, site);
      return s && S ? { role, step: a.meta.step, S, score: s.adjacency_score, chance: s.adjacency_chance, null: s.adjacency_null ?? null } : null;
    };
    const now = panel(current, paired ? 'after' : 'current');
    if (!now) return null;
    const panels = paired ? [panel(before, 'before'), now] : [now];
    let range = null;
    if (paired) {
      let lo = Infinity, hi = -Infinity;
      for (const p of panels) for (const v of p.S) { if (v < lo) lo = v; if (v > hi) hi = v; }
      range = [lo, hi];
    }
    const score = (a, l, s) => a?.site(l, s)?.adjacency_score ?? null;
    const table = current.layers.map((l) => ({
      layer: l,
      sites: Object.fromEntries(TABLE_SITES.map((s) => [s, { before: paired ? score(before, l, s) : null, after: score(current, l, s) }])),
    }));
    return {
      layer, site, T: current.T, paired, range, panels, table,
      layers: current.layers,
      curve: { before: paired ? current.layers.map((l) => score(before, l, site)) : null, after: current.layers.map((l) => score(current, l, site)) },
      chance: now.chance,
      null: now.null,
      input: current.meta.input ?? this.request?.input ?? 'random',
      batch: current.meta.batch,
      task: taskName,
    };
  }
}
