// Self-cosine-similarity heatmap of one layer and site, plus the adjacency
// score of every layer against chance; once the model has trained, the
// untrained model's map beside it on one colour scale (before | after).
import { el, select } from '../dom.js';
import { SITES, SITE_LABELS } from '../analysis_data.js';
import { TABLE_SITES, inputText } from '../before_after.js';
import { Heatmap, fmt } from './heatmap.js';
import { LineChart } from './line_chart.js';

const ROLE_TITLE = { before: 'before training', after: 'after training', current: 'this model' };

export function similarityView(root, app) {
  const controls = el('div', { class: 'view-controls' });
  const figures = [0, 1].map(() => {
    const box = el('figure', { class: 'ba-figure' });
    const title = el('div', { class: 'ba-title' });
    const caption = el('figcaption', { class: 'ba-caption' });
    box.append(title);
    const heat = new Heatmap(box, { label: 'cos', rowLabel: 'i', colLabel: 'j' });
    box.append(caption);
    return { box, title, caption, heat };
  });
  const maps = el('div', { class: 'ba-maps' }, ...figures.map((f) => f.box));
  const score = el('p', { class: 'score' });
  const inputNote = el('p', { class: 'ba-input' });
  const chartBox = el('div', { class: 'chart' });
  const table = el('table', { class: 'ba-table' });
  root.append(controls, el('div', { class: 'two-col' }, el('div', {}, maps, inputNote),
    el('div', {}, el('h4', { text: 'adjacency score by layer' }), chartBox, score, table)));
  const chart = new LineChart(chartBox, { xLabel: 'layer', yLabel: 'P_adj', points: true, integerX: true, height: 200 });
  let shown = null;  // the data object last drawn, for the exports

  function drawControls(a) {
    controls.replaceChildren(
      el('label', {}, 'layer ', select(a.layers.map((l) => [l, String(l)]), app.sel.layer, (v) => app.select({ layer: +v }), 'layer')),
      el('label', {}, 'site ', select(SITES.filter((s) => a.has(app.sel.layer, s)).map((s) => [s, `${s} - ${SITE_LABELS[s]}`]),
        app.sel.site, (v) => app.select({ site: v }), 'site')),
      el('label', {}, 'zoom ', select([[1, '1x'], [2, '2x'], [3, '3x']], figures[0].heat.zoom,
        (v) => figures.forEach((f) => f.heat.setZoom(+v)), 'zoom')),
    );
  }

  function drawTable(d) {
    const cols = d.paired ? ['before', 'after'] : ['after'];
    const stepOf = (role) => d.panels.find((p) => p.role === role || (role === 'after' && p.role === 'current')).step;
    const head1 = el('tr', {}, el('th', { rowspan: 2, text: 'layer' }),
      ...TABLE_SITES.map((s) => el('th', { colspan: cols.length, text: s })));
    const head2 = el('tr', {}, ...TABLE_SITES.flatMap(() => cols.map((c) => el('th', { text: `step ${stepOf(c)}` }))));
    const rows = d.table.map((r) => el('tr', {}, el('td', { text: String(r.layer) }),
      ...TABLE_SITES.flatMap((s) => cols.map((c) => el('td', { text: r.sites[s][c] == null ? '-' : fmt(r.sites[s][c]) })))));
    table.replaceChildren(
      el('caption', { text: `P_adj at the attention output and the block output; chance ${fmt(d.chance)}` +
        (d.null != null ? `, content null ${fmt(d.null)}` : '') }),
      el('thead', {}, head1, head2), el('tbody', {}, ...rows));
  }

  function update() {
    const a = app.analysis;
    if (!a) return;
    drawControls(a);
    const d = app.beforeAfter.data(a, app.sel.layer, app.sel.site, app.settings['task.name']);
    if (!d) return;
    shown = d;
    figures.forEach((f, k) => {
      const p = d.panels[k];
      f.box.hidden = !p;
      if (!p) return;
      f.heat.size = d.paired ? 230 : 280;
      f.heat.draw(p.S, d.T, d.T, { range: d.range });
      f.box.dataset.role = p.role;
      f.box.dataset.step = String(p.step);
      f.title.textContent = `${ROLE_TITLE[p.role]}: step ${p.step}`;
      f.caption.textContent = `layer ${d.layer} ${d.site}: P_adj ${fmt(p.score)} vs chance ${fmt(p.chance)}` +
        (p.null != null ? `, content null ${fmt(p.null)}` : '');
    });
    const now = d.panels.at(-1);
    score.textContent = `layer ${d.layer} ${d.site}: P_adj = ${fmt(now.score)} (chance ${fmt(now.chance)}` +
      (now.null != null ? `; the tokens alone, no position, score ${fmt(now.null)} on these inputs` : '') + `) at step ${now.step}` +
      (d.paired ? `, ${fmt(d.panels[0].score)} before training` : '') + '.';
    inputNote.textContent = inputText(d) +
      (d.paired ? ' Before and after see the same sequences; both maps share one colour scale.'
        : ' Train the model to see this map beside the untrained one.');
    const series = [{ name: d.paired ? `P_adj after (${d.site})` : `P_adj (${d.site})`, values: d.curve.after }];
    if (d.paired) series.push({ name: `P_adj before (${d.site})`, values: d.curve.before, dash: [2, 3] });
    series.push({ name: 'chance 2/T', values: d.layers.map(() => d.chance), dash: [4, 4] });
    if (d.null != null) series.push({ name: 'content null (tokens alone)', values: d.layers.map(() => d.null), dash: [6, 3], color: '#b35806' });
    chart.update(d.layers, series);
    drawTable(d);
  }

  return {
    update,
    canvas: () => figures[shown?.paired ? 1 : 0].heat.canvas,
    data: () => shown && ({
      layer: shown.layer, site: shown.site, T: shown.T, input: shown.input,
      panels: shown.panels.map((p) => ({ role: p.role, step: p.step, adjacency_score: p.score, adjacency_chance: p.chance, adjacency_null: p.null, similarity: Array.from(p.S) })),
      adjacency_by_layer: shown.table,
    }),
    csv: () => {
      const S = shown.panels.at(-1).S, T = shown.T;
      const rows = [];
      for (let i = 0; i < T; i++) rows.push(Array.from(S.subarray(i * T, (i + 1) * T)).join(','));
      return rows.join('\n');
    },
  };
}
