import type { StencilEngine } from '../../linalg/convReluStencil.js';
import { pairKernel, pairScratch, type PairScratch } from './pairRecursion.js';
import type { ImageVariances } from './imageVariances.js';
import type { CntkProgram } from './program.js';

/**
 * The work of the fused CNTK path (./cntkKernelFn.ts), shared by the calling thread and worker threads: tasks
 * are tiles of image pairs (I, J), each pair through ./pairRecursion.ts, writing Σ and Θ after the readout
 * (before the tail layers, which the caller applies to the whole matrix), and per-image tasks giving the
 * readout's variance Σ(x, x) of every image (x1 then x2) when x2 ≠ x1.
 */
export interface CntkPlan {
  readonly n1: number;
  readonly n2: number;
  readonly symmetric: boolean;
  readonly wantNtk: boolean;
  readonly tile: number;
  /** (r0, c0) tile starts; r0 = −1 marks the self pairs of images [c0, c0 + tile) of x1 ∪ x2. */
  readonly tasks: Int32Array;
}

/** Tile edge: at least 8 tasks per thread when there are enough pairs, at most `maxTile` and 16. */
export function planCntk(
  n1: number,
  n2: number,
  symmetric: boolean,
  wantNtk: boolean,
  threads: number,
  maxTile: number,
): CntkPlan {
  const pairs = symmetric ? (n1 * (n1 + 1)) / 2 : n1 * n2;
  const tile = Math.max(1, Math.min(16, maxTile, Math.floor(Math.sqrt(pairs / (8 * threads)))));
  const t: number[] = [];
  for (let r0 = 0; r0 < n1; r0 += tile) for (let c0 = symmetric ? r0 : 0; c0 < n2; c0 += tile) t.push(r0, c0);
  if (!symmetric) for (let c0 = 0; c0 < n1 + n2; c0 += tile) t.push(-1, c0);
  return { n1, n2, symmetric, wantNtk, tile, tasks: Int32Array.from(t) };
}

export interface CntkInputs {
  readonly program: CntkProgram;
  readonly layout: ImageVariances;
  /** Images, NHWC, and their variances (layout.stride floats per image). */
  readonly x1: Float64Array;
  readonly x2: Float64Array;
  readonly v1: Float64Array;
  readonly v2: Float64Array;
  /** Outputs: N1×N2 Σ and Θ after the readout; readout variances of x1 and x2. */
  readonly nngp: Float64Array;
  readonly ntk: Float64Array | null;
  readonly var1: Float64Array;
  readonly var2: Float64Array;
  /**
   * Optional: Θ of the network cut after every block b and ended by GlobalAvgPool (tap 2b) or Flatten (tap 2b + 1),
   * then the tail (affine layers only), each N1×N2 at offset tap·N1·N2.
   */
  readonly taps: Float64Array | null;
}

/** One thread's scratch, for the stencil engine the calling thread chose (src/linalg/convReluStencil.ts). */
export function cntkScratch(p: CntkProgram, layout: ImageVariances, engine: StencilEngine): PairScratch {
  return pairScratch(p, layout, engine);
}

export function runCntkTask(plan: CntkPlan, io: CntkInputs, t: number, sc: PairScratch): void {
  const { n1, n2, tile, symmetric, wantNtk } = plan;
  const { program: p, layout, x1, x2, v1, v2, nngp, ntk } = io;
  const per = p.H * p.W * p.C;
  const vs = layout.stride;
  const out = new Float64Array(2);
  const taps = io.taps === null ? null : new Float64Array(4 * p.blocks.length);
  const ts = new Float64Array(1);
  const tt = new Float64Array(1);
  const r0 = plan.tasks[2 * t];
  const c0 = plan.tasks[2 * t + 1];
  if (r0 < 0) {
    for (let i = c0; i < Math.min(c0 + tile, n1 + n2); i++) {
      const [x, v, k] = i < n1 ? [x1, v1, i] : [x2, v2, i - n1];
      pairKernel(p, layout, x, k * per, x, k * per, v, k * vs, v, k * vs, true, false, sc, out);
      if (i < n1) io.var1[k] = out[0];
      else io.var2[k] = out[0];
    }
    return;
  }
  const r1 = Math.min(r0 + tile, n1);
  const c1 = Math.min(c0 + tile, n2);
  for (let i = r0; i < r1; i++)
    for (let j = symmetric ? Math.max(i, c0) : c0; j < c1; j++) {
      const self = symmetric && i === j;
      pairKernel(p, layout, x1, i * per, x2, j * per, v1, i * vs, v2, j * vs, self, wantNtk, sc, out, taps);
      if (taps !== null) {
        const nn = n1 * n2;
        for (let k = 0; k < 2 * p.blocks.length; k++) {
          ts[0] = taps[2 * k];
          tt[0] = taps[2 * k + 1];
          // affine tail layers (./cntkKernelFn.ts checks): no variances read
          p.tail.forEach((l, m) => l.entrywise.tile(ts, tt, ts, ts, 1, 1, p.tailChannels[m]));
          io.taps![k * nn + i * n2 + j] = tt[0];
          if (symmetric) io.taps![k * nn + j * n2 + i] = tt[0];
        }
      }
      nngp[i * n2 + j] = out[0];
      if (ntk !== null) ntk[i * n2 + j] = out[1];
      if (self) io.var1[i] = out[0];
      else if (symmetric) {
        nngp[j * n2 + i] = out[0];
        if (ntk !== null) ntk[j * n2 + i] = out[1];
      }
    }
}
