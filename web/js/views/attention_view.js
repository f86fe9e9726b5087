// Attention probabilities of every head of one layer (batch mean), with the
// mean attention distance of each head, and which inputs they were averaged over.
import { el, select } from '../dom.js';
import { Heatmap, fmt } from './heatmap.js';
import { analysisInputNote } from './profile_views.js';

export function attentionView(root, app) {
  const controls = el('div', { class: 'view-controls' });
  const grid = el('div', { class: 'head-grid' });
  const note = el('p', { class: 'score attention-input' });
  root.append(controls, grid, note);
  let maps = [];
  return {
    update() {
      const a = app.analysis;
      if (!a) return;
      controls.replaceChildren(el('label', {}, 'layer ',
        select(a.meta.layer_order.map((l) => [l, String(l)]), app.sel.layer, (v) => app.select({ layer: +v }), 'layer')));
      const heads = a.meta.attention.find((x) => x.layer === app.sel.layer)?.heads || [];
      grid.replaceChildren();
      maps = heads.map((h) => {
        const cell = el('div', { class: 'head-cell' }, el('h4', { text: `head ${h.head}: mean distance ${fmt(h.mean_distance)}` }));
        grid.append(cell);
        const hm = new Heatmap(cell, { label: 'attention', rowLabel: 'query', colLabel: 'key', fixedRange: [0, 1], size: 180 });
        hm.draw(a.attention(app.sel.layer, h.head), a.T, a.T);
        return hm;
      });
      note.textContent = analysisInputNote(app);
    },
    canvas: () => maps[0]?.canvas,
    data: () => ({ layer: app.sel.layer, heads: maps.map((m, h) => ({ head: h, map: Array.from(m.values) })) }),
    csv: () => maps.map((m, h) => `# head ${h}\n` + Array.from({ length: m.rows }, (_, i) =>
      Array.from(m.values.subarray(i * m.cols, (i + 1) * m.cols)).join(',')).join('\n')).join('\n'),
  };
}
