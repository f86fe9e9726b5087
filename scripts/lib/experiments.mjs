// The experiments behind docs/results/results.md, as data: which configs run,
// how many seeds and examples each measure takes, which lengths a table
// shows. scripts/reproduce.mjs runs them and writes every number of its prose
// from these values or from the runs, never by hand.
import { merge } from './runner.mjs';

export const ENCODINGS = ['none', 'sinusoidal', 'learned', 'rope', 'alibi'];
export const SITES = ['attn_out', 'resid_post'];
export const FEATURES = ['hidden', 'cosine', 'variance', 'cosine_past', 'cosine_first'];
// The random-init table's probe columns (the first three features).
export const INIT_FEATURES = ['hidden', 'cosine', 'variance'];

// Command-line defaults (scripts/reproduce documents the flags).
export const DEFAULTS = {
  seeds: 5,          // init seeds of the random-init studies
  trainSeeds: 5,     // training seeds of the trained studies (each training takes under a minute natively)
  jobs: 2,           // CLI runs in parallel
  lmEncodings: 'none,learned',  // lm runs are the dearest: Haviv's pair
};

// Every preset against its own headline, over seeds 1..seeds (random-init
// presets: init seeds, each a second's analysis; trained presets: training
// seeds): trained presets are analysed on batch sequences and evaluated on
// fresh examples.
export const PRESET_CHECK = { analysisBatch: 32, evalExamples: 512, seeds: { init: 5, trained: 5 } };

// Random init: presets, and the first one at other init scales.
export const RANDOM_INIT = {
  presets: ['random_init_adjacency', 'causal_vs_bidirectional', 'init_scale_large'],
  sigmas: [0.01, 0.05, 0.25],
};

// The copy recipe, several training seeds, evaluated at its trained and test lengths.
export const COPY_RECIPE = { config: 'configs/copy_nope.json', examples: 1000, seeds: 3 };

// Trained evidence: one small model per task, every encoding.
const SMALL = { d_model: 64, n_heads: 4, n_layers: 2, d_ff: 256 };
const TRAIN = { batch_size: 32, lr: 0.003, warmup: 100, weight_decay: 0.1 };
const SYMBOLS = 16;
export const TASKS = {
  copy: { model: SMALL, task: { name: 'copy', train_len: 8, test_len: 16, vocab_size: SYMBOLS }, train: { ...TRAIN, lr: 0.005, steps: 1500 } },
  reverse: { model: SMALL, task: { name: 'reverse', train_len: 8, test_len: 16, vocab_size: SYMBOLS }, train: { ...TRAIN, lr: 0.005, steps: 1500 } },
  sort: { model: SMALL, task: { name: 'sort', train_len: 8, test_len: 16, vocab_size: SYMBOLS }, train: { ...TRAIN, lr: 0.005, steps: 1500 } },
  position: { model: SMALL, task: { name: 'position', train_len: 16, test_len: 32, vocab_size: SYMBOLS }, train: { ...TRAIN, steps: 1500 } },
  lm: { model: { ...SMALL, n_layers: 4 }, task: { name: 'lm', train_len: 64, test_len: 64 }, train: { ...TRAIN, batch_size: 16, steps: 1500 } },
};
export const SYMBOLIC_TASKS = ['copy', 'reverse', 'sort', 'position'];
// Beyond task x encoding (causal): NoPE's normalised variant and a bidirectional control.
export const TRAINED_EXTRA = [['position', 'normalized', 'causal'], ['position', 'none', 'bidirectional']];

export function trainedConfig(task, pe, attention = 'causal') {
  return merge(TASKS[task], { model: { pos_encoding: pe, attention } });
}

// The lm task's text, embedded into the core at build time (its size is
// quoted next to the lm runs).
export const CORPUS = 'data/sonnets.txt';

// Length generalisation (--long), Kazemnejad et al.'s setting: every length
// 1..trainLen in training (vary_length: one length per batch, uniform), then
// every length up to testLen. One recipe for every task and encoding (the
// search that chose it: docs/results/long_search.md); a cell counts as
// competent when every seed reaches `competence` sequence accuracy at every
// trained length, and only competent cells enter the verdict.
export const LONG = {
  trainLen: 20,
  testLen: 40,
  symbols: SYMBOLS,
  tasks: ['copy', 'reverse', 'add'],
  encodings: [...new Set([...ENCODINGS, 't5_bias'])],
  // 4 layers: at 2, NoPE never became competent on copy (docs/results/long_search.md).
  model: { d_model: 64, n_heads: 4, n_layers: 4, d_ff: 256 },
  train: { ...TRAIN, steps: 10000 },
  examples: 256,              // fresh examples per evaluated length
  competence: 0.95,           // sequence accuracy at every length 1..trainLen
  seqLengths: [20, 30, 40],   // the table's sequence-accuracy columns
  tokenLengths: [30, 40],     // and its token-accuracy columns
  figureTicks: [1, 10, 20, 30, 40],
};

export function longConfig(task, pe, steps = LONG.train.steps, layers = LONG.model.n_layers) {
  return {
    model: { ...LONG.model, n_layers: layers, pos_encoding: pe },
    task: { name: task, train_len: LONG.trainLen, test_len: LONG.testLen, vocab_size: LONG.symbols, vary_length: true },
    train: { ...LONG.train, steps },
  };
}

// The sections of results.md, in page order; `long` runs only with --long.
export const SECTIONS = ['presets', 'sweeps', 'random', 'recipe', 'trained', 'long'];
