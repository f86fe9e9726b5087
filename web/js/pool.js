// A pool of compute workers, each with its own wasm module (plain Web
// Workers: no SharedArrayBuffer, so it works without cross-origin isolation
// and inside embeds). Jobs queue; a worker that crashes is replaced and its
// job retried once; cancel terminates the workers running the cancelled jobs
// at once (fresh ones start lazily, on the next job). Workers idle for a
// minute are ended too: each holds a wasm heap that large runs grow.

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

// One worker speaking docs/worker-protocol.md: {id, kind, payload} out,
// exactly one {id, ok, result|error} back (plus progress for train). A crash
// (onerror, onmessageerror, or a reply flagged fatal: the wasm module
// trapped and its state cannot be trusted) fails whatever is in flight.
class PoolWorker {
  constructor(createWorker, onCrash) {
    this.onCrash = onCrash;
    this.pending = new Map();
    this.nextId = 1;
    this.dead = false;
    this.worker = createWorker();
    this.worker.onmessage = (e) => this.receive(e.data);
    this.worker.onerror = (e) => {
      e?.preventDefault?.();
      this.crash(e?.message || 'worker error');
    };
    this.worker.onmessageerror = () => this.crash('a message could not be read');
    // A module that fails to load ends this worker (the next job gets a fresh
    // one); the job waiting on it fails with the load error, without a retry.
    this.ready = this.request('init');
    this.ready.catch((err) => this.kill(err));
  }

  receive(msg) {
    const p = msg && this.pending.get(msg.id);
    if (!p) return;
    if (msg.kind === 'progress') {
      p.onProgress?.(msg.result);
      return;
    }
    if (msg.fatal) return this.crash(msg.error || 'the wasm module trapped');
    this.pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new Error(msg.error));
  }

  request(kind, payload = {}, onProgress = null) {
    if (this.dead) return Promise.reject(this.deathError);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.worker.postMessage({ id, kind, payload });
    });
  }

  async call(kind, payload, onProgress) {
    await this.ready;
    return this.request(kind, payload, onProgress);
  }

  // Ends the worker; in-flight requests reject with `error`.
  kill(error) {
    if (this.dead) return;
    this.dead = true;
    this.deathError = error;
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  crash(reason) {
    if (this.dead) return;
    const error = new Error(`a compute worker crashed (${reason})`);
    error.crashed = true;
    this.kill(error);
    this.onCrash?.(this);
  }
}

export class WorkerPool {
  // createWorker: () => Worker-like {postMessage, terminate, onmessage, onerror}
  // (injectable so node tests can drive the pool with fake workers).
  constructor({ size = defaultPoolSize(), createWorker = () => new Worker('worker.js?engine=single'), idleMs = 60000 } = {}) {
    this.createWorker = createWorker;
    this.idleMs = idleMs;
    this.size = clampSize(size);
    this.slots = [];   // {worker: PoolWorker|null, job: Job|null}
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
        slot.worker = new PoolWorker(this.createWorker, () => { this.crashes++; });
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
