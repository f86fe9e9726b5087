// Types of the NoPE Lab wasm module's JavaScript API (wasm/bindings.cpp) and of
// the Web Worker protocol (web/worker.js, docs/worker-protocol.md), so an
// embedder can use either without reading C++. Shapes are the core's:
// core/results_json.h, core/analysis/wire.h, core/schema.h, docs/config.md.
// Checked by `tsc --noEmit` over tests/types/usage.ts (ctest: types).

// ------------------------------------------------------------------ config

/** The names of schema().registries.pos_encodings (core/encodings.h); tests/types checks a wrong name fails. */
export type PosEncoding = 'none' | 'sinusoidal' | 'learned' | 'rope' | 'alibi' | 'normalized' | 'index' | 't5_bias';
export type AttentionMask = 'causal' | 'bidirectional';
export type NormPlacement = 'pre' | 'post' | 'none';
export type InitScheme = 'normal' | 'xavier' | 'kaiming' | 'gpt2';
export type TaskName = 'copy' | 'reverse' | 'sort' | 'position' | 'kth' | 'count' | 'parity' | 'add' | 'add_lsd' | 'lm';
/** A name from schema().registries.sites (core/sites.h). */
export type Site = string;
/** A name from schema().registries.probe_features (core/analysis/probe_features.h). */
export type ProbeFeatures = string;
/** A name from schema().registries.measures (core/sweep/measures.h). */
export type MeasureName = string;

/** The config JSON (docs/config.md); every field is optional, missing ones take defaults. */
export interface Config {
  model?: {
    d_model?: number;
    n_heads?: number;
    n_layers?: number;
    d_ff?: number;
    pos_encoding?: PosEncoding;
    attention?: AttentionMask;
    norm?: NormPlacement;
    bias?: boolean;
    tie_embeddings?: boolean;
    t5_buckets?: number;
    t5_max_distance?: number;
    init?: { scheme?: InitScheme; std?: number; embed_std?: number };
  };
  task?: { name?: TaskName; train_len?: number; test_len?: number; vocab_size?: number; vary_length?: boolean };
  train?: {
    steps?: number;
    batch_size?: number;
    lr?: number;
    weight_decay?: number;
    warmup?: number;
    clip?: number;
    seed?: number;
  };
}

/** A config as the core returns it: every field present. */
export type FullConfig = {
  [G in keyof Config]-?: {
    [F in keyof NonNullable<Config[G]>]-?: F extends 'init'
      ? Required<NonNullable<NonNullable<Config['model']>['init']>>
      : NonNullable<NonNullable<Config[G]>[F]>;
  };
};

/** One field of schema() (core/schema.h). */
export interface SchemaField {
  path: string; // "model.d_model"
  type: 'int' | 'number' | 'bool' | 'enum';
  default: number | boolean | string;
  doc: string;
  min?: number; // int and number
  max?: number;
  min_open?: true; // the range is (min, max]
  values?: string[]; // enum
}

/** The core's registries as rows (core/schema.h), each in its table's order. */
export interface Registries {
  measures: {
    name: MeasureName;
    label: string;
    needs_training: boolean; // null unless the run trains
    needs_analysis: boolean;
    probe_features: ProbeFeatures | null;
    default: boolean; // taken when a spec lists no measures
    baseline: string | null; // record key of the reference value
    baseline_label: string | null;
  }[];
  sites: { name: Site; label: string; doc: string }[];
  probe_features: { name: ProbeFeatures; label: string; doc: string }[];
  analysis_arrays: { name: string; layout: string }[];
  pos_encodings: { name: PosEncoding; label: string; doc: string; variance_theory: boolean }[];
}

export interface Schema {
  version: 1;
  fields: SchemaField[];
  sites: Site[]; // the names of registries.sites
  probe_features: ProbeFeatures[]; // the names of registries.probe_features
  registries: Registries;
  limits: { max_seq: number; max_bytes: number; max_eval_examples: number; max_steps_per_call: number };
}

// ------------------------------------------------------------------ results

/** Every module call returns {ok: true, ...} or {ok: false, error}; nothing throws or aborts. */
export type Failure = { ok: false; error: string };
export type Result<T> = ({ ok: true } & T) | Failure;

export interface ModelInfo {
  params: number;
  vocab: number;
  max_seq_len: number;
  train_seq_len: number;
  step: number;
  config: FullConfig;
}

export interface ConfigInfo {
  config: FullConfig;
  bytes: number; // of one training step (core/budget.h)
  vocab: number;
  train_seq_len: number;
  test_seq_len: number;
}

export interface StepMetrics {
  step: number;
  loss: number;
  lr: number;
  grad_norm: number;
  token_acc: number;
  batch_hash: string; // 16 hex digits
}

export interface EvalResult {
  length: number;
  seq_len: number;
  loss: number;
  token_acc: number;
  seq_acc: number;
  examples: number;
  trained: boolean; // length <= task.train_len
}

/** docs/analysis.md; all optional. */
export interface AnalysisRequest {
  batch?: number;
  length?: number;
  input?: 'random' | 'task';
  layers?: number[];
  sites?: Site[];
  attention?: boolean;
  probes?: boolean;
  probe_features?: ProbeFeatures[];
  theory?: boolean;
  /** permutation equivariance per layer and site (default true) */
  equivariance?: boolean;
  /** one sequence and one permutation with both hidden-state matrices (docs/analysis.md) */
  permutation_demo?: boolean | { tokens?: number[]; permutation?: number[] };
  seed?: number;
}

export interface SiteMeasures {
  adjacency_score: number;
  adjacency_chance: number;
  variance_profile: number[];
  variance_slope: number;
  decay_profile: number[];
  variance_theory?: number[];
  /** relative deviation |f(PX) - P f(X)| / |f(X)| (docs/science.md) */
  equivariance?: number;
}

export interface ProbeMeta {
  layer: number;
  site: Site;
  features: ProbeFeatures;
  mad: number;
  mad_baseline: number;
  mad_constant: number;
  r2: number;
  lambda: number;
}

export interface AnalysisMeta {
  batch: number;
  T: number;
  seconds: number;
  layers: { layer: number; sites: Partial<Record<Site, SiteMeasures>> }[];
  probes: ProbeMeta[];
  attention: { layer: number; heads: { head: number; mean_distance: number }[] }[];
  site_order: { layer: number; site: Site }[];
  layer_order: number[];
  n_heads: number;
  step: number;
  equivariance_inputs?: { input: 'random'; sequences: number; permutations: number; permuted_positions: 'all' };
  permutation_demo?: {
    tokens: number[];
    permutation: number[];
    C: number;
    sites: { layer: number; site: Site; deviation: number }[];
  };
}

/** core/analysis/wire.h: S = meta.site_order, L = meta.layer_order, P = meta.probes. */
export interface AnalysisArrays {
  similarity: Float32Array; // (S, T, T)
  variance: Float32Array; // (S, T)
  decay: Float32Array; // (S, T)
  theory: Float32Array; // (S, T), 0 where the theory does not apply
  attention: Float32Array; // (L, NH, T, T)
  probe_predicted: Float32Array; // (P, T)
  demo_original_permuted: Float32Array; // (S, T, C): row t = f(X)[permutation[t]]; empty without the demo
  demo_permuted_input: Float32Array; // (S, T, C): f(X permuted); empty without the demo
}

// ------------------------------------------------------------------ module

/**
 * Every count below (n, length, examples, run, steps, repeats) is checked by
 * the core (core/api.h): a fraction, NaN, a string or a value out of range is
 * an error value naming it, never truncated. Text arguments must be strings.
 */
export declare class Session {
  constructor();
  /** config_json: a config, or a preset file ({config: ...}). */
  create(config_json: string): Result<ModelInfo>;
  info(): Result<ModelInfo>;
  step(n: number): Result<StepMetrics>;
  evaluate(length: number, examples: number): Result<EvalResult>;
  analyze(request_json: string): Result<{ meta: AnalysisMeta } & AnalysisArrays>;
  saveCheckpoint(with_optimizer: boolean): Result<{ checkpoint: string }>;
  /** On failure the session keeps its model. */
  loadCheckpoint(text: string): Result<ModelInfo>;
  /** Weights, config and step as safetensors (docs/interop.md); a copy owned by JS. */
  saveSafetensors(): Result<{ safetensors: Uint8Array }>;
  /** A safetensors file's bytes; on failure the session keeps its model. */
  loadSafetensors(bytes: Uint8Array): Result<ModelInfo>;
  /** Frees the wasm-side object (embind). */
  delete(): void;
}

export interface NopeLabModule {
  Session: typeof Session;
  validateConfig(config_json: string): Result<ConfigInfo>;
  schema(): Schema;
  version(): string;
  benchTraining(
    model: 0 | 1,
    steps: number,
  ): Result<{ model: string; ms_per_step: number; tokens_per_s: number; gflop_per_step: number }>;
  benchGemm(): { shape: string; gflops: number }[];
  benchSimdPeak(): { lanes: number; gflops: number };
  benchAnalysis(repeats: number): Result<{ analysis_ms: number; train_step_ms: number }>;
  /** Sweeps (docs/sweep.md): spec_json is a spec or a preset with a "sweep". */
  sweepPlan(spec_json: string): Result<{ spec: unknown; runs: number; cells: number; axes: { path: string; values: unknown[] }[] }>;
  sweepRun(spec_json: string, run: number): Result<{ record: unknown }>;
  sweepSummarize(spec_json: string, records_json: string): Result<{ result: unknown }>;
  setThreads(n: number): Result<ThreadInfo>;
  threadInfo(): Result<ThreadInfo>;
  /** Forces a GEMM micro-kernel for every later product ("" = choose per shape class; core/gemm_choice.h). */
  setKernel(name: string): Result<GemmKernels>;
  /** The kernels of this build and what each probed shape class chose. */
  gemmKernels(): Result<GemmKernels>;
  /** Every kernel's GFLOP/s on model B's product shapes, and the one each shape runs. */
  benchGemmKernels(): { shape: string; gflops: number; kernel: string; candidates: KernelFigure[] }[];
}

export interface ThreadInfo {
  threads: number;
  max_threads: number;
  pthreads: boolean;
}

export interface KernelFigure {
  name: string;
  gflops: number;
}

export interface GemmKernels {
  names: string[];
  /** The forced kernel, or "". */
  forced: string;
  classes: {
    shape_class: string;
    probe_shape: string;
    chosen: string;
    probe_ms: number;
    candidates: KernelFigure[];
  }[];
}

export interface ModuleOptions {
  wasmBinary?: ArrayBuffer | Uint8Array;
  locateFile?: (file: string) => string;
  onAbort?: (what: unknown) => void;
}

/** The MODULARIZE factory of dist/wasm/nopelab.js. */
export type CreateNopeLab = (options?: ModuleOptions) => Promise<NopeLabModule>;

// ------------------------------------------------------------------ worker

/** Request kinds: payload sent, result of the one reply. */
export interface WorkerCalls {
  init: { payload: Record<string, never>; result: { version: string } };
  schema: { payload: Record<string, never>; result: Schema };
  /** A failed validation is a result with ok: false, not an error reply. */
  validate: { payload: { config: Config }; result: Result<ConfigInfo> };
  create: { payload: { config: Config; session?: string }; result: ModelInfo };
  drop: { payload: { session: string }; result: Record<string, never> };
  train: {
    payload: { steps: number; session?: string };
    result: { done: number; stopped: boolean; last: TrainProgress | null };
  };
  pause: { payload: Record<string, never>; result: Record<string, never> };
  resume: { payload: Record<string, never>; result: Record<string, never> };
  stop: { payload: Record<string, never>; result: Record<string, never> };
  step: { payload: { n?: number; session?: string }; result: StepMetrics };
  evaluate: { payload: { lengths: number[]; examples?: number; session?: string }; result: EvalResult[] };
  analyze: { payload: { request?: AnalysisRequest; session?: string }; result: { meta: AnalysisMeta; arrays: AnalysisArrays } };
  saveCheckpoint: { payload: { withOptimizer?: boolean; session?: string }; result: { checkpoint: string } };
  saveSafetensors: { payload: { session?: string }; result: { safetensors: Uint8Array } };
  /** text: a JSON checkpoint; or bytes: a safetensors file. */
  loadCheckpoint: { payload: { text?: string; bytes?: Uint8Array; session?: string }; result: ModelInfo };
}

export type WorkerKind = keyof WorkerCalls;

export interface TrainProgress extends StepMetrics {
  steps_per_s: number;
  done: number;
  total: number;
  paused?: true;
}

export interface WorkerRequest<K extends WorkerKind = WorkerKind> {
  id: number;
  kind: K;
  payload: WorkerCalls[K]['payload'];
}

/** Exactly one per request. */
export type WorkerReply<K extends WorkerKind = WorkerKind> =
  | { id: number; ok: true; result: WorkerCalls[K]['result'] }
  | { id: number; ok: false; error: string };

/** Only for train, before its reply. */
export interface WorkerProgress {
  id: number;
  kind: 'progress';
  result: TrainProgress | (Partial<TrainProgress> & { paused: true });
}
