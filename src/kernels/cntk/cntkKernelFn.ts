import { convReluEngine } from '../../linalg/convReluStencil.js';
import type { Tensor } from '../../nn/types.js';
import type { Layer } from '../../nn/types.js';
import { inputScale } from '../inputCovariance.js';
import {
  availableCores,
  nodeWorkers,
  noteSlowerPath,
  sharedJob,
  startShared,
  whyNotInWorkers,
} from '../threads.js';
import { cntkScratch, planCntk, runCntkTask, type CntkInputs } from './cntkTasks.js';
import { imageVariances, varianceLayout } from './imageVariances.js';
import { compileCntk, type CntkProgram } from './program.js';

/**
 * kernelFn on images through the fused CNTK recursion (./pairRecursion.ts): per-image variances once per image
 * (./imageVariances.ts), tiles of image pairs on the calling thread and worker threads, then the layers after the
 * readout (a Dense readout, …) on the whole N1×N2 matrix by their own entrywise maps.
 */
export interface CntkKernelFnOut {
  nngp: Float64Array;
  ntk: Float64Array | null;
  var1: Float64Array;
  var2: Float64Array;
  tile: number;
  threads: number;
  /** With `taps`: Θ of the network cut after block b, GlobalAvgPool [2b] or Flatten [2b + 1], then the tail. */
  taps: Float64Array[] | null;
}

/** Below this many position-pair updates one thread is used: worker start-up ≈ 0.1 s. */
const PARALLEL_MIN_WORK = 4_000_000;

/** The program when the fused path applies to (net, inputs), else the one-line reason it does not. */
export function fusedCntkProgram(net: Layer, t1: Tensor, t2: Tensor): CntkProgram | string {
  const p = compileCntk(net, t1.shape.slice(1, -1), t1.shape[t1.shape.length - 1]);
  if (typeof p === 'string') return p;
  if (inputScale(t1.data, t2.data) !== 1) return 'inputs larger than 2^400 take the scaled input kernel';
  return p;
}

export function cntkKernelFn(
  net: Layer,
  p: CntkProgram,
  t1: Tensor,
  t2: Tensor,
  symmetric: boolean,
  o: {
    wantNtk: boolean;
    maxTile: number;
    threads?: number;
    onProgress?: (d: number, t: number) => void;
    taps?: boolean;
  },
): CntkKernelFnOut {
  if (o.taps === true && (!o.wantNtk || p.tail.some((l) => l.entrywise.perEntry?.kind !== 'affine')))
    throw new RangeError('cntkKernelFn: taps need the NTK and a tail of affine layers only');
  const n1 = t1.shape[0];
  const n2 = t2.shape[0];
  const layout = varianceLayout(p);
  const P = p.H * p.W;
  const work = (symmetric ? (n1 * (n1 + 1)) / 2 : n1 * n2) * (p.readout === 'gap' ? P * P : P) * p.varCount;
  const wt = nodeWorkers();
  let threads = o.threads ?? availableCores();
  if (wt === null || work < PARALLEL_MIN_WORK) threads = 1;
  if (threads > 1) {
    const why = whyNotInWorkers(net);
    if (why !== null) {
      noteSlowerPath(`kernelFn runs on one thread: worker threads cannot rebuild the network (${why})`);
      threads = 1;
    }
  }
  const plan = planCntk(n1, n2, symmetric, o.wantNtk, threads, o.maxTile);
  const total = plan.tasks.length / 2;
  threads = Math.min(threads, total);
  const alloc = (n: number): Float64Array =>
    threads > 1 ? new Float64Array(new SharedArrayBuffer(8 * n)) : new Float64Array(n);
  const copy = (a: Float64Array): Float64Array => {
    if (threads === 1) return a;
    const b = alloc(a.length);
    b.set(a);
    return b;
  };
  const x1 = copy(t1.data);
  const x2 = symmetric ? x1 : copy(t2.data);
  const v1 = alloc(n1 * layout.stride);
  imageVariances(p, layout, t1, 0, n1, v1);
  let v2 = v1;
  if (!symmetric) {
    v2 = alloc(n2 * layout.stride);
    imageVariances(p, layout, t2, 0, n2, v2);
  }
  const io: CntkInputs = {
    program: p,
    layout,
    x1,
    x2,
    v1,
    v2,
    nngp: alloc(n1 * n2),
    ntk: o.wantNtk ? alloc(n1 * n2) : null,
    var1: alloc(n1),
    var2: symmetric ? new Float64Array(0) : alloc(n2),
    taps: o.taps === true ? alloc(2 * p.blocks.length * n1 * n2) : null,
  };
  const engine = convReluEngine();
  const sc = cntkScratch(p, layout, engine);
  const run = (t: number): void => runCntkTask(plan, io, t, sc);
  if (threads > 1) {
    const job = sharedJob(total);
    const buf = (a: Float64Array | null): SharedArrayBuffer | null =>
      a === null ? null : (a.buffer as SharedArrayBuffer);
    const pool = startShared(
      wt!,
      new URL('./cntkWorker.js', import.meta.url),
      {
        config: net.config,
        plan,
        engine,
        spatial: t1.shape.slice(1, -1),
        channels: p.C,
        x1: buf(x1),
        x2: buf(x2),
        v1: buf(v1),
        v2: buf(v2),
        nngp: buf(io.nngp),
        ntk: buf(io.ntk),
        var1: buf(io.var1),
        var2: buf(io.var2),
        taps: buf(io.taps),
      },
      job,
      threads - 1,
    );
    const control = job.control;
    pool.run(run, o.onProgress ? () => o.onProgress!(Atomics.load(control, 1), total) : undefined);
  } else
    for (let t = 0; t < total; t++) {
      run(t);
      o.onProgress?.(t + 1, total);
    }
  const var1 = Float64Array.from(io.var1);
  const var2 = symmetric ? var1 : Float64Array.from(io.var2);
  const nngp = Float64Array.from(io.nngp);
  const ntk = io.ntk === null ? null : Float64Array.from(io.ntk);
  applyTail(p, nngp, ntk, var1, var2, n1, n2, symmetric);
  const taps =
    io.taps === null
      ? null
      : Array.from({ length: 2 * p.blocks.length }, (_, k) => io.taps!.slice(k * n1 * n2, (k + 1) * n1 * n2));
  return { nngp, ntk, var1, var2, tile: plan.tile, threads, taps };
}

/** The layers after the readout, by their entrywise kernel maps on the whole matrix (variances updated in place). */
function applyTail(
  p: CntkProgram,
  nngp: Float64Array,
  ntk: Float64Array | null,
  var1: Float64Array,
  var2: Float64Array,
  n1: number,
  n2: number,
  symmetric: boolean,
): void {
  p.tail.forEach((layer, l) => {
    const e = layer.entrywise;
    const ch = p.tailChannels[l];
    e.tile(nngp, ntk, var1.slice(), var2.slice(), n1, n2, ch);
    for (let i = 0; i < var1.length; i++) var1[i] = e.variance(var1[i], ch);
    if (!symmetric) for (let j = 0; j < var2.length; j++) var2[j] = e.variance(var2[j], ch);
  });
  if (symmetric)
    // each pair once: the lower triangle from the upper one, so the result is exactly symmetric
    for (let i = 1; i < n1; i++)
      for (let j = 0; j < i; j++) {
        nngp[i * n2 + j] = nngp[j * n2 + i];
        if (ntk !== null) ntk[i * n2 + j] = ntk[j * n2 + i];
      }
}
