// Runs the experiments of scripts/lib/experiments.mjs through the native CLI
// (scripts/reproduce is the entry point), checks every preset's stated
// headline against its own run and renders the tables and SVG figures of
// docs/results/. The prose takes every figure from the experiment data or
// the runs. Sections this run did not redo stay as they were
// (scripts/lib/results_doc.mjs). Exits 1 when a preset's headline disagrees.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { Runner, merge, meanCi, fmt } from './lib/runner.mjs';
import { validateExpect, measure, describeExpect, sweepValues, describeSweepExpect } from './lib/expect.mjs';
import { boot, fmtB, apart, diff } from './lib/seed_stats.mjs';
import { deriveRange, RULE } from './lib/expect_range.mjs';
import { verdictTable, keptRows, START as VERDICT_START, END as VERDICT_END } from './lib/verdicts.mjs';
import { cellRecord, RECORD_FEATURES, COMPETENT, competent, modelComparison, countComparisons, isCausalNope, probeRise } from './lib/trained_data.mjs';
import { lineChart } from './lib/svg_chart.mjs';
import { readSections, assemble } from './lib/results_doc.mjs';
import {
  ENCODINGS, SITES, FEATURES, DEFAULTS, PRESET_CHECK, RANDOM_INIT, COPY_RECIPE, TASKS, SYMBOLIC_TASKS, TRAINED_EXTRA,
  trainedConfig, CORPUS, LONG, longConfig, SECTIONS,
} from './lib/experiments.mjs';
import { parseShard, gridRuns, shardRuns, mergeParts } from './lib/long_parts.mjs';
import { at, cellSummary, verdict } from './lib/long_verdict.mjs';
import { seedBootstrap } from './lib/seed_bootstrap.mjs';

const OUT_DIR = 'docs/results';
const argv = process.argv.slice(2);
const opt = (name, def) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : def; };
const flag = (name) => argv.includes(name);
const seeds = +opt('--seeds', DEFAULTS.seeds);
const trainSeeds = +opt('--train-seeds', DEFAULTS.trainSeeds);
const long = flag('--long');
const write = flag('--write');
const only = opt('--only', null)?.split(',');
const deriveExpect = flag('--derive-expect');
const derivedRanges = new Map();  // "<preset id>#<expect index>" -> the range its seeds give
const runner = new Runner({ jobs: +opt('--jobs', DEFAULTS.jobs), fresh: flag('--fresh'), log: (s) => process.stderr.write(s + '\n') });
const want = (s) => !only || only.includes(s);
const LM_ENCODINGS = opt('--lm-encodings', DEFAULTS.lmEncodings).split(',');
const TRAINED_ENCODINGS = opt('--encodings', ENCODINGS.join(',')).split(',');
const LONG_GRID = {
  tasks: opt('--long-tasks', LONG.tasks.join(',')).split(','),
  encodings: opt('--long-encodings', LONG.encodings.join(',')).split(','),
  steps: +opt('--long-steps', LONG.train.steps),
  layers: +opt('--long-layers', LONG.model.n_layers),
};
const LONG_SHARD = opt('--shard', null), LONG_MERGE = opt('--long-merge', null);
const command = `bash scripts/reproduce ${argv.filter((a) => a !== '--write').join(' ')}`.trim();
const t0 = Date.now();
const figures = {};
const dataFiles = {};  // docs/data/<name> -> the JSON a section's prose and the docs tests read
let failures = 0;

const seedList = (n) => Array.from({ length: n }, (_, k) => k + 1);
// Trainings of the first 3 seeds of every model go before the 4th and 5th
// (runner priority; --long's trainings are 2 as well), so an interrupted run
// leaves every model with 3 seeds in the cache rather than some with 5.
const seedPriority = (seed) => (seed <= 3 ? 1 : 2);
const readJson = (f) => JSON.parse(fs.readFileSync(f, 'utf8'));
const readPreset = (id) => readJson(path.join('presets', `${id}.json`));
const list = (xs) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);

// One row of the headline table: the seeds' mean against the stated range
// (outside it counts as a failure), its bootstrap interval, the seeds' own
// values and the range the seeds give (expect_range.mjs).
function checkRow(p, i, what, values) {
  const e = p.expect[i];
  const b = boot(values);
  const derived = deriveRange(e, values);
  derivedRanges.set(`${p.id}#${i}`, derived);
  if (deriveExpect) e.range = derived;
  const ok = b.mean >= e.range[0] && b.mean <= e.range[1];
  if (!ok) failures++;
  const spread = `${Math.min(...values).toFixed(3)} to ${Math.max(...values).toFixed(3)}`;
  return `| ${p.id} | ${what} | [${e.range[0]}, ${e.range[1]}] | ${fmtB(b)} | ${b.n} | ${spread} | [${derived[0]}, ${derived[1]}] | ${ok ? 'ok' : '**DISAGREES**'} |`;
}

// One seed of a non-sweep preset: what its expect list reads.
async function presetRun(p, seed) {
  const cfg = merge(p.config, { train: { seed } });
  const run = {};
  if ((p.config.train?.steps ?? 1000) === 0) {
    run.analysis = await runner.analyzeInit(cfg);
    return run;
  }
  const { summary, ck } = await runner.train(cfg, seedPriority(seed));
  run.summary = summary;
  // Sequences of random tokens unless the expect says "input": "task".
  const batch = ['--batch', String(PRESET_CHECK.analysisBatch)];
  run.analysis = await runner.analyzeCk(ck, [...batch, '--input', 'random']);
  run.evals = await runner.evalCk(ck, ['--examples', String(PRESET_CHECK.evalExamples)]);
  if (p.expect.some((e) => e.input === 'task')) run.analysisTask = await runner.analyzeCk(ck, [...batch, '--input', 'task']);
  if (p.expect.some((e) => e.when === 'before')) run.before = await runner.analyzeInit(cfg, { extra: batch });
  return run;
}

const presetSeeds = (p) => seedList(p.sweep ? p.sweep.seeds : PRESET_CHECK.seeds[(p.config.train?.steps ?? 1000) === 0 ? 'init' : 'trained']);

// ---------------------------------------------------------------- presets
async function presetChecks(out) {
  const files = fs.readdirSync('presets').filter((f) => f.endsWith('.json')).sort();
  const rows = await Promise.all(files.map(async (file) => {
    const p = readJson(path.join('presets', file));
    validateExpect(p, file);
    if (p.sweep) return sweepPresetChecks(p);
    const runs = await Promise.all(presetSeeds(p).map((s) => presetRun(p, s)));
    return p.expect.map((e, i) => checkRow(p, i, describeExpect(e), runs.map((r) => measure(e, r))));
  }));
  if (deriveExpect) writeDerivedRanges(files);
  const n = PRESET_CHECK.seeds;
  out.push('## Every preset against its own headline',
    '',
    `Each preset stores the numbers its explanation states as \`expect\` ranges. Every preset runs over its seeds (random-init presets: init seeds 1..${n.init}; ` +
    `trained presets: training seeds 1..${n.trained}; sweep presets: their own seeds), ` +
    `and the check is the mean over the seeds against the stated range (\`scripts/reproduce\` exits 1 if any row disagrees). ` +
    `Trained presets are analysed on ${PRESET_CHECK.analysisBatch} sequences (random tokens, or the task's own inputs where the measure says "task input"), accuracy on ${PRESET_CHECK.evalExamples} fresh examples per length. ` +
    `The interval is the 95% percentile bootstrap over seeds; "range from these seeds" is ${RULE}, which \`--derive-expect\` writes into the presets.`,
    '', '| preset | measure | stated range | mean [95% interval] | seeds | seeds\' values | range from these seeds | |', '|---|---|---|---|---|---|---|---|', ...rows.flat(), '');
}

// A sweep preset's headline, cell by cell, against its own `nopelab sweep`.
async function sweepPresetChecks(p) {
  const { json } = await runner.sweep(p);
  return p.expect.map((e, i) => checkRow(p, i, describeSweepExpect(e), sweepValues(e, json)));
}

// --derive-expect: each preset's ranges become the ones its seeds give
// (the rest of the file is kept as it is).
function writeDerivedRanges(files) {
  for (const file of files) {
    const f = path.join('presets', file);
    const p = readJson(f);
    p.expect.forEach((e, i) => { e.range = derivedRanges.get(`${p.id}#${i}`) ?? e.range; });
    fs.writeFileSync(f, JSON.stringify(p, null, 2) + '\n');
  }
}

// ---------------------------------------------------------------- sweep presets
// Each sweep preset's table and figure, drawn by scripts/sweep-report from the
// same cached result the headline check read.
async function sweepPresets(out) {
  const presets = fs.readdirSync('presets').filter((f) => f.endsWith('.json')).sort()
    .map((f) => readJson(path.join('presets', f))).filter((p) => p.sweep);
  const results = await Promise.all(presets.map((p) => runner.sweep(p)));
  out.push('## Sweep presets', '',
    'Each sweep preset of the page run natively (`nopelab sweep --spec presets/<id>.json`); mean ± 95% Student-t interval over seeds (n), every cell. ' +
    'The same spec in the browser\'s Sweep view gives the same numbers (`tests/wasm/sweep.test.mjs`).', '');
  presets.forEach((p, i) => {
    const file = runner.file(results[i].key, 'json');
    const svg = `fig-${p.id}.svg`;
    const tmp = runner.file(results[i].key, 'svg');
    const table = execFileSync('node', ['scripts/sweep-report', file, '--svg', tmp, '--title', p.title]).toString();
    figures[svg] = fs.readFileSync(tmp, 'utf8');
    out.push(`### ${p.title}`, '', p.explanation, '', table.trim(), '', `![${p.id}](${svg})`, '');
  });
}

// ---------------------------------------------------------------- random init
async function randomInit(out) {
  const presets = RANDOM_INIT.presets.map(readPreset);
  const base = presets[0].config;
  const sigma = (cfg) => cfg.model.init.std;
  const name = (cfg, id) => {
    const s = sigma(cfg), d = cfg.model.d_model;
    const isqrt = Math.abs(s - 1 / Math.sqrt(d)) < 1e-12 ? ' = 1/sqrt(d)' : '';
    return `${cfg.model.attention || 'causal'}, sigma ${s}${isqrt}${id ? ` (${id})` : ''}`;
  };
  const variants = [...presets.map((p) => [name(p.config, p.id), p.config]),
    ...RANDOM_INIT.sigmas.map((s) => { const cfg = merge(base, { model: { init: { std: s } } }); return [name(cfg), cfg]; })];
  const analyses = await Promise.all(variants.map(([, cfg]) => runner.analyzeInit(cfg, { seeds })));
  const ci = (o, k) => ({ mean: o[k + '_mean'], ci: o[k + '_ci'] });
  const pr = (a, f) => a.probes.find((x) => x.layer === 0 && x.site === 'attn_out' && x.features === f);
  const record = analyses.map((a, i) => ({
    model: variants[i][0], config: variants[i][1],
    padj_attn_out: ci(a.layers[0].sites.attn_out, 'adjacency_score'), padj_resid_post: ci(a.layers[0].sites.resid_post, 'adjacency_score'),
    chance: a.layers[0].sites.attn_out.adjacency_chance, slope_attn_out: ci(a.layers[0].sites.attn_out, 'variance_slope'),
    probe_attn_out: Object.fromEntries(FEATURES.map((f) => [f, ci(pr(a, f), 'mad')])),
    // The landmark probe reads the token ids alone, and every init seed of
    // `analyze --seeds` sees the same batch (drawn from the training seed): one
    // value holds for all seeds, so it has no interval.
    landmark: { mean: pr(a, 'hidden').mad_landmark, ci: NaN }, mad_constant: pr(a, 'hidden').mad_constant,
  }));
  dataFiles['random_init.json'] = { command, seeds, T: analyses[0].T, batch: analyses[0].batch, rows: record };
  const rows = record.map((r) => `| ${r.model} | ${fmt(r.padj_attn_out)} | ${r.chance.toFixed(3)} | ${fmt(r.slope_attn_out)} | ${fmt(r.padj_resid_post)} | ` +
    `${FEATURES.map((f) => fmt(r.probe_attn_out[f], 2)).join(' / ')} | ${fmt(r.landmark, 2)} |`);
  const a = analyses[0], m = base.model, probe = a.probes[0];
  out.push(`## Random init (d_model ${m.d_model}, ${m.n_layers} layers, ${m.n_heads} heads, T ${a.T}, ${a.batch} sequences of random tokens over ${base.task.vocab_size} symbols, ` +
    `${seeds} init seeds, mean ± 95% Student-t interval)`,
  '', `Probe MAD is in positions (0..${a.T - 1}): a random guess scores ${probe.mad_baseline.toFixed(2)}, always predicting the mean ${probe.mad_constant.toFixed(2)}; ` +
    'the landmark probe reads position off the token id alone. Data: docs/data/random_init.json.', '',
  `| model | P_adj attn_out L0 | chance | variance slope attn_out L0 | P_adj resid_post L0 | probe MAD attn_out L0: ${FEATURES.join(' / ')} | landmark probe (token ids alone: the same inputs for every seed) |`,
  '|---|---|---|---|---|---|---|', ...rows, '');
}

// ---------------------------------------------------------------- copy recipe
async function copyRecipe(out) {
  const cfg = readJson(COPY_RECIPE.config);
  const examples = String(COPY_RECIPE.examples);
  const runs = await Promise.all(seedList(COPY_RECIPE.seeds).map(async (s) => {
    const { summary, ck } = await runner.train(merge(cfg, { train: { seed: s } }));
    const ev = await runner.evalCk(ck, ['--length', String(cfg.task.train_len), '--length', String(cfg.task.test_len), '--examples', examples]);
    return { s, summary, ev };
  }));
  const acc = (r, i, k) => r.ev.results[i][k];
  out.push(`## The copy recipe (\`${COPY_RECIPE.config}\`)`, '',
    `NoPE, ${cfg.model.n_layers} layers, d_model ${cfg.model.d_model}, ${cfg.model.n_heads} heads, copy of ${cfg.task.train_len} symbols out of ${cfg.task.vocab_size}, ` +
    `${cfg.train.steps} steps of batch ${cfg.train.batch_size}, lr ${cfg.train.lr} (warm-up ${cfg.train.warmup}, cosine to 10%), weight decay ${cfg.train.weight_decay}; ` +
    `\`nopelab train --config ${COPY_RECIPE.config} --set train.seed=S --out ck.json\` then \`nopelab eval --checkpoint ck.json --examples ${examples}\`.`, '',
    `| seed | final loss | seq acc @${cfg.task.train_len} | token acc @${cfg.task.train_len} | seq acc @${cfg.task.test_len} | token acc @${cfg.task.test_len} |`, '|---|---|---|---|---|---|',
    ...runs.map((r) => `| ${r.s} | ${r.summary.final_loss.toFixed(4)} | ${acc(r, 0, 'seq_acc').toFixed(3)} | ${acc(r, 0, 'token_acc').toFixed(4)} | ${acc(r, 1, 'seq_acc').toFixed(3)} | ${acc(r, 1, 'token_acc').toFixed(3)} |`), '');
}

// ---------------------------------------------------------------- trained evidence
// One model (task, encoding, mask) over its training seeds, as a record of
// per-seed values (scripts/lib/trained_data.mjs).
async function trainedCell(task, pe, attention = 'causal') {
  const base = trainedConfig(task, pe, attention);
  // A run whose loss turns non-finite stops with an error: counted, not averaged.
  const all = await Promise.all(seedList(trainSeeds).map(async (seed) => {
    const cfg = merge(base, { train: { seed } });
    let trained;
    // The models the verdicts read (NoPE, its controls, lm) train before the other encodings.
    const priority = seedPriority(seed) + (pe === 'none' || task === 'lm' || attention !== 'causal' ? 0 : 0.5);
    try { trained = await runner.train(cfg, priority); } catch (e) { console.error(`reproduce: ${e.message}`); return null; }
    const analysis = await runner.analyzeCk(trained.ck, ['--input', 'task']);
    const before = await runner.analyzeInit(cfg, { extra: ['--input', 'task'] });
    return { seed, summary: trained.summary, analysis, before };
  }));
  const runs = all.filter(Boolean);
  if (!runs.length) throw new Error(`${task} ${pe} ${attention}: every seed failed to train`);
  return cellRecord(task, pe, attention, runs, all.length - runs.length);
}

// The trained models, described from TASKS (and each task's sequence length T
// from its runs): what every task shares, then each task's own.
function describeTrained(cells) {
  const sym = SYMBOLIC_TASKS.map((t) => TASKS[t]), lm = TASKS.lm, m = sym[0].model, tr = sym[0].train;
  const seqT = (c) => cells.find((x) => x.task === c.task.name).T;
  const groups = new Map();  // same length, steps and lr -> one phrase
  for (const t of SYMBOLIC_TASKS) {
    const c = TASKS[t], key = `${c.task.train_len}|${c.train.steps}|${c.train.lr}`;
    if (!groups.has(key)) groups.set(key, { tasks: [], c });
    groups.get(key).tasks.push(t);
  }
  const phrases = [...groups.values()].map(({ tasks, c }) =>
    `${tasks.join('/')} of ${c.task.train_len} items (T ${seqT(c)}), ${c.train.steps} steps at lr ${c.train.lr}`);
  return `Model: d_model ${m.d_model}, ${m.n_heads} heads, pre-norm, normal init sigma 0.02; ${m.n_layers} layers for the symbolic tasks, ${lm.model.n_layers} for \`lm\`. ` +
    `Symbolic tasks: ${sym[0].task.vocab_size} symbols; ${phrases.join('; ')}; ` +
    `\`lm\`: windows of ${lm.task.train_len} characters, batch ${lm.train.batch_size}, ${lm.train.steps} steps at lr ${lm.train.lr}; ` +
    `otherwise batch ${tr.batch_size}, warm-up ${tr.warmup}, weight decay ${tr.weight_decay}. `;
}

// How the symbolic tasks' test length relates to their trained length ("2x").
function testRatio() {
  const r = [...new Set(SYMBOLIC_TASKS.map((t) => TASKS[t].task.test_len / TASKS[t].task.train_len))];
  return r.length === 1 ? `${r[0]}x` : 'longer';
}

async function trainedEvidence(out) {
  const jobs = [];
  for (const task of SYMBOLIC_TASKS) for (const pe of TRAINED_ENCODINGS) jobs.push([task, pe, 'causal']);
  jobs.push(...TRAINED_EXTRA);
  for (const pe of LM_ENCODINGS) jobs.push(['lm', pe, 'causal']);
  const cells = await Promise.all(jobs.map((j) => trainedCell(...j)));
  dataFiles['trained.json'] = { command, seeds: trainSeeds, competent: COMPETENT, models: cells };
  const name = (c) => `${c.task} | ${c.pe}${c.attention === 'bidirectional' ? ', bidirectional' : ''}${competent(c) ? '' : ' †'}` +
    `${c.failed ? ` (${c.failed} of ${trainSeeds} seeds diverged)` : ''}`;
  const B = (xs, d = 2) => fmtB(boot(xs), d);
  const perLayer = (c, site, f, d = 2) => c.sites[site].map((x) => B(f(x), d)).join(' / ');
  const sym = cells.filter((c) => c.task !== 'lm'), c0 = cells[0];
  out.push(`## After training: the adjacency pattern by task and encoding (${trainSeeds} training seeds, mean [95% bootstrap interval over seeds])`, '',
    describeTrained(cells) +
    `Accuracy and loss at the trained length on ${c0.eval_examples} fresh examples; token accuracy also at the test length (${testRatio()}; the model never saw it). ` +
    `P_adj on ${c0.analysis_batch} of the task's own examples per layer (L0 / L1); "before" is the same model untrained, same inputs. ` +
    'Two nulls: chance 2/T (random tokens) and the content null (the same inputs as a fixed random vector per token id, no position: what content alone scores). ' +
    `† marks a model whose mean sequence accuracy at its trained length is below ${COMPETENT}: it has not learned its task, so a pattern in it is not evidence that a model uses it. ` +
    'Every interval is the 95% percentile bootstrap over seeds (it stays inside [0, 1] for accuracies and scores). Data: docs/data/trained.json.', '',
    '| task | encoding | seq acc (trained length) | token acc | token acc at test length | P_adj attn_out before | P_adj attn_out after | P_adj resid_post before | P_adj resid_post after | content null | chance |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...sym.map((c) => `| ${name(c)} | ${B(c.seq_acc, 3)} | ${B(c.token_acc, 3)} | ${B(c.token_acc_test)} (${c.test_len}) | ${perLayer(c, 'attn_out', (x) => x.padj_before)} | ` +
      `${perLayer(c, 'attn_out', (x) => x.padj)} | ${perLayer(c, 'resid_post', (x) => x.padj_before)} | ${perLayer(c, 'resid_post', (x) => x.padj)} | ${c.content_null.toFixed(3)} | ${c.chance.toFixed(3)} |`), '');
  out.push('## After training: the variance slope (Chi et al.\'s shrinkage), same runs', '',
    'Least-squares slope of log V(t) against log t on the task\'s own examples, per layer (L0 / L1 / ...), before and after training. ' +
    'The sigma^4 d^2 / t law (slope -1) is a random-init law for layer 0\'s attention output on random tokens; on task inputs and after training it does not apply, and the slope is what the model made of it.', '',
    '| task | encoding | attn_out before | attn_out after | resid_post before | resid_post after |', '|---|---|---|---|---|---|',
    ...cells.map((c) => `| ${name(c)} | ${perLayer(c, 'attn_out', (x) => x.slope_before)} | ${perLayer(c, 'attn_out', (x) => x.slope)} | ` +
      `${perLayer(c, 'resid_post', (x) => x.slope_before)} | ${perLayer(c, 'resid_post', (x) => x.slope)} |`), '');
  const probeTable = (site) => [
    `| task | encoding | ${RECORD_FEATURES.join(' | ')} | landmark (token id alone) | predict the mean |`, `|---|---|${'---|'.repeat(RECORD_FEATURES.length)}---|---|`,
    ...cells.map((c) => `| ${name(c)} | ${RECORD_FEATURES.map((f) => perLayer(c, site, (x) => x.probe[f])).join(' | ')} | ${perLayer(c, site, (x) => x.landmark)} | ${c.mad_constant.toFixed(2)} |`)];
  out.push('## After training: position probes (same runs)', '',
    'Probe MAD in positions on held-out task sequences, per layer (L0 / L1 / ...), at the block output (resid_post). Lower is better. ' +
    '`cosine` uses similarities to every position of the sequence, later ones included (a causal model cannot see those at t); `cosine_past` only earlier ones; `cosine_first` only the first token. ' +
    'Baselines: the landmark probe (the same probe on the token id alone: what landmark tokens such as `<bos>` and separators give) and always predicting the mean position.', '',
    ...probeTable('resid_post'), '', 'The same at the attention output (attn_out):', '', ...probeTable('attn_out'), '');
  // Cosine features vs variance, one comparison per independent model.
  const groups = [['causal NoPE', cells.filter(isCausalNope)], ['every model', cells]];
  const countRow = (features) => groups.map(([label, rs]) => {
    const n = countComparisons(rs, features);
    return `${label} (${n.models} models): ${features} better in ${n.better}, variance better in ${n.worse}, not separated in ${n.overlap}`;
  }).join('; ');
  out.push('**Cosine vs variance features, counted per model.** One comparison per independent model (task, encoding, mask): per seed, the mean over its layers and both sites of ' +
    'MAD(variance) - MAD(cosine features); a model counts when the bootstrap interval of that mean over its seeds excludes 0.', '',
    `- ${countRow('cosine_past')}.`, `- ${countRow('cosine')}.`, '',
    '| task | encoding | MAD(variance) - MAD(cosine_past) | MAD(variance) - MAD(cosine) |', '|---|---|---|---|',
    ...cells.map((c) => `| ${name(c)} | ${fmtB(modelComparison(c, 'cosine_past'), 2)} | ${fmtB(modelComparison(c, 'cosine'), 2)} |`), '');
  // Haviv's curve: lm probe MAD by layer, NoPE vs learned.
  const lm = cells.filter((c) => c.task === 'lm');
  const lmc = TASKS.lm, chars = lmc.train.steps * lmc.train.batch_size * lmc.task.train_len, L = lmc.model.n_layers;
  const corpusBytes = corpusSize();
  out.push(`## Haviv et al.'s probe on text (\`lm\`, ${L} layers, ${trainSeeds} seeds)`, '',
    `Character LM on the shipped sonnets, ${lmc.train.steps} steps of ${lmc.train.batch_size} windows of ${lmc.task.train_len} characters ` +
    `(${chars / 1e6} M characters, ~${Math.round(chars / (0.9 * corpusBytes))} passes over the first 90% of the ${Math.round(corpusBytes / 1000)} KB text, which is all training sees). ` +
    `Loss on 256 windows of the training part and of the held-out last 10% (\`nopelab analyze --checkpoint\`, \`lm_loss\`). Probe on the hidden state (block output) per layer, ${lm[0]?.analysis_batch} windows; ` +
    `"rise" is the per-seed MAD at layer ${L - 1} minus layer ${L - 2}.`, '',
    `| encoding | loss, training text | loss, held-out text | bits per char, held-out | ${Array.from({ length: L }, (_, l) => `probe MAD L${l}`).join(' | ')} | rise L${L - 2} to L${L - 1} | landmark L0 | predict the mean |`,
    `|---|---|---|---|${'---|'.repeat(L)}---|---|---|`,
    ...lm.map((c) => `| ${c.pe} | ${B(c.lm_loss_train_text, 3)} | ${B(c.lm_loss_heldout_text, 3)} | ${B(c.lm_loss_heldout_text.map((x) => x / Math.LN2), 3)} | ` +
      `${c.sites.resid_post.map((x) => B(x.probe.hidden)).join(' | ')} | ${fmtB(probeRise(c, 'resid_post', 'hidden', L - 2, L - 1), 2)} | ${B(c.sites.resid_post[0].landmark)} | ${c.mad_constant.toFixed(2)} |`), '');
  const bar = (xs) => { const b = boot(xs); return [b.mean, b.lo, b.hi]; };
  figures['fig-lm-probe.svg'] = lineChart({ title: `Position probe on lm hidden states (block output), ${L} layers, ${trainSeeds} seeds`, xlabel: 'layer', ylabel: 'probe MAD (positions)', ymin: 0,
    panels: [{ title: '', series: lm.map((c) => ({ name: c.pe, points: c.sites.resid_post.map((x, l) => [l, ...bar(x.probe.hidden)]) })),
      hlines: [{ y: lm[0].mad_constant, label: 'predict the mean' }] }] });
  figures['fig-trained-adjacency.svg'] = lineChart({ title: `P_adj of the attention output by layer after training (task inputs, ${trainSeeds} seeds)`, xlabel: 'layer', ylabel: 'P_adj', ymin: 0, ymax: 1,
    panels: SYMBOLIC_TASKS.map((t) => ({ title: t,
      series: TRAINED_ENCODINGS.map((pe) => { const c = cells.find((x) => x.task === t && x.pe === pe && x.attention === 'causal');
        return { name: pe, points: c.sites.attn_out.map((x, l) => [l, ...bar(x.padj)]) }; }),
      hlines: [{ y: cells.find((x) => x.task === t).chance, label: 'chance' }, { y: cells.find((x) => x.task === t).content_null, label: 'content null' }] })) });
  out.push('![P_adj by layer after training](fig-trained-adjacency.svg)', '', '![lm probe by layer](fig-lm-probe.svg)', '');
}

// The lm task's text, in bytes.
function corpusSize() {
  return fs.statSync(CORPUS).size;
}

// ---------------------------------------------------------------- length generalisation (--long)
// The grid: LONG.tasks x LONG.encodings x training seeds, one recipe (LONG);
// --long-tasks, --long-encodings, --long-steps and --long-layers change it, and the
// section states exactly what ran. --shard I/N runs only runs r with
// r % N = I and writes a part file (--long-part F, default
// build/long-parts/part-I-of-N.json) instead of the page; --long-merge DIR
// renders the page from every part-*.json in DIR (scripts/lib/long_parts.mjs).
function longGrid() {
  return { tasks: LONG_GRID.tasks, encodings: LONG_GRID.encodings, seeds: seedList(trainSeeds), steps: LONG_GRID.steps,
    config: longConfig('copy', 'none', LONG_GRID.steps, LONG_GRID.layers), examples: LONG.examples, testLen: LONG.testLen };
}

// One run of the grid: train, then every length 1..testLen.
async function longRun({ task, pe, seed }) {
  const t = await runner.train(merge(longConfig(task, pe, LONG_GRID.steps, LONG_GRID.layers), { train: { seed } }), 2);
  const e = await runner.evalCk(t.ck, ['--examples', String(LONG.examples)]);
  return { task, pe, seed, seconds: t.summary.seconds, results: e.results.map(({ length, seq_acc, token_acc }) => ({ length, seq_acc, token_acc })) };
}

async function longShard() {
  const grid = longGrid(), shard = parseShard(LONG_SHARD);
  const runs = await Promise.all(shardRuns(grid, shard).map(longRun));
  const file = opt('--long-part', path.join('build', 'long-parts', `part-${shard.index}-of-${shard.count}.json`));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ grid, shard, runs }));
  console.error(`reproduce: shard ${shard.index}/${shard.count}: ${runs.length} runs in ${file}`);
}

async function lengthGeneralisation(out) {
  let grid = longGrid(), runs;
  if (LONG_MERGE) {
    const parts = fs.readdirSync(LONG_MERGE).filter((f) => /^part-.*\.json$/.test(f)).map((f) => readJson(path.join(LONG_MERGE, f)));
    runs = mergeParts(parts);
    grid = parts[0].grid;
  } else runs = await Promise.all(gridRuns(grid).map(longRun));
  const { tasks, encodings, seeds, steps, config } = grid, m = config.model, tr = config.train;
  const opts = { trainLen: LONG.trainLen, testLen: grid.testLen, competence: LONG.competence };
  const cellRuns = (task, pe) => runs.filter((r) => r.task === task && r.pe === pe);
  const band = (rs, n, k) => seedBootstrap(rs.map((r) => at(r, n)[k]));
  const iv = (b, d = 2) => `${b.mean.toFixed(d)} [${b.lo.toFixed(d)}, ${b.hi.toFixed(d)}]`;
  const cols = [...LONG.seqLengths.map((n) => [n, 'seq_acc', 'seq acc']), ...LONG.tokenLengths.map((n) => [n, 'token_acc', 'token acc'])];
  const minutes = runs.reduce((a, r) => a + r.seconds, 0) / 60;
  const skipped = [...LONG.tasks.filter((t) => !tasks.includes(t)).map((t) => `task ${t}`), ...LONG.encodings.filter((e) => !encodings.includes(e)).map((e) => `encoding ${e}`)];
  out.push(`## Length generalisation (Kazemnejad et al.'s setting: train lengths 1..${LONG.trainLen}, test to ${grid.testLen}; ${seeds.length} seeds)`, '',
    `Every task and encoding trains one recipe: d_model ${m.d_model}, ${m.n_layers} layers, ${m.n_heads} heads, d_ff ${m.d_ff}; ${steps} steps of batch ${tr.batch_size}, ` +
    `lr ${tr.lr} (warm-up ${tr.warmup}, cosine decay to a tenth), weight decay ${tr.weight_decay}, clip ${config.train.clip ?? 1}; vary_length (one length per batch, uniform on 1..${LONG.trainLen}), ` +
    `${LONG.symbols} symbols (add: digits). The recipe search (at 2 layers NoPE never became competent on copy), the 2-layer grid, and NoPE against ALiBi on copy, reverse and add (add is learned by neither at this recipe), and the add tries (the digits least significant first, more steps, more width, fewer lengths: none learns it over 1..20): [long_search.md](long_search.md). ` +
    `Accuracy on ${grid.examples} fresh examples per length; every interval is a 95% seed bootstrap (every resample of the ${seeds.length} seeds' values; it lies inside [0, 1]). ` +
    `**Competent** = seeds with sequence accuracy >= ${LONG.competence} at every trained length 1..${LONG.trainLen}; "min seq acc 1..${LONG.trainLen}" is the lowest over those lengths, per seed. ` +
    `Runs: ${tasks.length} tasks x ${encodings.length} encodings x ${seeds.length} seeds = ${runs.length} trainings, ${minutes.toFixed(0)} min of training time summed over the runs` +
    `${LONG_MERGE ? ` (merged from shard parts in ${LONG_MERGE})` : ''}.` +
    (skipped.length ? ` **Not run here**: ${skipped.join(', ')} (the default grid; \`bash scripts/reproduce --long\` runs it, and docs/cluster.md shards it).` : ''), '',
    `| task | encoding | competent | min seq acc 1..${LONG.trainLen} | ${cols.map(([n, , label]) => `${label} @${n}`).join(' | ')} | token acc ${LONG.trainLen + 1}..${grid.testLen} |`,
    `|---|---|---|---|${'---|'.repeat(cols.length + 1)}`);
  const verdicts = [];
  for (const task of tasks) {
    const cells = new Map();
    for (const pe of encodings) {
      const rs = cellRuns(task, pe), c = cellSummary(rs, opts);
      cells.set(pe, c);
      out.push(`| ${task} | ${pe} | ${c.competentSeeds}/${c.seeds} | ${iv(c.minTrained)} | ${cols.map(([n, k]) => iv(band(rs, n, k))).join(' | ')} | ${iv(c.beyond)} |`);
    }
    verdicts.push([task, verdict(cells, opts)]);
  }
  out.push('', `**Kazemnejad et al.'s claim** (NoPE generalises beyond its training lengths better than absolute, rotary, ALiBi and T5 encodings), per task, ` +
    `on token accuracy averaged over lengths ${LONG.trainLen + 1}..${grid.testLen}, competent encodings only (scripts/lib/long_verdict.mjs):`, '',
    ...verdicts.map(([task, v]) => `- ${task}: **${v.mark}**: ${v.text}.`), '');
  out.push(`**Paper, for comparison** (Kazemnejad et al. 2023, decoder-only models of about 10^8 parameters, far larger than these): on copy trained to length ${LONG.trainLen} and tested to ${LONG.testLen}, ` +
    'NoPE keeps about 0.98 accuracy where rotary and absolute sinusoidal encodings fall to about 0 (our reading of the paper\'s copy results; its exact per-length figures are not re-derived here).', '');
  const lengths = Array.from({ length: grid.testLen }, (_, i) => i + 1);
  const series = (task, k) => encodings.map((pe) => ({ name: pe, points: lengths.map((n) => { const b = band(cellRuns(task, pe), n, k); return [n, b.mean, b.lo, b.hi]; }) }));
  for (const task of tasks) {
    figures[`fig-length-${task}.svg`] = lineChart({ title: `${task}: accuracy by length (trained on 1..${LONG.trainLen}; ${seeds.length} seeds, 95% seed-bootstrap bars)`,
      xlabel: 'length', ylabel: 'accuracy', ymin: 0, ymax: 1, xticks: LONG.figureTicks, width: 380,
      panels: [{ title: 'sequence accuracy', series: series(task, 'seq_acc'), hlines: [{ y: LONG.competence, label: 'competence' }] },
        { title: 'token accuracy', series: series(task, 'token_acc'), hlines: [] }] });
    out.push(`![length generalisation on ${task}](fig-length-${task}.svg)`, '');
  }
}

// docs/science.md's verdict table, re-rendered from docs/data/ (this run's
// data or the committed one) between its markers.
function writeVerdictTable() {
  const file = 'docs/science.md', text = fs.readFileSync(file, 'utf8');
  const a = text.indexOf(VERDICT_START), b = text.indexOf(VERDICT_END);
  if (a < 0 || b < a) { console.error(`reproduce: ${file} has no verdict table markers; table not written`); return; }
  const table = verdictTable(readJson('docs/data/trained.json'), readJson('docs/data/random_init.json'), keptRows(text.slice(a, b)));
  fs.writeFileSync(file, text.slice(0, a) + table + text.slice(b + VERDICT_END.length));
  console.error(`reproduce: rewrote the verdict table of ${file}`);
}

const RUN = { presets: presetChecks, sweeps: sweepPresets, random: randomInit, recipe: copyRecipe, trained: trainedEvidence, long: lengthGeneralisation };

// Sections run concurrently (sharing the job pool), each into its own list,
// which ends with the command that produced it.
async function section(fn) {
  const mine = [];
  await fn(mine);
  mine.push(`<sub>This section: \`${command}\` (native build, ${runner.jobs} jobs in parallel under nice -n 10, on a ${os.cpus().length}-core machine).</sub>`, '', '');
  return mine.join('\n');
}

// ---------------------------------------------------------------- main
(async () => {
  if (LONG_SHARD) return longShard().catch((e) => { console.error(`reproduce: ${e.message}`); process.exit(2); });
  const names = SECTIONS.filter((name) => want(name) && (name !== 'long' || long));
  const fresh = new Map();
  try {
    const texts = await Promise.all(names.map((name) => section(RUN[name])));
    names.forEach((name, i) => fresh.set(name, texts[i]));
  } catch (e) {
    console.error(`reproduce: ${e.message}`);
    process.exit(2);
  }
  const header = ['# Results on this machine', '',
    'Generated by `bash scripts/reproduce` through the native CLI; each section ends with the command that produced it. A run rewrites the sections it ran ' +
    '(`--only`, and `--long` for length generalisation, choose them) and keeps the others. ' +
    'Definitions of every measure and what the numbers mean for each paper: [science.md](../science.md); analysis details: [analysis.md](../analysis.md).', ''].join('\n');
  const minutes = ((Date.now() - t0) / 60000).toFixed(1);
  const footer = ['---', `Runtime of the last run (\`${command}\`): ${minutes} min of wall time and ${runner.ran} CLI runs computed (${(runner.seconds / 60).toFixed(1)} min of job time); ` +
    `${runner.reused} more were reused from build/reproduce-cache (identical arguments; \`--fresh\` recomputes everything)` +
    (runner.reusedSeconds ? `; ${runner.reused - runner.untimed} of those had taken ${(runner.reusedSeconds / 60).toFixed(1)} min of job time when computed` : '') +
    (runner.untimed ? ` (${runner.untimed} were computed before timings were kept).` :
      `. With ${runner.jobs} jobs in parallel, its sections take about ${((runner.seconds + runner.reusedSeconds) / 60 / runner.jobs).toFixed(0)} min of wall time on this machine.`), ''].join('\n');
  const file = path.join(OUT_DIR, 'results.md');
  const previous = write && fs.existsSync(file) ? readSections(fs.readFileSync(file, 'utf8')) : new Map();
  const text = assemble({ header, order: SECTIONS, fresh, previous, footer });
  if (write) {
    fs.mkdirSync(OUT_DIR, { recursive: true });
    fs.writeFileSync(file, text);
    for (const [f, svg] of Object.entries(figures)) fs.writeFileSync(path.join(OUT_DIR, f), svg);
    for (const [f, data] of Object.entries(dataFiles)) fs.writeFileSync(path.join('docs/data', f), JSON.stringify(data, null, 1) + '\n');
    if (Object.keys(dataFiles).length) writeVerdictTable();
    const kept = SECTIONS.filter((s) => !fresh.has(s) && previous.has(s));
    console.error(`reproduce: wrote ${file} (sections ${names.join(', ')}${kept.length ? `; kept ${kept.join(', ')} as they were` : ''}) and ${Object.keys(figures).length} figures`);
  } else process.stdout.write(text);
  if (failures) {
    console.error(`\nreproduce: ${failures} preset headline(s) DISAGREE with their own runs (see the table above)`);
    process.exit(1);
  }
})();
