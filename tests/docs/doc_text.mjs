// Reading the repository's docs for the doc-number tests: a file's text, and
// the part of a text from a start marker (included) to the next end marker.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const read = (p) => readFileSync(path.join(root, p), 'utf8');

export function between(text, start, end) {
  const a = text.indexOf(start);
  assert.ok(a >= 0, `no "${start}"`);
  const b = text.indexOf(end, a + start.length);
  assert.ok(b > a, `no "${end}" after "${start}"`);
  return text.slice(a, b);
}
