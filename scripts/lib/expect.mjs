// A preset's headline as data: each entry of its "expect" list names a
// measure of the preset's own run and the range its explanation claims.
//   {"measure": "adjacency_score", "layer": 0, "site": "attn_out", "range": [0.9, 1]}
//   {"measure": "probe_mad", "layer": 1, "site": "resid_post", "features": "hidden", "range": [0, 2]}
//   {"measure": "seq_acc", "length": 8, "range": [0.99, 1]}
//   {"measure": "token_acc", "length": 16, "range": [0, 0.5]}
// Scalars of a seed-averaged analysis are read as their mean over seeds.
// "when": "before" reads the untrained model of a trained preset; "input":
// "task" reads an analysis of task examples instead of the page's random tokens.
export const MEASURES = ['adjacency_score', 'adjacency_chance', 'variance_slope', 'probe_mad', 'probe_r2', 'seq_acc', 'token_acc', 'final_loss'];

export function validateExpect(preset, file) {
  const list = preset.expect;
  if (!Array.isArray(list) || list.length === 0) throw new Error(`${file}: "expect" must be a non-empty list (the preset's headline as data)`);
  for (const e of list) {
    if (!MEASURES.includes(e.measure)) throw new Error(`${file}: expect.measure "${e.measure}" is not one of ${MEASURES.join('|')}`);
    if (!Array.isArray(e.range) || e.range.length !== 2 || !(e.range[0] <= e.range[1])) throw new Error(`${file}: expect.range must be [lo, hi]`);
    if (/^(adjacency|variance|probe)/.test(e.measure) && (e.layer === undefined || !e.site)) throw new Error(`${file}: ${e.measure} needs layer and site`);
    if (e.measure.startsWith('probe') && !e.features) throw new Error(`${file}: ${e.measure} needs features`);
    if (/_acc$/.test(e.measure) && !e.length) throw new Error(`${file}: ${e.measure} needs length`);
  }
}

// run = {analysis, before (untrained analysis, optional), evals (eval JSON), summary (train summary)}
export function measure(e, run) {
  const a = e.when === 'before' ? run.before : e.input === 'task' ? run.analysisTask : run.analysis;
  const scalar = (o, k) => (o[k + '_mean'] !== undefined ? o[k + '_mean'] : o[k]);
  switch (e.measure) {
    case 'adjacency_score':
    case 'adjacency_chance':
    case 'variance_slope': return scalar(a.layers[e.layer].sites[e.site], e.measure);
    case 'probe_mad':
    case 'probe_r2': {
      const p = a.probes.find((x) => x.layer === e.layer && x.site === e.site && x.features === e.features);
      return scalar(p, e.measure.slice(6));
    }
    case 'seq_acc':
    case 'token_acc': return run.evals.results.find((r) => r.length === e.length)[e.measure];
    case 'final_loss': return run.summary.final_loss;
  }
  throw new Error(`unknown measure ${e.measure}`);
}

export function describeExpect(e) {
  const where = e.layer !== undefined ? ` L${e.layer} ${e.site}` : '';
  const feat = e.features ? ` (${e.features})` : '';
  const len = e.length ? ` @${e.length}` : '';
  return `${e.when === 'before' ? 'untrained ' : ''}${e.measure}${feat}${where}${len}${e.input === 'task' ? ' (task input)' : ''}`;
}
