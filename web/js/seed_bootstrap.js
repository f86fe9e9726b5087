// A 95% percentile-bootstrap interval for the mean of a few seeds' values:
// every resample with replacement of the K values, enumerated when K^K is at
// most 10^6 (K <= 7), else 200000 resamples from a fixed-seed generator, so
// the interval is a pure function of the values. It lies inside the values'
// own range: for accuracies, inside [0, 1] (a Student-t interval over 5
// seeds does not). Shared by the page (sweep charts) and scripts/ (results
// and docs), so a figure and the text beside it quote the same interval.
export function seedBootstrap(values, level = 0.95) {
  const xs = values.filter((x) => Number.isFinite(x));
  const k = xs.length;
  if (k === 0) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / k;
  if (k === 1) return { mean, lo: mean, hi: mean, n: 1 };
  const means = [];
  if (k ** k <= 1e6) {
    const idx = new Array(k).fill(0);
    for (;;) {
      let s = 0;
      for (const i of idx) s += xs[i];
      means.push(s / k);
      let p = 0;
      while (p < k && ++idx[p] === k) idx[p++] = 0;
      if (p === k) break;
    }
  } else {
    let state = 0x2545f491;  // xorshift32, fixed seed
    const next = () => { state ^= state << 13; state ^= state >>> 17; state ^= state << 5; return (state >>> 0) / 4294967296; };
    for (let r = 0; r < 200000; r++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += xs[Math.floor(next() * k)];
      means.push(s / k);
    }
  }
  means.sort((a, b) => a - b);
  const tail = (1 - level) / 2, last = means.length - 1;
  return { mean, lo: means[Math.floor(tail * last)], hi: means[Math.ceil((1 - tail) * last)], n: k };
}

// How the interval is named wherever one is shown.
export const SEED_INTERVAL = '95% percentile-bootstrap interval over seeds (every resample enumerated)';
