import { isEntrywise, type EntrywiseKernel } from '../nn/entrywise.js';
import type { DualMap } from '../nn/kernelRecord.js';
import type { Layer } from '../nn/types.js';
import { rootProduct } from '../special/rootProduct.js';

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
/** Closed-form duals computed inline (no call per entry): Relu, ABRelu(a, b) (LeakyRelu, Abs), Erf(a, b, c). */
const RELU = 4;
const ABRELU = 5;
const ERF = 6;

interface Interpreter {
  readonly op: Int8Array;
  readonly w2: Float64Array;
  readonly b2: Float64Array;
  /** 'standard' Dense: n_in (the channel count before the layer) and 1 if it has a bias. */
  readonly nIn: Float64Array;
  readonly one: Float64Array;
  /** Constants of the inline duals, k[4l .. 4l+3] for layer l (see `interpreter`). */
  readonly k: Float64Array;
  readonly duals: (DualMap | null)[];
  /** Every step is an 'ntk' Dense or a Relu: the 4-entries-at-once loop `reluChainRow4` applies. */
  readonly reluChain: boolean;
}

function interpreter(steps: readonly EntrywiseKernel[], channels: Float64Array): Interpreter | null {
  const L = steps.length;
  const it: Omit<Interpreter, 'reluChain'> = {
    op: new Int8Array(L),
    w2: new Float64Array(L),
    b2: new Float64Array(L),
    nIn: new Float64Array(L),
    one: new Float64Array(L),
    k: new Float64Array(4 * L),
    duals: new Array<DualMap | null>(L).fill(null),
  };
  const k = it.k;
  for (let l = 0; l < L; l++) {
    const e = steps[l].perEntry;
    if (e === undefined) return null;
    if (e.kind === 'affine') {
      it.op[l] = e.parameterization === 'ntk' ? AFFINE_NTK : AFFINE_STANDARD;
      it.w2[l] = e.w2;
      it.b2[l] = e.b2;
      it.nIn[l] = channels[l];
      it.one[l] = e.bias;
    } else if (e.kind === 'abrelu') {
      // ABRelu(a, b): a² + b² and 2ab (src/nn/activations/abRelu.ts); Relu is a = 0, b = 1
      it.op[l] = e.a === 0 && e.b === 1 ? RELU : ABRELU;
      k[4 * l] = e.a * e.a + e.b * e.b;
      k[4 * l + 1] = 2 * e.a * e.b;
    } else if (e.kind === 'erf') {
      // Erf(a, b, c) (src/nn/activations/erf.ts): k = 2b², a²·(2/π), c², a²b²·(4/π); w2[l] = 4b⁴ = (4b²)·b²
      const b2 = e.b * e.b;
      it.op[l] = ERF;
      k[4 * l] = 2 * b2;
      k[4 * l + 1] = e.a * e.a * (2 / Math.PI);
      k[4 * l + 2] = e.c * e.c;
      k[4 * l + 3] = e.a * e.a * b2 * (4 / Math.PI);
      it.w2[l] = 4 * b2 * b2;
    } else if (e.kind === 'dual') {
      it.op[l] = DUAL;
      it.duals[l] = e.dual;
    } else it.op[l] = IDENTITY;
  }
  return { ...it, reluChain: it.op.every((o) => o === AFFINE_NTK || o === RELU) };
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
  /** The per-entry interpreter's variances of one row (L) and of a tile's columns (tile × L), packed. */
  rowQ: Float64Array;
  colQ: Float64Array;
}

export function tileScratch(p: FusedProgram, tile: number): TileScratch {
  const L = p.steps.length;
  return {
    out: new Float64Array(2),
    nngp: new Float64Array(tile * tile),
    ntk: new Float64Array(tile * tile),
    q1: Array.from({ length: L }, () => new Float64Array(tile)),
    q2: Array.from({ length: L }, () => new Float64Array(tile)),
    rowQ: new Float64Array(L),
    colQ: new Float64Array(tile * L),
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
    perEntryTile(p.interp, q1, q2, nngp, ntk, n2, r0, r1, c0, c1, symmetricDiagonal, mirror, sc);
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

/** var⁰ = ‖x‖²/d per row, in scaled form for large inputs (src/kernels/inputCovariance.ts). */
export { inputVariances } from './inputCovariance.js';

const INV_2PI = 1 / (2 * Math.PI);

/**
 * The per-entry interpreter: each entry of the block goes through all layers with Σ and Θ in registers,
 * reading the per-layer variances q1[l][i], q2[l][j] (packed per row / tile), in place in the output
 * (Σ⁰ there on entry); with `mirror` the transposed entry is written too.
 * Dense (docs/conventions.md §1): Σ' = W²Σ + b², Θ' = Σ' + W²Θ ('ntk') or n_in·Σ + [bias] + W²Θ ('standard');
 * activation: (Σ', Σ̇) = dual(Σ, q1, q2), Θ' = Σ̇·Θ — the same maps as the layers' record-level kernels.
 * Relu, ABRelu and Erf are written out here with the same floating-point operations, in the same order,
 * as their `dual` functions (src/nn/activations/abRelu.ts, erf.ts; checked bit for bit by fusedDuals.test.ts):
 * per entry and ReLU layer one sqrt for n = √(q1·q2), one acos and one sqrt for sin θ = √(1 − ρ²).
 * A chain of only 'ntk' Dense and Relu layers (the common case) goes four entries at a time (`reluChainRow4`).
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
  mirror: boolean,
  sc: TileScratch,
): void {
  const { op, w2, b2, nIn, one, k, duals } = it;
  const { out, rowQ, colQ } = sc;
  const L = op.length;
  const PI = Math.PI;
  // column variances packed per entry: colQ[(j − c0)·L + l] = q2[l][j]
  for (let l = 0; l < L; l++) {
    const ql = q2[l];
    for (let j = c0; j < c1; j++) colQ[(j - c0) * L + l] = ql[j];
  }
  for (let i = r0; i < r1; i++) {
    const row = i * n2;
    for (let l = 0; l < L; l++) rowQ[l] = q1[l][i];
    const jFirst = upperOnly ? i : c0;
    const jTail = it.reluChain
      ? reluChainRow4(it, rowQ, colQ, nngp, ntk, n2, i, jFirst, c0, c1, mirror)
      : jFirst;
    for (let j = jTail; j < c1; j++) {
      let s = nngp[row + j];
      let t = 0;
      const cq = (j - c0) * L;
      for (let l = 0; l < L; l++) {
        const o = op[l];
        if (o === AFFINE_NTK) {
          s = w2[l] * s + b2[l];
          t = s + w2[l] * t;
        } else if (o === RELU) {
          // Cho & Saul (2009): Σ' = n·(sin θ + (π − θ)·ρ)/(2π), Σ̇ = (π − θ)/(2π), ρ = cos θ = s/n clipped
          const n = rootProduct(rowQ[l], colQ[cq + l]);
          const c = n === 0 ? 0 : s / n;
          const rho = c > 1 ? 1 : c < -1 ? -1 : c;
          const piMinusTheta = PI - Math.acos(rho);
          s = n * (Math.sqrt(1 - rho * rho) + piMinusTheta * rho) * INV_2PI;
          t *= piMinusTheta * INV_2PI;
        } else if (o === ABRELU) {
          // (a² + b²)·K(ρ) − 2ab·K(−ρ) and ((a² + b²)·(π − θ) + 2ab·θ)/(2π)
          const n = rootProduct(rowQ[l], colQ[cq + l]);
          const c = n === 0 ? 0 : s / n;
          const rho = c > 1 ? 1 : c < -1 ? -1 : c;
          const theta = Math.acos(rho);
          const sinTheta = Math.sqrt(1 - rho * rho);
          const kPlus = n * (sinTheta + (PI - theta) * rho) * INV_2PI;
          const kMinus = n * (sinTheta - theta * rho) * INV_2PI;
          const sq = k[4 * l];
          const ab2 = k[4 * l + 1];
          s = sq * kPlus - ab2 * kMinus;
          t *= (sq * (PI - theta) + ab2 * theta) * INV_2PI;
        } else if (o === ERF) {
          // Williams (1997): Σ' = a²(2/π)·arcsin(2b²s/√Q) + c², Σ̇ = a²b²(4/π)/√(Q − 4b⁴s²), Q = Q1·Q2
          const tb2 = k[4 * l];
          const Q = (1 + tb2 * rowQ[l]) * (1 + tb2 * colQ[cq + l]);
          let r = (tb2 * s) / Math.sqrt(Q);
          r = r > 1 ? 1 : r < -1 ? -1 : r;
          const dot = k[4 * l + 3] / Math.sqrt(Math.max(Q - w2[l] * s * s, 0));
          s = k[4 * l + 1] * Math.asin(r) + k[4 * l + 2];
          t *= dot;
        } else if (o === DUAL) {
          duals[l]!(s, rowQ[l], colQ[cq + l], out);
          s = out[0];
          t *= out[1];
        } else if (o === AFFINE_STANDARD) {
          t = nIn[l] * s + one[l] + w2[l] * t;
          s = w2[l] * s + b2[l];
        }
      }
      nngp[row + j] = s;
      if (ntk !== null) ntk[row + j] = t;
      if (mirror) {
        // the transposed entry, stored while the tile's rows are in cache
        nngp[j * n2 + i] = s;
        if (ntk !== null) ntk[j * n2 + i] = t;
      }
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

/**
 * Entries [j0, j0 + 4·m) of row i of a Dense('ntk')/Relu chain, four at a time: the same floating-point
 * operations in the same order as the one-entry loop of `perEntryTile` (so the results agree to the last bit),
 * interleaved so that the four independent dependency chains (divide → arccos → sqrt per layer) overlap in the
 * CPU's pipeline — one entry alone is latency-bound. Returns the first column left for the one-entry loop.
 */
function reluChainRow4(
  it: Interpreter,
  rowQ: Float64Array,
  colQ: Float64Array,
  nngp: Float64Array,
  ntk: Float64Array | null,
  n2: number,
  i: number,
  j0: number,
  c0: number,
  c1: number,
  mirror: boolean,
): number {
  const { op, w2, b2 } = it;
  const L = op.length;
  const PI = Math.PI;
  const row = i * n2;
  let j = j0;
  for (; j + 3 < c1; j += 4) {
    const cq = (j - c0) * L;
    let sA = nngp[row + j];
    let sB = nngp[row + j + 1];
    let sC = nngp[row + j + 2];
    let sD = nngp[row + j + 3];
    let tA = 0;
    let tB = 0;
    let tC = 0;
    let tD = 0;
    for (let l = 0; l < L; l++) {
      if (op[l] === AFFINE_NTK) {
        const w = w2[l];
        const b = b2[l];
        sA = w * sA + b;
        sB = w * sB + b;
        sC = w * sC + b;
        sD = w * sD + b;
        tA = sA + w * tA;
        tB = sB + w * tB;
        tC = sC + w * tC;
        tD = sD + w * tD;
      } else {
        // RELU, as in perEntryTile (Cho & Saul 2009)
        const rq = rowQ[l];
        const nA = rootProduct(rq, colQ[cq + l]);
        const nB = rootProduct(rq, colQ[cq + L + l]);
        const nC = rootProduct(rq, colQ[cq + 2 * L + l]);
        const nD = rootProduct(rq, colQ[cq + 3 * L + l]);
        const cA = nA === 0 ? 0 : sA / nA;
        const cB = nB === 0 ? 0 : sB / nB;
        const cC = nC === 0 ? 0 : sC / nC;
        const cD = nD === 0 ? 0 : sD / nD;
        const rA = cA > 1 ? 1 : cA < -1 ? -1 : cA;
        const rB = cB > 1 ? 1 : cB < -1 ? -1 : cB;
        const rC = cC > 1 ? 1 : cC < -1 ? -1 : cC;
        const rD = cD > 1 ? 1 : cD < -1 ? -1 : cD;
        const pA = PI - Math.acos(rA);
        const pB = PI - Math.acos(rB);
        const pC = PI - Math.acos(rC);
        const pD = PI - Math.acos(rD);
        sA = nA * (Math.sqrt(1 - rA * rA) + pA * rA) * INV_2PI;
        sB = nB * (Math.sqrt(1 - rB * rB) + pB * rB) * INV_2PI;
        sC = nC * (Math.sqrt(1 - rC * rC) + pC * rC) * INV_2PI;
        sD = nD * (Math.sqrt(1 - rD * rD) + pD * rD) * INV_2PI;
        tA *= pA * INV_2PI;
        tB *= pB * INV_2PI;
        tC *= pC * INV_2PI;
        tD *= pD * INV_2PI;
      }
    }
    nngp[row + j] = sA;
    nngp[row + j + 1] = sB;
    nngp[row + j + 2] = sC;
    nngp[row + j + 3] = sD;
    if (ntk !== null) {
      ntk[row + j] = tA;
      ntk[row + j + 1] = tB;
      ntk[row + j + 2] = tC;
      ntk[row + j + 3] = tD;
    }
    if (mirror) {
      // the transposed entries, stored while the tile's rows are in cache
      nngp[j * n2 + i] = sA;
      nngp[(j + 1) * n2 + i] = sB;
      nngp[(j + 2) * n2 + i] = sC;
      nngp[(j + 3) * n2 + i] = sD;
      if (ntk !== null) {
        ntk[j * n2 + i] = tA;
        ntk[(j + 1) * n2 + i] = tB;
        ntk[(j + 2) * n2 + i] = tC;
        ntk[(j + 3) * n2 + i] = tD;
      }
    }
  }
  return j;
}
