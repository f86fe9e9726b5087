// Position probes: held-out MAD by layer for each feature set against three
// references (a random guess, predicting the mean position, and the same
// probe on the token id alone, which reads landmark tokens such as <bos>),
// and predicted vs true position for one layer; a table puts every probe's
// MAD beside those references, and the note says which inputs were probed.
import { el, select } from '../dom.js';
import { SITES, PROBE_FEATURES } from '../analysis_data.js';
import { LineChart } from './line_chart.js';
import { fmt } from './heatmap.js';
import { analysisInputNote } from './profile_views.js';

const FEATURES = PROBE_FEATURES;

export function probeView(root, app) {
  const controls = el('div', { class: 'view-controls' });
  const madBox = el('div', { class: 'chart' });
  const predBox = el('div', { class: 'chart' });
  const table = el('table', { class: 'ba-table probe-table' });
  const note = el('p', { class: 'score probe-note' });
  root.append(controls, el('div', { class: 'two-col' },
    el('div', {}, el('h4', { text: 'held-out MAD by layer (lower = more position)' }), madBox),
    el('div', {}, el('h4', { text: 'predicted vs true position' }), predBox)), table, note);
  const mad = new LineChart(madBox, { xLabel: 'layer', yLabel: 'MAD (positions)', points: true, integerX: true, height: 240 });
  const pred = new LineChart(predBox, { xLabel: 'true position', yLabel: 'predicted', height: 240 });
  // Each feature set's MAD by layer, and the three references under them.
  function drawTable(a, at) {
    const cell = (v) => el('td', { text: v == null || !(v >= 0) ? '-' : fmt(v) });
    const row = (name, value) => el('tr', {}, el('th', { scope: 'row', text: name }), ...a.layers.map((l) => cell(value(l))));
    const ref = (l) => at(l, 'hidden');
    table.replaceChildren(
      el('caption', { text: `Held-out MAD in positions at ${app.sel.site}, by layer, against its references (T = ${a.T})` }),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'features' }), ...a.layers.map((l) => el('th', { scope: 'col', text: `layer ${l}` })))),
      el('tbody', {},
        ...FEATURES.map((f) => row(f, (l) => at(l, f)?.mad)),
        row('token id alone (landmark)', (l) => ref(l)?.mad_landmark),
        row('predict the mean', (l) => ref(l)?.mad_constant),
        row('random guess', (l) => ref(l)?.mad_baseline)));
  }

  return {
    update() {
      const a = app.analysis;
      if (!a || !a.meta.probes.length) return;
      controls.replaceChildren(
        el('label', {}, 'site ', select(SITES.map((s) => [s, s]), app.sel.site, (v) => app.select({ site: v }), 'site')),
        el('label', {}, 'layer ', select(a.layers.map((l) => [l, String(l)]), app.sel.layer, (v) => app.select({ layer: +v }), 'layer')),
        el('label', {}, 'features ', select(FEATURES.map((f) => [f, f]), app.sel.features, (v) => app.select({ features: v }), 'probe features')),
      );
      const at = (l, f) => a.probes({ layer: l, site: app.sel.site, features: f })[0];
      const base = at(a.layers[0], 'hidden');
      mad.update(a.layers, [
        ...FEATURES.map((f) => ({ name: f, values: a.layers.map((l) => at(l, f)?.mad) })),
        { name: 'random guess (N²-1)/3N', values: a.layers.map(() => base?.mad_baseline), dash: [4, 4], color: '#777' },
        { name: 'predict the mean', values: a.layers.map(() => base?.mad_constant), dash: [2, 3], color: '#aaa' },
        ...(base && base.mad_landmark >= 0
          ? [{ name: 'token id alone (landmarks such as <bos>)', values: a.layers.map(() => base.mad_landmark), dash: [6, 3], color: '#b35806' }]
          : []),
      ]);
      drawTable(a, at);
      note.textContent = 'cosine: cosines to every reference position, later ones included (a causal model cannot see them at t); ' +
        'cosine_past: references at or before t only; cosine_first: the first position only. A probe reads position only where it beats ' +
        `the token id alone, which finds landmarks such as <bos>. ${analysisInputNote(app)}`;
      const p = at(app.sel.layer, app.sel.features);
      const x = Array.from({ length: a.T }, (_, t) => t);
      pred.update(x, [{ name: `layer ${app.sel.layer} ${app.sel.features}`, values: p ? p.predicted : [], points: true },
        { name: 'perfect', values: x, dash: [4, 4], color: '#777' }]);
    },
    canvas: () => mad.canvas(),
    csv: () => mad.csv(),
    data: () => app.analysis.meta.probes,
  };
}
