import { workerData } from 'node:worker_threads';
import type { LayerConfig } from '../nn/types.js';
import { rebuildLayer } from '../nn/registry.js';
import { compileFused, fusedTile, fusedVariances, inputVariances, tileScratch } from './fused.js';
import { reportError, workOn, type SharedJob } from './threads.js';

/** Worker thread of kernelFn (src/kernels/threads.ts): rebuilds the network from its config (src/nn/registry.ts) and takes tiles. */
interface TileJobData {
  config: LayerConfig;
  d: number;
  n1: number;
  n2: number;
  x1: SharedArrayBuffer;
  x2: SharedArrayBuffer | null;
  nngp: SharedArrayBuffer;
  ntk: SharedArrayBuffer | null;
  grid: SharedArrayBuffer;
  tile: number;
  symmetric: boolean;
  total: number;
  control: SharedArrayBuffer;
  errorText: SharedArrayBuffer;
}

const data = workerData as TileJobData;
const job: SharedJob = {
  control: new Int32Array(data.control),
  errorText: new Uint8Array(data.errorText),
  total: data.total,
};
try {
  const p = compileFused(rebuildLayer(data.config), data.d);
  if (p === null) throw new Error('kernelFn worker: the network is not a fused chain');
  const x1 = new Float64Array(data.x1);
  const q1 = fusedVariances(p, inputVariances(x1, data.n1, data.d));
  const q2 =
    data.x2 === null ? q1 : fusedVariances(p, inputVariances(new Float64Array(data.x2), data.n2, data.d));
  const nngp = new Float64Array(data.nngp);
  const ntk = data.ntk === null ? null : new Float64Array(data.ntk);
  const grid = new Int32Array(data.grid);
  const sc = tileScratch(p, data.tile);
  workOn(job, (t) => {
    const r0 = grid[2 * t];
    const c0 = grid[2 * t + 1];
    const r1 = Math.min(r0 + data.tile, data.n1);
    const c1 = Math.min(c0 + data.tile, data.n2);
    fusedTile(
      p,
      q1,
      q2,
      nngp,
      ntk,
      data.n2,
      r0,
      r1,
      c0,
      c1,
      data.symmetric && c0 !== r0,
      sc,
      data.symmetric && c0 === r0,
    );
  });
} catch (e) {
  reportError(job, `kernelFn worker: ${(e as Error).message}`);
}
