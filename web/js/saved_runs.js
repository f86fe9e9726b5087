// Saved runs in browser storage: settings plus a summary of where the run
// stood, restorable with one click.
import { el } from './dom.js';
import { writeUrl } from './url_state.js';

const KEY = 'nopelab.saved-runs.v1';

function load() {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) || '[]');
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

export function savedRuns(root, app) {
  const list = el('ul', { class: 'saved-list' });
  const render = () => {
    list.replaceChildren(...load().map((r, k) => el('li', {},
      el('a', { href: writeUrl(r.settings, r.view), text: `${r.name} (step ${r.step}, loss ${r.loss ?? '-'})` }),
      ' ', el('button', { class: 'small', text: 'delete', 'aria-label': `delete ${r.name}`, onclick: () => {
        const runs = load();
        runs.splice(k, 1);
        localStorage.setItem(KEY, JSON.stringify(runs));
        render();
      } }))));
  };
  const save = el('button', { text: 'Save run', onclick: () => {
    const s = app.settings;
    const runs = load();
    runs.unshift({ name: `${s['model.pos_encoding']} ${s['model.attention']} ${s['task.name']} seed ${s['train.seed']}`,
      settings: s, view: app.viewId, step: app.status.step, loss: app.status.loss?.toFixed(4), saved: Date.now() });
    localStorage.setItem(KEY, JSON.stringify(runs.slice(0, 20)));
    render();
  } });
  root.append(save, list);
  render();
}
