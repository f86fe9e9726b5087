// Promise wrapper around the worker protocol (docs/worker-protocol.md).
// Restarts the worker when it crashes (an uncaught error or a wasm trap),
// failing every pending request with a clear message, so the page recovers
// without a reload.

export class WorkerClient {
  constructor(url = 'worker.js', { onCrash } = {}) {
    this.url = url;
    this.onCrash = onCrash;
    this.nextId = 1;
    this.pending = new Map();
    this.start();
  }

  start() {
    this.worker = new Worker(this.url);
    this.ready = this.request('init');
    this.worker.onmessage = (e) => this.receive(e.data);
    this.worker.onerror = (e) => {
      e.preventDefault();
      this.crash(e.message || 'worker error');
    };
  }

  receive(msg) {
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.kind === 'progress') {
      if (p.onProgress) p.onProgress(msg.result);
      return;
    }
    if (msg.fatal) return this.crash(msg.error);  // the wasm module trapped
    this.pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new Error(msg.error));
  }

  crash(reason) {
    const error = new Error(`the compute worker crashed (${reason}); it has been restarted`);
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
    this.worker.terminate();
    this.start();
    if (this.onCrash) this.onCrash(error);
  }

  request(kind, payload = {}, onProgress = null) {
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

  terminate() {
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new Error('worker terminated'));
    this.pending.clear();
  }
}
