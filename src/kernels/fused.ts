import { isEntrywise, type EntrywiseKernel } from '../nn/entrywise.js';
import type { DualMap } from '../nn/kernelRecord.js';
import type { Layer } from '../nn/types.js';

/**
 * The fused kernelFn path for dense-feature networks that are a chain of entrywise layers (Dense,
 * activations, Identity, nested serials): each tile of the N1×N2 kernel goes through all layers in one
 * pass while it sits in cache, with no allocation per layer or tile.
 */
export interface FusedProgram {
  readonly steps: readonly EntrywiseKernel[];
  /** channels[l] = feature count before step l (channels[0] = d). */
  readonly channels: Float64Array;
  /** The per-entry interpreter form, when every step has one (see `perEntryTile`). */
  readonly interp: Interpreter | null;
}

/** Opcodes of the per-entry interpreter. */
const AFFINE_NTK = 0;
const AFFINE_STANDARD = 1;
const DUAL = 2;
const IDENTITY = 3;

interface Interpreter {
  readonly op: Int8Array;
  readonly w2: Float64Array;
  readonly b2: Float64Array;
  /** 'standard' Dense: n_in (the channel count before the layer) and 1 if it has a bias. */
  readonly nIn: Float64Array;
  readonly one: Float64Array;
  readonly duals: (DualMap | null)[];
}

function interpreter(steps: readonly EntrywiseKernel[], channels: Float64Array): Interpreter | null {
  const L = steps.length;
  const it: Interpreter = {
    op: new Int8Array(L),
    w2: new Float64Array(L),
    b2: new Float64Array(L),
    nIn: new Float64Array(L),
    one: new Float64Array(L),
    duals: new Array<DualMap | null>(L).fill(null),
  };
  for (let l = 0; l < L; l++) {
    const e = steps[l].perEntry;
    if (e === undefined) return null;
    if (e.kind === 'affine') {
      it.op[l] = e.parameterization === 'ntk' ? AFFINE_NTK : AFFINE_STANDARD;
      it.w2[l] = e.w2;
      it.b2[l] = e.b2;
      it.nIn[l] = channels[l];
      it.one[l] = e.bias;
    } else if (e.kind === 'dual') {
      it.op[l] = DUAL;
      it.duals[l] = e.dual;
    } else it.op[l] = IDENTITY;
  }
  return it;
}

function flatten(layer: Layer, out: Layer[]): boolean {
  if (layer.type === 'serial') return layer.children.every((c) => flatten(c, out));
  if (!isEntrywise(layer)) return false;
  out.push(layer);
  return true;
}

/** The chain of entrywise steps of `net`, or null when it has another structure (fan-out, conv, …). */
export function compileFused(net: Layer, d: number): FusedProgram | null {
  const leaves: Layer[] = [];
  if (!flatten(net, leaves)) return null;
  const steps = leaves.map((l) => (l as Layer & { entrywise: EntrywiseKernel }).entrywise);
  const channels = new Float64Array(steps.length + 1);
  channels[0] = d;
  let gaussian = false;
  steps.forEach((s, l) => {
    gaussian = s.gaussianAfter(gaussian); // throws for a nonlinearity not preceded by an affine layer
    channels[l + 1] = s.channelsAfter(channels[l]);
  });
  return { steps, channels, interp: interpreter(steps, channels) };
}

/** Per-layer input variances: q[l] = Σ(x, x) before step l, q[L] = after the last one. */
export function fusedVariances(p: FusedProgram, var0: Float64Array): Float64Array[] {
  const q: Float64Array[] = [var0];
  p.steps.forEach((s, l) => {
    const prev = q[l];
    const next = new Float64Array(prev.length);
    for (let i = 0; i < prev.length; i++) next[i] = s.variance(prev[i], p.channels[l]);
    q.push(next);
  });
  return q;
}

/** Reusable scratch of one thread for tiles up to `tile`×`tile`. */
export interface TileScratch {
  out: Float64Array;
  nngp: Float64Array;
  ntk: Float64Array;
  q1: Float64Array[];
  q2: Float64Array[];
}

export function tileScratch(p: FusedProgram, tile: number): TileScratch {
  const L = p.steps.length;
  return {
    out: new Float64Array(2),
    nngp: new Float64Array(tile * tile),
    ntk: new Float64Array(tile * tile),
    q1: Array.from({ length: L }, () => new Float64Array(tile)),
    q2: Array.from({ length: L }, () => new Float64Array(tile)),
  };
}

/**
 * Transform the block [r0, r1) × [c0, c1) of the N1×N2 output in place: `nngp` holds Σ⁰ there on entry,
 * Σ of the network output on exit; `ntk` (or null) receives Θ. With `mirror` (symmetric case, off-diagonal
 * block) the transposed block [c0, c1) × [r0, r1) is written too; with `symmetricDiagonal` (symmetric case,
 * block on the diagonal) the lower triangle is taken from the upper one.
 */
export function fusedTile(
  p: FusedProgram,
  q1: Float64Array[],
  q2: Float64Array[],
  nngp: Float64Array,
  ntk: Float64Array | null,
  n2: number,
  r0: number,
  r1: number,
  c0: number,
  c1: number,
  mirror: boolean,
  sc: TileScratch,
  symmetricDiagonal = false,
): void {
  if (p.interp !== null) {
    perEntryTile(p.interp, q1, q2, nngp, ntk, n2, r0, r1, c0, c1, symmetricDiagonal, sc.out);
    if (mirror) mirrorBlock(nngp, ntk, n2, r0, r1, c0, c1);
    return;
  }
  const rows = r1 - r0;
  const cols = c1 - c0;
  const S = sc.nngp;
  const T = ntk === null ? null : sc.ntk;
  for (let r = 0; r < rows; r++) {
    const o = (r0 + r) * n2 + c0;
    for (let c = 0; c < cols; c++) S[r * cols + c] = nngp[o + c];
  }
  if (T !== null) T.fill(0, 0, rows * cols);
  for (let l = 0; l < p.steps.length; l++) {
    const a = sc.q1[l];
    const b = sc.q2[l];
    const ql1 = q1[l];
    const ql2 = q2[l];
    for (let r = 0; r < rows; r++) a[r] = ql1[r0 + r];
    for (let c = 0; c < cols; c++) b[c] = ql2[c0 + c];
    p.steps[l].tile(S, T, a, b, rows, cols, p.channels[l]);
  }
  if (symmetricDiagonal) {
    // a diagonal block of a symmetric kernel: keep the upper triangle (each pair once, exactly symmetric)
    for (let r = 1; r < rows; r++) {
      for (let c = 0; c < r; c++) {
        S[r * cols + c] = S[c * cols + r];
        if (T !== null) T[r * cols + c] = T[c * cols + r];
      }
    }
  }
  for (let r = 0; r < rows; r++) {
    const o = (r0 + r) * n2 + c0;
    for (let c = 0; c < cols; c++) nngp[o + c] = S[r * cols + c];
    if (T !== null && ntk !== null) for (let c = 0; c < cols; c++) ntk[o + c] = T[r * cols + c];
  }
  if (mirror) {
    // transposed block, written row by row of the output (contiguous stores)
    for (let c = 0; c < cols; c++) {
      const o = (c0 + c) * n2 + r0;
      for (let r = 0; r < rows; r++) nngp[o + r] = S[r * cols + c];
      if (T !== null && ntk !== null) for (let r = 0; r < rows; r++) ntk[o + r] = T[r * cols + c];
    }
  }
}

/** The tiles to compute: all blocks, or the upper triangle (incl. diagonal) in the symmetric case. */
export function tileGrid(n1: number, n2: number, tile: number, symmetric: boolean): Int32Array {
  const out: number[] = [];
  for (let r0 = 0; r0 < n1; r0 += tile) {
    for (let c0 = symmetric ? r0 : 0; c0 < n2; c0 += tile) out.push(r0, c0);
  }
  return Int32Array.from(out);
}

/** var⁰ = ‖x‖²/d of the rows of an n×d row-major array. */
export function inputVariances(x: Float64Array, n: number, d: number): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += x[i * d + c] * x[i * d + c];
    v[i] = s / d;
  }
  return v;
}

/**
 * The per-entry interpreter: each entry of the block goes through all layers with Σ and Θ in registers,
 * reading the per-layer variances q1[l][i], q2[l][j], in place in the output (Σ⁰ there on entry).
 * Dense (DESIGN.md §3): Σ' = W²Σ + b², Θ' = Σ' + W²Θ ('ntk') or n_in·Σ + [bias] + W²Θ ('standard');
 * activation: (Σ', Σ̇) = dual(Σ, q1, q2), Θ' = Σ̇·Θ — the same maps as the layers' record-level kernels.
 */
function perEntryTile(
  it: Interpreter,
  q1: Float64Array[],
  q2: Float64Array[],
  nngp: Float64Array,
  ntk: Float64Array | null,
  n2: number,
  r0: number,
  r1: number,
  c0: number,
  c1: number,
  upperOnly: boolean,
  out: Float64Array,
): void {
  const { op, w2, b2, nIn, one, duals } = it;
  const L = op.length;
  for (let i = r0; i < r1; i++) {
    const row = i * n2;
    for (let j = upperOnly ? i : c0; j < c1; j++) {
      let s = nngp[row + j];
      let t = 0;
      for (let l = 0; l < L; l++) {
        const o = op[l];
        if (o === AFFINE_NTK) {
          s = w2[l] * s + b2[l];
          t = s + w2[l] * t;
        } else if (o === DUAL) {
          duals[l]!(s, q1[l][i], q2[l][j], out);
          s = out[0];
          t *= out[1];
        } else if (o === AFFINE_STANDARD) {
          t = nIn[l] * s + one[l] + w2[l] * t;
          s = w2[l] * s + b2[l];
        }
      }
      nngp[row + j] = s;
      if (ntk !== null) ntk[row + j] = t;
    }
  }
  if (upperOnly) {
    // diagonal block of a symmetric kernel: lower triangle from the upper one
    for (let i = r0 + 1; i < r1; i++) {
      for (let j = c0; j < i; j++) {
        nngp[i * n2 + j] = nngp[j * n2 + i];
        if (ntk !== null) ntk[i * n2 + j] = ntk[j * n2 + i];
      }
    }
  }
}

/** Copy block [r0, r1) × [c0, c1) of the output to its transposed position. */
function mirrorBlock(
  nngp: Float64Array,
  ntk: Float64Array | null,
  n2: number,
  r0: number,
  r1: number,
  c0: number,
  c1: number,
): void {
  for (let j = c0; j < c1; j++) {
    const o = j * n2;
    for (let i = r0; i < r1; i++) nngp[o + i] = nngp[i * n2 + j];
    if (ntk !== null) for (let i = r0; i < r1; i++) ntk[o + i] = ntk[i * n2 + j];
  }
}
