// Per-position profiles of one site across layers: variance across
// dimensions (log-log, with the small-sigma theory line) and the
// similarity-decay profile.
import { el, select } from '../dom.js';
import { SITES } from '../analysis_data.js';
import { LineChart } from './line_chart.js';
import { fmt } from './heatmap.js';
import { inputText } from '../before_after.js';

// Which sequences a view's numbers come from (beside its chart).
export function analysisInputNote(app) {
  const a = app.analysis;
  return inputText({ input: a.meta.input ?? 'random', batch: a.meta.batch, task: app.settings['task.name'], T: a.T });
}

function siteControls(controls, app) {
  controls.replaceChildren(el('label', {}, 'site ',
    select(SITES.map((s) => [s, s]), app.sel.site, (v) => app.select({ site: v }), 'site')));
}

export function varianceView(root, app) {
  const controls = el('div', { class: 'view-controls' });
  const box = el('div', { class: 'chart' });
  const note = el('p', { class: 'score' });
  root.append(controls, box, note);
  const chart = new LineChart(box, { xLabel: 'position t', yLabel: 'Var across dims', logX: true, logY: true, height: 280 });
  return {
    update() {
      const a = app.analysis;
      if (!a) return;
      siteControls(controls, app);
      const x = Array.from({ length: a.T }, (_, t) => t + 1);
      const series = a.layers.filter((l) => a.has(l, app.sel.site)).map((l) => ({
        name: `layer ${l} (slope ${fmt(a.site(l, app.sel.site).variance_slope)})`, values: a.variance(l, app.sel.site),
      }));
      const theory = a.layers.map((l) => a.theory(l, app.sel.site)).find((t) => t);
      if (theory) series.push({ name: 'theory σ⁴d²/t', values: theory, dash: [6, 4], color: '#777' });
      chart.update(x, series);
      note.textContent = (theory ? 'Dashed: Chi et al.\'s small-σ prediction for the first attention output at init. '
        : 'The σ⁴d²/t line applies to the first layer\'s attn_out of a pre-norm causal model at normal init. ') + analysisInputNote(app);
    },
    canvas: () => chart.canvas(),
    csv: () => chart.csv(),
    data: () => ({ site: app.sel.site, layers: app.analysis.layers.map((l) => ({ layer: l,
      variance: Array.from(app.analysis.variance(l, app.sel.site) || []) })) }),
  };
}

export function decayView(root, app) {
  const controls = el('div', { class: 'view-controls' });
  const box = el('div', { class: 'chart' });
  const note = el('p', { class: 'score' });
  root.append(controls, box, note);
  const chart = new LineChart(box, { xLabel: 'offset k', yLabel: 'mean S(i, i-k)', height: 280 });
  return {
    update() {
      const a = app.analysis;
      if (!a) return;
      siteControls(controls, app);
      const x = Array.from({ length: a.T }, (_, k) => k);
      const series = a.layers.filter((l) => a.has(l, app.sel.site)).map((l) => ({ name: `layer ${l}`, values: a.decay(l, app.sel.site) }));
      // The uniform-averaging prediction (docs/science.md), where it applies.
      const l0 = a.layers.find((l) => a.site(l, app.sel.site)?.decay_theory);
      const th = l0 === undefined ? null : a.site(l0, app.sel.site);
      if (th) series.push({ name: 'uniform averaging: √((ρ+1/j)/(ρ+1/i))', values: th.decay_theory, dash: [6, 4], color: '#777' });
      chart.update(x, series);
      note.textContent = th
        ? `Dashed: what uniform causal averaging predicts for layer ${l0}'s ${app.sel.site} (ρ = ${fmt(th.decay_theory_rho)}; √(i/j) at ρ = 0). ` +
          `Mean gap to the measured profile: ${fmt(th.decay_theory_gap)}.`
        : 'No theory line here: the uniform-averaging prediction is for the first layer\'s attn_out of a causal NoPE model ' +
          'on random tokens (the page uses those for an untrained model, train.steps = 0, of any task but position and lm).';
      note.textContent += ` ${analysisInputNote(app)}`;
    },
    canvas: () => chart.canvas(),
    csv: () => chart.csv(),
    data: () => ({ site: app.sel.site, layers: app.analysis.layers.map((l) => {
      const s = app.analysis.site(l, app.sel.site);
      return { layer: l, decay: Array.from(app.analysis.decay(l, app.sel.site) || []),
        ...(s?.decay_theory ? { decay_theory: s.decay_theory, decay_theory_rho: s.decay_theory_rho, decay_theory_gap: s.decay_theory_gap } : {}) };
    }) }),
  };
}
