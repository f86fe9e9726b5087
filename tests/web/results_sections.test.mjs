// docs/results/results.md is rewritten section by section
// (scripts/lib/results_doc.mjs): a run of scripts/reproduce without --long,
// or with --only, keeps the sections it did not redo.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { readSections, assemble } from '../../scripts/lib/results_doc.mjs';
import { SECTIONS } from '../../scripts/lib/experiments.mjs';

const page = fs.readFileSync(new URL('../../docs/results/results.md', import.meta.url), 'utf8');

test('the committed results page has every section, in order', () => {
  assert.deepEqual([...readSections(page).keys()], SECTIONS);
});

test('a run that redid some sections keeps the others word for word', () => {
  const previous = readSections(page);
  const fresh = new Map([['presets', '## Every preset against its own headline\n\nnew table\n'], ['random', '## Random init\n\nnew rows\n']]);
  const text = assemble({ header: '# Results\n', order: SECTIONS, fresh, previous, footer: '---\nRuntime\n' });
  const after = readSections(text);
  assert.deepEqual([...after.keys()], SECTIONS);
  assert.equal(after.get('presets'), fresh.get('presets'));
  assert.equal(after.get('random'), fresh.get('random'));
  for (const name of ['sweeps', 'recipe', 'trained', 'long']) assert.equal(after.get(name), previous.get(name), name);
  assert.match(after.get('long'), /^## Length generalisation/);
});

test('a first run writes only what it ran; sections keep the page order', () => {
  const fresh = new Map([['long', 'L\n'], ['presets', 'P\n']]);
  const text = assemble({ header: 'H\n', order: SECTIONS, fresh, previous: new Map(), footer: 'F\n' });
  assert.equal(text, 'H\n\n<!-- section: presets -->\nP\n<!-- /section: presets -->\n\n<!-- section: long -->\nL\n<!-- /section: long -->\n\nF\n');
});
