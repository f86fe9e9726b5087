// A <nope-figure>'s attributes -> its experiment: the same semantics as a
// lab link (url_state.js): `preset` first, then every attribute that names a
// config field (`model.init.std="0.5"`) overrides it, each value checked
// against the core's schema. Whatever cannot apply becomes a problem the
// figure shows in its own box.
import { FIELDS, defaults, toConfig } from '../settings.js';
import { readField, presetWithOverrides, writeUrl } from '../url_state.js';
import { SITE_BASE } from './figure_pool.js';

const BY_PATH = new Map(FIELDS.map((f) => [f.path, f]));

// Short names for the controls attribute; any field path works as well.
export const CONTROL_ALIASES = {
  sigma: 'model.init.std',
  attention: 'model.attention',
  encoding: 'model.pos_encoding',
  layers: 'model.n_layers',
  task: 'task.name',
  seed: 'train.seed',
};

// -> {presetId, overrides, problems}
export function readAttributes(element) {
  const overrides = {};
  const problems = [];
  const sweep = {};
  for (const { name, value } of element.attributes) {
    if (!name.includes('.')) continue;
    if (name.startsWith('sweep.')) {
      const r = readSweepAttribute(name, value);
      if ('problem' in r) problems.push(r.problem);
      else sweep[name.slice(6)] = r.value;
      continue;
    }
    const f = BY_PATH.get(name);
    if (!f) {
      problems.push(`unknown setting "${name}"`);
      continue;
    }
    const r = readField(f, value);
    if ('problem' in r) problems.push(r.problem);
    else overrides[name] = r.value;
  }
  return { presetId: element.getAttribute('preset'), overrides, sweep, problems };
}

// A sweep figure's sweep.seeds / sweep.measures: over a sweep preset, as the
// CLI's --seeds and --measures over --spec.
function readSweepAttribute(name, value) {
  if (name === 'sweep.seeds') {
    const n = Number(value);
    return Number.isInteger(n) && n >= 1 ? { value: n } : { problem: `sweep.seeds = "${value}" is not a whole number >= 1` };
  }
  if (name === 'sweep.measures') {
    const list = value.split(/[\s,]+/).filter(Boolean);
    return list.length ? { value: list } : { problem: 'sweep.measures is empty' };
  }
  return { problem: `unknown setting "${name}" (a sweep figure takes sweep.seeds and sweep.measures)` };
}

// controls="sigma attention model.task.name shuffle": [{kind: 'field', field} | {kind: 'shuffle'}].
export function readControls(text) {
  const out = [];
  const problems = [];
  for (const word of (text || '').split(/[\s,]+/).filter(Boolean)) {
    if (word === 'shuffle') {
      out.push({ kind: 'shuffle' });
      continue;
    }
    const f = BY_PATH.get(CONTROL_ALIASES[word] || word);
    if (f) out.push({ kind: 'field', field: f });
    else problems.push(`unknown control "${word}"`);
  }
  return { controls: out, problems };
}

let presetIndex = null;
async function fetchJson(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.json();
}

// A preset's config (presets/*.json, as dist/presets/ serves them).
export async function loadPreset(id) {
  presetIndex ??= fetchJson(new URL('dist/presets/index.json', SITE_BASE).href);
  const index = await presetIndex;
  const entry = index.find((p) => p.id === id);
  if (!entry) throw new Error(`unknown preset "${id}" (known: ${index.map((p) => p.id).join(', ')})`);
  return fetchJson(new URL(`dist/presets/${entry.file}`, SITE_BASE).href);
}

// -> {settings, preset}: the preset (if any) with the overrides on top.
export async function resolveSettings({ presetId, overrides }) {
  if (!presetId) return { settings: { ...defaults(), ...overrides }, preset: null };
  const preset = await loadPreset(presetId);
  return { settings: presetWithOverrides(preset.config, overrides), preset };
}

// The lab (index.html) with exactly these settings and view.
export function labUrl(settings, view) {
  return new URL(`index.html${writeUrl(settings, view)}`, SITE_BASE).href;
}

// The lab with a preset and the figure's overrides (a sweep preset also
// carries its sweep, which the settings alone do not).
export function labPresetUrl(presetId, overrides, view, sweep = {}) {
  const q = new URLSearchParams({ v: '1', preset: presetId });
  for (const [k, v] of Object.entries(overrides)) q.set(k, String(v));
  for (const [k, v] of Object.entries(sweep)) q.set(`sweep.${k}`, Array.isArray(v) ? v.join(',') : String(v));
  if (view) q.set('view', view);
  return new URL(`index.html?${q}`, SITE_BASE).href;
}

export { toConfig };
