// docs/results/results.md as sections, each between `<!-- section: NAME -->`
// and `<!-- /section: NAME -->`. A run of scripts/reproduce replaces the
// sections it redid and keeps the others as they were, so a run without
// --long (or with --only) never drops a table it did not recompute.

const SECTION = /<!-- section: (\w+) -->\n([\s\S]*?)<!-- \/section: \1 -->\n?/g;

// The sections of a results page: name -> body (markers stripped).
export function readSections(text) {
  const out = new Map();
  for (const m of (text || '').matchAll(SECTION)) out.set(m[1], m[2]);
  return out;
}

export function wrapSection(name, body) {
  return `<!-- section: ${name} -->\n${body.endsWith('\n') ? body : `${body}\n`}<!-- /section: ${name} -->\n`;
}

// header, then every section in `order` (this run's if it redid it, else the
// previous page's; left out if neither has it), then footer.
export function assemble({ header, order, fresh, previous, footer }) {
  const parts = [header];
  for (const name of order) {
    const body = fresh.get(name) ?? previous.get(name);
    if (body !== undefined) parts.push(wrapSection(name, body));
  }
  parts.push(footer);
  return parts.join('\n');
}
