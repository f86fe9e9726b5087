// The settings form, generated from the schema. Each control reports
// problems next to itself; the core's validation message (which names the
// field) is shown next to the field it names.
import { el } from './dom.js';
import { FIELDS, parseValue } from './settings.js';

const GROUPS = [['model', 'Model'], ['task', 'Task'], ['train', 'Training']];

export function buildControls(root, settings, onChange) {
  const inputs = new Map();
  const notes = new Map();
  for (const [group, title] of GROUPS) {
    const fs = el('fieldset', {}, el('legend', { text: title }));
    for (const f of FIELDS.filter((x) => x.group === group && !x.hidden)) {
      const id = `f-${f.path.replaceAll('.', '-')}`;
      let input;
      if (f.type === 'enum') {
        input = el('select', { id }, f.values.map((v) => el('option', { value: v, text: v })));
      } else if (f.type === 'bool') {
        input = el('input', { id, type: 'checkbox' });
      } else {
        input = el('input', { id, type: 'number', min: f.min, max: f.max, step: f.type === 'int' ? 1 : 'any', inputmode: 'decimal' });
      }
      const note = el('span', { class: 'field-note', 'aria-live': 'polite' });
      input.addEventListener('change', () => {
        const raw = f.type === 'bool' ? input.checked : input.value;
        const v = parseValue(f, raw);
        if (typeof v === 'number' && (Number.isNaN(v) || v < f.min || v > f.max)) {
          note.textContent = `must be between ${f.min} and ${f.max}`;
          input.setAttribute('aria-invalid', 'true');
          return;
        }
        onChange(f.path, v);
      });
      inputs.set(f.path, input);
      notes.set(f.path, note);
      fs.append(el('div', { class: 'field' }, el('label', { for: id, text: f.label }), input, note));
    }
    root.append(fs);
  }

  return {
    set(values) {
      for (const f of FIELDS.filter((x) => !x.hidden)) {
        const input = inputs.get(f.path);
        if (f.type === 'bool') input.checked = !!values[f.path];
        else input.value = String(values[f.path]);
      }
    },
    // Show a core validation message next to the field it names (or clear all).
    showError(message) {
      for (const [path, note] of notes) {
        const hit = message && message.includes(path);
        note.textContent = hit ? message : '';
        inputs.get(path).toggleAttribute('aria-invalid', !!hit);
      }
    },
    disable(on) {
      for (const [path, input] of inputs) if (!path.startsWith('train.steps')) input.disabled = on;
    },
  };
}
