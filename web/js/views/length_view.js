// Accuracy by sequence length, including lengths beyond training.
import { el } from '../dom.js';
import { LineChart } from './line_chart.js';

export function lengthView(root, app) {
  const box = el('div', { class: 'chart' });
  const note = el('p', { class: 'score' });
  root.append(box, note);
  const chart = new LineChart(box, { xLabel: 'length (items)', yLabel: 'accuracy', points: true, height: 260 });
  return {
    update() {
      const r = app.lengthGen;
      if (!r || !r.length) return;
      chart.update(r.map((x) => x.length), [
        { name: 'sequence exact match', values: r.map((x) => x.seq_acc) },
        { name: 'token accuracy', values: r.map((x) => x.token_acc) },
      ]);
      const trained = app.settings['task.train_len'];
      note.textContent = `Trained on length ${trained}; lengths beyond it were never seen (step ${app.status.step}).`;
    },
    canvas: () => chart.canvas(),
    csv: () => chart.csv(),
    data: () => app.lengthGen,
  };
}
