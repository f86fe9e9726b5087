// The seed bootstrap lives with the page's modules (web/js/seed_bootstrap.js)
// so that the page and scripts/ compute one interval.
export { seedBootstrap, SEED_INTERVAL } from '../../web/js/seed_bootstrap.js';

// The values of one measure in one cell of a `nopelab sweep` result, by seed.
export function cellValues(result, cellValuesMatch, measure) {
  const cell = result.cells.find((c) => Object.entries(cellValuesMatch).every(([k, v]) => c.values[k] === v));
  if (!cell) throw new Error(`no cell ${JSON.stringify(cellValuesMatch)}`);
  const m = cell.measures[measure];
  if (!m) throw new Error(`no measure ${measure} in cell ${JSON.stringify(cellValuesMatch)}`);
  return m.values;
}
