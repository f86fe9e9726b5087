// The verdict table of docs/science.md, rendered from the committed runs
// (docs/data/trained.json and docs/data/random_init.json, written by
// scripts/reproduce). Each row: the claim and its source, our number with
// its seeds and 95% interval, the control it is compared with, and a
// verdict that follows from a rule stated in the row's code, not by hand.
// tests/docs/verdicts.test.mjs checks that docs/science.md holds this table.
import { boot, fmtB, apart } from './seed_stats.mjs';
import { competent, countComparisons, isCausalNope, probeRise } from './trained_data.mjs';

export const START = '<!-- verdict table: rendered by scripts/lib/verdicts.mjs from docs/data/; scripts/reproduce rewrites it -->';
export const END = '<!-- /verdict table -->';
// Kazemnejad et al.'s verdict comes from the length-generalisation run
// (scripts/reproduce --long), not from these data: its row goes directly
// above this marker, and a re-render keeps every row that names Kazemnejad.
export const KAZEMNEJAD_SLOT = '<!-- verdict slot: the Kazemnejad et al. 2023 row (from the --long run) goes directly above this line; re-renders keep it -->';

// The rows of a rendered block that name Kazemnejad (kept across re-renders).
export function keptRows(block) {
  return block.split('\n').filter((l) => l.startsWith('|') && l.includes('Kazemnejad'));
}

const t = (o, d = 3) => `${o.mean.toFixed(d)} ± ${o.ci.toFixed(d)}`;
const tApart = (a, b) => a.mean + a.ci < b.mean - b.ci || b.mean + b.ci < a.mean - a.ci;

export function verdictRows(trained, random) {
  const init = (attention, std) => random.rows.find((r) => r.config.model.attention === attention && r.config.model.init.std === std) ??
    random.rows.find((r) => (r.config.model.attention ?? 'causal') === attention && r.config.model.init.std === std);
  const causal = init(undefined, 0.02) ?? init('causal', 0.02), bidir = init('bidirectional', 0.02);
  const m = trained.models, n = trained.seeds, ni = random.seeds;
  const nope = m.filter(isCausalNope), symNope = nope.filter((r) => r.task !== 'lm');
  const bidirTrained = m.find((r) => r.attention === 'bidirectional');
  const find = (task, pe) => m.find((r) => r.task === task && r.pe === pe && r.attention === 'causal');
  const L0 = (r, site, k) => boot(r.sites[site][0][k]);
  const list = (rs, f) => rs.map((r) => `${r.task} ${f(r)}${competent(r) ? '' : ' †'}`).join('; ');
  const rows = [];

  // Chi et al. at init: slope near -1, bidirectional control near 0.
  {
    const ok = tApart(causal.slope_attn_out, bidir.slope_attn_out) && Math.abs(causal.slope_attn_out.mean + 1) < 0.1;
    rows.push(['Variance shrinks like 1/t at random init (Chi et al. 2023)',
      `slope of log V(t) on log t, layer 0 attn_out, σ 0.02: ${t(causal.slope_attn_out)}`, `${ni} init seeds (Student-t)`,
      `bidirectional ${t(bidir.slope_attn_out)}`, ok ? '✔' : '✘']);
  }
  // Chi et al. after training: the slope stays negative in the trained causal NoPE models.
  {
    const ctl = L0(bidirTrained, 'attn_out', 'slope');
    const held = symNope.filter((r) => { const b = L0(r, 'attn_out', 'slope'); return b.hi < 0 && apart(b, ctl); });
    rows.push(['The shrinkage persists after training (Chi et al. 2023)',
      `trained NoPE, layer 0 attn_out slope on task inputs: ${list(symNope, (r) => fmtB(L0(r, 'attn_out', 'slope'), 2))}`, `${n} training seeds each`,
      `bidirectional NoPE trained on position ${fmtB(ctl, 2)}; the σ⁴d²/t law is an init law and is not applied`,
      held.length === symNope.length ? '✔' : held.length ? `~ (${held.length} of ${symNope.length} models)` : '✘']);
  }
  // Zuo et al. at init.
  {
    const ok = tApart(causal.padj_attn_out, bidir.padj_attn_out) && causal.padj_attn_out.mean - causal.padj_attn_out.ci > causal.chance;
    rows.push(['Adjacency pattern at random init (Zuo et al. 2025)', `P_adj, layer 0 attn_out, σ 0.02: ${t(causal.padj_attn_out)}`, `${ni} init seeds (Student-t)`,
      `bidirectional ${t(bidir.padj_attn_out)}; chance 2/T ${causal.chance.toFixed(3)}`, ok ? '✔' : '✘']);
  }
  // Zuo et al. after training: above the content null, in models that learned their task.
  {
    const comp = symNope.filter(competent);
    const above = comp.filter((r) => L0(r, 'attn_out', 'padj').lo > Math.max(r.content_null, r.chance));
    rows.push(['Adjacency pattern after training (Zuo et al. 2025)',
      `trained NoPE, P_adj layer 0 attn_out on task inputs: ${list(symNope, (r) => fmtB(L0(r, 'attn_out', 'padj'), 2))}`, `${n} training seeds each`,
      `content null ${list(symNope, (r) => r.content_null.toFixed(3))}; chance ${list(symNope, (r) => r.chance.toFixed(3))}`,
      `${above.length === comp.length && comp.length ? '✔' : above.length ? '~' : '✘'} (${above.length} of ${comp.length} models that learned their task)`]);
  }
  // Zuo et al.: cosine beats variance, with past-only cosines, one count per model.
  {
    const c = countComparisons(nope, 'cosine_past'), all = countComparisons(m, 'cosine_past');
    const ic = causal.probe_attn_out.cosine_past, iv = causal.probe_attn_out.variance;
    rows.push(['Cosine similarity carries position better than variance (Zuo et al. 2025)',
      `past-only cosine features better than variance in ${c.better} of ${c.models} causal NoPE models (worse in ${c.worse}); in ${all.better} of ${all.models} models of every encoding (worse in ${all.worse}); ` +
        `at init, layer 0 attn_out MAD: cosine_past ${t(ic, 2)}, variance ${t(iv, 2)}`,
      `${n} training seeds per model; ${ni} init seeds`, 'the variance probe, per model: mean over layers and sites of the per-seed MAD difference, bootstrap interval excludes 0',
      `${c.better === c.models ? '✔' : c.better > 0 ? '~' : '✘'} after training; ${tApart(ic, iv) ? (ic.mean < iv.mean ? '✔' : '✘') : '~ (intervals overlap)'} at init`]);
  }
  // Haviv et al.: a causal NoPE model learns absolute position; the bidirectional one cannot.
  {
    const p = find('position', 'none'), a = boot(p.seq_acc), b = boot(bidirTrained.seq_acc);
    rows.push(['A causal NoPE model learns absolute position (Haviv et al. 2022)', `position task, sequence accuracy at length ${p.test_len / 2}: ${fmtB(a)}`, `${n} training seeds`,
      `bidirectional NoPE ${fmtB(b)}`, a.lo >= 0.9 && apart(a, b) ? '✔' : '✘']);
  }
  // Haviv et al.: the probe error on text falls, then rises in the last layer.
  {
    const lm = find('lm', 'none'), L = lm.sites.resid_post.length, rise = probeRise(lm, 'resid_post', 'hidden', L - 2, L - 1);
    const mads = lm.sites.resid_post.map((x) => fmtB(boot(x.probe.hidden), 2)).join(' / ');
    const best = Math.min(...lm.sites.resid_post.map((x) => boot(x.probe.hidden).hi)), lmk = boot(lm.sites.resid_post[0].landmark);
    rows.push(['NoPE LM probe error falls, then rises near the top (Haviv et al. 2022)',
      `\`lm\` NoPE, hidden-state probe MAD by layer ${mads}; rise L${L - 2} to L${L - 1} ${fmtB(rise, 2)}`, `${n} training seeds`,
      `landmark probe ${fmtB(lmk, 2)}, predict the mean ${lm.mad_constant.toFixed(2)}`, rise.lo > 0 && best < lmk.lo ? '✔' : '✘']);
  }
  // Haviv et al.: NoPE nearly as good as a positional encoding, on held-out text.
  {
    const a = boot(find('lm', 'none').lm_loss_heldout_text), b = boot(find('lm', 'learned').lm_loss_heldout_text);
    rows.push(['NoPE LMs nearly match models with positional encodings (Haviv et al. 2022)', `\`lm\` NoPE, loss on held-out text ${fmtB(a)} nats/char`, `${n} training seeds`,
      `learned PE ${fmtB(b)}`, apart(a, b) && a.mean > b.mean ? '✘ at this scale (NoPE worse, intervals apart)' : '✔ (intervals overlap)']);
  }
  return rows.map((r) => `| ${r.join(' | ')} |`);
}

export function verdictTable(trained, random, kept = []) {
  return [START, '',
    '| claim (source) | ours: number [95% interval] | seeds | control | verdict |', '|---|---|---|---|---|',
    ...verdictRows(trained, random), ...kept, KAZEMNEJAD_SLOT, '', END].join('\n');
}
