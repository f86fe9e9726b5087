// docs/config.md against the core's schema (web/dist/schema.js, from the wasm
// module's schema()): every field the parser reads has one row in the field
// tables with the same type, default and allowed range or values, and no row
// describes a field the parser does not read. Also: the page's stated UI
// ranges lie inside the core's (settings.js would refuse to load otherwise).
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCHEMA } from '../../web/dist/schema.js';
import { FIELDS, inRange } from '../../web/js/settings.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const doc = readFileSync(path.join(repoRoot, 'docs', 'config.md'), 'utf8');

// Rows of the tables under "### `model`", "### `task`" and "### `train`".
function documentedFields() {
  const rows = new Map();
  let group = null;
  for (const line of doc.split('\n')) {
    const heading = line.match(/^### `(\w+)`/);
    if (heading) group = heading[1];
    else if (line.startsWith('## ')) group = null;
    const row = group && line.match(/^\| `([\w.]+)` \| (\w+) \| ([^|]+) \|\s*((?:\\\||[^|])*?)\s*\| .* \|$/);
    if (row) rows.set(`${group}.${row[1]}`, { type: row[2], def: row[3].trim(), allowed: row[4].trim() });
  }
  return rows;
}

// "[8, 1024]", "(0, 10]", "[0, 1000000]; ≤ `steps`", "[0, 2^53 − 1]".
function parseRange(text) {
  const m = text.split(';')[0].trim().match(/^([[(])([^,]+), ([^\]]+)\]$/);
  if (!m) return null;
  const num = (s) => (s.trim() === '2^53 − 1' ? 2 ** 53 - 1 : Number(s));
  return { min: num(m[2]), max: num(m[3]), minOpen: m[1] === '(' };
}

test('docs/config.md documents exactly the schema\'s fields, types, defaults and ranges', () => {
  const rows = documentedFields();
  assert.deepEqual([...rows.keys()].sort(), SCHEMA.fields.map((f) => f.path).sort());
  for (const f of SCHEMA.fields) {
    const row = rows.get(f.path);
    assert.equal(row.type, f.type, f.path);
    const def = row.def.replace(/^`|`$/g, '');
    if (f.type === 'bool') assert.equal(def, String(f.default), f.path);
    else if (f.type === 'enum') assert.equal(def, f.default, f.path);
    else assert.equal(Number(def), f.default, f.path);
    if (f.type === 'enum') {
      assert.deepEqual(row.allowed.split(/\s*\\\|\s*/).map((v) => v.replace(/`/g, '')), f.values, f.path);
    } else if (f.type !== 'bool') {
      assert.deepEqual(parseRange(row.allowed), { min: f.min, max: f.max, minOpen: !!f.min_open }, `${f.path}: ${row.allowed}`);
    }
  }
});

test('the page\'s UI ranges are stated subsets of the core\'s', () => {
  const core = new Map(SCHEMA.fields.map((f) => [f.path, f]));
  assert.deepEqual(FIELDS.map((f) => f.path).sort(), [...core.keys()].sort());
  for (const f of FIELDS) {
    const c = core.get(f.path);
    assert.equal(f.type, c.type, f.path);
    assert.deepEqual(f.def, c.default, f.path);
    if (f.type === 'int' || f.type === 'number') {
      assert.ok(inRange(f.core, f.min) && inRange(f.core, f.max) && f.min <= f.max, f.path);
      assert.deepEqual(f.core, { min: c.min, max: c.max, minOpen: !!c.min_open }, f.path);
    }
    if (f.type === 'enum') assert.deepEqual(f.values, c.values, f.path);
  }
});
