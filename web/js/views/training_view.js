// Live training curves: loss and token accuracy on the training batches.
import { el } from '../dom.js';
import { LineChart } from './line_chart.js';

export function trainingView(root, app) {
  const lossBox = el('div', { class: 'chart' });
  const accBox = el('div', { class: 'chart' });
  root.append(el('div', { class: 'two-col' }, el('div', {}, el('h4', { text: 'loss' }), lossBox),
    el('div', {}, el('h4', { text: 'token accuracy (training batch)' }), accBox)));
  const loss = new LineChart(lossBox, { xLabel: 'step', yLabel: 'cross-entropy', logY: true, height: 220 });
  const acc = new LineChart(accBox, { xLabel: 'step', yLabel: 'accuracy', height: 220 });
  return {
    update() {
      const c = app.curves;
      if (!c.step.length) return;
      loss.update(c.step, [{ name: 'loss', values: c.loss }]);
      acc.update(c.step, [{ name: 'token accuracy', values: c.acc }]);
    },
    canvas: () => loss.canvas(),
    csv: () => ['step,loss,token_acc', ...app.curves.step.map((s, i) => `${s},${app.curves.loss[i]},${app.curves.acc[i]}`)].join('\n'),
    data: () => app.curves,
  };
}
