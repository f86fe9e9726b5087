// <nope-figure>: one live NoPE Lab figure for any page, from one script tag:
//   <script type="module" src="https://.../nope-figure.js"></script>
//   <nope-figure preset="random_init_adjacency" view="similarity" controls="sigma attention"></nope-figure>
// Attributes: preset, then any config field (model.init.std="0.5"; the same
// semantics as a lab link), view (similarity | variance | decay | attention |
// length | training | sweep), controls, layer / site / head (what the view
// selects first), committed (view="sweep": a `nopelab sweep` result file of
// the same experiment, drawn at first paint; the reader can re-run it live).
// Every figure on the page shares one worker (figure_pool.js); each holds
// its height before it paints, loads a screen before it scrolls into view,
// trains only while on screen, draws with
// the lab's own views, describes its data in text, publishes its numbers
// (element.values, the "nope-figure-data" event, <span data-from="id:name">)
// and shows its errors in its own box. docs/embedding.md has the details.
import { AnalysisData } from './js/analysis_data.js';
import { BeforeAfter } from './js/before_after.js';
import { FIELDS } from './js/settings.js';
import { el } from './js/dom.js';
import { figurePool, figureEngine, SITE_BASE } from './js/figures/figure_pool.js';
import { readAttributes, readControls, resolveSettings, labUrl, labPresetUrl } from './js/figures/figure_config.js';
import { FigureRun, analysisRequest } from './js/figures/figure_run.js';
import { kindFor, KINDS, DEFAULT_SEL, RESERVE, settingValues } from './js/figures/figure_kinds.js';
import { buildControls, disableControls } from './js/figures/figure_controls.js';
import { fillProse } from './js/figures/prose.js';
import { SweepFigure, sweepBar } from './js/figures/sweep_figure.js';

const asset = (path) => new URL(path, SITE_BASE).href;

// uPlot (the line charts) is a classic script: loaded once per page.
let uplotReady = null;
function loadUplot() {
  if (globalThis.uPlot) return Promise.resolve();
  uplotReady ??= new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = asset('dist/vendor/uPlot.iife.min.js');
    s.onload = resolve;
    s.onerror = () => reject(new Error(`could not load ${s.src}`));
    document.head.append(s);
  });
  return uplotReady;
}

const reducedMotion = () => globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches === true;
const REPAINT_MS = 1500;  // while training, re-measure at most this often
const PRELOAD_PX = 1200;  // a figure loads and paints this far before it scrolls into view
let figureCount = 0;

export class NopeFigure extends HTMLElement {
  static get observedAttributes() {
    return ['preset', 'view', 'controls', 'layer', 'site', 'head', 'committed', ...FIELDS.map((f) => f.path)];
  }

  constructor() {
    super();
    this.number = ++figureCount;
    this.gen = 0;
    this.values = null;
    this.visible = false;
    this.userPaused = false;
    this.waiters = [];
    this.shuffles = 0;
  }

  connectedCallback() {
    if (this.shadowRoot) return;
    const root = this.attachShadow({ mode: 'open' });
    const css = ['dist/vendor/uPlot.min.css', 'css/app.css', 'css/figure.css']
      .map((p) => el('link', { rel: 'stylesheet', href: asset(p) }));
    this.$ = {
      controls: el('div', { class: 'nf-controls view-controls', role: 'group', 'aria-label': 'figure settings' }),
      status: el('div', { class: 'nf-status' }),
      progress: el('progress', { class: 'nf-progress', max: 1, value: 0, 'aria-label': 'training progress', hidden: true }),
      pause: el('button', { type: 'button', class: 'small', hidden: true, onclick: () => this.togglePause(), text: 'Pause' }),
      rerun: el('button', { type: 'button', class: 'small', hidden: true, onclick: () => this.toggleSweepSource() }),
      error: el('div', { class: 'nf-error error', role: 'alert', hidden: true }),
      panel: el('div', { class: 'nf-panel' }),
      desc: el('figcaption', { class: 'nf-desc' }),
      lab: el('a', { class: 'nf-lab', target: '_blank', rel: 'noopener', text: 'Open in the lab' }),
    };
    const $ = this.$;
    const figure = el('figure', { class: 'nf' }, $.controls, el('div', { class: 'nf-bar' }, $.status, $.progress, $.pause, $.rerun),
      $.error, $.panel, $.desc, el('div', { class: 'nf-links' }, $.lab));
    root.append(...css, figure);
    if (!this.hasAttribute('role')) this.setAttribute('role', 'figure');
    if (this.id) fillProse(document, this.id, null);
    this.reserve();
    this.dataset.state = 'idle';
    $.status.textContent = 'Loads as it nears the screen.';
    // Two distances: a figure loads and paints its first picture while it is
    // still a screen or so away (so it reaches its full height before the
    // reader sees it, and nothing they are reading moves), and trains only
    // while it is on screen.
    this.nearObserver = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) this.startOnce();
    }, { rootMargin: `${PRELOAD_PX}px 0px` });
    this.nearObserver.observe(this);
    this.observer = new IntersectionObserver((entries) => {
      this.visible = entries.some((e) => e.isIntersecting);
      this.onVisibility();
    }, { rootMargin: '100px' });
    this.observer.observe(this);
    // A figure never shrinks at one width: a repaint that needs less room
    // (a control, the before/after layout) leaves its height, so the text
    // below it does not move. A new width starts over.
    this.sizeObserver = new ResizeObserver(() => this.holdHeight());
    this.sizeObserver.observe(this);
    this.onDocVisibility = () => this.onVisibility();
    document.addEventListener('visibilitychange', this.onDocVisibility);
  }

  disconnectedCallback() {
    this.observer?.disconnect();
    this.nearObserver?.disconnect();
    this.sizeObserver?.disconnect();
    document.removeEventListener('visibilitychange', this.onDocVisibility);
    this.gen++;  // any loop in flight ends at its next step
    this.run?.drop();
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (oldValue === newValue || !this.started) return;
    // Several attributes set in one go restart once.
    if (this.restartQueued) return;
    this.restartQueued = true;
    queueMicrotask(() => {
      this.restartQueued = false;
      this.start();
    });
  }

  get onScreen() {
    return this.visible && document.visibilityState !== 'hidden';
  }

  startOnce() {
    if (this.started || document.visibilityState === 'hidden') return;
    this.started = true;
    this.shownAt = performance.now();
    this.start();
  }

  holdHeight() {
    const { width, height } = this.getBoundingClientRect();
    if (width !== this.heldWidth) {
      this.heldWidth = width;
      this.style.minHeight = '';
      this.reserve();
      return;
    }
    if (this.dataset.paintedMs != null && height > (parseFloat(this.style.minHeight) || 0)) this.style.minHeight = `${height}px`;
  }

  // The panel's room before it paints (RESERVE in figure_kinds.js): from the
  // view attribute at first, then from the settings once they are read.
  reserve() {
    const view = this.getAttribute('view') || 'similarity';
    const rule = RESERVE[view];
    const width = this.getBoundingClientRect().width;
    if (!rule || !width) return;
    const s = this.settings;
    const charts = this.ctx?.sweep?.spec?.measures?.length ??
      (this.getAttribute('sweep.measures')?.split(/[\s,]+/).filter(Boolean).length || 1);
    const trains = s ? s['train.steps'] > 0 : false;
    this.$.panel.style.minHeight = `${rule(width, { charts, trains })}px`;
  }

  onVisibility() {
    if (this.onScreen) this.startOnce();
    if (this.onScreen && !this.userPaused) this.waiters.splice(0).forEach((w) => w());
    // A sweep run holds the page's one worker for minutes: off screen (or
    // paused), give it back to the figures the reader is looking at.
    else this.ctx?.sweep?.stop();
    this.showTrainingStatus();
  }

  // Resolves when the figure may compute: on screen and not paused by the reader.
  whenMayRun() {
    if (this.onScreen && !this.userPaused) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  togglePause() {
    this.userPaused = !this.userPaused;
    if (this.userPaused) this.ctx?.sweep?.stop();
    this.$.pause.textContent = this.userPaused ? 'Resume' : 'Pause';
    if (this.ctx?.sweep?.plan) this.showSweepControls();
    if (!this.userPaused) this.onVisibility();
    this.showTrainingStatus();
  }

  showError(message) {
    this.$.error.textContent = message || '';
    this.$.error.hidden = !message;
  }

  selection() {
    const sel = { ...DEFAULT_SEL };
    const layer = this.getAttribute('layer'), head = this.getAttribute('head'), site = this.getAttribute('site');
    if (layer != null && Number.isInteger(+layer)) sel.layer = +layer;
    if (head != null && Number.isInteger(+head)) sel.head = +head;
    if (site) sel.site = site;
    return sel;
  }

  // (Re)builds the experiment from the attributes and runs it.
  async start() {
    const gen = ++this.gen;
    const $ = this.$;
    this.run?.drop();
    this.run = null;
    this.showError('');
    this.dataset.state = 'loading';
    $.status.textContent = 'Computing…';
    try {
      const viewId = this.getAttribute('view') || 'similarity';
      const kind = kindFor(viewId);
      if (!kind) throw new Error(`unknown view "${viewId}" (known: ${Object.keys(KINDS).join(', ')})`);
      const attrs = readAttributes(this);
      const ctl = readControls(this.getAttribute('controls'));
      const problems = [...attrs.problems, ...ctl.problems];
      if (problems.length) throw new Error(problems.join('; '));
      const [{ settings, preset }] = await Promise.all([resolveSettings(attrs), loadUplot()]);
      if (gen !== this.gen) return;
      this.settings = settings;
      $.lab.href = kind.sweep ? labPresetUrl(attrs.presetId, attrs.overrides, 'sweep', attrs.sweep) : labUrl(settings, kind.labView);
      buildControls($.controls, ctl.controls, settings, (path, v) => this.setAttribute(path, v), { shuffle: () => this.shuffle() });
      this.buildView(kind, settings);
      if (kind.sweep) {
        if (!preset?.sweep) throw new Error('view="sweep" needs a sweep preset (one with a "sweep" field)');
        this.ctx.sweep = new SweepFigure(figurePool(), settings, { ...preset.sweep, ...attrs.sweep });
        await this.ctx.sweep.planned({ priority: true });
        this.reserve();
        const committed = this.getAttribute('committed');
        this.committedProblem = committed ? await this.ctx.sweep.loadCommitted(asset(committed), committed, { priority: true }) : null;
      } else if (kind.compute) {
        this.receive({ custom: await kind.compute(figurePool(), settings, this.shuffles, { priority: true }) });
      } else {
        this.run = new FigureRun(figurePool(), `nope-figure-${this.number}-${gen}`, settings, kind.needs);
        this.receive(await this.run.first({ priority: true }));
      }
      if (gen !== this.gen) return;
      this.paint();
      if (this.dataset.paintedMs == null) {
        this.dataset.paintedMs = String(Math.round(performance.now() - this.shownAt));
        figureEngine().then((e) => { this.dataset.engine = `${e.build} ${e.threads}`; }, () => {});
      }
      if (this.run?.total > 0) await this.train(this.run, gen);
      if (kind.sweep) await this.runSweep(this.ctx.sweep, gen);
      if (gen !== this.gen) return;
      this.dataset.state = 'done';
      this.showTrainingStatus();
    } catch (err) {
      if (gen !== this.gen) return;
      this.dataset.state = 'error';
      $.status.textContent = '';
      this.showError(`This figure could not run: ${err.message}`);
    }
  }

  // The Shuffle control: the figure's next permutation of the same tokens.
  async shuffle() {
    const gen = this.gen;
    this.shuffles++;
    this.dataset.state = 'loading';
    disableControls(this.$.controls, true);
    try {
      const custom = await this.kind.compute(figurePool(), this.settings, this.shuffles, { priority: true });
      if (gen !== this.gen) return;
      this.receive({ custom });
      this.paint();
      this.dataset.state = 'done';
    } catch (err) {
      if (gen !== this.gen) return;
      this.dataset.state = 'error';
      this.showError(`This figure could not run: ${err.message}`);
    } finally {
      disableControls(this.$.controls, false);
    }
  }

  buildView(kind, settings) {
    this.kind = kind;
    this.ctx = {
      analysis: null, lengthGen: null, settings,
      curves: { step: [], loss: [], acc: [] },
      sel: this.selection(),
      status: { step: 0, training: false, paused: false },
      beforeAfter: new BeforeAfter(),
      select: (partial) => {
        Object.assign(this.ctx.sel, partial);
        this.paint();
      },
    };
    this.$.panel.replaceChildren();
    this.reserve();
    this.view = kind.make(this.$.panel, this.ctx);
  }

  receive(out) {
    if (out.custom) {
      this.ctx.custom = out.custom;
      this.ctx.shuffles = this.shuffles;
    }
    if (out.analysis) {
      this.ctx.analysis = new AnalysisData(out.analysis);
      this.ctx.beforeAfter.observe(this.ctx.analysis, analysisRequest(this.ctx.settings));
      if (!this.ctx.analysis.layers.includes(this.ctx.sel.layer)) this.ctx.sel.layer = this.ctx.analysis.layers[0];
    }
    if (out.lengths) this.ctx.lengthGen = out.lengths;
  }

  paint() {
    this.view.update();
    const values = this.kind.values(this.ctx);
    this.values = values ? { ...settingValues(this.ctx.settings), ...values } : null;
    this.$.desc.textContent = values ? this.kind.describe(this.ctx, values) : '';
    if (this.dataset.state === 'loading') this.dataset.state = 'painted';
    if (this.id) fillProse(document, this.id, this.values);
    this.dispatchEvent(new CustomEvent('nope-figure-data', { bubbles: true, composed: true, detail: { values: this.values, step: this.ctx.status.step } }));
  }

  async train(run, gen) {
    const $ = this.$;
    const status = this.ctx.status;
    status.training = true;
    $.progress.hidden = false;
    $.progress.max = run.total;
    $.pause.hidden = false;
    disableControls($.controls, true);
    let lastPaint = performance.now();
    this.dataset.state = 'training';
    try {
      while (run.step < run.total) {
        this.showTrainingStatus();
        await this.whenMayRun();
        if (gen !== this.gen) return;
        const m = await run.trainChunk();
        if (gen !== this.gen) return;
        status.step = run.step;
        Object.assign(this.ctx.curves, {
          step: [...this.ctx.curves.step, m.step], loss: [...this.ctx.curves.loss, m.loss], acc: [...this.ctx.curves.acc, m.token_acc],
        });
        $.progress.value = run.step;
        // Reduced motion: no moving picture while training, only the result.
        if (!reducedMotion() && performance.now() - lastPaint > REPAINT_MS && run.step < run.total) {
          this.receive(await run.remeasure());
          if (gen !== this.gen) return;
          this.paint();
          lastPaint = performance.now();
        }
      }
      this.receive(await run.remeasure());
      if (gen !== this.gen) return;
      status.training = false;
      this.paint();
      run.drop();
    } finally {
      status.training = false;
      disableControls($.controls, false);
      $.pause.hidden = true;
    }
  }

  // A sweep figure: the committed run (if any) is on show and done; the
  // reader's own run trains one run at a time while on screen, after their
  // Start (or Re-run). It holds the page's one worker for minutes, so it
  // waits for them: until then the page's other figures have the worker.
  async runSweep(sweep, gen) {
    const $ = this.$;
    $.progress.max = sweep.plan.runs;
    if (!this.sweepStarted) this.userPaused = true;
    this.sweepStarted = true;
    this.showSweepControls();
    try {
      while (sweep.done < sweep.plan.runs) {
        this.dataset.state = sweep.showing === 'committed' ? 'done' : 'training';
        this.showTrainingStatus();
        await this.whenMayRun();
        if (gen !== this.gen) return;
        try {
          await sweep.runNext();
        } catch (err) {
          if (err.cancelled) continue;  // stopped off screen: wait, then run it again
          throw err;
        }
        if (gen !== this.gen) return;
        $.progress.value = sweep.done;
        if (sweep.showing === 'browser') this.paint();
      }
    } finally {
      $.pause.hidden = true;
    }
  }

  // Start / Pause / Resume for the reader's run; Re-run and back to the
  // committed run when there is one.
  showSweepControls() {
    const $ = this.$;
    const bar = sweepBar(this.ctx.sweep, { userPaused: this.userPaused, onScreen: this.onScreen, problem: this.committedProblem });
    $.status.textContent = bar.status;
    $.progress.hidden = bar.progress.hidden;
    for (const k of ['pause', 'rerun']) {
      $[k].hidden = bar[k].hidden;
      $[k].textContent = bar[k].text;
    }
  }

  toggleSweepSource() {
    const sweep = this.ctx?.sweep;
    if (!sweep?.committed) return;
    if (sweep.showing === 'committed') {
      sweep.show('browser');
      this.userPaused = false;
    } else {
      sweep.show('committed');
      this.userPaused = true;
      sweep.stop();
    }
    this.dataset.state = sweep.showing === 'committed' || sweep.done >= sweep.plan.runs ? 'done' : 'training';
    this.showSweepControls();
    this.paint();
    this.onVisibility();
  }

  showTrainingStatus() {
    const run = this.run, $ = this.$;
    if (!$ || !this.ctx) return;
    const sweep = this.ctx.sweep;
    if (sweep?.plan) {
      this.showSweepControls();
      return;
    }
    if (!run) {
      $.status.textContent = this.dataset.state === 'loading' ? 'Computing…' : 'Untrained models, computed in your browser.';
      return;
    }
    if (run.total === 0) {
      $.status.textContent = this.dataset.state === 'loading' ? 'Computing…' : 'Untrained model, analysed in your browser.';
      return;
    }
    if (run.step >= run.total && !this.ctx.status.training) {
      $.status.textContent = `Trained ${run.total} steps in your browser.`;
      return;
    }
    const why = this.userPaused ? 'paused' : !this.onScreen ? 'paused while off screen' : 'training in your browser';
    $.status.textContent = `Step ${run.step} of ${run.total}: ${why}.`;
  }
}

if (!customElements.get('nope-figure')) customElements.define('nope-figure', NopeFigure);
