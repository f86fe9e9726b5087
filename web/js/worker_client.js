// The one client of a compute worker (docs/worker-protocol.md): {id, kind,
// payload} out, exactly one {id, ok, result|error} back (plus progress for
// train). A crash (onerror, onmessageerror, or a reply flagged fatal: the
// wasm module trapped and its state cannot be trusted) ends the worker and
// fails whatever is in flight; what happens next is the owner's choice
// (web/js/pool.js: the pool retries the job on a fresh worker, the page's
// session worker restarts at once).

export class WorkerClient {
  // createWorker: () => Worker-like {postMessage, terminate, onmessage, onerror}.
  // onCrash(client): called after a crash has failed the pending requests.
  // crashMessage(reason): the text those requests fail with.
  constructor(createWorker, { onCrash = null, crashMessage = (reason) => `a compute worker crashed (${reason})` } = {}) {
    this.onCrash = onCrash;
    this.crashMessage = crashMessage;
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
    // A module that fails to load ends this worker; whoever waits on it
    // fails with the load error (the pool does not retry that).
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

  // Requests other than init wait for the module to load first.
  async call(kind, payload = {}, onProgress = null) {
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
    const error = new Error(this.crashMessage(reason));
    error.crashed = true;
    this.kill(error);
    this.onCrash?.(this);
  }
}
