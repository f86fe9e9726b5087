// The experiment settings the page exposes: one schema drives the controls,
// the URL, the CLI command and the config sent to the worker. Types,
// defaults, ranges and enum values come from the core's schema (web/dist/
// schema.js, written by scripts/build-web from the wasm module's schema());
// this file keeps only presentation: labels, grouping, and UI ranges that
// are stated as a subset of the core's (validation itself happens in the core).
import { SCHEMA } from '../dist/schema.js';

// Version of the URL format (url_state.js), not of the core's schema.
export const SCHEMA_VERSION = 1;

// The fields the page shows, in order. `ui` narrows the core's range for the
// number inputs: open lower ends need a smallest value, and a browser run
// of a million steps is not a use the controls invite.
const PRESENTATION = [
  { path: 'model.n_layers', label: 'layers', group: 'model' },
  { path: 'model.d_model', label: 'width (d_model)', group: 'model' },
  { path: 'model.n_heads', label: 'heads', group: 'model' },
  { path: 'model.d_ff', label: 'MLP width (d_ff)', group: 'model' },
  { path: 'model.pos_encoding', label: 'positional encoding', group: 'model' },
  { path: 'model.attention', label: 'attention mask', group: 'model' },
  { path: 'model.norm', label: 'norm placement', group: 'model' },
  { path: 'model.bias', label: 'biases', group: 'model' },
  { path: 'model.tie_embeddings', label: 'tie embeddings', group: 'model' },
  { path: 'model.init.scheme', label: 'init scheme', group: 'model' },
  { path: 'model.init.std', label: 'init std (σ)', group: 'model', ui: { min: 0.001, max: 2 } },
  { path: 'model.init.embed_std', label: 'embedding std', group: 'model', ui: { min: 0.001, max: 2 } },
  { path: 'task.name', label: 'task', group: 'task' },
  { path: 'task.train_len', label: 'train length', group: 'task' },
  { path: 'task.test_len', label: 'test length', group: 'task' },
  { path: 'task.vocab_size', label: 'vocabulary', group: 'task' },
  { path: 'task.vary_length', label: 'vary train length', group: 'task' },
  { path: 'train.steps', label: 'steps', group: 'train', ui: { max: 100000 } },
  { path: 'train.batch_size', label: 'batch', group: 'train' },
  { path: 'train.lr', label: 'learning rate', group: 'train', ui: { min: 1e-5 } },
  { path: 'train.warmup', label: 'warmup steps', group: 'train', ui: { max: 100000 } },
  { path: 'train.seed', label: 'seed', group: 'train' },
];

// Joins presentation to the core's field: {path, label, group, type, def,
// values (enums), min, max (the UI range, inside the core's)}. A field the
// core does not know, or a UI range outside the core's, is a bug here.
// Fields the core has but the page shows no control for (e.g. train.clip)
// come last with `hidden: true`: a link or preset can still set them, as
// --set can. `core` keeps the core's own range for reading links.
export function makeFields(schema, presentation = PRESENTATION) {
  const byPath = new Map(schema.fields.map((f) => [f.path, f]));
  const shown = new Set(presentation.map((p) => p.path));
  const rest = schema.fields.filter((f) => !shown.has(f.path))
    .map((f) => ({ path: f.path, label: f.path, group: f.path.split('.')[0], hidden: true }));
  return [...presentation, ...rest].map((p) => {
    const core = byPath.get(p.path);
    if (!core) throw new Error(`settings: the core has no field ${p.path}`);
    const f = { path: p.path, label: p.label, group: p.group, type: core.type, def: core.default, doc: core.doc };
    if (p.hidden) f.hidden = true;
    if (core.type === 'enum') f.values = core.values;
    if (core.type === 'int' || core.type === 'number') {
      f.core = { min: core.min, max: core.max, minOpen: !!core.min_open };
      f.min = p.ui?.min ?? core.min;
      f.max = p.ui?.max ?? core.max;
      if (!inRange(f.core, f.min) || !inRange(f.core, f.max) || f.min > f.max)
        throw new Error(`settings: UI range [${f.min}, ${f.max}] of ${p.path} is not inside the core's`);
    }
    return f;
  });
}

// x inside a core range {min, max, minOpen}.
export const inRange = (r, x) => x <= r.max && (r.minOpen ? x > r.min : x >= r.min);

export const FIELDS = makeFields(SCHEMA);

export function defaults() {
  const s = {};
  for (const f of FIELDS) s[f.path] = f.def;
  return s;
}

// Flat {path: value} -> nested config JSON for the core.
export function toConfig(settings) {
  const cfg = {};
  for (const f of FIELDS) {
    const keys = f.path.split('.');
    let node = cfg;
    for (const k of keys.slice(0, -1)) node = node[k] ??= {};
    node[keys.at(-1)] = settings[f.path];
  }
  return cfg;
}

// Nested config (e.g. from a preset or checkpoint) -> flat settings,
// defaults for what it does not say.
export function fromConfig(cfg) {
  const s = defaults();
  for (const f of FIELDS) {
    let v = cfg;
    for (const k of f.path.split('.')) v = v == null ? undefined : v[k];
    if (v !== undefined) s[f.path] = v;
  }
  return s;
}

export function parseValue(field, text) {
  if (field.type === 'bool') return text === true || text === 'true' || text === '1';
  if (field.type === 'int') return Number.parseInt(text, 10);
  if (field.type === 'number') return Number.parseFloat(text);
  return String(text);
}

// The equivalent native command: same config, same seed, same numbers.
export function cliCommand(settings) {
  const sets = FIELDS.filter((f) => settings[f.path] !== f.def).map((f) => `--set ${f.path}=${settings[f.path]}`);
  return ['nopelab train', ...sets, '--out run.json'].join(' ');
}
