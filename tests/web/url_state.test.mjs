// The URL-state reader under node: a preset plus fields means the preset,
// then those fields (as nopelab --config P --set ...); bad fields are listed
// as problems; and random query strings never throw and always give settings
// the core's schema accepts field by field. Needs web/dist/schema.js
// (scripts/build-web).
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readUrl, presetWithOverrides, writeUrl } from '../../web/js/url_state.js';
import { FIELDS, defaults, inRange } from '../../web/js/settings.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const preset = (id) => JSON.parse(readFileSync(path.join(repoRoot, 'presets', `${id}.json`), 'utf8'));

test('a preset plus fields is the preset, then those fields', () => {
  const url = readUrl('?preset=trained_position_task&model.pos_encoding=rope&train.seed=7');
  assert.deepEqual(url.problems, []);
  assert.equal(url.preset, 'trained_position_task');
  assert.deepEqual(url.overrides, { 'model.pos_encoding': 'rope', 'train.seed': 7 });
  const s = presetWithOverrides(preset('trained_position_task').config, url.overrides);
  assert.equal(s['model.pos_encoding'], 'rope');
  assert.equal(s['train.seed'], 7);
  assert.equal(s['task.name'], 'position');  // from the preset
  assert.equal(s['train.lr'], 0.003);
  assert.equal(s['train.clip'], 1);  // neither: the default
});

test('fields without a control still apply, as --set would', () => {
  const url = readUrl('?v=1&train.clip=0&train.weight_decay=0.5');
  assert.deepEqual(url.problems, []);
  assert.equal(url.settings['train.clip'], 0);
  assert.equal(url.settings['train.weight_decay'], 0.5);
});

test('a field that cannot apply is a problem naming it, and keeps its default', () => {
  const url = readUrl('?v=1&model.d_modle=3&model.n_layers=99&model.norm=mid&model.bias=yes&train.lr=0&train.seed=1.5&task.name=copy');
  assert.deepEqual(url.problems, [
    'unknown setting "model.d_modle"',
    'model.n_layers = "99" is out of range [1, 16]',
    'model.norm = "mid" is not one of pre|post|none',
    'model.bias: "yes" is not true or false',
    'train.lr = "0" is out of range (0, 1]',
    'train.seed: "1.5" is not an integer',
  ]);
  assert.deepEqual(url.settings, defaults());
  assert.match(readUrl('?v=2').problems[0], /settings version "2"/);
});

test('the last of repeated fields wins, as with --set', () => {
  assert.equal(readUrl('?train.seed=3&train.seed=4').settings['train.seed'], 4);
});

test('writeUrl and readUrl round-trip any valid settings', () => {
  const s = { ...defaults(), 'model.n_layers': 16, 'model.pos_encoding': 'alibi', 'train.seed': Number.MAX_SAFE_INTEGER, 'train.clip': 0.25 };
  const back = readUrl(writeUrl(s, 'probes'));
  assert.deepEqual(back.problems, []);
  assert.deepEqual(back.settings, s);
  assert.equal(back.view, 'probes');
});

// A small seeded generator: deterministic failures, no dependency.
function rng(seed) {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32);
}

test('fuzz: random query strings never throw and give field-by-field valid settings', () => {
  const r = rng(12345);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const paths = [...FIELDS.map((f) => f.path), 'v', 'view', 'preset', 'model', 'model.', '.', '', 'x'.repeat(300), '__proto__', 'constructor'];
  const values = ['', '0', '1', '-1', 'true', 'false', 'NaN', 'Infinity', '1e400', '1e-400', '0x10', ' 7 ', '3.5', '9007199254740993',
    'rope', 'none', 'causal', '%', '%E0%A4%A', '\u0000', '\ud800', 'a'.repeat(5000), '[]', '{}', '"copy"'];
  const chars = '?&=%.+ #abcdefmodeltrainseed0123456789\u00e9\ud83d\ude00';
  for (let i = 0; i < 20000; i++) {
    let search;
    if (r() < 0.3) {
      search = Array.from({ length: Math.floor(r() * 40) }, () => pick([...chars])).join('');
    } else {
      const n = Math.floor(r() * 8);
      search = '?' + Array.from({ length: n }, () => {
        const k = pick(paths), v = r() < 0.8 ? pick(values) : String(r() * 10 ** Math.floor(r() * 20 - 5));
        const enc = (x) => { try { return encodeURIComponent(x); } catch { return x; } };  // lone surrogates
        return r() < 0.5 ? `${enc(k)}=${enc(v)}` : `${k}=${v}`;
      }).join('&');
    }
    let url;
    const where = search.slice(0, 200);
    assert.doesNotThrow(() => { url = readUrl(search); }, where);
    assert.ok(Array.isArray(url.problems) && url.problems.every((p) => typeof p === 'string' && p.length < 200), where);
    for (const f of FIELDS) {
      const v = url.settings[f.path];
      if (f.type === 'bool') assert.equal(typeof v, 'boolean', where);
      else if (f.type === 'enum') assert.ok(f.values.includes(v), where);
      else {
        assert.ok(Number.isFinite(v) && inRange(f.core, v), `${where}: ${f.path} = ${v}`);
        if (f.type === 'int') assert.ok(Number.isSafeInteger(v), where);
      }
    }
    assert.deepEqual(Object.keys(url.settings).sort(), FIELDS.map((f) => f.path).sort(), where);
  }
});
