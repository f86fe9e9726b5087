// Every setting, the seed and the chosen view live in the URL: versioned
// (v=1), defaults omitted, so a shared link reproduces the same numbers.
// Reading a link never throws: each value is checked against the core's
// schema, and whatever cannot apply is kept out of the settings and listed
// as a problem for the page to show. Semantics are the CLI's --config +
// --set: `?preset=P&a.b=x` is preset P, then the override a.b = x.
import { FIELDS, SCHEMA_VERSION, defaults, fromConfig, inRange } from './settings.js';

// kernel: a diagnosis switch for the worker (app.js), not a setting.
const RESERVED = new Set(['v', 'view', 'preset', 'kernel']);
const BY_PATH = new Map(FIELDS.map((f) => [f.path, f]));

// A query key or value quoted for a message, at most 40 characters.
const show = (text) => JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);

// One query value for field f: {value} or {problem}.
export function readField(f, text) {
  const shown = show(text);
  if (f.type === 'bool') {
    if (text === 'true' || text === '1') return { value: true };
    if (text === 'false' || text === '0') return { value: false };
    return { problem: `${f.path}: ${shown} is not true or false` };
  }
  if (f.type === 'enum') {
    if (f.values.includes(text)) return { value: text };
    return { problem: `${f.path} = ${shown} is not one of ${f.values.join('|')}` };
  }
  const trimmed = text.trim();
  const x = trimmed === '' ? NaN : Number(trimmed);
  if (!Number.isFinite(x)) return { problem: `${f.path}: ${shown} is not a number` };
  if (f.type === 'int' && !Number.isSafeInteger(x)) return { problem: `${f.path}: ${shown} is not an integer` };
  if (!inRange(f.core, x)) {
    return { problem: `${f.path} = ${shown} is out of range ${f.core.minOpen ? '(' : '['}${f.core.min}, ${f.core.max}]` };
  }
  return { value: x };
}

// -> {settings, overrides, view, viewGiven, preset, problems}: `overrides`
// holds only the fields the link sets (applied over a preset when it names
// one); `settings` is the defaults with those overrides.
export function readUrl(search = location.search) {
  const problems = [];
  let q;
  try {
    q = new URLSearchParams(search);
  } catch {
    q = new URLSearchParams();
    problems.push('the link could not be read');
  }
  const version = Number(q.get('v') || SCHEMA_VERSION);
  if (version !== SCHEMA_VERSION) problems.push(`link uses settings version ${show(q.get('v'))}; this page reads ${SCHEMA_VERSION}`);
  const overrides = {};
  const seen = new Set();
  for (const key of q.keys()) {
    if (RESERVED.has(key) || seen.has(key)) continue;
    if (key.startsWith('sweep.')) continue;  // the Sweep view's own state (sweep_spec.js reads it)
    seen.add(key);
    const f = BY_PATH.get(key);
    if (!f) {
      problems.push(`unknown setting ${show(key)}`);
      continue;
    }
    const r = readField(f, q.getAll(key).at(-1));  // as with --set, the last one wins
    if ('problem' in r) problems.push(r.problem);
    else overrides[key] = r.value;
  }
  return {
    settings: { ...defaults(), ...overrides },
    overrides,
    view: q.get('view') || 'similarity',
    viewGiven: q.has('view'),
    preset: q.get('preset'),
    problems,
  };
}

// A preset's config, then a link's overrides (--config P --set ...).
export function presetWithOverrides(presetConfig, overrides) {
  return { ...fromConfig(presetConfig), ...overrides };
}

export function writeUrl(settings, view, extra = {}) {
  const q = new URLSearchParams();
  q.set('v', String(SCHEMA_VERSION));
  for (const f of FIELDS) if (settings[f.path] !== f.def) q.set(f.path, String(settings[f.path]));
  if (view && view !== 'similarity') q.set('view', view);
  for (const [k, v] of Object.entries(extra)) if (v != null) q.set(k, v);
  return `?${q.toString()}`;
}
