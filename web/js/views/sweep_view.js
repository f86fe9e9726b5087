// The Sweep view: a claim over a range of settings, with seed intervals.
// The form edits a sweep (axes, seeds, measures); Run validates it with the
// core (sweepPlan) before any run starts, times a first wave of runs for a
// budget estimate (and asks above a threshold), then runs the rest on the worker
// pool, drawing cell by cell as records arrive. The sweep lives in the URL.
import { el } from '../dom.js';
import { defaultSweep, buildSpec, resultCsv, sweepCommand, sweepFromParams, sweepFromPreset, sweepToParams } from '../sweep_spec.js';
import { planSweep, poolSize, runOne, runSweep, setPoolSize, sharedPool } from '../experiments.js';
import { defaultPoolSize } from '../pool.js';
import { buildSweepForm } from './sweep_form.js';
import { SweepPlots } from './sweep_plots.js';

const CONFIRM_SECONDS = 60;  // ask before a sweep expected to take longer (wall clock)

const duration = (s) => (s < 90 ? `${s.toFixed(s < 10 ? 1 : 0)} s` : s < 5400 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(1)} h`);

// The page starts with a small, meaningful sweep: adjacency over the init
// scale (Zuo et al.'s "common range").
function starterSweep() {
  return { ...defaultSweep(), axes: [{ path: 'model.init.std', values: [0.01, 0.02, 0.05, 0.1] }] };
}

export function sweepView(root, app) {
  const fromUrl = sweepFromParams(location.search, app.settings);
  let sweep = fromUrl ? fromUrl.sweep : starterSweep();
  let inUrl = !!fromUrl;           // a sweep enters the URL once it came from one or was edited
  let pendingRun = !!fromUrl;      // a shared link re-runs its sweep when the view opens
  let running = null;              // {ctl} while a sweep runs
  let result = null;

  const formBox = el('div', { class: 'sweep-form' });
  const workers = el('input', { type: 'number', id: 'sweep-workers', min: 1, max: defaultPoolSize(), value: poolSize(),
    'aria-label': 'parallel workers', onchange: () => setPoolSize(Math.max(1, workers.valueAsNumber | 0)) });
  const runBtn = el('button', { id: 'sweep-run', class: 'primary', text: 'Run sweep', onclick: () => run() });
  const cancelBtn = el('button', { id: 'sweep-cancel', text: 'Cancel', disabled: true, onclick: () => running?.ctl.abort() });
  const progress = el('progress', { id: 'sweep-progress', value: 0, max: 1, 'aria-label': 'sweep progress' });
  const status = el('p', { id: 'sweep-status', class: 'score', 'aria-live': 'polite' });
  const problem = el('div', { id: 'sweep-error', class: 'error', role: 'alert', hidden: true });
  const confirmBox = el('div', { id: 'sweep-confirm', class: 'preset-info', hidden: true });
  const cli = el('code', { id: 'sweep-cli' });
  const plotsBox = el('div');
  // Embeds show the evidence first; the form folds away.
  root.append(app.embed ? el('details', { class: 'sweep-form-fold' }, el('summary', { text: 'sweep settings' }), formBox) : formBox,
    el('div', { class: 'view-controls' }, runBtn, cancelBtn, el('label', {}, 'workers ', workers), progress),
    status, problem, confirmBox, plotsBox,
    el('details', { class: 'cli-box' }, el('summary', { text: 'Same sweep from the command line' }), cli));
  const plots = new SweepPlots(plotsBox);
  const form = buildSweepForm(formBox, () => app.settings, (s) => {
    sweep = s;
    inUrl = true;
    refresh();
  });

  function refresh() {
    cli.textContent = sweepCommand(app.settings, sweep);
    app.syncUrl();
  }

  function showProblem(text) {
    problem.textContent = text || '';
    problem.hidden = !text;
  }

  // Resolves true to go on, false to stop (an inline box, not window.confirm:
  // embeds and automated browsers must not block on a dialog).
  function confirmBudget(text) {
    return new Promise((resolve) => {
      const answer = (yes) => {
        confirmBox.hidden = true;
        resolve(yes);
      };
      confirmBox.replaceChildren(el('p', { text }),
        el('button', { id: 'sweep-confirm-yes', class: 'primary', text: 'Run it', onclick: () => answer(true) }), ' ',
        el('button', { id: 'sweep-confirm-no', text: 'Not now', onclick: () => answer(false) }));
      confirmBox.hidden = false;
      running.ctl.signal.addEventListener('abort', () => answer(false), { once: true });
    });
  }

  function onProgress({ done, failed, diverged, total, rate, eta }) {
    progress.max = total;
    progress.value = done;
    status.textContent = `${done} / ${total} runs${failed ? `, ${failed} failed` : ''}${diverged ? `, ${diverged} diverged (no values)` : ''}` +
      (rate > 0 ? ` · ${rate.toFixed(2)} runs/s · ETA ${eta != null ? duration(eta) : '-'}` : '');
  }

  async function run() {
    if (running) return;
    pendingRun = false;
    inUrl = true;
    refresh();
    showProblem('');
    const ctl = new AbortController();
    running = { ctl };
    runBtn.disabled = true;
    cancelBtn.disabled = false;
    document.body.dataset.sweepState = 'running';
    const pool = sharedPool();
    const spec = buildSpec(app.settings, sweep);
    if (!spec.measures.length) delete spec.measures;  // the core's defaults
    try {
      status.textContent = 'checking the sweep...';
      const plan = await planSweep(pool, spec, { signal: ctl.signal });
      if (!plan.ok) {
        showProblem(`Sweep not started: ${plan.error}`);
        status.textContent = '';
        return;
      }
      result = null;
      plots.reset(plan.axes, plan.spec.measures || sweep.measures);
      progress.max = plan.runs;
      progress.value = 0;
      status.textContent = `${plan.runs} runs (${plan.cells} cells × ${plan.spec.seeds ?? sweep.seeds} seeds): timing the first runs...`;
      // The first wave times runs for the estimate: one run per worker (at
      // least two), spread from the first cell to the last, since the cost
      // grows along an axis such as d_model or train.steps. Its runs count.
      const tStart = performance.now();
      let asking = 0;  // ms spent waiting for the user's answer, not computing
      const jobs = Math.min(pool.size, plan.runs);
      const wave = Math.min(plan.runs, Math.max(2, jobs));
      const records = new Map();
      const started = new Map();
      for (let k = 0; k < wave; k++) {
        const run = wave > 1 ? Math.round((k * (plan.runs - 1)) / (wave - 1)) : 0;
        const p = runOne(pool, plan.spec, run, { signal: ctl.signal });
        started.set(run, p);
        p.then((r) => records.set(run, r), () => {});
      }
      const settled = await Promise.allSettled(started.values());
      if (ctl.signal.aborted) throw settled.find((x) => x.status === 'rejected')?.reason || new Error('cancelled');
      const timed = settled.filter((x) => x.status === 'fulfilled').map((x) => x.value);
      if (!timed.length) throw settled[0].reason;  // every timing run failed: say why
      const secs = Math.max(timed.reduce((a, r) => a + (r.seconds || 0), 0) / timed.length, 1e-3);
      const wall = (plan.runs * secs) / jobs;
      const estimate = `${plan.runs} runs × ${duration(secs)} ≈ ${duration(plan.runs * secs)} of compute, about ${duration(wall)} on ${jobs} worker${jobs > 1 ? 's' : ''}`;
      if (wall > CONFIRM_SECONDS) {
        const t = performance.now();
        const yes = await confirmBudget(`This sweep is large: ${estimate}.`);
        asking = performance.now() - t;
        if (!yes) {
          ctl.abort();
          status.textContent = `not run (${estimate}).`;
          return;
        }
      }
      for (const run of records.keys()) started.delete(run);
      const out = await runSweep(pool, plan, {
        records, started, signal: ctl.signal, onProgress,
        onSummary: (r) => {
          result = r;
          plots.update(r);
        },
      });
      // The sweep's wall time includes the timing wave (runSweep starts after it).
      if (out.result) out.result.timing.seconds = (performance.now() - tStart - asking) / 1000;
      result = out.result;
      const rate = out.result ? out.records.size / out.result.timing.seconds : 0;
      const diverged = [...out.records.values()].filter((r) => r.error);
      const fails = (diverged.length ? ` ${diverged.length} diverged while training (no values): ${diverged[0].error}.` : '') +
        (out.failures.length ? ` ${out.failures.length} failed: ${out.failures.map((f) => `run ${f.run}: ${f.error}`).join('; ')}.` : '');
      status.textContent = out.cancelled
        ? `cancelled: ${out.records.size} of ${plan.runs} runs kept.${fails}`
        : `${out.records.size} of ${plan.runs} runs in ${duration(out.result?.timing.seconds || 0)} (${rate.toFixed(2)} runs/s on ${jobs} worker${jobs > 1 ? 's' : ''}; estimate was ${duration(wall)}).${fails}`;
      if (out.failures.length) showProblem(`Some runs failed:${fails}`);
    } catch (err) {
      if (err.cancelled) status.textContent = 'cancelled.';
      else showProblem(`Sweep stopped: ${err.message}`);
    } finally {
      running = null;
      runBtn.disabled = false;
      cancelBtn.disabled = true;
      confirmBox.hidden = true;
      document.body.dataset.sweepState = ctl.signal.aborted ? 'cancelled' : 'done';
    }
  }

  form.set(sweep);
  cli.textContent = sweepCommand(app.settings, sweep);
  if (fromUrl?.problems.length) showProblem(fromUrl.problems.join('; '));

  return {
    update() {
      // Settings changed (or the view opened): the command follows them; a
      // shared link runs its sweep once the view is shown.
      cli.textContent = sweepCommand(app.settings, sweep);
      form.refresh();
      if (pendingRun && app.viewId === 'sweep') setTimeout(() => run(), 0);
      pendingRun = false;
    },
    // A sweep preset: its config is already the page's settings.
    load(preset) {
      sweep = sweepFromPreset(preset.sweep, preset.config);
      inUrl = true;
      pendingRun = true;
      form.set(sweep);
      cli.textContent = sweepCommand(app.settings, sweep);
    },
    urlParams: () => (inUrl ? Object.fromEntries(sweepToParams(sweep)) : {}),
    canvas: () => plots.canvas(),
    data: () => result,
    json: () => JSON.stringify(result, null, 1),
    csv: () => (result ? resultCsv(result) : ''),
  };
}
