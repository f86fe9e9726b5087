// Comparison mode: the same experiment under several positional encodings
// (and the causal/bidirectional control), side by side - the direct answer
// to "why not just feed the normalised position?".
import { el } from '../dom.js';
import { AnalysisData } from '../analysis_data.js';
import { COMPARE_VARIANTS as VARIANTS, runCompare, sharedPool } from '../experiments.js';
import { Heatmap, fmt } from './heatmap.js';

// The variants and the experiment (build, train, analyse, evaluate) live in
// experiments.js and run in parallel on the worker pool; this view draws.
export function compareView(root, app) {
  const picks = new Set(['none', 'bidir', 'sinusoidal', 'normalized']);
  const steps = el('input', { type: 'number', min: 0, max: 20000, value: 300, 'aria-label': 'training steps per variant' });
  const status = el('p', { class: 'score', 'aria-live': 'polite' });
  const grid = el('div', { class: 'compare-grid' });
  const run = el('button', { class: 'primary', text: 'Run comparison', onclick: () => runAll() });
  const stop = el('button', { text: 'Cancel', disabled: true, onclick: () => ctl?.abort() });
  root.append(el('div', { class: 'view-controls' },
    ...VARIANTS.map((v) => el('label', { class: 'check' },
      el('input', { type: 'checkbox', checked: picks.has(v.id), onchange: (e) => (e.target.checked ? picks.add(v.id) : picks.delete(v.id)) }),
      ` ${v.label}`)),
    el('label', {}, 'steps each ', steps), run, stop), status, grid);
  let results = [];
  let ctl = null;

  async function runAll() {
    run.disabled = true;
    stop.disabled = false;
    results = [];
    ctl = new AbortController();
    const n = Math.max(0, Math.min(20000, steps.valueAsNumber | 0));
    const chosen = VARIANTS.filter((x) => picks.has(x.id));
    // One placeholder per variant, in order; each is replaced when its run lands.
    const slots = chosen.map((v) => el('div', { class: 'compare-card pending' }, el('h4', { text: v.label }), el('p', { class: 'note', text: 'running...' })));
    grid.replaceChildren(...slots);
    const pool = sharedPool();
    let done = 0;
    status.textContent = `training ${chosen.length} variants for ${n} steps on ${Math.min(pool.size, chosen.length)} workers...`;
    const byIndex = new Map();
    try {
      const out = await runCompare(pool, {
        settings: app.settings, variants: chosen, steps: n, analysisRequest: app.analysisRequest(), signal: ctl.signal,
        onResult: (k, v, r) => {
          const a = new AnalysisData(r.analysis);
          byIndex.set(k, { variant: v, analysis: a, eval: r.eval });
          slots[k].replaceWith(card(v, a, r.eval));
          status.textContent = `${++done} of ${chosen.length} variants done (${n} steps each)...`;
        },
      });
      results = [...byIndex.keys()].sort((a, b) => a - b).map((k) => byIndex.get(k));
      const failed = out.find((r) => r.error && !r.error.cancelled);
      out.forEach((r, k) => r.error && slots[k].isConnected && slots[k].replaceWith(
        el('div', { class: 'compare-card' }, el('h4', { text: r.variant.label }), el('p', { class: 'note', text: r.error.message }))));
      if (failed) status.textContent = `comparison stopped: ${failed.variant.label}: ${failed.error.message}`;
      else if (ctl.signal.aborted) status.textContent = `cancelled: ${results.length} of ${chosen.length} variants done.`;
      else status.textContent = `${results.length} variants, ${n} steps each, seed ${app.settings['train.seed']}.`;
    } finally {
      run.disabled = false;
      stop.disabled = true;
    }
  }

  function card(v, a, ev) {
    const layer = a.layers[0], site = 'attn_out';
    const s = a.site(layer, site);
    const probe = a.probes({ layer: a.layers.at(-1), site: 'resid_post', features: 'hidden' })[0];
    const box = el('div', { class: 'compare-card' }, el('h4', { text: v.label }));
    new Heatmap(box, { label: 'cos', size: 160 }).draw(a.similarity(layer, site), a.T, a.T);
    box.append(el('ul', { class: 'facts' },
      el('li', { text: `layer ${layer} attn_out P_adj ${fmt(s.adjacency_score)} (chance ${fmt(s.adjacency_chance)})` }),
      el('li', { text: `variance slope ${fmt(s.variance_slope)}` }),
      probe ? el('li', { text: `probe MAD (last layer) ${fmt(probe.mad)} vs ${fmt(probe.mad_constant)} for no position` }) : null,
      ...ev.map((e) => el('li', { text: `accuracy at length ${e.length}${e.trained ? '' : ' (unseen)'}: ${fmt(e.seq_acc)}` }))));
    return box;
  }

  return {
    update() {},
    canvas: () => grid.querySelector('canvas'),
    data: () => results.map((r) => ({ variant: r.variant.id, layers: r.analysis.meta.layers, probes: r.analysis.meta.probes, eval: r.eval })),
    csv: () => ['variant,adjacency_l0_attn_out,variance_slope,acc_train_len,acc_test_len',
      ...results.map((r) => {
        const s = r.analysis.site(r.analysis.layers[0], 'attn_out');
        return [r.variant.id, s.adjacency_score, s.variance_slope, r.eval[0]?.seq_acc, r.eval.at(-1)?.seq_acc].join(',');
      })].join('\n'),
  };
}
