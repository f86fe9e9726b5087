// Two rules the page applies before anything is computed: which inputs a
// model is analysed on (web/js/before_after.js: a model that trains on its
// task's examples from step 0, lm and position always, otherwise random
// tokens, as `nopelab analyze` chooses for a checkpoint and a fresh model),
// and the room each figure view reserves by width (RESERVE in
// web/js/figures/figure_kinds.js). Needs web/dist/schema.js (build-web).
import test from 'node:test';
import assert from 'node:assert/strict';
import { analysisInput, inputText } from '../../web/js/before_after.js';
import { KINDS, RESERVE } from '../../web/js/figures/figure_kinds.js';

test('a model that trains is analysed on its task\'s examples; an untrained one on random tokens, except lm and position', () => {
  for (const task of ['copy', 'reverse', 'sort', 'add', 'kth']) {
    assert.equal(analysisInput({ 'task.name': task, 'train.steps': 1500 }), 'task', task);
    assert.equal(analysisInput({ 'task.name': task, 'train.steps': 0 }), 'random', task);
  }
  for (const task of ['lm', 'position']) {
    assert.equal(analysisInput({ 'task.name': task, 'train.steps': 0 }), 'task', task);
    assert.equal(analysisInput({ 'task.name': task, 'train.steps': 10 }), 'task', task);
  }
  assert.equal(inputText({ input: 'task', batch: 32, task: 'copy', T: 17 }), 'Input: 32 examples of the copy task, T = 17.');
  assert.equal(inputText({ input: 'random', batch: 32, task: 'copy', T: 17 }), 'Input: 32 sequences of random tokens, T = 17.');
});

test('every figure view that draws a panel reserves a whole number of pixels at every width', () => {
  const drawn = Object.keys(KINDS).filter((k) => k !== 'training');
  assert.deepEqual(drawn.filter((k) => !RESERVE[k]), [], 'views without a reservation');
  for (const k of drawn) {
    for (let w = 280; w <= 1200; w += 7) {
      const px = RESERVE[k](w, { charts: 3, trains: true });
      assert.ok(Number.isInteger(px) && px >= 200 && px <= 4000, `${k} at ${w}: ${px}`);
    }
  }
  // The layouts the views switch between at the figure CSS's 620 px.
  assert.ok(RESERVE.similarity(600, { trains: false }) > RESERVE.similarity(700, { trains: false }));
  assert.equal(RESERVE.sweep(740, { charts: 3 }), 3 * RESERVE.sweep(740, { charts: 1 }));
  assert.ok(RESERVE.similarity(740, { trains: true }) > RESERVE.similarity(740, { trains: false }), 'room for before | after');
});
