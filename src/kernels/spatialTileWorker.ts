import { workerData } from 'node:worker_threads';
import { rebuildLayer } from '../nn/registry.js';
import type { LayerConfig } from '../nn/types.js';
import { runSpatialTask, type SpatialPlan } from './spatialTiles.js';
import { reportError, workOn, type SharedJob } from './threads.js';

/** Worker thread of the spatial kernelFn (src/kernels/spatialKernelFn.ts): rebuilds the network and takes tasks. */
interface SpatialJobData {
  config: LayerConfig;
  plan: SpatialPlan;
  shape1: number[];
  shape2: number[];
  x1: SharedArrayBuffer;
  x2: SharedArrayBuffer;
  nngp: SharedArrayBuffer;
  ntk: SharedArrayBuffer | null;
  var1: SharedArrayBuffer;
  var2: SharedArrayBuffer;
  control: SharedArrayBuffer;
  errorText: SharedArrayBuffer;
}

const data = workerData as SpatialJobData;
const job: SharedJob = {
  control: new Int32Array(data.control),
  errorText: new Uint8Array(data.errorText),
  total: data.plan.tasks.length / 2,
};
try {
  const net = rebuildLayer(data.config);
  const x1 = { shape: data.shape1, data: new Float64Array(data.x1) };
  const x2 = { shape: data.shape2, data: new Float64Array(data.x2) };
  const nngp = new Float64Array(data.nngp);
  const ntk = data.ntk === null ? null : new Float64Array(data.ntk);
  const var1 = new Float64Array(data.var1);
  const var2 = new Float64Array(data.var2);
  workOn(job, (t) => runSpatialTask(net, data.plan, x1, x2, t, nngp, ntk, var1, var2));
} catch (e) {
  reportError(job, `kernelFn worker: ${(e as Error).message}`);
}
