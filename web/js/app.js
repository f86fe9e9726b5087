// Wires the page: settings <-> URL <-> controls, the worker session, the
// training loop's progress, and the views (which only draw plain arrays).
import { el, download } from './dom.js';
import { SessionWorker } from './pool.js';
import { AnalysisData } from './analysis_data.js';
import { buildControls } from './controls.js';
import { readUrl, writeUrl } from './url_state.js';
import { FIELDS, toConfig, fromConfig, cliCommand } from './settings.js';
import { VIEWS } from './views/registry.js';
import { loadPresets } from './presets.js';
import { savedRuns } from './saved_runs.js';
import { BeforeAfter, analysisInput } from './before_after.js';

const $ = (id) => document.getElementById(id);

export class App {
  constructor({ embed = false } = {}) {
    this.embed = embed;
    const url = readUrl();
    this.settings = url.settings;
    this.viewId = VIEWS.some((v) => v.id === url.view) ? url.view : 'similarity';
    this.presetId = url.preset;
    this.urlOverrides = url.overrides;
    this.urlView = url.viewGiven ? this.viewId : null;
    this.urlProblems = url.problems;
    this.sel = { layer: 0, site: 'attn_out', head: 0, features: 'cosine' };
    this.status = { step: 0, training: false, paused: false };
    this.curves = { step: [], loss: [], acc: [] };
    this.analysis = null;
    this.lengthGen = null;
    this.beforeAfter = new BeforeAfter();  // the untrained model's analysis, for before | after
    this.views = new Map();
    // ?kernel=<name> forces a GEMM micro-kernel in the worker (web/worker.js).
    const kernel = new URLSearchParams(location.search).get('kernel');
    const workerUrl = kernel === null ? 'worker.js' : `worker.js?kernel=${encodeURIComponent(kernel)}`;
    this.client = new SessionWorker({ createWorker: () => new Worker(workerUrl), onCrash: (e) => this.recover(e) });
  }

  // ------------------------------------------------------------- messages
  showError(message) {
    const box = $('error');
    box.textContent = message || '';
    box.hidden = !message;
  }

  setBusy(text) { $('busy').textContent = text || ''; }

  async recover(err) {
    this.showError(err.message);
    this.status.training = false;
    this.refreshButtons();
    await this.createSession();
  }

  // ------------------------------------------------------------- session
  analysisRequest() {
    return { batch: 32, input: analysisInput(this.settings), seed: this.settings['train.seed'] };
  }

  async createSession() {
    const config = toConfig(this.settings);
    const v = await this.client.call('validate', { config });
    if (this.controls) this.controls.showError(v.ok ? '' : v.error);
    if (!v.ok) {
      this.showError(`Invalid settings: ${v.error}`);
      return false;
    }
    this.showError(this.urlProblems.join('; '));
    this.curves = { step: [], loss: [], acc: [] };
    Object.assign(this.status, { step: 0, loss: null, acc: null, rate: null });
    this.updateStats();
    await this.client.call('create', { config });
    this.beforeAfter.reset();
    await this.refreshAnalysis();
    await this.refreshLengths();
    this.updateStats();
    return true;
  }

  async refreshAnalysis() {
    const t0 = performance.now();
    this.analysis = new AnalysisData(await this.client.call('analyze', { request: this.analysisRequest() }));
    this.analysisMs = performance.now() - t0;
    this.beforeAfter.observe(this.analysis, this.analysisRequest());
    const L = this.analysis.layers;
    if (!L.includes(this.sel.layer)) this.sel.layer = L[0];
    document.body.dataset.analysisReady = 'true';
    this.redraw();
  }

  async refreshLengths() {
    const maxLen = this.settings['task.test_len'];
    const step = Math.max(1, Math.ceil(maxLen / 16));
    const lengths = [];
    for (let n = 1; n <= maxLen; n += step) lengths.push(n);
    if (lengths.at(-1) !== maxLen) lengths.push(maxLen);
    if (!lengths.includes(this.settings['task.train_len'])) lengths.push(this.settings['task.train_len']);
    lengths.sort((a, b) => a - b);
    this.lengthGen = await this.client.call('evaluate', { lengths, examples: 64 });
    if (this.viewId === 'length') this.redraw();
  }

  // ------------------------------------------------------------- training
  train() {
    if (!this.status.training) this.training = this.runTraining();
    return this.training;
  }

  async runTraining() {
    const remaining = this.settings['train.steps'] - this.status.step;
    if (remaining <= 0) {
      this.showError(`Already trained ${this.status.step} of ${this.settings['train.steps']} steps: raise "steps" or reset.`);
      return;
    }
    this.showError('');
    this.status.training = true;
    this.status.paused = false;
    this.refreshButtons();
    let lastAnalysis = performance.now();
    try {
      await this.client.call('train', { steps: remaining }, (p) => {
        if (p.paused) return;
        this.onMetrics(p);
        // Re-measure while training, at most every 1.5 s (the worker answers
        // between training chunks).
        if (performance.now() - lastAnalysis > 1500 && this.viewId !== 'training') {
          lastAnalysis = performance.now();
          this.refreshAnalysis().catch(() => {});
        }
      });
      await this.refreshAnalysis();
      await this.refreshLengths();
    } catch (err) {
      this.showError(err.message);
    } finally {
      this.status.training = false;
      this.status.paused = false;
      this.refreshButtons();
    }
  }

  onMetrics(p) {
    this.status.step = p.step;
    this.status.loss = p.loss;
    this.status.acc = p.token_acc;
    this.status.rate = p.steps_per_s;
    this.curves.step.push(p.step);
    this.curves.loss.push(p.loss);
    this.curves.acc.push(p.token_acc);
    this.updateStats();
    if (this.viewId === 'training') this.views.get('training')?.update();
  }

  async stepOnce() {
    try {
      const p = await this.client.call('step', { n: 1 });
      this.onMetrics(p);
      await this.refreshAnalysis();
    } catch (err) {
      this.showError(err.message);
    }
  }

  async togglePause() {
    if (!this.status.training) return;
    this.status.paused = !this.status.paused;
    await this.client.call(this.status.paused ? 'pause' : 'resume');
    this.refreshButtons();
    if (this.status.paused) {
      await this.refreshAnalysis();
      await this.refreshLengths();
    }
  }

  async reset() {
    if (this.status.training) {
      await this.client.call('stop');
      await this.training;  // its last progress messages land before the new session
    }
    await this.createSession();
  }

  // ------------------------------------------------------------- UI state
  updateStats() {
    const s = this.status, total = this.settings['train.steps'];
    $('stat-step').textContent = `${s.step} / ${total}`;
    $('stat-loss').textContent = s.loss != null ? s.loss.toFixed(4) : '-';
    $('stat-acc').textContent = s.acc != null ? s.acc.toFixed(3) : '-';
    $('stat-rate').textContent = s.rate ? s.rate.toFixed(1) : '-';
    const bar = $('progress');
    bar.max = Math.max(1, total);
    bar.value = Math.min(s.step, total);
  }

  refreshButtons() {
    const s = this.status;
    $('btn-train').disabled = s.training;
    $('btn-pause').disabled = !s.training;
    $('btn-pause').textContent = s.paused ? 'Resume' : 'Pause';
    $('btn-step').disabled = s.training && !s.paused;
    if (this.controls) this.controls.disable(s.training);
  }

  // Views may keep state of their own in the URL (the Sweep view's sweep).
  urlExtra() {
    return Object.assign({}, ...[...this.views.values()].map((v) => v.urlParams?.() || {}));
  }

  syncUrl() {
    history.replaceState(null, '', writeUrl(this.settings, this.viewId, this.urlExtra()));
    if (!this.embed) $('cli').textContent = cliCommand(this.settings);
  }

  select(partial) {
    Object.assign(this.sel, partial);
    this.redraw();
  }

  redraw() {
    const view = this.views.get(this.viewId);
    if (view) view.update();
  }

  showView(id) {
    this.viewId = id;
    for (const v of VIEWS) {
      $(`panel-${v.id}`).hidden = v.id !== id;
      const tab = $(`tab-${v.id}`);
      if (tab) tab.setAttribute('aria-selected', String(v.id === id));
    }
    this.syncUrl();
    this.redraw();
  }

  async applySettings(settings, view = null, preset = null) {
    this.settings = settings;
    if (preset?.sweep) this.views.get('sweep')?.load(preset);
    if (view) this.showView(view);
    if (this.controls) this.controls.set(settings);
    this.syncUrl();
    await this.createSession();
  }

  // ------------------------------------------------------------- exports
  exportView(kind) {
    const view = this.views.get(this.viewId);
    if (!view) return;
    const base = `nopelab-${this.viewId}-step${this.status.step}`;
    if (kind === 'png') {
      const canvas = view.canvas();
      if (!canvas) return this.showError('nothing drawn in this view yet');
      canvas.toBlob((blob) => download(`${base}.png`, blob));
    } else if (kind === 'csv') {
      download(`${base}.csv`, view.csv(), 'text/csv');
    } else if (view.json) {
      download(`${base}.json`, view.json(), 'application/json');
    } else {
      download(`${base}.json`, JSON.stringify({ settings: this.settings, step: this.status.step, data: view.data() }), 'application/json');
    }
  }

  // JSON (with the optimizer state, so training resumes) or safetensors
  // (weights only, Hugging Face GPT-2 names; docs/interop.md).
  async downloadCheckpoint(format = 'json') {
    try {
      if (format === 'safetensors') {
        const r = await this.client.call('saveSafetensors', {});
        download(`nopelab-step${this.status.step}.safetensors`, new Blob([r.safetensors], { type: 'application/octet-stream' }));
        return;
      }
      const r = await this.client.call('saveCheckpoint', { withOptimizer: true });
      download(`nopelab-step${this.status.step}.json`, r.checkpoint, 'application/json');
    } catch (err) {
      this.showError(err.message);
    }
  }

  async uploadCheckpoint(file) {
    try {
      // Either format up to 512 MB (docs/interop.md); safetensors is told
      // apart by its first bytes (8-byte header length, top byte 0, then '{').
      if (file.size > 512 * 1024 * 1024) throw new Error('file is larger than 512 MB');
      const head = new Uint8Array(await file.slice(0, 9).arrayBuffer());
      const safetensors = head.length === 9 && head[7] === 0 && head[8] === 0x7b;
      const info = await this.client.call('loadCheckpoint',
        safetensors ? { bytes: new Uint8Array(await file.arrayBuffer()) } : { text: await file.text() });
      this.beforeAfter.reset();
      this.settings = fromConfig(info.config);
      this.controls.set(this.settings);
      this.status.step = info.step;
      this.curves = { step: [], loss: [], acc: [] };
      this.syncUrl();
      this.showError('');
      await this.refreshAnalysis();
      await this.refreshLengths();
      this.updateStats();
    } catch (err) {
      this.showError(`Could not load ${file.name}: ${err.message}`);
    }
  }

  embedCode() {
    const url = new URL(`embed.html${writeUrl(this.settings, this.viewId, this.urlExtra())}`, location.href);
    return `<iframe src="${url.href}" width="720" height="520" style="border:0" loading="lazy" title="NoPE Lab: ${this.viewId}"></iframe>`;
  }

  // What a drawing view sees: the data it draws and the selection, read
  // live, and a callback to change the selection - not the App. (A view that
  // runs experiments of its own, compare mode, still gets the App.)
  viewContext() {
    const app = this;
    return {
      get analysis() { return app.analysis; },
      get lengthGen() { return app.lengthGen; },
      get curves() { return app.curves; },
      get sel() { return app.sel; },
      get settings() { return app.settings; },
      get status() { return app.status; },
      get beforeAfter() { return app.beforeAfter; },
      select: (partial) => app.select(partial),
    };
  }

  // ------------------------------------------------------------- start
  async start() {
    if (!this.embed) {
      this.controls = buildControls($('controls'), this.settings, (path, v) => {
        this.applySettings({ ...this.settings, [path]: v });
      });
      this.controls.set(this.settings);
    }
    const tabs = $('tabs');
    for (const v of VIEWS) {
      if (tabs) tabs.append(el('button', { id: `tab-${v.id}`, role: 'tab', 'aria-controls': `panel-${v.id}`,
        onclick: () => this.showView(v.id), text: v.title }));
      const panel = el('section', { id: `panel-${v.id}`, class: 'panel', role: 'tabpanel', hidden: true },
        el('p', { class: 'caption', text: v.caption + ' ' }, el('a', { href: `dist/science.html#${v.id}`, target: '_blank', rel: 'noopener', text: 'Definitions and sources' })));
      $('views').append(panel);
      this.views.set(v.id, v.make(panel, v.runsExperiments ? this : this.viewContext()));
    }
    $('btn-train').addEventListener('click', () => this.train());
    $('btn-pause').addEventListener('click', () => this.togglePause());
    $('btn-step').addEventListener('click', () => this.stepOnce());
    $('btn-reset').addEventListener('click', () => this.reset());
    for (const kind of ['png', 'csv', 'json']) $(`export-${kind}`)?.addEventListener('click', () => this.exportView(kind));
    if (!this.embed) this.wirePageOnly();
    else this.presets = loadPresets(null, null, (settings, view, preset) => this.applySettings(settings, view, preset));
    this.showView(this.viewId);
    this.refreshButtons();
    try {
      const { version, engine } = await this.client.ready;
      $('version').textContent = `core ${version}`;
      this.showEngine(engine);
      if (this.presetId) {
        // The preset, then the link's own fields; an unknown preset is a
        // problem to show, not a page without a model.
        await this.presets.apply(this.presetId, this.urlOverrides, this.urlView).catch((err) => {
          this.urlProblems.push(err.message);
          return this.createSession();
        });
      } else await this.createSession();
    } catch (err) {
      this.showError(err.message);
    }
  }

  // Which wasm build the worker runs (web/worker.js): threaded only when the
  // page is cross-origin isolated (docs/hosting.md).
  showEngine(engine) {
    this.engine = engine;
    const line = $('engine');
    if (!line || !engine) return;
    line.textContent = engine.build === 'threaded'
      ? `wasm: threaded, ${engine.threads} thread${engine.threads === 1 ? '' : 's'}`
      : `wasm: single thread${engine.fallback ? ` (${engine.fallback})` : engine.isolated ? '' : ' (page not cross-origin isolated)'}`;
    line.dataset.build = engine.build;
    line.dataset.threads = String(engine.threads);
  }

  wirePageOnly() {
    // Enter in a field must not submit (navigate); the form is never sent.
    $('controls').addEventListener('submit', (e) => e.preventDefault());
    $('btn-ckpt-save').addEventListener('click', () => this.downloadCheckpoint('json'));
    $('btn-ckpt-save-st').addEventListener('click', () => this.downloadCheckpoint('safetensors'));
    $('ckpt-file').addEventListener('change', (e) => {
      if (e.target.files[0]) this.uploadCheckpoint(e.target.files[0]);
      e.target.value = '';
    });
    $('btn-share').addEventListener('click', async () => {
      await navigator.clipboard?.writeText(location.href).catch(() => {});
      $('share-note').textContent = 'link copied';
    });
    $('btn-embed').addEventListener('click', async () => {
      const code = this.embedCode();
      $('embed-code').value = code;
      await navigator.clipboard?.writeText(code).catch(() => {});
    });
    this.presets = loadPresets($('presets'), $('preset-info'), (settings, view, preset) => this.applySettings(settings, view, preset));
    savedRuns($('saved-runs'), this);
    this.syncUrl();
  }
}
