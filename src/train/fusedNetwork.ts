import { Matrix } from '../linalg/matrix.js';
import { gemmInto, gemvInto } from '../linalg/unchecked.js';
import { isActivationLayer, type ActivationLayer } from '../nn/activation.js';
import type { SlopeFromOutput } from '../nn/slopeFromOutput.js';
import { activateRows, backwardRows, splitRow, StepThreads } from './stepThreads.js';
import { isDenseLayer, type DenseLayer } from '../nn/dense.js';
import { paramCount } from '../nn/params.js';
import type { Layer, Params, Tensor } from '../nn/types.js';

/**
 * The training step of a multilayer perceptron — serial(Dense, φ, Dense, φ, …, Dense), any activation built
 * by `activationLayer`, with or without bias, either parameterization — as one forward and one backward
 * sweep over buffers kept between steps. It computes the numbers of the per-layer route (Layer.forward /
 * Layer.backward of serial, Dense and the activation) operation for operation, with less memory traffic —
 * except that a one-output layer (the readout) takes dgemv where the route takes dgemm, whose sums may be
 * ordered differently (a few ulp):
 *
 *  - forward, per layer: z = c_b·b (broadcast) then z += c_W·x·W (one GEMM; dgemv for one output), then
 *    ONE pass that writes a = φ(z) and, over z, d = φ'(z) — the only thing the backward needs of z. For an
 *    activation whose slope can be read off a (Relu: `slopeFromOutput`), instead z = c_W·x·W by
 *    GEMM and ONE pass a = φ(z + c_b·b) in place, with no d: the bias is added after the GEMM's rounding
 *    rather than before (a last-bit difference), and two passes over M × width numbers are saved;
 *  - backward, per layer: ONE pass gz = ga·d (or ga·φ'(z) read off a) that also sums the bias gradient
 *    c_b·Σ_rows gz; then
 *    ∂W = c_W·xᵀ·gz written straight into the gradient vector and ga_prev = c_W·gz·Wᵀ, both by GEMM's
 *    transpose flags (no transposed copies); no input cotangent for the first layer; for one output,
 *    ∂W by dgemv and ga_prev = c_W·gz·Wᵀ as a GEMM of inner dimension 1;
 *  - no allocation per step but the returned outputs and gradient: the buffers of a batch size are kept,
 *    and W, b are read in place from θ (flattenParams order: per Dense W [n_in, n_out] row-major, then b).
 *
 * Back-propagation itself is Rumelhart, Hinton & Williams (1986); the parameterizations are those of
 * src/nn/dense.ts (neural-tangents `stax.Dense`).
 */

/** One Dense layer and the activation that follows it (null for none, e.g. the readout). */
interface Stage {
  readonly dense: DenseLayer;
  readonly act: ActivationLayer | null;
  /** The activation's in-place loops when its slope can be read off its output (then no d is kept). */
  readonly slope: SlopeFromOutput | null;
  readonly nIn: number;
  readonly width: number;
  /** Offset of W in θ; b (when the layer has a bias) follows W. */
  readonly offW: number;
  /** [c_W, c_b] as doubles. */
  readonly scale: Float64Array;
  readonly hasBias: boolean;
}

/** The buffers of one forward pass at batch size M. */
interface Workspace {
  /** Per stage: its output (a = φ(z), or z without an activation), M × width. */
  readonly out: Float64Array[];
  /** Per stage with an activation that keeps it: d = φ'(z), M × width. */
  readonly deriv: (Float64Array | null)[];
  /** Rows per block of the sweeps (all of M for narrow networks). */
  readonly blockRows: number;
  /** Two cotangent buffers of blockRows × (widest layer) for the backward sweep. */
  readonly scratch: [Float64Array, Float64Array];
  /** Per stage with a bias: β = c_b·b at the pass's θ, width numbers. */
  readonly bias: (Float64Array | null)[];
  /** The second half's bias-gradient sum of a split block (stepThreads.ts), widest-layer numbers. */
  readonly partial: Float64Array;
  /** The worker thread that takes half of each large entry-wise pass, or null (one thread). */
  readonly threads: StepThreads | null;
  /** θ of the pass held here. */
  readonly theta: Float64Array;
  /** The evaluation whose pass the buffers hold (null when none is outstanding). */
  owner: FusedEvaluation | null;
  /** Last use, for choosing which workspace a new pass overwrites. */
  used: number;
}

/** What a fused evaluation gives: the outputs and the VJP at its θ. */
export interface FusedEvaluation {
  readonly f: Float64Array;
  readonly outputs: number;
  vjp(c: Float64Array): Float64Array;
  /** The caller is done with this evaluation: its buffers go to the next pass (a later vjp throws). */
  release(): void;
}

/** A network's fused training step, or null when the network is not a Dense/activation chain. */
export interface FusedNetwork {
  /** Input features of the first Dense layer. */
  readonly inputs: number;
  /** Outputs f(θ, x) (N × O) and the VJP at θ; x must be a [N, inputs] tensor. */
  evaluate(theta: Float64Array, x: Tensor): FusedEvaluation;
}

/**
 * A block of rows goes through every layer before the next one starts: its activations and cotangents,
 * BLOCK_ENTRIES numbers of the widest layer (1 MiB), stay in cache between the GEMM that writes them and the
 * entry-wise pass that reads them, instead of making a round trip to memory per pass.
 */
const BLOCK_ENTRIES = 1 << 19;

/** At most this many passes per batch size are kept at once (a train set, and a test set of the same size). */
const POOL = 2;

/** The leaves of nested serials, with their parameter records, in flattenParams order; null for any other combinator. */
function leaves(net: Layer, params: Params, out: { layer: Layer; params: Params }[]): boolean {
  if (net.type === 'serial') {
    if (!Array.isArray(params) || params.length !== net.children.length) return false;
    return net.children.every((c, i) => leaves(c, (params as readonly Params[])[i], out));
  }
  if (net.children.length > 0) return false;
  out.push({ layer: net, params });
  return true;
}

/**
 * gz = ga·d entry-wise (M × w, row-major) and gb_j += c_b·Σ_r gz_rj, in one pass. Four rows share each
 * load and store of gb_j; the sum still runs over the rows in order, so gb is the row-by-row sum's number.
 */
function maskBiasGradient(
  ga: Float64Array,
  d: Float64Array,
  gz: Float64Array,
  cb: number,
  gb: Float64Array,
  M: number,
): void {
  const w = gb.length;
  let r = 0;
  for (; r + 4 <= M; r += 4) {
    const o0 = r * w;
    const o1 = o0 + w;
    const o2 = o1 + w;
    const o3 = o2 + w;
    for (let j = 0; j < w; j++) {
      const v0 = ga[o0 + j] * d[o0 + j];
      const v1 = ga[o1 + j] * d[o1 + j];
      const v2 = ga[o2 + j] * d[o2 + j];
      const v3 = ga[o3 + j] * d[o3 + j];
      gz[o0 + j] = v0;
      gz[o1 + j] = v1;
      gz[o2 + j] = v2;
      gz[o3 + j] = v3;
      gb[j] = gb[j] + cb * v0 + cb * v1 + cb * v2 + cb * v3;
    }
  }
  for (; r < M; r++) {
    const o = r * w;
    for (let j = 0; j < w; j++) {
      const v = ga[o + j] * d[o + j];
      gz[o + j] = v;
      gb[j] += cb * v;
    }
  }
}

/**
 * The fused step of `net` at parameters shaped like `params0`, or null when `net` is not
 * serial(Dense, [activation], Dense, [activation], …) (those networks take the per-layer route).
 */
export function fusedNetwork(net: Layer, params0: Params): FusedNetwork | null {
  const list: { layer: Layer; params: Params }[] = [];
  if (!leaves(net, params0, list) || list.length === 0) return null;
  const stages: Stage[] = [];
  let off = 0;
  for (let i = 0; i < list.length; i++) {
    const { layer, params } = list[i];
    if (!isDenseLayer(layer)) return null;
    const W = (params as { W?: Tensor }).W;
    if (!W || W.shape.length !== 2 || W.shape[1] !== layer.width) return null;
    const nIn = W.shape[0];
    if (stages.length > 0 && stages[stages.length - 1].width !== nIn) return null;
    const hasBias = layer.b_std !== null;
    const next = list[i + 1]?.layer;
    const act = next !== undefined && isActivationLayer(next) ? next : null;
    if (act !== null) i++;
    const [cw, cb] = layer.scales(nIn);
    stages.push({
      dense: layer,
      act,
      slope: act?.slopeFromOutput ?? null,
      nIn,
      width: layer.width,
      offW: off,
      scale: Float64Array.from([cw, cb]),
      hasBias,
    });
    off += nIn * layer.width + (hasBias ? layer.width : 0);
  }
  const P = off;
  if (P !== paramCount(params0)) return null;
  const last = stages[stages.length - 1];
  const widest = Math.max(...stages.map((s) => Math.max(s.width, s.nIn)));
  const pools = new Map<number, Workspace[]>();
  let clock = 0;

  const allocate = (M: number): Workspace => {
    const blockRows = Math.min(M, Math.max(4, 4 * Math.floor(BLOCK_ENTRIES / (4 * widest))));
    // buffers in shared memory when some pass is large enough to be split between two threads
    const threads = stages.some((s) => s.slope && splitRow(blockRows, s.width) < blockRows)
      ? StepThreads.get()
      : null;
    const buf = (n: number): Float64Array => (threads ? threads.alloc(n) : new Float64Array(n));
    return {
      out: stages.map((s) => buf(M * s.width)),
      deriv: stages.map((s) => (s.act && !s.slope ? new Float64Array(M * s.width) : null)),
      scratch: [buf(blockRows * widest), buf(blockRows * widest)],
      bias: stages.map((s) => (s.hasBias ? buf(s.width) : null)),
      partial: buf(widest),
      threads,
      blockRows,
      theta: new Float64Array(P),
      owner: null,
      used: 0,
    };
  };

  /**
   * A workspace for a pass at batch size M: a released one, a new one, or the least recently used (whose
   * evaluation then keeps a copy of θ and redoes its forward pass if its vjp is asked for).
   */
  const acquire = (M: number): Workspace => {
    let pool = pools.get(M);
    if (!pool) {
      pool = [];
      pools.set(M, pool);
    }
    let ws = pool.find((w) => w.owner === null);
    if (!ws && pool.length < POOL) {
      ws = allocate(M);
      pool.push(ws);
    }
    if (!ws) {
      ws = pool.reduce((a, b) => (a.used <= b.used ? a : b));
      detach(ws);
    }
    ws.used = ++clock;
    return ws;
  };

  /** β = c_b·b of every stage with a bias, at the θ in ws.theta. */
  const biasTerms = (ws: Workspace): void => {
    for (let l = 0; l < stages.length; l++) {
      const s = stages[l];
      const beta = ws.bias[l];
      if (beta === null) continue;
      const cb = s.scale[1];
      const bOff = s.offW + s.nIn * s.width;
      for (let j = 0; j < s.width; j++) beta[j] = cb * ws.theta[bOff + j];
    }
  };

  /** Forward sweep at θ (already in ws.theta) on x (M rows), one block of rows through every layer at a time. */
  const forwardInto = (ws: Workspace, x: Float64Array, M: number): void => {
    biasTerms(ws);
    const th = ws.theta;
    for (let r0 = 0; r0 < M; r0 += ws.blockRows) {
      const m = Math.min(ws.blockRows, M - r0);
      let input = x.subarray(r0 * stages[0].nIn, (r0 + m) * stages[0].nIn);
      for (let l = 0; l < stages.length; l++) {
        const s = stages[l];
        const w = s.width;
        const W = new Matrix(s.nIn, w, th.subarray(s.offW, s.offW + s.nIn * w));
        const X = new Matrix(m, s.nIn, input);
        const a = ws.out[l].subarray(r0 * w, (r0 + m) * w);
        const beta = ws.bias[l];
        if (s.slope) {
          gemmInto(false, false, s.scale[0], X, W, 0, new Matrix(m, w, a));
          activateRows(ws.threads, s.slope, a, m, w, beta);
        } else {
          const z = s.act ? ws.deriv[l]!.subarray(r0 * w, (r0 + m) * w) : a;
          if (beta !== null) {
            // the first row is β; it is copied to the others in doubling blocks (memory copies)
            z.set(beta);
            for (let done = w; done < m * w; done *= 2) z.copyWithin(done, 0, Math.min(done, m * w - done));
          }
          const keep = beta !== null ? 1 : 0;
          if (w === 1) gemvInto(false, s.scale[0], X, W.data, keep, z);
          else gemmInto(false, false, s.scale[0], X, W, keep, new Matrix(m, w, z));
          if (s.act) s.act.activate(z, a, z, m * w);
        }
        input = a;
      }
    }
  };

  /**
   * Backward sweep: the θ-gradient of ⟨c, f⟩ at the pass held in ws, on x (M rows), one block of rows through
   * every layer at a time; ∂W and the bias gradient accumulate over the blocks in row order.
   */
  const backwardFrom = (ws: Workspace, x: Float64Array, M: number, c: Float64Array): Float64Array => {
    const th = ws.theta;
    const grad = new Float64Array(P);
    const O = last.width;
    for (let r0 = 0; r0 < M; r0 += ws.blockRows) {
      const m = Math.min(ws.blockRows, M - r0);
      let cur = c.subarray(r0 * O, (r0 + m) * O); // the cotangent of the current stage's output
      let curSlot = -1; // which scratch buffer holds cur (−1: the caller's c)
      for (let l = stages.length - 1; l >= 0; l--) {
        const s = stages[l];
        const w = s.width;
        const n = m * w;
        const cw = s.scale[0];
        const cb = s.scale[1];
        const gbOff = s.offW + s.nIn * w;
        let gz = cur;
        let gzSlot = curSlot;
        if (s.act) {
          // gz = ga·φ'(z), in place over a scratch buffer, with the bias gradient summed in the same pass
          gzSlot = curSlot === -1 ? 0 : curSlot;
          gz = ws.scratch[gzSlot].subarray(0, n);
          const gb = s.hasBias ? grad.subarray(gbOff, gbOff + w) : null;
          if (s.slope) {
            const a = ws.out[l].subarray(r0 * w, (r0 + m) * w);
            backwardRows(ws.threads, s.slope, cur, a, gz, m, w, cb, gb, ws.partial);
          } else {
            const d = ws.deriv[l]!.subarray(r0 * w, (r0 + m) * w);
            if (gb !== null) maskBiasGradient(cur, d, gz, cb, gb, m);
            else for (let i = 0; i < n; i++) gz[i] = cur[i] * d[i];
          }
        } else if (s.hasBias) {
          for (let r = 0; r < m; r++) {
            const o = r * w;
            for (let j = 0; j < w; j++) grad[gbOff + j] += cb * gz[o + j];
          }
        }
        const inp = l === 0 ? x : ws.out[l - 1];
        const input = new Matrix(m, s.nIn, inp.subarray(r0 * s.nIn, (r0 + m) * s.nIn));
        const W = th.subarray(s.offW, s.offW + s.nIn * w);
        const gW = grad.subarray(s.offW, s.offW + s.nIn * w);
        // one output column (the readout): ∂W += c_W·xᵀ·gz by dgemv
        if (w === 1) gemvInto(true, cw, input, gz, 1, gW);
        else gemmInto(true, false, cw, input, new Matrix(m, w, gz), 1, new Matrix(s.nIn, w, gW));
        if (l > 0) {
          const slot = gzSlot === 0 ? 1 : 0;
          const gx = ws.scratch[slot].subarray(0, m * s.nIn);
          // for one output, W (n_in × 1) read as a 1 × n_in row: the outer product gz·Wᵀ as a GEMM of inner dimension 1
          if (w === 1)
            gemmInto(
              false,
              false,
              cw,
              new Matrix(m, 1, gz),
              new Matrix(1, s.nIn, W),
              0,
              new Matrix(m, s.nIn, gx),
            );
          else
            gemmInto(
              false,
              true,
              cw,
              new Matrix(m, w, gz),
              new Matrix(s.nIn, w, W),
              0,
              new Matrix(m, s.nIn, gx),
            );
          cur = gx;
          curSlot = slot;
        }
      }
    }
    return grad;
  };

  /** Evaluations whose workspace was taken over: they keep θ and redo their pass in a workspace of their own. */
  const detached = new WeakMap<FusedEvaluation, Float64Array>();
  const detach = (ws: Workspace): void => {
    if (ws.owner !== null) detached.set(ws.owner, ws.theta.slice());
    ws.owner = null;
  };

  return {
    inputs: stages[0].nIn,
    evaluate(theta: Float64Array, x: Tensor): FusedEvaluation {
      const M = x.shape[0];
      const ws = acquire(M);
      ws.theta.set(theta);
      forwardInto(ws, x.data, M);
      const f = ws.out[stages.length - 1].slice();
      let released = false;
      const ev: FusedEvaluation = {
        f,
        outputs: last.width,
        vjp(c: Float64Array): Float64Array {
          if (released) throw new Error('train: vjp of an evaluation that was released');
          if (ws.owner === ev) return backwardFrom(ws, x.data, M, c);
          const own = detached.get(ev)!;
          const again = acquire(M);
          again.theta.set(own);
          forwardInto(again, x.data, M);
          again.owner = null;
          return backwardFrom(again, x.data, M, c);
        },
        release(): void {
          released = true;
          if (ws.owner === ev) ws.owner = null;
          detached.delete(ev);
        },
      };
      ws.owner = ev;
      return ev;
    },
  };
}
