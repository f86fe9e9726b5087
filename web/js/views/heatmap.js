// A T x T (or any rows x cols) heatmap on a small canvas filled with
// putImageData and scaled by CSS, with a colour bar, a hover read-out of
// (i, j, value) and a zoom control for long sequences.
import { viridis, cssColor } from '../chart.js';

export class Heatmap {
  // describe(i, j, value) -> read-out text, for maps whose rows and columns
  // are not positions (e.g. a sweep's phase diagram).
  constructor(container, { label = 'value', rowLabel = 'i', colLabel = 'j', fixedRange = null, size = 280, describe = null } = {}) {
    this.label = label;
    this.describe = describe;
    this.rowLabel = rowLabel;
    this.colLabel = colLabel;
    this.fixedRange = fixedRange;
    this.size = size;
    this.zoom = 1;
    this.root = document.createElement('div');
    this.root.className = 'heatmap';
    this.scroller = document.createElement('div');
    this.scroller.className = 'heatmap-scroll';
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'heatmap-canvas';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'img');
    // An image needs its text from the start: draw() replaces it with the data's.
    this.canvas.setAttribute('aria-label', `${label} heatmap, not drawn yet`);
    this.scroller.append(this.canvas);
    this.bar = document.createElement('canvas');
    this.bar.className = 'colorbar';
    this.bar.width = 12;
    this.bar.height = 128;
    this.barLabels = document.createElement('div');
    this.barLabels.className = 'colorbar-labels';
    const barBox = document.createElement('div');
    barBox.className = 'colorbar-box';
    barBox.append(this.bar, this.barLabels);
    this.readout = document.createElement('div');
    this.readout.className = 'readout';
    this.readout.textContent = 'hover for values';
    const body = document.createElement('div');
    body.className = 'heatmap-body';
    body.append(this.scroller, barBox);
    this.root.append(body, this.readout);
    container.append(this.root);
    this.canvas.addEventListener('mousemove', (e) => this.hover(e));
    this.canvas.addEventListener('mouseleave', () => { this.readout.textContent = 'hover for values'; });
  }

  setZoom(z) {
    this.zoom = z;
    this.layout();
  }

  layout() {
    const px = Math.round(this.size * this.zoom);
    this.canvas.style.width = `${px}px`;
    this.canvas.style.height = `${Math.round(px * (this.rows / this.cols))}px`;
  }

  // range: [lo, hi] to share one colour scale between maps (else this
  // map's own fixedRange, else its min and max).
  draw(values, rows, cols, { mask = null, range = null } = {}) {
    this.values = values;
    this.rows = rows;
    this.cols = cols;
    let lo = Infinity, hi = -Infinity;
    for (let k = 0; k < values.length; k++) {
      if (mask && mask(Math.floor(k / cols), k % cols)) continue;
      if (values[k] < lo) lo = values[k];
      if (values[k] > hi) hi = values[k];
    }
    if (range) [lo, hi] = range;
    else if (this.fixedRange) [lo, hi] = this.fixedRange;
    // A near-constant matrix (e.g. bidirectional attention output, where all
    // positions are alike) would otherwise stretch float noise over the map.
    if (!(hi - lo > 1e-3)) lo = hi - 1e-3;
    this.range = [lo, hi];
    this.canvas.width = cols;
    this.canvas.height = rows;
    const ctx = this.canvas.getContext('2d');
    const img = ctx.createImageData(cols, rows);
    for (let k = 0; k < rows * cols; k++) {
      const masked = mask && mask(Math.floor(k / cols), k % cols);
      const [r, g, b] = masked ? [235, 235, 235] : viridis((values[k] - lo) / (hi - lo));
      img.data[4 * k] = r;
      img.data[4 * k + 1] = g;
      img.data[4 * k + 2] = b;
      img.data[4 * k + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
    this.layout();
    this.drawBar();
    this.canvas.setAttribute('aria-label', `${this.label} heatmap, ${rows} by ${cols}, from ${fmt(lo)} to ${fmt(hi)}`);
  }

  drawBar() {
    const ctx = this.bar.getContext('2d');
    for (let y = 0; y < this.bar.height; y++) {
      ctx.fillStyle = cssColor(1 - y / (this.bar.height - 1));
      ctx.fillRect(0, y, this.bar.width, 1);
    }
    this.barLabels.replaceChildren(...[this.range[1], (this.range[0] + this.range[1]) / 2, this.range[0]].map((v) => {
      const s = document.createElement('span');
      s.textContent = fmt(v);
      return s;
    }));
  }

  hover(e) {
    if (!this.values) return;
    const r = this.canvas.getBoundingClientRect();
    const j = Math.floor(((e.clientX - r.left) / r.width) * this.cols);
    const i = Math.floor(((e.clientY - r.top) / r.height) * this.rows);
    if (i < 0 || j < 0 || i >= this.rows || j >= this.cols) return;
    if (this.describe) {
      this.readout.textContent = this.describe(i, j, this.values[i * this.cols + j]);
      return;
    }
    this.readout.textContent = `${this.rowLabel} = ${i}, ${this.colLabel} = ${j}: ${this.label} ${fmt(this.values[i * this.cols + j])}`;
  }
}

export function fmt(v) {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e4)) return v.toExponential(2);
  return v.toFixed(3);
}
