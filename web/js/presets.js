// Presets: the same JSON files the CLI runs (presets/*.json, copied to
// dist/presets by scripts/build-web), each reproducing one finding with its
// explanation and the papers it comes from. A link's explicit fields apply
// on top of its preset.
import { el } from './dom.js';
import { presetWithOverrides } from './url_state.js';

export function loadPresets(selectBox, infoBox, apply) {
  let list = [];
  const ready = fetch('dist/presets/index.json').then((r) => r.json()).then((index) => {
    list = index;
    if (!selectBox) return;
    selectBox.replaceChildren(el('option', { value: '', text: 'Presets: reproduce a finding...' }),
      ...index.map((p) => el('option', { value: p.id, text: p.title })));
  });
  // overrides: settings a link sets on top of the preset; view: the link's
  // view, which wins over the preset's.
  async function applyId(id, overrides = {}, view = null) {
    await ready;
    const p = list.find((x) => x.id === id);
    if (!p) throw new Error(`unknown preset "${id}"`);
    const preset = await (await fetch(`dist/presets/${p.file}`)).json();
    if (infoBox) infoBox.replaceChildren(el('strong', { text: preset.title }), el('p', { text: preset.explanation }),
      el('p', { class: 'cites', text: `Sources: ${(preset.cites || []).join('; ')}` }));
    if (infoBox) infoBox.hidden = false;
    await apply(presetWithOverrides(preset.config, overrides), view || preset.view, preset);  // a sweep preset also carries its sweep
  }
  if (selectBox) selectBox.addEventListener('change', () => selectBox.value && applyId(selectBox.value));
  return { apply: applyId };
}
