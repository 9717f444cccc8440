/// <reference lib="webworker" />
// The lab's compute thread: runs one view computation on the src/ core (float64) and reports progress,
// partial frames and the result. The page cancels a computation by terminating this worker.
import { setBackend } from '../../src/linalg/select.js';
import { computations } from './compute/index.js';
import type { LabInputs, LabResult } from './compute/result.js';
import { selectBackend, type LabBackendChoice } from './backend.js';
import { NtkInputError } from '../../src/errors.js';

export interface RunRequest {
  readonly type: 'run';
  readonly id: number;
  readonly view: string;
  readonly params: Record<string, number | string>;
  readonly backend: LabBackendChoice;
  readonly inputs: LabInputs;
}

export type WorkerReply =
  | { type: 'progress'; id: number; done: number; total: number }
  | { type: 'frame'; id: number; result: LabResult }
  | { type: 'done'; id: number; result: LabResult; seconds: number; backend: string }
  | { type: 'error'; id: number; message: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: WorkerReply): void => scope.postMessage(m);

scope.onmessage = async (ev: MessageEvent<RunRequest>) => {
  const { id, view, params, backend, inputs } = ev.data;
  try {
    const compute = computations[view];
    if (!compute) throw new NtkInputError(`unknown view '${view}'`);
    const name = selectBackend(backend, setBackend);
    const t0 = performance.now();
    const result = await compute(
      params,
      {
        progress: (done, total) => post({ type: 'progress', id, done, total }),
        frame: (partial) => post({ type: 'frame', id, result: partial }),
      },
      inputs,
    );
    post({ type: 'done', id, result, seconds: (performance.now() - t0) / 1000, backend: name });
  } catch (e) {
    post({ type: 'error', id, message: e instanceof Error ? e.message : String(e) });
  }
};
