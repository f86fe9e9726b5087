// scripts/sweep-report's body (usage there): a sweep result as a markdown
// table and an SVG figure. The chart rules (viridis, the log-scale rule,
// escaping) and the line chart are the ones the page and scripts/reproduce use.
import { seedBootstrap } from './seed_bootstrap.mjs';
import fs from 'node:fs';
import { cssColor as colour, escapeXml as esc, wantsLogScale } from '../../web/js/chart.js';
import { lineChart } from './svg_chart.mjs';


function usage(msg) {
  if (msg) process.stderr.write(`sweep-report: ${msg}\n`);
  process.stderr.write('usage: scripts/sweep-report RESULT.json [--svg FIG.svg] [--measure NAME] [--plot auto|line|lines|heatmap] [--title TEXT]\n');
  process.exit(2);
}

const args = process.argv.slice(2);
const opts = { plot: 'auto' };
let file = null;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--help' || a === '-h') usage();
  else if (['--svg', '--measure', '--plot', '--title'].includes(a)) {
    if (i + 1 >= args.length) usage(`${a} needs a value`);
    opts[a.slice(2)] = args[++i];
  } else if (a.startsWith('--')) usage(`unknown option ${a}`);
  else if (file) usage(`unexpected argument ${a}`);
  else file = a;
}
if (!file) usage('give a sweep result JSON');
let result;
try {
  result = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (e) {
  usage(`cannot read ${file}: ${e.message}`);
}
if (result.format !== 'nopelab-sweep-result') usage(`${file} is not a sweep result`);
const spec = result.spec;
const axes = spec.axes;
const cells = result.cells;
const keys = cells.length ? Object.keys(cells[0].measures) : [];
const measure = opts.measure || spec.measures[0];
if (!keys.includes(measure)) usage(`no measure ${measure} in ${file} (has ${keys.join(', ')})`);
if (!['auto', 'line', 'lines', 'heatmap'].includes(opts.plot)) usage(`--plot ${opts.plot}: expected auto|line|lines|heatmap`);

// ---------------------------------------------------------------- table
const num = (x, digits = 3) => {
  if (x === null || x === undefined) return '–';
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e4 || a < 1e-3 ? x.toExponential(digits - 1) : Number(x.toPrecision(digits)).toString();
};
const show = (v) => (typeof v === 'string' ? v : num(v, 4));
const order = [...spec.measures, ...keys.filter((k) => !spec.measures.includes(k))];
const head = [...axes.map((a) => a.path), ...order];
const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
for (const c of cells) {
  const row = axes.map((a) => show(c.values[a.path]));
  for (const k of order) {
    const m = c.measures[k];
    const b = m.n === 0 ? null : seedBootstrap(m.values ?? []);
    row.push(!b ? '–' : `${num(b.mean)} [${num(b.lo)}, ${num(b.hi)}] (${b.n})`);
  }
  lines.push(`| ${row.join(' | ')} |`);
}
// The table's interval is the 95% percentile bootstrap over seeds (it stays
// inside the seeds' range, so inside [0, 1] for accuracies and scores); the
// figure keeps the result's own interval.
process.stdout.write(`${lines.join('\n')}\n\n${spec.seeds} seeds per cell; mean [95% percentile bootstrap interval over seeds] (n).\n`);

// ---------------------------------------------------------------- figure
if (!opts.svg) process.exit(0);

const cellAt = (vals) => cells.find((c) => axes.every((a, i) => vals[i] === undefined || c.values[a.path] === vals[i]));
const chanceKey = measure === 'adjacency' ? 'adjacency_chance' : measure.startsWith('probe_mad_') ? 'probe_mad_baseline' : null;
const title = opts.title || `${measure} over ${axes.map((a) => a.path).join(' × ')}`;

// One panel: a line per series with 95% interval bars, the chance / baseline
// line where every cell has the same one; an enum axis is spaced evenly.
function lineFigure(series, xAxis) {
  const numeric = xAxis.values.every((v) => typeof v === 'number');
  const log = numeric && wantsLogScale(xAxis.values);
  const xOf = (v) => (numeric ? v : xAxis.values.indexOf(v));
  const hlines = [];
  if (chanceKey) {
    const ch = cells.map((c) => c.measures[chanceKey].mean).filter((v) => v !== null);
    if (ch.length && ch.every((v) => Math.abs(v - ch[0]) < 1e-12))
      hlines.push({ y: ch[0], label: chanceKey === 'adjacency_chance' ? 'chance' : 'random-guess baseline' });
  }
  return lineChart({ title, xlabel: `${xAxis.path}${log ? ' (log scale)' : ''}`, ylabel: `${measure} (mean, 95% interval)`,
    width: 640, height: 340, logX: log, xticks: xAxis.values.map(xOf), xtickLabel: (x) => show(numeric ? x : xAxis.values[x]),
    panels: [{ title: '', hlines, series: series.map((sr) => ({ name: sr.label ?? '',
      points: sr.points.map((p) => [xOf(p.x), p.mean === null ? NaN : p.mean, p.ci]) })) }] });
}

function heatmaps(fixedValues) {
  const ax = axes[0], ay = axes[1];
  const panels = fixedValues.length ? fixedValues : [undefined];
  const cw = Math.max(44, Math.min(90, 480 / ax.values.length)), ch = Math.max(24, Math.min(50, 320 / ay.values.length));
  const L = 110, T = 50, pw = cw * ax.values.length, ph = ch * ay.values.length, gap = 60;
  const means = cells.map((c) => c.measures[measure].mean).filter((v) => v !== null);
  const lo = Math.min(...means), hi = Math.max(...means);
  const norm = (v) => (hi > lo ? (v - lo) / (hi - lo) : 0.5);
  const W = L + panels.length * (pw + gap) + 70, H = T + ph + 70;
  const out = [];
  panels.forEach((fv, p) => {
    const x0 = L + p * (pw + gap);
    if (fv !== undefined) out.push(`<text x="${x0 + pw / 2}" y="${T - 10}" text-anchor="middle">${esc(axes[2].path)} = ${esc(show(fv))}</text>`);
    ay.values.forEach((vy, j) => {
      if (p === 0) out.push(`<text x="${x0 - 6}" y="${T + j * ch + ch / 2 + 4}" text-anchor="end">${esc(show(vy))}</text>`);
      ax.values.forEach((vx, i) => {
        const c = cellAt(fv === undefined ? [vx, vy] : [vx, vy, fv]);
        const m = c && c.measures[measure];
        const fill = m && m.mean !== null ? colour(norm(m.mean)) : '#ddd';
        const dark = m && m.mean !== null && norm(m.mean) > 0.6;
        out.push(`<rect x="${x0 + i * cw}" y="${T + j * ch}" width="${cw}" height="${ch}" fill="${fill}" stroke="#fff"><title>${esc(
          `${ax.path}=${show(vx)}, ${ay.path}=${show(vy)}: ${m && m.mean !== null ? `${num(m.mean)} ± ${num(m.ci, 2)} (n=${m.n})` : 'no data'}`)}</title></rect>`);
        if (m && m.mean !== null)
          out.push(`<text x="${x0 + i * cw + cw / 2}" y="${T + j * ch + ch / 2 + 4}" text-anchor="middle" font-size="11" fill="${dark ? '#000' : '#fff'}">${esc(num(m.mean, 2))}</text>`);
      });
    });
    ax.values.forEach((vx, i) => out.push(`<text x="${x0 + i * cw + cw / 2}" y="${T + ph + 16}" text-anchor="middle">${esc(show(vx))}</text>`));
    out.push(`<text x="${x0 + pw / 2}" y="${T + ph + 36}" text-anchor="middle">${esc(ax.path)}</text>`);
  });
  out.push(`<text transform="translate(16 ${T + ph / 2}) rotate(-90)" text-anchor="middle">${esc(ay.path)}</text>`);
  // Colour bar.
  const bx = W - 50;
  for (let k = 0; k < 50; k++) out.push(`<rect x="${bx}" y="${T + ph - ((k + 1) * ph) / 50}" width="14" height="${ph / 50 + 0.5}" fill="${colour(k / 49)}"/>`);
  out.push(`<text x="${bx + 7}" y="${T - 6}" text-anchor="middle">${esc(num(hi))}</text>`, `<text x="${bx + 7}" y="${T + ph + 14}" text-anchor="middle">${esc(num(lo))}</text>`);
  return { W, H, body: out.join('\n') };
}

let svg;
const kind = opts.plot === 'auto' ? (axes.length === 1 ? 'line' : 'heatmap') : opts.plot;
if (axes.length === 1 || kind === 'line') {
  const pts = axes[0].values.map((x) => {
    const m = cellAt([x]).measures[measure];
    return { x, mean: m.mean, ci: m.ci || 0, n: m.n };
  });
  if (axes.length > 1) usage('--plot line needs a 1-axis sweep (use lines or heatmap)');
  svg = lineFigure([{ label: null, points: pts }], axes[0]);
} else if (kind === 'lines') {
  if (axes.length !== 2) usage('--plot lines needs a 2-axis sweep');
  svg = lineFigure(axes[1].values.map((v) => ({
    label: `${axes[1].path} = ${show(v)}`,
    points: axes[0].values.map((x) => {
      const m = cellAt([x, v]).measures[measure];
      return { x, mean: m.mean, ci: m.ci || 0, n: m.n };
    }),
  })), axes[0]);
} else {
  const fig = heatmaps(axes.length === 3 ? axes[2].values : []);
  svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${fig.W}" height="${fig.H}" viewBox="0 0 ${fig.W} ${fig.H}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${fig.W / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>
${fig.body}
</svg>
`;
}
fs.writeFileSync(opts.svg, svg.endsWith('\n') ? svg : `${svg}\n`);
