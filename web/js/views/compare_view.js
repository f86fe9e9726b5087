// Comparison mode: the same experiment under several positional encodings
// (and the causal/bidirectional control), side by side - the direct answer
// to "why not just feed the normalised position?".
import { el } from '../dom.js';
import { AnalysisData } from '../analysis_data.js';
import { toConfig } from '../settings.js';
import { Heatmap, fmt } from './heatmap.js';

const VARIANTS = [
  { id: 'none', label: 'NoPE (causal)', set: { 'model.pos_encoding': 'none', 'model.attention': 'causal' } },
  { id: 'bidir', label: 'NoPE bidirectional', set: { 'model.pos_encoding': 'none', 'model.attention': 'bidirectional' } },
  { id: 'sinusoidal', label: 'sinusoidal', set: { 'model.pos_encoding': 'sinusoidal' } },
  { id: 'learned', label: 'learned', set: { 'model.pos_encoding': 'learned' } },
  { id: 'normalized', label: 'normalised t/(T-1)', set: { 'model.pos_encoding': 'normalized' } },
  { id: 'rope', label: 'RoPE', set: { 'model.pos_encoding': 'rope' } },
  { id: 'alibi', label: 'ALiBi', set: { 'model.pos_encoding': 'alibi' } },
];

export function compareView(root, app) {
  const picks = new Set(['none', 'bidir', 'sinusoidal', 'normalized']);
  const steps = el('input', { type: 'number', min: 0, max: 20000, value: 300, 'aria-label': 'training steps per variant' });
  const status = el('p', { class: 'score', 'aria-live': 'polite' });
  const grid = el('div', { class: 'compare-grid' });
  const run = el('button', { class: 'primary', text: 'Run comparison', onclick: () => runAll() });
  root.append(el('div', { class: 'view-controls' },
    ...VARIANTS.map((v) => el('label', { class: 'check' },
      el('input', { type: 'checkbox', checked: picks.has(v.id), onchange: (e) => (e.target.checked ? picks.add(v.id) : picks.delete(v.id)) }),
      ` ${v.label}`)),
    el('label', {}, 'steps each ', steps), run), status, grid);
  let results = [];

  async function runAll() {
    run.disabled = true;
    results = [];
    grid.replaceChildren();
    const n = Math.max(0, Math.min(20000, steps.valueAsNumber | 0));
    try {
      for (const v of VARIANTS.filter((x) => picks.has(x.id))) {
        status.textContent = `training ${v.label} for ${n} steps...`;
        const settings = { ...app.settings, ...v.set };
        const session = `compare-${v.id}`;
        await app.client.call('create', { session, config: toConfig(settings) });
        if (n > 0) await app.client.call('train', { session, steps: n });
        const a = new AnalysisData(await app.client.call('analyze', { session, request: app.analysisRequest() }));
        const lens = [settings['task.train_len'], settings['task.test_len']];
        const ev = await app.client.call('evaluate', { session, lengths: [...new Set(lens)], examples: 128 });
        await app.client.call('drop', { session });
        results.push({ variant: v, analysis: a, eval: ev });
        grid.append(card(v, a, ev));
      }
      status.textContent = `${results.length} variants, ${n} steps each, seed ${app.settings['train.seed']}.`;
    } catch (err) {
      status.textContent = `comparison stopped: ${err.message}`;
    } finally {
      run.disabled = false;
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
