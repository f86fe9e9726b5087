// The Sweep view's form: up to three axes picked from the settings fields
// (numbers get a linear/log range helper with a count, enums and bools get
// checkboxes), seeds, measures, train steps and where the analysis looks.
// It edits a plain sweep object (sweep_spec.js) and reports every change.
import { el } from '../dom.js';
import { wantsLogScale } from '../chart.js';
import { MAX_AXES, MEASURES, SITES, axisField, axisFields, parseValues, rangeValues } from '../sweep_spec.js';

const fmtValue = (v) => String(v);

// One axis row. `axis` is {path, values} or null (unused row).
function axisEditor(k, axis, settings, onChange) {
  const row = el('fieldset', { class: 'sweep-axis', 'data-axis': k });
  const fields = axisFields(settings);
  const pick = el('select', { 'aria-label': `axis ${k + 1} field`, class: 'axis-path' },
    k > 0 ? el('option', { value: '', text: '(no axis)' }) : null,
    fields.map((f) => el('option', { value: f.path, text: `${f.path} (${f.label})` })));
  pick.value = axis?.path || '';
  const body = el('div', { class: 'axis-values' });
  row.append(el('legend', { text: `axis ${k + 1}` }), pick, body);

  const emit = (values) => onChange(pick.value ? { path: pick.value, values } : null);

  function render(values) {
    body.replaceChildren();
    const f = axisField(pick.value, settings);
    if (!f) return;
    if (f.type === 'enum' || f.type === 'bool') {
      const options = f.type === 'bool' ? [true, false] : f.values;
      const chosen = new Set(values.map(String));
      for (const v of options) {
        body.append(el('label', { class: 'check' }, el('input', {
          type: 'checkbox', value: String(v), checked: chosen.has(String(v)),
          onchange: () => emit(options.filter((o) => body.querySelector(`input[value="${o}"]`).checked)),
        }), ` ${v}`));
      }
      return;
    }
    // Numbers: a range helper that writes the value list, which stays editable.
    const nums = values.filter(Number.isFinite);
    const lo = nums.length ? Math.min(...nums) : f.min, hi = nums.length ? Math.max(...nums) : f.max;
    const from = el('input', { type: 'number', class: 'axis-from', step: 'any', value: lo, 'aria-label': `axis ${k + 1} from` });
    const to = el('input', { type: 'number', class: 'axis-to', step: 'any', value: hi, 'aria-label': `axis ${k + 1} to` });
    const count = el('input', { type: 'number', class: 'axis-count', min: 1, max: 64, value: Math.max(1, values.length), 'aria-label': `axis ${k + 1} count` });
    const logScale = wantsLogScale([lo, hi]);
    const scale = el('select', { class: 'axis-scale', 'aria-label': `axis ${k + 1} spacing` },
      el('option', { value: 'linear', text: 'linear' }), el('option', { value: 'log', text: 'log' }));
    scale.value = logScale ? 'log' : 'linear';
    const list = el('input', { type: 'text', class: 'axis-list', value: values.map(fmtValue).join(','), 'aria-label': `axis ${k + 1} values`,
      onchange: () => emit(parseValues(f, list.value)) });
    const regenerate = () => {
      const vals = rangeValues({ from: from.valueAsNumber, to: to.valueAsNumber, count: count.valueAsNumber, scale: scale.value, type: f.type });
      list.value = vals.join(',');
      emit(vals);
    };
    for (const input of [from, to, count, scale]) input.addEventListener('change', regenerate);
    body.append(el('span', { class: 'range-helper' }, from, ' to ', to, ' × ', count, ' ', scale), list);
  }

  pick.addEventListener('change', () => {
    const f = axisField(pick.value, settings);
    if (!f) return emit([]);
    const values = f.type === 'enum' ? f.values.slice(0, 2)
      : f.type === 'bool' ? [true, false]
        : rangeValues({ from: f.min, to: f.max, count: 4, scale: wantsLogScale([f.min, f.max]) ? 'log' : 'linear', type: f.type });
    render(values);
    emit(values);
  });
  render(axis?.values || []);
  return row;
}

// buildSweepForm(root, getSettings, onChange) -> {set(sweep)}; onChange(sweep)
// gets a fresh object after every edit.
export function buildSweepForm(root, getSettings, onChange) {
  let sweep = null;
  const axesBox = el('div', { class: 'sweep-axes' });
  const seeds = el('input', { type: 'number', id: 'sweep-seeds', min: 1, max: 50, value: 3 });
  const steps = el('input', { type: 'number', id: 'sweep-steps', min: 0, max: 100000, value: 0 });
  const layer = el('select', { id: 'sweep-layer' });
  const site = el('select', { id: 'sweep-site' }, SITES.map((s) => el('option', { value: s, text: s })));
  const measures = el('div', { class: 'sweep-measures' }, MEASURES.map((m) => el('label', { class: 'check', title: m.label },
    el('input', { type: 'checkbox', value: m.id, onchange: () => changed() }), ` ${m.id}${m.trained ? ' (trained)' : ''}`)));
  for (const input of [seeds, steps, layer, site]) input.addEventListener('change', () => changed());
  root.append(axesBox, el('div', { class: 'view-controls' },
    el('label', {}, 'seeds ', seeds), el('label', {}, 'train steps ', steps),
    el('label', {}, 'analysis layer ', layer), el('label', {}, 'site ', site)),
  el('div', { class: 'view-controls' }, el('span', { class: 'note', text: 'measures:' }), measures));

  function changed(axes = sweep.axes) {
    sweep = {
      axes: axes.filter((a) => a && a.path),
      seeds: Math.max(1, seeds.valueAsNumber | 0),
      steps: Math.max(0, steps.valueAsNumber | 0),
      layer: Number(layer.value) | 0,
      site: site.value,
      measures: [...measures.querySelectorAll('input:checked')].map((i) => i.value),
    };
    axisOverrides();
    onChange(sweep);
  }

  // An axis over the analysis layer or site (or train.steps) overrides the
  // single choice: show that by disabling it.
  function axisOverrides() {
    const swept = (p) => sweep.axes.some((a) => a.path === p);
    layer.disabled = swept('analysis.layer');
    site.disabled = swept('analysis.site');
    steps.disabled = swept('train.steps');
  }

  function renderAxes() {
    const rows = [];
    const current = [...sweep.axes];
    for (let k = 0; k < Math.min(MAX_AXES, current.length + 1); k++) {
      rows.push(axisEditor(k, current[k] || null, getSettings(), (axis) => {
        const next = [...sweep.axes];
        if (axis) next[k] = axis;
        else next.splice(k);
        const grow = next.length !== sweep.axes.length;
        changed(next);
        if (grow) renderAxes();
      }));
    }
    axesBox.replaceChildren(...rows);
  }

  // One option per layer of the current model (and the sweep's own layer,
  // so a link naming a deeper layer shows it; the core then explains).
  function layerOptions(chosen) {
    const n = Math.max(1, getSettings()['model.n_layers'] || 1, chosen + 1);
    if (layer.options.length !== n) {
      layer.replaceChildren(...Array.from({ length: n }, (_, i) => el('option', { value: i, text: String(i) })));
    }
    layer.value = String(chosen);
  }

  return {
    // The settings changed (e.g. the number of layers).
    refresh() {
      if (sweep) layerOptions(sweep.layer);
    },
    set(s) {
      sweep = { ...s, axes: s.axes.map((a) => ({ ...a })) };
      seeds.value = s.seeds;
      steps.value = s.steps;
      layerOptions(s.layer);
      site.value = s.site;
      for (const i of measures.querySelectorAll('input')) i.checked = s.measures.includes(i.value);
      axisOverrides();
      renderAxes();
    },
  };
}
