// A preset's expect range derived from its seeds, not fitted around one:
// the 95% bootstrap interval of the seed mean, widened on each side by its
// own width or by a floor, whichever is larger (a rebuild's floating point
// moves every seed a little), clamped to what the measure can take and
// rounded outward to 2 decimals. MARGIN states the floors; docs/science.md
// and the results page quote this rule.
import { boot } from './seed_stats.mjs';

export const MARGIN = { bounded: 0.02, slope: 0.02, positions: 0.2, loss: 0.05, difference: 0.2 };
export const RULE = 'the 95% bootstrap interval of the seed mean widened on each side by its own width ' +
  `(at least ${MARGIN.bounded} for accuracies, adjacency scores and slopes, ${MARGIN.positions} positions for a probe MAD or a difference of two, ` +
  `${MARGIN.loss} for a loss), clamped to the measure's bounds and rounded outward to 2 decimals`;

// What kind of number a measure is: preset measures (adjacency_score, seq_acc,
// probe_mad, ...) and sweep measures (adjacency, token_acc_test, ...).
export function measureKind(e) {
  if (e.minus_layer !== undefined) return 'difference';
  const m = e.measure;
  if (/acc|adjacency/.test(m)) return 'bounded';
  if (/probe_mad/.test(m)) return 'positions';
  if (/loss/.test(m)) return 'loss';
  return 'slope';
}

const LIMITS = { bounded: [0, 1], positions: [0, Infinity], loss: [0, Infinity], slope: [-Infinity, Infinity], difference: [-Infinity, Infinity] };

export function deriveRange(e, values) {
  const b = boot(values);
  const kind = measureKind(e);
  const m = Math.max(b.hi - b.lo, MARGIN[kind]);
  const [min, max] = LIMITS[kind];
  const lo = Math.max(min, Math.floor((b.lo - m) * 100 + 1e-9) / 100);
  const hi = Math.min(max, Math.ceil((b.hi + m) * 100 - 1e-9) / 100);
  return [+lo.toFixed(2), +hi.toFixed(2)];
}
