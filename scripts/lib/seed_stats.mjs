// Seed statistics as scripts/reproduce prints them: the mean over seeds with
// its 95% percentile-bootstrap interval (seed_bootstrap.mjs; it stays inside
// the seeds' own range, so inside [0, 1] for a bounded measure), written
// "mean [lo, hi]".
import { seedBootstrap } from './seed_bootstrap.mjs';

export const boot = (values) => seedBootstrap(values);

export function fmtB(b, d = 3) {
  if (!b) return 'n/a';
  const f = (x) => x.toFixed(d);
  return b.n < 2 ? f(b.mean) : `${f(b.mean)} [${f(b.lo)}, ${f(b.hi)}]`;
}

// Two seed intervals that do not overlap: the order of the two means holds
// over resampling of the seeds.
export const apart = (a, b) => a.hi < b.lo || b.hi < a.lo;

// Per seed, a - b (the same seeds in the same order).
export const diff = (a, b) => a.map((x, i) => x - b[i]);
