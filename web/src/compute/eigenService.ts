import type { ModelJson } from '../../../src/nn/model.js';
import type { Tensor } from '../../../src/nn/types.js';
import type { Key } from '../../../src/random/key.js';
import type { EigenRequest } from '../eigenWorker.js';
import type { LabBackendName } from '../backend.js';
import type { GramianEigen } from './gramianEigen.js';

/**
 * G_t eigenpairs computed on a second worker, one request at a time: `request` hands it θ_s and f_s when it
 * is idle (and returns false when busy); finished results are collected by `take`; `settle` waits for the
 * one in flight.
 */
export class EigenService {
  private readonly worker: Worker;
  private pending: Promise<void> | null = null;
  private done: GramianEigen[] = [];
  private failure: Error | null = null;

  constructor(backend: LabBackendName, json: ModelJson, initKey: Key, x: Tensor, y: Float64Array, k: number) {
    this.worker = new Worker(new URL('../eigenWorker.ts', import.meta.url), { type: 'module' });
    const init: EigenRequest = { type: 'init', backend, json, initKey, x, y, k };
    this.worker.postMessage(init);
  }

  get busy(): boolean {
    return this.pending !== null;
  }

  request(step: number, theta: Float64Array, f: Float64Array): boolean {
    if (this.pending) return false;
    this.pending = new Promise<void>((resolve) => {
      this.worker.onmessage = (
        ev: MessageEvent<{ ok: true; eig: GramianEigen } | { ok: false; message: string }>,
      ) => {
        if (ev.data.ok) this.done.push(ev.data.eig);
        else this.failure = new Error(ev.data.message);
        this.pending = null;
        resolve();
      };
    });
    const req: EigenRequest = { type: 'eigen', step, theta: theta.slice(), f: f.slice() };
    this.worker.postMessage(req);
    return true;
  }

  take(): GramianEigen[] {
    if (this.failure) throw this.failure;
    const out = this.done;
    this.done = [];
    return out;
  }

  async settle(): Promise<void> {
    if (this.pending) await this.pending;
  }

  close(): void {
    this.worker.terminate();
  }
}
