// Numbers in the surrounding text that a figure computes:
//   <span data-from="fig-id:adjacency" data-digits="2"></span>
// is filled with the named value of the figure whose id is fig-id, every
// time that figure repaints, so the prose never states a number the figure
// beside it did not produce. Until then the span says "…".

export function formatValue(value, digits) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '…';
  return value.toFixed(digits);
}

export function fillProse(doc, figureId, values) {
  for (const span of doc.querySelectorAll('[data-from]')) {
    const [id, name] = span.dataset.from.split(':');
    if (id !== figureId) continue;
    const digits = span.dataset.digits == null ? 2 : Number(span.dataset.digits);
    span.textContent = formatValue(values?.[name], digits);
    span.dataset.value = values?.[name] == null ? '' : String(values[name]);
  }
}
