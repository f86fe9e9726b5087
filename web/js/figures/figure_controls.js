// The few controls a figure shows (controls="sigma attention encoding"):
// native selects and buttons, so keyboard and screen readers work as they
// do anywhere. A control changes the element's attribute; the element
// rebuilds its experiment from its attributes.
import { el } from '../dom.js';

// σ choices: log-spaced across the small-σ regime (where Chi et al.'s theory
// holds) to σ of order one.
const SIGMAS = [0.005, 0.02, 0.05, 0.2, 0.5, 1, 2];

function fieldControl(f, value, onChange) {
  const label = f.label || f.path;
  if (f.type === 'enum' || f.type === 'bool') {
    const values = f.type === 'bool' ? ['true', 'false'] : f.values;
    const s = el('select', { 'aria-label': label, onchange: (e) => onChange(e.target.value) },
      values.map((v) => el('option', { value: v, text: v })));
    s.value = String(value);
    return el('label', {}, `${label} `, s);
  }
  if (f.path === 'model.init.std') {
    const options = [...new Set([...SIGMAS, value])].sort((a, b) => a - b);
    const s = el('select', { 'aria-label': label, onchange: (e) => onChange(e.target.value) },
      options.map((v) => el('option', { value: String(v), text: String(v) })));
    s.value = String(value);
    return el('label', {}, `${label} `, s);
  }
  const input = el('input', { type: 'number', 'aria-label': label, min: f.min, max: f.max, step: f.type === 'int' ? 1 : 'any', value: String(value) });
  input.addEventListener('change', () => onChange(input.value));
  return el('label', {}, `${label} `, input);
}

// controls: from readControls; settings: the figure's current settings;
// setField(path, text); actions: {shuffle?: () => void}.
export function buildControls(root, controls, settings, setField, actions = {}) {
  root.replaceChildren(...controls.map((c) => {
    if (c.kind === 'shuffle') return el('button', { type: 'button', class: 'primary', onclick: () => actions.shuffle?.(), text: 'Shuffle the tokens' });
    return fieldControl(c.field, settings[c.field.path], (v) => setField(c.field.path, v));
  }));
  root.hidden = controls.length === 0;
}

export function disableControls(root, disabled) {
  for (const c of root.querySelectorAll('select, input, button')) c.disabled = disabled;
}
