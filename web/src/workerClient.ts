import type { LabInputs, LabResult } from './compute/result.js';
import type { LabBackendChoice } from './backend.js';
import type { RunRequest, WorkerReply } from './worker.js';

export interface RunHandlers {
  progress?(done: number, total: number): void;
  frame?(partial: LabResult): void;
}

export interface RunOutcome {
  readonly result: LabResult;
  readonly seconds: number;
  readonly backend: string;
}

/** Raised by `run` when a computation was cancelled (a newer one started, or the user pressed stop). */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/**
 * One compute worker at a time. `run` starts a computation; `cancel` stops it at once by terminating the
 * worker (the next run starts a fresh one), so a long computation never has to poll for a stop flag.
 */
export class LabWorker {
  private worker: Worker | null = null;
  private nextId = 1;
  private pending: { id: number; reject(e: Error): void } | null = null;

  private ensure(): Worker {
    if (!this.worker) this.worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    return this.worker;
  }

  cancel(): void {
    if (this.pending) {
      this.worker?.terminate();
      this.worker = null;
      this.pending.reject(new Cancelled());
      this.pending = null;
    }
  }

  run(
    view: string,
    params: Record<string, number | string>,
    backend: LabBackendChoice,
    inputs: LabInputs,
    h: RunHandlers = {},
  ): Promise<RunOutcome> {
    this.cancel();
    const w = this.ensure();
    const id = this.nextId++;
    return new Promise<RunOutcome>((resolve, reject) => {
      this.pending = { id, reject };
      w.onerror = (ev) => {
        ev.preventDefault();
        this.worker?.terminate();
        this.worker = null;
        this.pending = null;
        reject(new Error(`compute worker failed: ${ev.message}`));
      };
      w.onmessage = (ev: MessageEvent<WorkerReply>) => {
        const m = ev.data;
        if (m.id !== id) return;
        if (m.type === 'progress') h.progress?.(m.done, m.total);
        else if (m.type === 'frame') h.frame?.(m.result);
        else {
          this.pending = null;
          if (m.type === 'done') resolve({ result: m.result, seconds: m.seconds, backend: m.backend });
          else reject(new Error(m.message));
        }
      };
      const req: RunRequest = { type: 'run', id, view, params, backend, inputs };
      w.postMessage(req);
    });
  }
}
