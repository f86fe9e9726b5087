// Every setting, the seed and the chosen view live in the URL: versioned
// (v=1), defaults omitted, so a shared link reproduces the same numbers.
import { FIELDS, SCHEMA_VERSION, defaults, parseValue } from './settings.js';

export function readUrl(search = location.search) {
  const q = new URLSearchParams(search);
  const settings = defaults();
  const problems = [];
  const version = Number(q.get('v') || SCHEMA_VERSION);
  if (version !== SCHEMA_VERSION) problems.push(`link uses settings version ${version}; this page reads ${SCHEMA_VERSION}`);
  for (const f of FIELDS) {
    if (!q.has(f.path)) continue;
    const v = parseValue(f, q.get(f.path));
    if (typeof v === 'number' && Number.isNaN(v)) problems.push(`${f.path}: "${q.get(f.path)}" is not a number`);
    else settings[f.path] = v;
  }
  return { settings, view: q.get('view') || 'similarity', preset: q.get('preset'), problems };
}

export function writeUrl(settings, view, extra = {}) {
  const q = new URLSearchParams();
  q.set('v', String(SCHEMA_VERSION));
  for (const f of FIELDS) if (settings[f.path] !== f.def) q.set(f.path, String(settings[f.path]));
  if (view && view !== 'similarity') q.set('view', view);
  for (const [k, v] of Object.entries(extra)) if (v != null) q.set(k, v);
  return `?${q.toString()}`;
}
