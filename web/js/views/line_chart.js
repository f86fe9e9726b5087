// Line charts through uPlot (vendored from npm by scripts/build-web; no
// CDN). A thin wrapper: named series, optional log axes, resize with the
// container, data replaced wholesale on update.
/* global uPlot */
import { SERIES_COLORS } from '../chart.js';

// Tick labels that stay readable on log axes spanning 1e-6..1.
function tick(v) {
  if (v == null) return '';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-2 || a >= 1e5) ? v.toExponential(0) : String(+v.toPrecision(3));
}

export class LineChart {
  // xTickLabels: names for x = 0, 1, 2... (an axis of enum values).
  constructor(container, { xLabel = '', yLabel = '', logX = false, logY = false, height = 220, points = false, integerX = false, xTickLabels = null } = {}) {
    this.container = container;
    this.opts = { xLabel, yLabel, logX, logY, height, points, integerX, xTickLabels };
    this.plot = null;
    this.names = null;
    this.observer = new ResizeObserver(() => this.plot && this.plot.setSize(this.size()));
    this.observer.observe(container);
  }

  size() {
    return { width: Math.max(200, this.container.clientWidth - 4), height: this.opts.height };
  }

  // series: [{name, values, dash?, color?, width?}], x: array; bands:
  // [{series: [upper, lower] (indices into series), fill}] shade between two series.
  update(x, series, { bands = [] } = {}) {
    const names = series.map((s) => s.name).join('|') + JSON.stringify(bands);
    const data = [Float64Array.from(x), ...series.map((s) => Array.from(s.values, (v) => (Number.isFinite(v) ? v : null)))];
    if (this.plot && names === this.names) {
      this.plot.setData(data);
      return;
    }
    if (this.plot) this.plot.destroy();
    this.names = names;
    const { xLabel, yLabel, logX, logY, points, integerX, xTickLabels } = this.opts;
    const xAxis = xTickLabels
      ? { incrs: [1], values: (u, splits) => splits.map((v) => (Number.isInteger(v) ? xTickLabels[v] ?? '' : '')) }
      : integerX ? { incrs: [1, 2, 5, 10, 20, 50] } : {};
    this.plot = new uPlot({
      ...this.size(),
      scales: { x: { time: false, distr: logX ? 3 : 1 }, y: { distr: logY ? 3 : 1 } },
      axes: [{ label: xLabel, ...xAxis },
        { label: yLabel, size: 60, values: (u, splits) => splits.map(tick) }],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      series: [
        { label: xLabel },
        ...series.map((s, k) => ({
          label: s.name,
          stroke: s.color || SERIES_COLORS[k % SERIES_COLORS.length],
          width: s.width ?? 2,
          dash: s.dash,
          points: { show: points || !!s.points },
        })),
      ],
      bands: bands.map((b) => ({ series: b.series.map((k) => k + 1), fill: b.fill })),
    }, data, this.container);
  }

  canvas() {
    return this.plot ? this.plot.ctx.canvas : null;
  }

  csv() {
    if (!this.plot) return '';
    const header = this.plot.series.map((s) => JSON.stringify(String(s.label)));
    const rows = [header.join(',')];
    for (let i = 0; i < this.plot.data[0].length; i++) rows.push(this.plot.data.map((col) => col[i] ?? '').join(','));
    return rows.join('\n');
  }
}
