// Numbers in the surrounding text that a figure computes:
//   <span data-from="fig-id:adjacency" data-digits="2"></span>
// is filled with the named value of the figure whose id is fig-id, every
// time that figure repaints, so the prose never states a number the figure
// beside it did not produce. Until then the span says "…". data-format="exp"
// writes it as 3.1e-8 (data-digits after the point, default 1).

export function formatValue(value, digits, format = 'fixed') {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '…';
  if (format === 'exp') return value.toExponential(digits).replace('e+', 'e');
  return value.toFixed(digits);
}

export function fillProse(doc, figureId, values) {
  for (const span of doc.querySelectorAll('[data-from]')) {
    const [id, name] = span.dataset.from.split(':');
    if (id !== figureId) continue;
    const format = span.dataset.format || 'fixed';
    const digits = span.dataset.digits == null ? (format === 'exp' ? 1 : 2) : Number(span.dataset.digits);
    span.textContent = formatValue(values?.[name], digits, format);
    span.dataset.value = values?.[name] == null ? '' : String(values[name]);
  }
}
