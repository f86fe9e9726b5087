// The wasm build's GEMM micro-kernels (core/gemm_choice.h): training with
// each kernel forced (setKernel, what the page's ?kernel= and
// NOPELAB_KERNEL do) and with the load-time choice gives byte-identical
// checkpoints, losses and analyses; the choice reports what each shape class
// chose; an unknown name comes back as an error value.
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadNopeLab } from './load_module.mjs';

const lab = await loadNopeLab();

// Products of every class: linear layers of 512 rows (>= 2^22 flops: x W^T,
// dY W, dY^T X) and attention's row blocks (< 2^22: Q K^T, P V, P^T dO).
const cfg = {
  model: { d_model: 64, n_heads: 4, n_layers: 2, d_ff: 256 },
  task: { name: 'copy', train_len: 15, test_len: 15, vocab_size: 10 },
  train: { batch_size: 16, lr: 0.003, warmup: 0, seed: 9 },
};

function train(kernel) {
  const set = lab.setKernel(kernel);
  assert.equal(set.ok, true, set.error);
  assert.equal(set.forced, kernel === 'auto' || kernel === '' || kernel.startsWith('trial:') ? '' : kernel);
  const s = new lab.Session();
  const created = s.create(JSON.stringify(cfg));
  assert.equal(created.ok, true, created.error);
  const step = s.step(4);
  assert.equal(step.ok, true, step.error);
  const analysis = s.analyze(JSON.stringify({ batch: 4, length: 16, probes: false }));
  assert.equal(analysis.ok, true, analysis.error);
  const ck = s.saveCheckpoint(true);
  assert.equal(ck.ok, true, ck.error);
  s.delete();
  return { checkpoint: ck.checkpoint, loss: step.loss, gradNorm: step.grad_norm, similarity: Array.from(analysis.similarity ?? []) };
}

test('every kernel and the load-time choice train to byte-identical checkpoints', () => {
  const names = lab.gemmKernels().names;
  assert.ok(names.length >= 4, `candidates: ${names}`);
  const want = train(names[0]);
  for (const name of names.slice(1)) {
    const got = train(name);
    assert.equal(got.loss, want.loss, `loss with ${name}`);
    assert.equal(got.gradNorm, want.gradNorm, `gradient norm with ${name}`);
    assert.deepEqual(got.similarity, want.similarity, `analysis with ${name}`);
    assert.ok(got.checkpoint === want.checkpoint, `checkpoint with ${name} differs from ${names[0]}`);
  }
  // A forced kernel runs no probe; "" (the module's default) probes, as "auto" does.
  assert.equal(lab.gemmKernels().classes.length, 0, 'a forced kernel runs no probe');
  const byDefault = train('');
  assert.ok(byDefault.checkpoint === want.checkpoint, 'checkpoint with the default choice differs');
  assert.ok(lab.gemmKernels().classes.length >= 2, 'the default choice probes its shape classes');
  const auto = train('auto');
  assert.ok(auto.checkpoint === want.checkpoint, 'checkpoint with the load-time choice differs');
  const { classes } = lab.gemmKernels();
  assert.ok(classes.length >= 2, 'the auto run probed its shape classes');
  for (const c of classes) {
    assert.ok(names.includes(c.chosen), c.chosen);
    assert.equal(c.candidates.length, names.length);
    for (const k of c.candidates) assert.ok(k.gflops > 0, `${c.shape_class} ${k.name}`);
  }
});

// A class whose probe picked another kernel puts it on trial against the
// default on the class's real products; "trial:<name>" starts that trial in
// every class without the probe, so the path runs on any CPU.
test('a kernel on trial against the default: same bits, a decision from both kernels\' real products', () => {
  const names = lab.gemmKernels().names;
  const want = train(names[0]);
  const pick = names[1];
  const onTrial = train(`trial:${pick}`);
  assert.ok(onTrial.checkpoint === want.checkpoint, `checkpoint with ${pick} on trial differs`);
  const { classes } = lab.gemmKernels();
  assert.ok(classes.length >= 2, 'every class the run met went on trial');
  for (const c of classes) {
    assert.equal(c.probe_pick, pick, c.shape_class);
    assert.equal(c.probe_shape, '', 'trial:<name> runs no probe');
    assert.ok(c.trial.products > 0, `${c.shape_class}: no product timed`);
    if (c.chosen === '') continue;  // still on trial when the run ended
    assert.ok([names[0], pick].includes(c.chosen), c.chosen);
    assert.ok(c.trial.shapes >= 1 && c.trial.default_ms > 0 && c.trial.pick_ms > 0, JSON.stringify(c));
    // The pick stays only when it is 15% faster over the shapes both timed.
    assert.equal(c.chosen === pick, c.trial.default_ms > 1.15 * c.trial.pick_ms, JSON.stringify(c));
  }
  assert.ok(classes.some((c) => c.chosen !== ''), 'some class finished its trial');
  const bad = lab.setKernel(`trial:${names[0]}`);
  assert.equal(bad.ok, false);
  assert.match(bad.error, /other than the default/);
  assert.equal(lab.setKernel('').ok, true);
});

test('an unknown kernel is an error value naming the choices', () => {
  const r = lab.setKernel('9x9');
  assert.equal(r.ok, false);
  assert.match(r.error, /'9x9' is not one of this build's GEMM kernels \(4x8r, /);
  assert.equal(lab.gemmKernels().forced, '');
});
