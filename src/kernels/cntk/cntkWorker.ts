import { workerData } from 'node:worker_threads';
import type { StencilEngine } from '../../linalg/convReluStencil.js';
import { rebuildLayer } from '../../nn/registry.js';
import type { LayerConfig } from '../../nn/types.js';
import { reportError, workOn, type SharedJob } from '../threads.js';
import { cntkScratch, runCntkTask, type CntkPlan } from './cntkTasks.js';
import { varianceLayout } from './imageVariances.js';
import { compileCntk } from './program.js';

/** Worker thread of the fused CNTK path (./cntkKernelFn.ts): rebuilds and compiles the network, takes tasks. */
interface CntkJobData {
  config: LayerConfig;
  plan: CntkPlan;
  /** The calling thread's stencil engine (this thread makes its own wasm instance and memory for it). */
  engine: StencilEngine;
  spatial: number[];
  channels: number;
  x1: SharedArrayBuffer;
  x2: SharedArrayBuffer;
  v1: SharedArrayBuffer;
  v2: SharedArrayBuffer;
  nngp: SharedArrayBuffer;
  ntk: SharedArrayBuffer | null;
  var1: SharedArrayBuffer;
  var2: SharedArrayBuffer;
  taps: SharedArrayBuffer | null;
  control: SharedArrayBuffer;
  errorText: SharedArrayBuffer;
}

const data = workerData as CntkJobData;
const job: SharedJob = {
  control: new Int32Array(data.control),
  errorText: new Uint8Array(data.errorText),
  total: data.plan.tasks.length / 2,
};
try {
  const program = compileCntk(rebuildLayer(data.config), data.spatial, data.channels);
  if (typeof program === 'string')
    throw new Error(`the fused CNTK program does not compile here (${program})`);
  const io = {
    program,
    layout: varianceLayout(program),
    x1: new Float64Array(data.x1),
    x2: new Float64Array(data.x2),
    v1: new Float64Array(data.v1),
    v2: new Float64Array(data.v2),
    nngp: new Float64Array(data.nngp),
    ntk: data.ntk === null ? null : new Float64Array(data.ntk),
    var1: new Float64Array(data.var1),
    var2: new Float64Array(data.var2),
    taps: data.taps === null ? null : new Float64Array(data.taps),
  };
  const sc = cntkScratch(program, io.layout, data.engine);
  workOn(job, (t) => runCntkTask(data.plan, io, t, sc));
} catch (e) {
  reportError(job, `kernelFn worker: ${(e as Error).message}`);
}
