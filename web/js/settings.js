// The experiment settings the page exposes: one schema drives the controls,
// the URL, the CLI command and the config sent to the worker. Defaults and
// ranges mirror core/config.h (validation itself happens in the core).

export const SCHEMA_VERSION = 1;

const enumOf = (...values) => ({ type: 'enum', values });
const int = (min, max) => ({ type: 'int', min, max });
const num = (min, max) => ({ type: 'number', min, max });
const bool = () => ({ type: 'bool' });

export const FIELDS = [
  { path: 'model.n_layers', label: 'layers', def: 2, ...int(1, 8), group: 'model' },
  { path: 'model.d_model', label: 'width (d_model)', def: 64, ...int(8, 256), group: 'model' },
  { path: 'model.n_heads', label: 'heads', def: 4, ...int(1, 16), group: 'model' },
  { path: 'model.d_ff', label: 'MLP width (d_ff)', def: 256, ...int(8, 1024), group: 'model' },
  { path: 'model.pos_encoding', label: 'positional encoding', def: 'none',
    ...enumOf('none', 'sinusoidal', 'learned', 'rope', 'alibi', 'normalized'), group: 'model' },
  { path: 'model.attention', label: 'attention mask', def: 'causal', ...enumOf('causal', 'bidirectional'), group: 'model' },
  { path: 'model.norm', label: 'norm placement', def: 'pre', ...enumOf('pre', 'post', 'none'), group: 'model' },
  { path: 'model.bias', label: 'biases', def: true, ...bool(), group: 'model' },
  { path: 'model.tie_embeddings', label: 'tie embeddings', def: false, ...bool(), group: 'model' },
  { path: 'model.init.scheme', label: 'init scheme', def: 'normal', ...enumOf('normal', 'xavier', 'kaiming', 'gpt2'), group: 'model' },
  { path: 'model.init.std', label: 'init std (σ)', def: 0.02, ...num(0.001, 2), group: 'model' },
  { path: 'model.init.embed_std', label: 'embedding std', def: 0.02, ...num(0.001, 2), group: 'model' },
  { path: 'task.name', label: 'task', def: 'copy',
    ...enumOf('copy', 'reverse', 'sort', 'position', 'kth', 'count', 'parity', 'add', 'lm'), group: 'task' },
  { path: 'task.train_len', label: 'train length', def: 16, ...int(1, 128), group: 'task' },
  { path: 'task.test_len', label: 'test length', def: 32, ...int(1, 256), group: 'task' },
  { path: 'task.vocab_size', label: 'vocabulary', def: 16, ...int(2, 256), group: 'task' },
  { path: 'task.vary_length', label: 'vary train length', def: false, ...bool(), group: 'task' },
  { path: 'train.steps', label: 'steps', def: 1000, ...int(0, 100000), group: 'train' },
  { path: 'train.batch_size', label: 'batch', def: 16, ...int(1, 256), group: 'train' },
  { path: 'train.lr', label: 'learning rate', def: 0.001, ...num(1e-5, 1), group: 'train' },
  { path: 'train.warmup', label: 'warmup steps', def: 100, ...int(0, 100000), group: 'train' },
  { path: 'train.seed', label: 'seed', def: 1, ...int(0, 2 ** 31), group: 'train' },
];

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
