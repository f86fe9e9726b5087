// A pool of compute workers, each with its own wasm module (plain Web
// Workers: no SharedArrayBuffer, so it works without cross-origin isolation
// and inside embeds). Jobs queue; a worker that crashes is replaced and its
// job retried once; cancel terminates the workers running the cancelled jobs
// at once (fresh ones start lazily, on the next job). Workers idle for a
// minute are ended too: each holds a wasm heap that large runs grow.
// SessionWorker (at the end) is the page's main worker: a pool of one that
// restarts. Both talk to their workers through WorkerClient.

import { WorkerClient } from './worker_client.js';

export const MAX_POOL_SIZE = 8;

export function defaultPoolSize(cores = globalThis.navigator?.hardwareConcurrency) {
  return Math.max(1, Math.min(MAX_POOL_SIZE, cores || 2));
}

// A job rejected by cancel() carries cancelled = true, so callers can tell
// "the user stopped it" from "it failed".
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.cancelled = true;
  }
}

export class WorkerPool {
  // createWorker: () => Worker-like {postMessage, terminate, onmessage, onerror}
  // (injectable so node tests can drive the pool with fake workers).
  constructor({ size = defaultPoolSize(), createWorker = () => new Worker('worker.js?engine=single'), idleMs = 60000 } = {}) {
    this.createWorker = createWorker;
    this.idleMs = idleMs;
    this.size = clampSize(size);
    this.slots = [];   // {worker: WorkerClient|null, job: Job|null}
    this.queue = [];   // Jobs not yet started (front = next)
    this.crashes = 0;  // how many workers crashed (for tests and the status line)
    this.bySignal = new Map();  // AbortSignal -> Set of its unfinished jobs (one listener per signal)
    this.resize(this.size);
  }

  resize(size) {
    this.size = clampSize(size);
    while (this.slots.length < this.size) this.slots.push({ worker: null, job: null, idle: null });
    // Shrinking: idle workers go now, busy ones when their job ends.
    for (let k = this.slots.length - 1; k >= this.size; k--) {
      if (!this.slots[k].job) {
        clearTimeout(this.slots[k].idle);
        this.slots[k].worker?.kill(new Error('pool resized'));
        this.slots.splice(k, 1);
      }
    }
    this.pump();
  }

  // job.run(call) does the work with call(kind, payload, onProgress) bound
  // to one worker; it may make several calls (e.g. create, train, analyze).
  // Options: signal (AbortSignal: cancels this job), priority (jumps the queue).
  submit(run, { signal = null, priority = false } = {}) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new CancelledError());
      const job = { run, resolve, reject, signal, attempts: 0, slot: null };
      if (signal) this.watch(signal, job);
      if (priority) this.queue.unshift(job);
      else this.queue.push(job);
      this.pump();
    });
  }

  // One request as a job.
  call(kind, payload = {}, opts = {}) {
    return this.submit((call) => call(kind, payload, opts.onProgress), opts);
  }

  // Cancels every queued and running job; their workers are terminated.
  cancel() {
    for (const job of [...this.queue, ...this.slots.map((s) => s.job).filter(Boolean)]) this.abort(job);
  }

  terminate() {
    this.cancel();
    for (const s of this.slots) {
      clearTimeout(s.idle);
      s.worker?.kill(new Error('pool terminated'));
    }
    this.slots = [];
    this.size = 0;
  }

  get busy() {
    return this.slots.filter((s) => s.job).length;
  }

  get pending() {
    return this.queue.length + this.busy;
  }

  watch(signal, job) {
    let jobs = this.bySignal.get(signal);
    if (!jobs) {
      jobs = new Set();
      this.bySignal.set(signal, jobs);
      signal.addEventListener('abort', () => {
        this.bySignal.delete(signal);
        for (const j of jobs) this.abort(j);
      }, { once: true });
    }
    jobs.add(job);
  }

  abort(job) {
    if (job.done) return;
    const q = this.queue.indexOf(job);
    if (q >= 0) this.queue.splice(q, 1);
    const slot = job.slot;
    this.finish(job, null, new CancelledError());
    if (slot) {
      // Terminate now: a run can take seconds and the user asked to stop.
      slot.worker?.kill(new CancelledError());
      slot.worker = null;
      slot.job = null;
      this.release(slot);
    }
  }

  finish(job, value, error) {
    if (job.done) return;
    job.done = true;
    job.slot = null;
    const jobs = job.signal && this.bySignal.get(job.signal);
    if (jobs) {
      jobs.delete(job);
      // Forget a signal with nothing left to cancel (its listener stays
      // attached but finds an empty set).
      if (!jobs.size) this.bySignal.delete(job.signal);
    }
    if (error) job.reject(error);
    else job.resolve(value);
  }

  // A slot whose job ended: drop it if the pool shrank, else take the next job.
  release(slot) {
    const k = this.slots.indexOf(slot);
    if (k >= this.size && k >= 0) {
      clearTimeout(slot.idle);
      slot.worker?.kill(new Error('pool resized'));
      this.slots.splice(k, 1);
    }
    this.pump();
  }

  pump() {
    for (const slot of this.slots) {
      if (slot.job || this.slots.indexOf(slot) >= this.size) continue;
      if (this.queue.length) this.start(slot, this.queue.shift());
      else if (slot.worker && !slot.idle) {
        slot.idle = setTimeout(() => {
          slot.idle = null;
          if (!slot.job) {
            slot.worker?.kill(new Error('idle worker ended'));
            slot.worker = null;
          }
        }, this.idleMs);
      }
    }
  }

  async start(slot, job) {
    clearTimeout(slot.idle);
    slot.idle = null;
    slot.job = job;
    job.slot = slot;
    job.attempts++;
    if (!slot.worker || slot.worker.dead) {
      try {
        slot.worker = new WorkerClient(this.createWorker, { onCrash: () => { this.crashes++; } });
      } catch (err) {  // e.g. workers are not allowed on this page
        slot.job = null;
        slot.worker = null;
        this.finish(job, null, new Error(`could not start a compute worker: ${err.message}`));
        queueMicrotask(() => this.pump());  // the queued jobs fail the same way, each with the reason
        return;
      }
    }
    const worker = slot.worker;
    let value, error;
    try {
      value = await job.run((kind, payload, onProgress) => worker.call(kind, payload, onProgress));
    } catch (err) {
      error = err;
    }
    if (job.done) return;  // cancelled meanwhile: abort() already released the slot
    slot.job = null;
    if (worker.dead) slot.worker = null;  // replaced lazily, by the next job on this slot
    if (error?.crashed) {
      // The worker crashed under this job: retry once on a fresh worker.
      if (job.attempts < 2) {
        job.slot = null;
        this.queue.unshift(job);
        return this.release(slot);
      }
      const e = new Error(`${error.message}; the retry crashed too`);
      e.crashed = true;
      this.finish(job, null, e);
      return this.release(slot);
    }
    this.finish(job, value, error);
    this.release(slot);
  }
}

function clampSize(n) {
  return Math.max(1, Math.min(MAX_POOL_SIZE, Math.floor(Number(n)) || 1));
}

// The page's main worker: a pool of one that holds the training session.
// Calls go straight to its worker (pause and stop arrive while train runs),
// and a crash restarts it at once: what was in flight fails with the reason,
// then onCrash(error) lets the page build its session again (nothing is
// retried: a fresh worker has no session to retry on).
export class SessionWorker {
  constructor({ createWorker = () => new Worker('worker.js'), onCrash = null } = {}) {
    this.createWorker = createWorker;
    this.onCrash = onCrash;
    this.crashes = 0;
    this.start();
  }

  start() {
    this.client = new WorkerClient(this.createWorker, {
      crashMessage: (reason) => `the compute worker crashed (${reason}); it has been restarted`,
      onCrash: (dead) => {
        this.crashes++;
        this.start();
        this.onCrash?.(dead.deathError);
      },
    });
  }

  // Resolves with the worker's init reply ({version, engine}).
  get ready() {
    return this.client.ready;
  }

  call(kind, payload = {}, onProgress = null) {
    return this.client.call(kind, payload, onProgress);
  }
}
