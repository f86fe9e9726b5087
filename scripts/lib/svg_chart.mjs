// A small SVG line chart with 95% interval bars, for the figures that
// scripts/reproduce and scripts/sweep-report write into docs/ (no plotting
// dependency needed). Log scales and escaping follow web/js/chart.js, as the
// page's charts do.
import { escapeXml as esc } from '../../web/js/chart.js';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#7f7f7f'];

// panels: [{title, series: [{name, points: [[x, y, ci]] or [[x, y, 0, lo, hi]]}], hlines: [{y, label}]}]
// (points with a non-finite y are left out); logX: x on a log scale (every x
// > 0); xtickLabel: the text of an x tick (e.g. an enum axis's names for 0, 1, ...).
export function lineChart({ title, xlabel, ylabel, panels, ymin = null, ymax = null, xticks = null, width = 300, height = 230,
  logX = false, xtickLabel = (x) => x }) {
  const pad = { l: 46, r: 10, t: 26, b: 36 };
  const cols = panels.length;
  const W = cols * width, H = height + 60;
  const all = panels.flatMap((p) => p.series.flatMap((s) => s.points)).filter((p) => Number.isFinite(p[1]));
  const xs = all.map((p) => p[0]);
  const ys = all.flatMap((p) => [p[1] - (p[2] || 0), p[1] + (p[2] || 0)]).concat(panels.flatMap((p) => (p.hlines || []).map((h) => h.y)));
  const x0 = Math.min(...xs), x1 = Math.max(...xs);
  const fx = logX ? Math.log10 : (x) => x;
  const y0 = ymin ?? Math.min(...ys), y1 = ymax ?? Math.max(...ys);
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="14" text-anchor="middle" font-size="13">${esc(title)}</text>`];
  panels.forEach((panel, pi) => {
    const ox = pi * width;
    const sx = (x) => ox + pad.l + (x1 === x0 ? 0.5 : (fx(x) - fx(x0)) / (fx(x1) - fx(x0))) * (width - pad.l - pad.r);
    const sy = (y) => 20 + pad.t + (1 - (y - y0) / (y1 - y0 || 1)) * (height - pad.t - pad.b);
    out.push(`<text x="${ox + width / 2}" y="36" text-anchor="middle">${esc(panel.title || '')}</text>`);
    out.push(`<line x1="${sx(x0)}" y1="${sy(y0)}" x2="${sx(x1)}" y2="${sy(y0)}" stroke="#333"/>`);
    out.push(`<line x1="${sx(x0)}" y1="${sy(y0)}" x2="${sx(x0)}" y2="${sy(y1)}" stroke="#333"/>`);
    for (let k = 0; k <= 4; k++) {
      const y = y0 + (k / 4) * (y1 - y0);
      out.push(`<text x="${sx(x0) - 4}" y="${sy(y) + 4}" text-anchor="end">${+y.toFixed(2)}</text>`);
      out.push(`<line x1="${sx(x0)}" y1="${sy(y)}" x2="${sx(x1)}" y2="${sy(y)}" stroke="#eee"/>`);
    }
    for (const x of xticks || [...new Set(xs)].sort((a, b) => a - b))
      out.push(`<text x="${sx(x)}" y="${sy(y0) + 14}" text-anchor="middle">${esc(xtickLabel(x))}</text>`);
    out.push(`<text x="${ox + width / 2}" y="${H - 30}" text-anchor="middle">${esc(xlabel)}</text>`);
    if (pi === 0) out.push(`<text transform="translate(12 ${20 + height / 2}) rotate(-90)" text-anchor="middle">${esc(ylabel)}</text>`);
    for (const h of panel.hlines || []) {
      out.push(`<line x1="${sx(x0)}" y1="${sy(h.y)}" x2="${sx(x1)}" y2="${sy(h.y)}" stroke="#999" stroke-dasharray="4 3"/>`);
      out.push(`<text x="${sx(x1) - 2}" y="${sy(h.y) - 3}" text-anchor="end" fill="#666">${esc(h.label || '')}</text>`);
    }
    panel.series.forEach((s, si) => {
      const c = s.color || COLORS[si % COLORS.length];
      const pts = s.points.filter((p) => Number.isFinite(p[1]));
      out.push(`<polyline fill="none" stroke="${c}" stroke-width="1.6" points="${pts.map((p) => `${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(' ')}"/>`);
      for (const p of pts) {
        const clip = (y) => Math.min(y1, Math.max(y0, y));  // intervals can leave [0, 1]; draw them to the frame
        const [lo, hi] = p.length > 3 ? [p[3], p[4]] : [p[1] - p[2], p[1] + p[2]];  // [x, y, 0, lo, hi]: an asymmetric interval
        if (hi > lo) out.push(`<line x1="${sx(p[0])}" y1="${sy(clip(lo))}" x2="${sx(p[0])}" y2="${sy(clip(hi))}" stroke="${c}" stroke-opacity="0.5"/>`);
        out.push(`<circle cx="${sx(p[0]).toFixed(1)}" cy="${sy(p[1]).toFixed(1)}" r="2.2" fill="${c}"/>`);
      }
    });
  });
  // One legend for all panels (same series names in each); unnamed series have no entry.
  const names = panels[0].series.map((s, si) => [s.name, s.color || COLORS[si % COLORS.length]]).filter(([n]) => n);
  names.forEach(([n, c], i) => {
    const x = 10 + i * Math.min(140, (W - 20) / names.length);
    out.push(`<rect x="${x}" y="${H - 14}" width="10" height="10" fill="${c}"/><text x="${x + 14}" y="${H - 5}">${esc(n)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
