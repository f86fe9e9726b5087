// Chart rules shared by the page's views and the docs' SVG figures
// (scripts/sweep-report, scripts/lib/svg_chart.mjs) and the bench scripts,
// so the page and the docs draw the same data the same way. Plain ES module,
// no DOM: the browser and node both import it from here.

// Viridis (perceptually uniform, colour-blind safe), as 9 anchors from
// matplotlib's table, linearly interpolated. t outside [0, 1] is clamped.
const VIRIDIS = [
  [68, 1, 84], [72, 40, 120], [62, 74, 137], [49, 104, 142], [38, 130, 142],
  [31, 158, 137], [53, 183, 121], [109, 205, 89], [253, 231, 37],
];

export function viridis(t) {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i], b = VIRIDIS[i + 1];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

export function cssColor(t) {
  const [r, g, b] = viridis(t);
  return `rgb(${r | 0},${g | 0},${b | 0})`;
}

// Distinct line colours that stay apart for colour-blind readers (Okabe-Ito).
export const SERIES_COLORS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

// A numeric axis whose positive values span this ratio or more is drawn on a
// log scale (and a range from lo to hi is offered as log steps).
export const LOG_SCALE_RATIO = 8;

export function wantsLogScale(values) {
  return values.length > 0 && values.every((v) => typeof v === 'number' && v > 0) &&
    Math.max(...values) / Math.min(...values) >= LOG_SCALE_RATIO;
}

// The middle value (the upper one of an even count); undefined entries are
// left out, and an empty list gives undefined.
export function median(xs) {
  const s = xs.filter((x) => x !== undefined).sort((a, b) => a - b);
  return s.length ? s[s.length >> 1] : undefined;
}

// Text for SVG/HTML markup.
export function escapeXml(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
