// Self-cosine-similarity heatmap of one layer and site, plus the adjacency
// score of every layer against chance.
import { el, select } from '../dom.js';
import { SITES, SITE_LABELS } from '../analysis_data.js';
import { Heatmap, fmt } from './heatmap.js';
import { LineChart } from './line_chart.js';

export function similarityView(root, app) {
  const controls = el('div', { class: 'view-controls' });
  const map = el('div', { class: 'map-box' });
  const score = el('p', { class: 'score' });
  const chartBox = el('div', { class: 'chart' });
  root.append(controls, el('div', { class: 'two-col' }, map, el('div', {}, el('h4', { text: 'adjacency score by layer' }), chartBox, score)));
  const heat = new Heatmap(map, { label: 'cos', rowLabel: 'i', colLabel: 'j' });
  const chart = new LineChart(chartBox, { xLabel: 'layer', yLabel: 'P_adj', points: true, integerX: true, height: 200 });

  function update() {
    const a = app.analysis;
    if (!a) return;
    controls.replaceChildren(
      el('label', {}, 'layer ', select(a.layers.map((l) => [l, String(l)]), app.sel.layer, (v) => app.select({ layer: +v }), 'layer')),
      el('label', {}, 'site ', select(SITES.filter((s) => a.has(app.sel.layer, s)).map((s) => [s, `${s} - ${SITE_LABELS[s]}`]),
        app.sel.site, (v) => app.select({ site: v }), 'site')),
      el('label', {}, 'zoom ', select([[1, '1x'], [2, '2x'], [3, '3x']], heat.zoom, (v) => heat.setZoom(+v), 'zoom')),
    );
    const S = a.similarity(app.sel.layer, app.sel.site);
    if (!S) return;
    heat.draw(S, a.T, a.T);
    const s = a.site(app.sel.layer, app.sel.site);
    score.textContent = `layer ${app.sel.layer} ${app.sel.site}: P_adj = ${fmt(s.adjacency_score)} ` +
      `(chance ${fmt(s.adjacency_chance)}), ${a.meta.batch} sequences of T = ${a.T}`;
    chart.update(a.layers, [
      { name: `P_adj (${app.sel.site})`, values: a.layers.map((l) => a.site(l, app.sel.site)?.adjacency_score) },
      { name: 'chance 2/T', values: a.layers.map(() => s.adjacency_chance), dash: [4, 4] },
    ]);
  }

  return {
    update,
    canvas: () => heat.canvas,
    data: () => ({ layer: app.sel.layer, site: app.sel.site, T: app.analysis.T,
      similarity: Array.from(app.analysis.similarity(app.sel.layer, app.sel.site)) }),
    csv: () => {
      const a = app.analysis, T = a.T, S = a.similarity(app.sel.layer, app.sel.site);
      const rows = [];
      for (let i = 0; i < T; i++) rows.push(Array.from(S.subarray(i * T, (i + 1) * T)).join(','));
      return rows.join('\n');
    },
  };
}
