// Kazemnejad et al.'s claim on one task, from the runs of the length grid:
// NoPE generalises beyond its training lengths better than the other
// encodings. Only competent encodings count (every seed at or above
// `competence` sequence accuracy at every trained length 1..trainLen); the
// measure is token accuracy averaged over the untrained lengths
// trainLen+1..testLen, per seed, with a seed-bootstrap 95% interval
// (scripts/lib/seed_bootstrap.mjs; inside [0, 1]).
import { seedBootstrap } from './seed_bootstrap.mjs';
import { fmtB } from './seed_stats.mjs';

// A run: {task, pe, seed, results: [{length, seq_acc, token_acc}]}
export const at = (run, n) => run.results.find((x) => x.length === n);

// The lowest sequence accuracy over the trained lengths 1..trainLen.
export function minTrainedSeqAcc(run, trainLen) {
  return Math.min(...run.results.filter((x) => x.length <= trainLen).map((x) => x.seq_acc));
}

export function beyondTokenAcc(run, trainLen, testLen) {
  const xs = run.results.filter((x) => x.length > trainLen && x.length <= testLen).map((x) => x.token_acc);
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

// One encoding on one task: its competence and its generalisation interval.
export function cellSummary(runs, { trainLen, testLen, competence }) {
  const mins = runs.map((r) => minTrainedSeqAcc(r, trainLen));
  return {
    seeds: runs.length,
    competentSeeds: mins.filter((m) => m >= competence).length,
    minTrained: seedBootstrap(mins),
    beyond: seedBootstrap(runs.map((r) => beyondTokenAcc(r, trainLen, testLen))),
  };
}

const iv = (b) => fmtB(b, 2);

// cells: Map pe -> cellSummary. Returns {mark, text}: mark is ✔, ✘ or
// 'inconclusive at this scale'.
export function verdict(cells, { competence }) {
  const none = cells.get('none');
  const competent = (c) => c && c.seeds > 0 && c.competentSeeds === c.seeds;
  const others = [...cells].filter(([pe, c]) => pe !== 'none' && competent(c));
  if (!competent(none))
    return { mark: 'inconclusive at this scale', text: `NoPE is not competent (${none ? none.competentSeeds : 0}/${none ? none.seeds : 0} seeds reach ${competence} at every trained length)` +
      (none && others.length ? `; for context only, NoPE's own ${iv(none.beyond)} against the competent ${others.map(([pe, c]) => `${pe} ${iv(c.beyond)}`).join(', ')}` : '') };
  if (!others.length) return { mark: 'inconclusive at this scale', text: 'no other encoding is competent, so there is nothing to compare NoPE with' };
  const below = others.filter(([, c]) => c.beyond.hi < none.beyond.lo).map(([pe]) => pe);
  const above = others.filter(([, c]) => c.beyond.lo > none.beyond.hi).map(([pe]) => pe);
  const nums = `NoPE ${iv(none.beyond)}; ${others.map(([pe, c]) => `${pe} ${iv(c.beyond)}`).join(', ')}`;
  if (above.length) return { mark: '✘', text: `${above.join(', ')} generalise(s) better than NoPE, intervals apart (${nums})` };
  if (below.length === others.length) return { mark: '✔', text: `NoPE generalises better than every competent encoding, intervals apart (${nums})` };
  return { mark: 'inconclusive at this scale', text: `NoPE's interval overlaps ${others.filter(([pe]) => !below.includes(pe)).map(([pe]) => pe).join(', ')} (${nums})` };
}
