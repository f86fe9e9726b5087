// The training toolbar of both pages (index.html, embed.html): the run
// buttons, the progress bar, the live figures and the busy line (read out by
// screen readers as it changes). One source, so the pages cannot drift;
// `extra` nodes go at its end (the embed's link to the full page, its
// version and engine lines).
import { el } from './dom.js';

const STATS = [['step', 'step', '0'], ['loss', 'loss', '-'], ['acc', 'acc', '-'], ['rate', 'steps/s', '-']];

export function renderToolbar(host, extra = []) {
  host.replaceChildren(
    el('button', { id: 'btn-train', class: 'primary', text: 'Train' }),
    el('button', { id: 'btn-pause', text: 'Pause' }),
    el('button', { id: 'btn-step', text: 'Step' }),
    el('button', { id: 'btn-reset', text: 'Reset' }),
    el('progress', { id: 'progress', value: 0, max: 1, 'aria-label': 'training progress' }),
    el('dl', { class: 'stats' }, ...STATS.flatMap(([id, label, value]) => [el('dt', { text: label }), el('dd', { id: `stat-${id}`, text: value })])),
    el('span', { id: 'busy', class: 'note', 'aria-live': 'polite' }),
    ...extra);
}
