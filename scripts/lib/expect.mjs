// A preset's headline as data: each entry of its "expect" list names a
// measure of the preset's own run and the range its explanation claims.
//   {"measure": "adjacency_score", "layer": 0, "site": "attn_out", "range": [0.9, 1]}
//   {"measure": "probe_mad", "layer": 1, "site": "resid_post", "features": "hidden", "range": [0, 2]}
//   {"measure": "seq_acc", "length": 8, "range": [0.99, 1]}
//   {"measure": "token_acc", "length": 16, "range": [0, 0.5]}
// Scalars of a seed-averaged analysis are read as their mean over seeds.
// "when": "before" reads the untrained model of a trained preset; "input":
// "task" reads an analysis of task examples instead of the page's random tokens.
// adjacency_chance (2/T) is a formula of the length, not a measurement: a
// preset states it in its text, and an expect on it would count as a check.
export const MEASURES = ['adjacency_score', 'variance_slope', 'probe_mad', 'probe_r2', 'seq_acc', 'token_acc', 'final_loss'];
const FORMULAS = ['adjacency_chance', 'probe_mad_baseline'];

// A sweep preset states its headline per cell: the mean over seeds of one of
// its measures in the cell whose axis values are given.
//   {"measure": "adjacency", "cell": {"model.init.std": 0.01, "model.d_model": 64}, "range": [0.95, 1]}
export function validateExpect(preset, file) {
  const list = preset.expect;
  if (!Array.isArray(list) || list.length === 0) throw new Error(`${file}: "expect" must be a non-empty list (the preset's headline as data)`);
  if (preset.sweep) return validateSweepExpect(preset, file);
  for (const e of list) {
    if (FORMULAS.includes(e.measure)) throw new Error(`${file}: expect.measure "${e.measure}" is a formula, not a measurement: state it in the text instead`);
    if (!MEASURES.includes(e.measure)) throw new Error(`${file}: expect.measure "${e.measure}" is not one of ${MEASURES.join('|')}`);
    if (!Array.isArray(e.range) || e.range.length !== 2 || !(e.range[0] <= e.range[1])) throw new Error(`${file}: expect.range must be [lo, hi]`);
    if (/^(adjacency|variance|probe)/.test(e.measure) && (e.layer === undefined || !e.site)) throw new Error(`${file}: ${e.measure} needs layer and site`);
    if (e.measure.startsWith('probe') && !e.features) throw new Error(`${file}: ${e.measure} needs features`);
    if (/_acc$/.test(e.measure) && !e.length) throw new Error(`${file}: ${e.measure} needs length`);
    if (e.minus_layer !== undefined && !/^(adjacency|variance|probe)/.test(e.measure)) throw new Error(`${file}: minus_layer needs a per-layer measure`);
  }
}

// run = {analysis, before (untrained analysis, optional), evals (eval JSON), summary (train summary)}
// With minus_layer, the measure at e.layer minus the same at minus_layer
// (one seed's rise or fall between two layers).
export function measure(e, run) {
  if (e.minus_layer !== undefined) {
    const { minus_layer: other, ...at } = e;
    return measure(at, run) - measure({ ...at, layer: other }, run);
  }
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
  const minus = e.minus_layer !== undefined ? ` minus L${e.minus_layer}` : '';
  return `${e.when === 'before' ? 'untrained ' : ''}${e.measure}${feat}${where}${minus}${len}${e.input === 'task' ? ' (task input)' : ''}`;
}

function validateSweepExpect(preset, file) {
  const paths = preset.sweep.axes.map((a) => a.path);
  for (const e of preset.expect) {
    if (typeof e.measure !== 'string') throw new Error(`${file}: expect.measure must name one of the sweep's measures`);
    if (FORMULAS.includes(e.measure)) throw new Error(`${file}: expect.measure "${e.measure}" is a formula, not a measurement: state it in the text instead`);
    if (!Array.isArray(e.range) || e.range.length !== 2 || !(e.range[0] <= e.range[1])) throw new Error(`${file}: expect.range must be [lo, hi]`);
    const keys = Object.keys(e.cell || {});
    if (keys.length !== paths.length || !paths.every((p) => keys.includes(p)))
      throw new Error(`${file}: expect.cell must give a value for each axis (${paths.join(', ')})`);
    paths.forEach((p, i) => {
      if (!preset.sweep.axes[i].values.includes(e.cell[p])) throw new Error(`${file}: expect.cell ${p} = ${JSON.stringify(e.cell[p])} is not on the axis`);
    });
  }
}

// The values by seed of e.measure in the cell e.cell of a sweep result.
export function sweepValues(e, result) {
  const cell = result.cells.find((c) => Object.entries(e.cell).every(([k, v]) => c.values[k] === v));
  const m = cell?.measures[e.measure];
  if (!m) throw new Error(`no measure ${e.measure} in cell ${JSON.stringify(e.cell)}`);
  return m.values;
}

// The mean over seeds of e.measure in the cell e.cell of a sweep result.
export function sweepMeasure(e, result) {
  const cell = result.cells.find((c) => Object.entries(e.cell).every(([k, v]) => c.values[k] === v));
  const m = cell?.measures[e.measure];
  if (!m) throw new Error(`no measure ${e.measure} in cell ${JSON.stringify(e.cell)}`);
  return m.mean;
}

export function describeSweepExpect(e) {
  return `${e.measure} at ${Object.entries(e.cell).map(([k, v]) => `${k.split('.').pop()}=${v}`).join(', ')}`;
}
