// The trained models of scripts/reproduce as data (docs/data/trained.json):
// one record per model (task, encoding, mask) with every measure as a list
// over its training seeds, so that every interval and count in
// docs/results/results.md and docs/science.md can be recomputed from it.
import { boot, diff } from './seed_stats.mjs';

export const RECORD_SITES = ['attn_out', 'resid_post'];
export const RECORD_FEATURES = ['hidden', 'cosine', 'cosine_past', 'cosine_first', 'variance'];

// runs: [{seed, summary, analysis (task inputs), before (untrained, task inputs)}]
export function cellRecord(task, pe, attention, runs, failed) {
  const r0 = runs[0], L = r0.analysis.layers.length;
  const per = (f) => runs.map(f);
  const probe = (a, l, site, f) => a.probes.find((p) => p.layer === l && p.site === site && p.features === f);
  const last = (r) => r.summary.eval[r.summary.eval.length - 1];
  const rec = {
    task, pe, attention, seeds: runs.map((r) => r.seed), failed, T: r0.analysis.T, input: r0.analysis.input,
    chance: r0.analysis.layers[0].sites.attn_out.adjacency_chance,
    content_null: r0.analysis.layers[0].sites.attn_out.adjacency_null,
    eval_examples: r0.summary.eval[0].examples, analysis_batch: r0.analysis.batch, test_len: last(r0).length,
    mad_constant: probe(r0.analysis, 0, 'resid_post', 'hidden').mad_constant,
    mad_baseline: probe(r0.analysis, 0, 'resid_post', 'hidden').mad_baseline,
    seq_acc: per((r) => r.summary.eval[0].seq_acc), token_acc: per((r) => r.summary.eval[0].token_acc),
    token_acc_test: per((r) => last(r).token_acc), loss: per((r) => r.summary.eval[0].loss),
    sites: {},
  };
  if (r0.analysis.lm_loss) {
    rec.lm_loss_train_text = per((r) => r.analysis.lm_loss.train_text.loss);
    rec.lm_loss_heldout_text = per((r) => r.analysis.lm_loss.heldout_text.loss);
  }
  for (const site of RECORD_SITES) {
    rec.sites[site] = Array.from({ length: L }, (_, l) => ({
      padj: per((r) => r.analysis.layers[l].sites[site].adjacency_score),
      padj_before: per((r) => r.before.layers[l].sites[site].adjacency_score),
      slope: per((r) => r.analysis.layers[l].sites[site].variance_slope),
      slope_before: per((r) => r.before.layers[l].sites[site].variance_slope),
      landmark: per((r) => probe(r.analysis, l, site, 'hidden').mad_landmark),
      probe: Object.fromEntries(RECORD_FEATURES.map((f) => [f, per((r) => probe(r.analysis, l, site, f).mad)])),
    }));
  }
  return rec;
}

// A model whose mean sequence accuracy at its trained length is below this
// has not learned its task: a pattern in it is not evidence that a model
// uses the pattern (docs/science.md). lm has no sequence accuracy to speak of.
export const COMPETENT = 0.9;
export const competent = (rec) => rec.task === 'lm' || boot(rec.seq_acc).mean >= COMPETENT;

// One comparison per independent model: per seed, the mean over every layer
// and site of (MAD of `against` - MAD of `features`), and its bootstrap
// interval over seeds. 'better' when the interval is above 0 (features read
// position better), 'worse' when below, else 'overlap'.
export function modelComparison(rec, features, against = 'variance') {
  const cells = RECORD_SITES.flatMap((site) => rec.sites[site]);
  const perSeed = rec.seeds.map((_, s) => cells.reduce((acc, c) => acc + c.probe[against][s] - c.probe[features][s], 0) / cells.length);
  const b = boot(perSeed);
  return { ...b, verdict: b.lo > 0 ? 'better' : b.hi < 0 ? 'worse' : 'overlap' };
}

// Counts of modelComparison verdicts over a set of records.
export function countComparisons(records, features, against = 'variance') {
  const n = { better: 0, worse: 0, overlap: 0, models: records.length };
  for (const r of records) n[modelComparison(r, features, against).verdict]++;
  return n;
}

export const isCausalNope = (rec) => rec.pe === 'none' && rec.attention === 'causal';

// The per-seed rise of the probe error between two layers (for Haviv's curve).
export function probeRise(rec, site, features, from, to) {
  return boot(diff(rec.sites[site][to].probe[features], rec.sites[site][from].probe[features]));
}
