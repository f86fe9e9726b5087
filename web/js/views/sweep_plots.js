// Draws a sweep result from plain arrays: one axis -> a line per measure
// with its shaded 95% seed interval and the chance/baseline line; two axes -> a
// phase diagram (heatmap, colour bar, hover read-out of mean [interval] and
// n); three -> one phase diagram (axis 1 x axis 2) per value of the last
// axis (e.g. one sigma x d_model map per analysis site). Also renders
// a labelled PNG of whichever is shown.
import { el } from '../dom.js';
import { MEASURES } from '../sweep_spec.js';
import { Heatmap, fmt } from './heatmap.js';
import { LineChart } from './line_chart.js';
import { viridis, SERIES_COLORS, wantsLogScale } from '../chart.js';
import { seedBootstrap } from '../seed_bootstrap.js';

const measureInfo = (id) => MEASURES.find((m) => m.id === id) || { id, label: id };
const isNumeric = (values) => values.every((v) => typeof v === 'number');

// result.cells[c].measures[m] -> {mean, lo, hi, n} (null when the cell has
// no run yet). The interval is the seed bootstrap of the per-seed values, as
// docs/ quote it: it stays inside the seeds' range (an accuracy's inside
// [0, 1]), which the file's Student-t `ci` does not. Memoised by the values,
// since a chart redraws on every finished run.
const intervals = new Map();
function stat(result, c, m) {
  const s = result?.cells?.[c]?.measures?.[m];
  if (!(s && s.n > 0 && Number.isFinite(s.mean))) return null;
  // A result without per-seed values has only the file's ci to draw.
  if (!s.values) return { mean: s.mean, lo: s.mean - (s.ci || 0), hi: s.mean + (s.ci || 0), n: s.n };
  const key = s.values.join();
  if (!intervals.has(key)) {
    if (intervals.size > 4096) intervals.clear();
    intervals.set(key, seedBootstrap(s.values));
  }
  const { lo, hi } = intervals.get(key);
  return { mean: s.mean, lo, hi, n: s.n };
}

// Mean of a per-cell baseline (chance, no-position MAD) over the cells that have it.
function baselineOf(result, cells, m) {
  return cells.map((c) => stat(result, c, m)?.mean ?? null);
}

export class SweepPlots {
  constructor(root) {
    this.root = root;
    this.measureSelect = el('select', { id: 'sweep-measure', 'aria-label': 'measure to map', onchange: () => this.draw() });
    this.measureBox = el('label', { class: 'note', hidden: true }, 'colour = ', this.measureSelect);
    this.box = el('div', { class: 'sweep-plots' });
    root.append(this.measureBox, this.box);
    this.key = null;
  }

  // axes: [{path, values}] from the plan; measures: the names asked for.
  reset(axes, measures) {
    this.axes = axes;
    this.measures = measures;
    this.result = null;
    this.key = null;
    this.box.replaceChildren();
    const mapped = axes.length >= 2;
    this.measureBox.hidden = !mapped;
    const keep = this.measureSelect.value;
    this.measureSelect.replaceChildren(...measures.map((m) => el('option', { value: m, text: measureInfo(m).label })));
    if (measures.includes(keep)) this.measureSelect.value = keep;
  }

  update(result) {
    this.result = result;
    this.draw();
  }

  draw() {
    if (!this.axes?.length) return;
    if (this.axes.length === 1) this.drawLines();
    else this.drawMaps();
  }

  // ---------------------------------------------------------- one axis
  drawLines() {
    const axis = this.axes[0];
    const key = `lines|${axis.path}|${this.measures.join()}`;
    if (this.key !== key) {
      this.key = key;
      this.box.replaceChildren();
      this.charts = this.measures.map((m) => {
        const holder = el('div', { class: 'chart sweep-chart', 'data-measure': m });
        this.box.append(el('h4', { text: measureInfo(m).label }), holder);
        const numeric = isNumeric(axis.values);
        return new LineChart(holder, { xLabel: axis.path, yLabel: m, logX: wantsLogScale(axis.values), height: 200,
          xTickLabels: numeric ? null : axis.values.map(String) });
      });
    }
    const x = isNumeric(axis.values) ? axis.values : axis.values.map((_, k) => k);
    const cells = axis.values.map((_, k) => k);
    this.measures.forEach((m, k) => {
      const info = measureInfo(m);
      const s = cells.map((c) => stat(this.result, c, m));
      const color = SERIES_COLORS[k % SERIES_COLORS.length];
      const series = [
        { name: `${m} (mean over seeds)`, values: s.map((v) => v?.mean ?? null), color, points: true },
        { name: 'upper 95%', values: s.map((v) => v?.hi ?? null), color: `${color}55`, width: 1 },
        { name: 'lower 95%', values: s.map((v) => v?.lo ?? null), color: `${color}55`, width: 1 },
      ];
      if (info.baseline) series.push({ name: info.baselineLabel, values: baselineOf(this.result, cells, info.baseline), color: '#666', dash: [6, 4], width: 1.5 });
      this.charts[k].update(x, series, { bands: [{ series: [1, 2], fill: `${color}2e` }] });
    });
  }

  // ---------------------------------------------------------- two or three axes
  // Rows = axis 1, columns = axis 2, one map per value of axis 3 (outer).
  // Runs are row-major over the axes, so cell (i, j, o) = (i C + j) O + o.
  grid() {
    const [rows, cols, outer = { path: null, values: [null] }] = this.axes;
    const R = rows.values.length, C = cols.values.length, O = outer.values.length;
    return { outer, rows, cols, R, C, cellAt: (o, i, j) => (i * C + j) * O + o };
  }

  drawMaps() {
    const m = this.measureSelect.value || this.measures[0];
    const { outer, rows, cols, R, C, cellAt } = this.grid();
    const key = `maps|${this.axes.map((a) => a.path).join()}|${m}`;
    if (this.key !== key) {
      this.key = key;
      this.box.replaceChildren();
      this.maps = outer.values.map((ov, o) => this.makeMap(ov, o, outer, rows, cols, m));
    }
    // One colour range for every small multiple, so colours compare across them.
    let lo = Infinity, hi = -Infinity;
    const all = outer.values.map((_, o) => {
      const vals = new Float64Array(R * C).fill(NaN);
      for (let c = 0; c < R * C; c++) {
        const s = stat(this.result, cellAt(o, Math.floor(c / C), c % C), m);
        if (s) {
          vals[c] = s.mean;
          lo = Math.min(lo, s.mean);
          hi = Math.max(hi, s.mean);
        }
      }
      return vals;
    });
    this.range = Number.isFinite(lo) ? [lo, hi] : null;
    all.forEach((vals, o) => {
      const map = this.maps[o];
      map.heatmap.fixedRange = this.range ? [lo, hi] : [0, 1];
      map.heatmap.draw(vals, R, C, { mask: (i, j) => !Number.isFinite(vals[i * C + j]) });
      map.rowLabels.style.height = map.heatmap.canvas.style.height;
      map.colLabels.style.width = map.heatmap.canvas.style.width;
    });
    const info = measureInfo(m);
    const chance = info.baseline && this.result ? this.result.cells.map((c) => c.measures?.[info.baseline]?.mean).filter(Number.isFinite) : [];
    this.note.textContent = chance.length
      ? `${info.baselineLabel}: ${fmt(Math.min(...chance))}${Math.min(...chance) !== Math.max(...chance) ? ` to ${fmt(Math.max(...chance))}` : ''}`
      : '';
  }

  makeMap(ov, o, outer, rows, cols, m) {
    const { C, cellAt } = this.grid();
    const wrap = el('div', { class: 'phase' });
    if (outer.path) wrap.append(el('h4', { text: `${outer.path} = ${ov}` }));
    const rowLabels = el('div', { class: 'phase-rows' }, rows.values.map((v) => el('span', { text: String(v) })));
    const colLabels = el('div', { class: 'phase-cols' }, cols.values.map((v) => el('span', { text: String(v) })));
    const mapBox = el('div', { class: 'phase-map' });
    wrap.append(el('div', { class: 'phase-grid' },
      el('span', { class: 'phase-corner', text: `${rows.path} ↓  ${cols.path} →` }), colLabels, rowLabels, mapBox));
    const heatmap = new Heatmap(mapBox, {
      label: m, size: Math.min(360, Math.max(160, 56 * C)),
      describe: (i, j) => {
        const s = stat(this.result, cellAt(o, i, j), m);
        const where = `${rows.path} = ${rows.values[i]}, ${cols.path} = ${cols.values[j]}`;
        return s ? `${where}: ${m} ${fmt(s.mean)} [${fmt(s.lo)}, ${fmt(s.hi)}] (n = ${s.n})` : `${where}: not run yet`;
      },
    });
    if (o === 0) {
      this.note = el('p', { class: 'note phase-note' });
      this.box.append(this.note);
    }
    this.box.append(wrap);
    return { heatmap, rowLabels, colLabels };
  }

  // ---------------------------------------------------------- export
  // A labelled picture of what is shown (the on-screen heatmap canvas has
  // one pixel per cell).
  canvas() {
    if (!this.axes?.length) return null;
    if (this.axes.length === 1) return stackCanvases((this.charts || []).map((c, k) => [measureInfo(this.measures[k]).label, c.canvas()]));
    return this.mapCanvas();
  }

  mapCanvas() {
    const m = this.measureSelect.value || this.measures[0];
    const { outer, rows, cols, R, C, cellAt } = this.grid();
    const cw = 78, ch = 34, left = 110, top = 56, gap = 30;
    const blockH = top + R * ch + gap;
    const cv = document.createElement('canvas');
    cv.width = left + C * cw + 90;
    cv.height = outer.values.length * blockH + 10;
    const g = cv.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, cv.width, cv.height);
    const [lo, hi] = this.range || [0, 1];
    const t = (v) => (hi > lo ? (v - lo) / (hi - lo) : 0.5);
    g.font = '12px sans-serif';
    outer.values.forEach((ov, o) => {
      const y0 = o * blockH;
      g.fillStyle = '#1d2330';
      g.fillText(`${m}${outer.path ? `  (${outer.path} = ${ov})` : ''}: rows ${rows.path}, columns ${cols.path}`, 8, y0 + 18);
      cols.values.forEach((v, j) => g.fillText(String(v), left + j * cw + 6, y0 + top - 8));
      for (let i = 0; i < R; i++) {
        g.fillStyle = '#1d2330';
        g.fillText(String(rows.values[i]), 8, y0 + top + i * ch + ch / 2 + 4);
        for (let j = 0; j < C; j++) {
          const s = stat(this.result, cellAt(o, i, j), m);
          const [r, gg, b] = s ? viridis(t(s.mean)) : [235, 235, 235];
          g.fillStyle = `rgb(${r | 0},${gg | 0},${b | 0})`;
          g.fillRect(left + j * cw, y0 + top + i * ch, cw - 2, ch - 2);
          g.fillStyle = s && t(s.mean) > 0.6 ? '#000' : '#fff';
          if (s) {  // the mean, and under it the seed interval
            const y = y0 + top + i * ch + ch / 2;
            g.fillText(fmt(s.mean), left + j * cw + 3, y - 2);
            g.font = '9px sans-serif';
            g.fillText(`${fmt(s.lo)}–${fmt(s.hi)}`, left + j * cw + 3, y + 10);
            g.font = '12px sans-serif';
          }
        }
      }
    });
    // Colour bar.
    const bx = left + C * cw + 20;
    for (let y = 0; y < 120; y++) {
      const [r, gg, b] = viridis(1 - y / 119);
      g.fillStyle = `rgb(${r | 0},${gg | 0},${b | 0})`;
      g.fillRect(bx, top + y, 14, 1);
    }
    g.fillStyle = '#1d2330';
    g.fillText(fmt(hi), bx + 18, top + 8);
    g.fillText(fmt(lo), bx + 18, top + 120);
    return cv;
  }
}

function stackCanvases(items) {
  const list = items.filter(([, c]) => c);
  if (!list.length) return null;
  const cv = document.createElement('canvas');
  cv.width = Math.max(...list.map(([, c]) => c.width));
  cv.height = list.reduce((h, [, c]) => h + c.height + 24, 0);
  const g = cv.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, cv.width, cv.height);
  let y = 0;
  for (const [title, c] of list) {
    g.fillStyle = '#1d2330';
    g.font = '14px sans-serif';
    g.fillText(title, 8, y + 17);
    g.drawImage(c, 0, y + 24);
    y += c.height + 24;
  }
  return cv;
}
