// Runs nopelab commands for scripts/reproduce: at most `jobs` at a time, each
// under `nice -n 10` and on one thread (the pool is the parallelism; results
// are bit-identical for any thread count), with results cached by their exact arguments in
// build/reproduce-cache/ so that a re-run only computes what is missing.
// The binary is $NOPELAB when set (as ctest sets it), else build/nopelab.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export class Runner {
  constructor({ bin = process.env.NOPELAB || './build/nopelab', jobs = 2, cacheDir = 'build/reproduce-cache', fresh = false, log = () => {} }) {
    this.bin = bin;
    this.jobs = jobs;
    this.cacheDir = cacheDir;
    this.log = log;
    this.active = 0;
    this.queue = [];
    this.ran = 0;
    this.reused = 0;
    this.seconds = 0;
    this.reusedSeconds = 0;
    this.untimed = 0;  // reused results computed before timings were kept  // what the reused results took when they were computed
    if (fresh) fs.rmSync(cacheDir, { recursive: true, force: true });
    fs.mkdirSync(cacheDir, { recursive: true });
  }

  file(key, ext) { return path.join(this.cacheDir, `${key}.${ext}`); }

  // A config object becomes a file named by its content, so the argument
  // list (and with it the cache key) is the config itself.
  configFile(config) {
    const text = JSON.stringify(config);
    const f = this.file('cfg-' + hash(text), 'json');
    if (!fs.existsSync(f)) fs.writeFileSync(f, text);
    return f;
  }

  // Waiting runs start lowest priority first, then in arrival order: the
  // cheap analyses of finished trainings go before further trainings, so
  // tables fill in while a long sweep is still queued.
  async slot(fn, priority = 1) {
    if (this.active >= this.jobs) await new Promise((r) => this.queue.push({ priority, r, n: this.queue.length ? this.queue.at(-1).n + 1 : 0 }));
    this.active++;
    try { return await fn(); } finally {
      this.active--;
      if (this.queue.length) {
        let best = 0;
        for (let i = 1; i < this.queue.length; i++) if (this.queue[i].priority < this.queue[best].priority) best = i;
        this.queue.splice(best, 1)[0].r();
      }
    }
  }

  // Runs `nopelab args...`; the JSON it writes to stdout (or to --out, when
  // outFlag is given) is cached under a key of the arguments.
  async run(args, { outFlag = null, label = '', priority = 1 } = {}) {
    const key = hash(JSON.stringify(args));
    const result = this.file(key, 'json');
    if (fs.existsSync(result)) {
      this.reused++;
      if (fs.existsSync(result + '.sec')) this.reusedSeconds += +fs.readFileSync(result + '.sec', 'utf8'); else this.untimed++;
      return { json: JSON.parse(fs.readFileSync(result, 'utf8')), key };
    }
    return this.slot(async () => {
      const full = outFlag ? [...args, outFlag, result + '.tmp'] : args;
      const t0 = Date.now();
      const { code, stdout, stderr } = await exec('nice', ['-n', '10', this.bin, ...full]);
      if (code !== 0) throw new Error(`nopelab ${full.join(' ')}: exit ${code}: ${stderr.trim().split('\n').pop()}`);
      if (outFlag) fs.renameSync(result + '.tmp', result); else fs.writeFileSync(result, stdout);
      const s = (Date.now() - t0) / 1000;
      fs.writeFileSync(result + '.sec', String(s));
      this.ran++;
      this.seconds += s;
      this.log(`  ran ${label || args.slice(0, 3).join(' ')} (${s.toFixed(0)} s)`);
      return { json: JSON.parse(fs.readFileSync(result, 'utf8')), key };
    }, priority);
  }

  // Fresh model(s) from a config: analysis averaged over `seeds` init seeds.
  analyzeInit(config, { seeds = 1, extra = [] } = {}) {
    const args = ['analyze', '--config', this.configFile(config), '--seeds', String(seeds), '--quiet', '--threads', '1', ...extra];
    return this.run(args, { outFlag: '--out', label: `analyze ${describe(config)}`, priority: 0 }).then((r) => r.json);
  }

  // Trains a config; returns the summary and the checkpoint path.
  async train(config, priority = 1) {
    const cfg = this.configFile(config);
    const ck = this.file('ck-' + hash(JSON.stringify(config)), 'json');
    const args = ['train', '--config', cfg, '--quiet', '--threads', '1', '--out', ck];
    if (!fs.existsSync(ck)) fs.rmSync(this.file(hash(JSON.stringify(args)), 'json'), { force: true });
    const r = await this.run(args, { label: `train ${describe(config)}`, priority });
    return { summary: r.json, ck };
  }

  // A sweep preset through `nopelab sweep` (one job: the runner's own pool is
  // the parallelism); cached by the preset's content.
  // Memoised: the headline check and the sweep table ask for the same result
  // at the same time, before either could find it in the cache.
  // The key is the preset's config and sweep alone: its text and expect do
  // not change the runs.
  sweep(preset) {
    const args = ['sweep', '--spec', this.configFile({ config: preset.config, sweep: preset.sweep }), '--jobs', '1', '--threads', '1', '--quiet'];
    const key = JSON.stringify(args);
    this.sweeps ??= new Map();
    if (!this.sweeps.has(key)) this.sweeps.set(key, this.run(args, { outFlag: '--out', label: `sweep ${preset.id}`, priority: 1 }));
    return this.sweeps.get(key);
  }

  analyzeCk(ck, extra = []) {
    return this.run(['analyze', '--checkpoint', ck, '--quiet', '--threads', '1', ...extra], { outFlag: '--out', label: `analyze ${path.basename(ck)}`, priority: 0 }).then((r) => r.json);
  }

  evalCk(ck, extra = []) {
    return this.run(['eval', '--checkpoint', ck, '--threads', '1', ...extra], { label: `eval ${path.basename(ck)}`, priority: 0 }).then((r) => r.json);
  }
}

function exec(cmd, args) {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function hash(text) { return createHash('sha1').update(text).digest('hex').slice(0, 16); }

function describe(c) {
  const m = c.model || {}, t = c.task || {}, tr = c.train || {};
  return `${t.name || 'copy'} ${m.pos_encoding || 'none'}${m.attention === 'bidirectional' ? ' bidir' : ''} d${m.d_model || 64} L${m.n_layers || 2} ` +
    `n${t.train_len || 16} steps ${tr.steps ?? 1000} seed ${tr.seed ?? 1}`;
}

// Deep merge of plain objects (b wins), for config variants.
export function merge(a, b) {
  const out = { ...a };
  for (const [k, v] of Object.entries(b || {}))
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && a && typeof a[k] === 'object' ? merge(a[k], v) : v;
  return out;
}

// Mean and half-width of the 95% Student-t interval of the mean.
const T975 = [NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
  2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086];
export function meanCi(xs) {
  const n = xs.length, m = xs.reduce((s, x) => s + x, 0) / n;
  if (n < 2) return { mean: m, ci: NaN, n };
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1));
  return { mean: m, ci: (T975[n - 1] || 1.96) * sd / Math.sqrt(n), n };
}
export function fmt(o, d = 3) {
  if (o === undefined || o === null || Number.isNaN(o.mean ?? o)) return 'n/a';
  if (typeof o === 'number') return o.toFixed(d);
  return Number.isNaN(o.ci) ? o.mean.toFixed(d) : `${o.mean.toFixed(d)} ± ${o.ci.toFixed(d)}`;
}
