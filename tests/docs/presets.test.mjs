// Every preset's text states exactly what its expect pins: each range appears
// in the explanation as "lo-hi", "lo to hi" or "[lo, hi]" (numbers as the
// JSON has them), and no trained preset pins a formula.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateExpect } from '../../scripts/lib/expect.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = path.join(root, 'presets');
const presets = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => [f, JSON.parse(readFileSync(path.join(dir, f), 'utf8'))]);

test('every preset\'s expect is valid data', () => {
  for (const [f, p] of presets) validateExpect(p, f);
});

test('every expect range is stated in its preset\'s text', () => {
  for (const [f, p] of presets) {
    for (const e of p.expect) {
      const [lo, hi] = e.range.map(String);
      const forms = [`${lo}-${hi}`, `${lo} to ${hi}`, `[${lo}, ${hi}]`];
      assert.ok(forms.some((s) => p.explanation.includes(s)), `${f}: the range [${lo}, ${hi}] of ${JSON.stringify({ ...e, range: undefined })} is not in its explanation`);
    }
  }
});
