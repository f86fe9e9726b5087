// The sweep spec as the page holds it (docs/sweep.md): which fields can be
// axes, value ranges (linear/log with a count), the spec sent to the core,
// its URL form, the equivalent `nopelab sweep` command and the result CSV.
// DOM-free, so node tests use it as is.
import { FIELDS, toConfig } from './settings.js';

export const SITES = ['embed', 'norm1', 'attn_out', 'resid_mid', 'mlp_out', 'resid_post'];

// Measure names are fixed by the sweep contract; `baseline` is the cell value
// drawn as a dashed reference line beside the measure.
export const MEASURES = [
  { id: 'adjacency', label: 'P_adj (adjacency score)', baseline: 'adjacency_chance', baselineLabel: 'chance' },
  { id: 'variance_slope', label: 'variance slope (log-log)' },
  { id: 'probe_mad_hidden', label: 'probe MAD, hidden features', baseline: 'probe_mad_baseline', baselineLabel: 'no-position baseline' },
  { id: 'probe_mad_cosine', label: 'probe MAD, cosine features', baseline: 'probe_mad_baseline', baselineLabel: 'no-position baseline' },
  { id: 'probe_mad_variance', label: 'probe MAD, variance features', baseline: 'probe_mad_baseline', baselineLabel: 'no-position baseline' },
  { id: 'equivariance', label: 'permutation deviation |f(PX) − P f(X)| / |f(X)|' },
  { id: 'final_loss', label: 'final training loss', trained: true },
  { id: 'seq_acc_train', label: 'sequence accuracy at train length', trained: true },
  { id: 'seq_acc_test', label: 'sequence accuracy at test length', trained: true },
  { id: 'token_acc_test', label: 'token accuracy at test length', trained: true },
  { id: 'token_acc_train', label: 'token accuracy at train length', trained: true },
  { id: 'token_acc_train_prefix', label: 'token accuracy at train length, each prediction from its prefix alone (as generated)', trained: true },
];

export const MAX_AXES = 3;
export const PAGE_MAX_RUNS = 2000;  // the page's budget; the CLI allows more

// Fields an axis can sweep: every setting except the seed (seeds are their
// own dimension), plus where the analysis looks.
export function axisFields(settings = {}) {
  return [
    ...FIELDS.filter((f) => f.path !== 'train.seed'),
    { path: 'analysis.layer', label: 'analysis layer', type: 'int', min: 0, max: Math.max(0, (settings['model.n_layers'] || 8) - 1), group: 'analysis' },
    { path: 'analysis.site', label: 'analysis site', type: 'enum', values: SITES, group: 'analysis' },
  ];
}

export function axisField(path, settings) {
  return axisFields(settings).find((f) => f.path === path) || null;
}

// `count` values from `from` to `to`, evenly spaced on a linear or log scale;
// ints are rounded and deduplicated, floats kept to 3 significant digits so
// the URL and the CLI command stay readable.
export function rangeValues({ from, to, count, scale = 'linear', type = 'number' }) {
  const n = Math.max(1, Math.min(64, Math.floor(count) || 1));
  if (!Number.isFinite(from) || !Number.isFinite(to)) return [];
  if (scale === 'log' && !(from > 0 && to > 0)) return [];
  const out = [];
  for (let k = 0; k < n; k++) {
    const f = n === 1 ? 0 : k / (n - 1);
    const v = scale === 'log' ? Math.exp(Math.log(from) + f * (Math.log(to) - Math.log(from))) : from + f * (to - from);
    out.push(type === 'int' ? Math.round(v) : Number(v.toPrecision(3)));
  }
  return [...new Set(out)];
}

// "0.01,0.02" / "none,rope" / "true,false" -> typed values for the field.
export function parseValues(field, text) {
  const parts = String(text).split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (!field) return parts;
  if (field.type === 'bool') return parts.map((s) => s === 'true' || s === '1');
  if (field.type === 'int' || field.type === 'number') return parts.map(Number);
  return parts;
}

export function defaultSweep() {
  return { axes: [], seeds: 3, measures: ['adjacency', 'variance_slope'], steps: 0, layer: 0, site: 'attn_out' };
}

// The spec sent to sweepPlan: the page's settings are the base config, the
// sweep's own train-steps field overrides train.steps.
export function buildSpec(settings, sweep) {
  const base = toConfig(settings);
  base.train.steps = sweep.steps;
  return {
    format: 'nopelab-sweep', version: 1, base,
    axes: sweep.axes.map((a) => ({ path: a.path, values: a.values })),
    seeds: sweep.seeds,
    measures: sweep.measures,
    analysis: { layer: sweep.layer, site: sweep.site },
    max_runs: PAGE_MAX_RUNS,
  };
}

// A preset's "sweep" field (or a full spec) -> the page's sweep state.
export function sweepFromPreset(s, config = {}) {
  const d = defaultSweep();
  return {
    axes: (s.axes || []).map((a) => ({ path: a.path, values: [...a.values] })),
    seeds: s.seeds ?? d.seeds,
    measures: s.measures?.length ? [...s.measures] : d.measures,
    steps: config.train?.steps ?? d.steps,
    layer: s.analysis?.layer ?? d.layer,
    site: s.analysis?.site ?? d.site,
  };
}

// URL form: sweep.axis0..2=PATH=V1,V2 (the CLI's --axis syntax),
// sweep.seeds, sweep.measures, sweep.steps, sweep.layer, sweep.site.
export function sweepToParams(sweep) {
  if (!sweep || !sweep.axes.length) return [];
  const d = defaultSweep();
  const out = sweep.axes.map((a, k) => [`sweep.axis${k}`, `${a.path}=${a.values.join(',')}`]);
  out.push(['sweep.seeds', String(sweep.seeds)]);
  if (sweep.measures.join(',') !== d.measures.join(',')) out.push(['sweep.measures', sweep.measures.join(',')]);
  if (sweep.steps !== d.steps) out.push(['sweep.steps', String(sweep.steps)]);
  if (sweep.layer !== d.layer) out.push(['sweep.layer', String(sweep.layer)]);
  if (sweep.site !== d.site) out.push(['sweep.site', sweep.site]);
  return out;
}

// Returns {sweep, problems} or null when the URL holds no sweep. Values are
// parsed by their field's type; range checks are the core's (sweepPlan).
export function sweepFromParams(search, settings = {}) {
  const q = new URLSearchParams(search);
  const axisTexts = [];
  for (let k = 0; q.has(`sweep.axis${k}`); k++) axisTexts.push(q.get(`sweep.axis${k}`));
  if (!axisTexts.length) return null;
  const sweep = defaultSweep();
  const problems = [];
  for (const text of axisTexts.slice(0, MAX_AXES)) {
    const eq = text.indexOf('=');
    const path = eq < 0 ? text : text.slice(0, eq);
    const field = axisField(path, settings);
    if (!field) problems.push(`sweep axis "${path}" is not a field the page can sweep`);
    const values = parseValues(field, eq < 0 ? '' : text.slice(eq + 1));
    if (values.some((v) => typeof v === 'number' && Number.isNaN(v))) problems.push(`sweep axis ${path}: a value is not a number`);
    sweep.axes.push({ path, values });
  }
  if (axisTexts.length > MAX_AXES) problems.push(`at most ${MAX_AXES} sweep axes; ignored the rest`);
  const int = (k, def) => {
    if (!q.has(k)) return def;
    const v = Number.parseInt(q.get(k), 10);
    if (Number.isNaN(v)) problems.push(`${k}: "${q.get(k)}" is not a number`);
    return Number.isNaN(v) ? def : v;
  };
  sweep.seeds = int('sweep.seeds', sweep.seeds);
  sweep.steps = int('sweep.steps', sweep.steps);
  sweep.layer = int('sweep.layer', sweep.layer);
  if (q.has('sweep.site')) sweep.site = q.get('sweep.site');
  if (q.has('sweep.measures')) sweep.measures = q.get('sweep.measures').split(',').filter(Boolean);
  return { sweep, problems };
}

// The same sweep natively (docs/cli.md): same base, cells and seeds, so the
// same numbers per run.
export function sweepCommand(settings, sweep) {
  const sets = FIELDS.filter((f) => f.path !== 'train.steps' && settings[f.path] !== f.def)
    .map((f) => `--set ${f.path}=${settings[f.path]}`);
  const parts = ['nopelab sweep', ...sets, `--set train.steps=${sweep.steps}`,
    ...sweep.axes.map((a) => `--axis ${a.path}=${a.values.join(',')}`),
    `--seeds ${sweep.seeds}`, `--measures ${sweep.measures.join(',')}`,
    `--layer ${sweep.layer}`, `--site ${sweep.site}`, '--out sweep.json'];
  return parts.join(' ');
}

// Measure names present in a result's cells, in first-seen order.
export function resultMeasures(result) {
  const names = [];
  for (const c of result.cells) for (const k of Object.keys(c.measures || {})) if (!names.includes(k)) names.push(k);
  return names;
}

const csvCell = (v) => {
  if (v == null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

// One row per cell: the axis values, then mean, ci and n per measure.
export function resultCsv(result) {
  const paths = result.spec.axes.map((a) => a.path);
  const measures = resultMeasures(result);
  const header = ['cell', ...paths, ...measures.flatMap((m) => [`${m}_mean`, `${m}_ci`, `${m}_n`])];
  const rows = result.cells.map((c) => [c.cell, ...paths.map((p) => c.values[p]),
    ...measures.flatMap((m) => {
      const s = c.measures[m];
      return s ? [s.mean, s.ci, s.n] : ['', '', 0];
    })].map(csvCell).join(','));
  return [header.map(csvCell).join(','), ...rows].join('\n');
}
