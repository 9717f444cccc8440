import { rootProduct } from '../../special/rootProduct.js';
import {
  OP_AFFINE_NTK,
  OP_AFFINE_STANDARD,
  OP_DUAL,
  OP_RELU,
  type Block,
  type CntkProgram,
} from './program.js';
import type { ImageVariances } from './imageVariances.js';

/**
 * The fused CNTK recursion of one pair of images (x, x'), all layers per displacement.
 *
 * A stride-1 Conv maps Σ(p, p') to (1/|f|)·Σ_a Σ(p + a, p' + a) (Arora et al. 2019, eq. 7): it shifts both
 * positions by the same offset, so the displacement d = p' − p is preserved, and so are the entrywise maps
 * (activation duals, Dense). The P² position pairs therefore split into independent 2-D problems, one per
 * displacement d, each an array over the overlap region {p : p, p + d inside the image} of at most H×W entries
 * (8 KiB for 32×32): every layer's 3×3 stencil on Σ and Θ and the dual that follows it run on that array while it
 * sits in L1, in preallocated ping-pong buffers with a ring of zeros for the padding (a padding term adds 0, as in
 * the record-level map). GlobalAvgPool (eq. 9) sums the last layer over all displacements; Flatten (CNTK-V) needs
 * only d = 0.
 *
 * Per entry the arithmetic is that of the record-level kernel maps (src/nn/conv/conv.ts, the activations' duals,
 * Dense) in the same order, so every position pair gets the same bits; only GlobalAvgPool's sum runs in another
 * order (by displacement instead of row-major over (p, p')).
 */
export interface PairScratch {
  S: [Float64Array, Float64Array];
  T: [Float64Array, Float64Array];
  out: Float64Array;
}

export function pairScratch(p: CntkProgram): PairScratch {
  const n = p.bufH * p.bufW;
  return {
    S: [new Float64Array(n), new Float64Array(n)],
    T: [new Float64Array(n), new Float64Array(n)],
    out: new Float64Array(2),
  };
}

const INV_2PI = 1 / (2 * Math.PI);
const PI = Math.PI;

/** Zero the padding ring of a (rows + top + bottom) × (cols + left + right) array of row stride `bw`. */
function zeroRing(
  a: Float64Array,
  bw: number,
  rows: number,
  cols: number,
  top: number,
  left: number,
  bottom: number,
  right: number,
): void {
  const width = left + cols + right;
  for (let r = 0; r < top; r++) a.fill(0, r * bw, r * bw + width);
  for (let r = top + rows; r < top + rows + bottom; r++) a.fill(0, r * bw, r * bw + width);
  if (left > 0 || right > 0)
    for (let r = top; r < top + rows; r++) {
      for (let c = 0; c < left; c++) a[r * bw + c] = 0;
      for (let c = left + cols; c < width; c++) a[r * bw + c] = 0;
    }
}

/**
 * The hot case of runBlock, written out: a 3×3 'ntk' Conv on Σ and Θ then Relu, taps summed in the same order
 * (row-major over the window), the same per-entry operations.
 */
function conv3x3Relu(
  oh: number,
  ow: number,
  S: Float64Array,
  T: Float64Array,
  dS: Float64Array,
  dT: Float64Array,
  bw: number,
  nextTop: number,
  nextLeft: number,
  w2: number,
  bb: number,
  inv: number,
  v1: Float64Array,
  r1: number,
  v2: Float64Array,
  r2: number,
  wOut: number,
  sh: number,
  sw: number,
  pin: number,
): void {
  const k = INV_2PI;
  for (let u = 0; u < oh; u++) {
    const i0 = u * bw;
    const i1 = i0 + bw;
    const i2 = i1 + bw;
    const rowOut = (u + nextTop) * bw + nextLeft;
    const pRow = (u + sh) * wOut + sw;
    let v = 0;
    // two entries per step: independent chains (window sums → √ → ÷ → arccos → √) overlap in the pipeline
    for (; v + 1 < ow; v += 2) {
      const accS =
        S[i0 + v] +
        S[i0 + v + 1] +
        S[i0 + v + 2] +
        S[i1 + v] +
        S[i1 + v + 1] +
        S[i1 + v + 2] +
        S[i2 + v] +
        S[i2 + v + 1] +
        S[i2 + v + 2];
      const accS2 =
        S[i0 + v + 1] +
        S[i0 + v + 2] +
        S[i0 + v + 3] +
        S[i1 + v + 1] +
        S[i1 + v + 2] +
        S[i1 + v + 3] +
        S[i2 + v + 1] +
        S[i2 + v + 2] +
        S[i2 + v + 3];
      const accT =
        T[i0 + v] +
        T[i0 + v + 1] +
        T[i0 + v + 2] +
        T[i1 + v] +
        T[i1 + v + 1] +
        T[i1 + v + 2] +
        T[i2 + v] +
        T[i2 + v + 1] +
        T[i2 + v + 2];
      const accT2 =
        T[i0 + v + 1] +
        T[i0 + v + 2] +
        T[i0 + v + 3] +
        T[i1 + v + 1] +
        T[i1 + v + 2] +
        T[i1 + v + 3] +
        T[i2 + v + 1] +
        T[i2 + v + 2] +
        T[i2 + v + 3];
      let s = w2 * (inv * accS) + bb;
      let s2 = w2 * (inv * accS2) + bb;
      const t = s + w2 * (inv * accT);
      const t2 = s2 + w2 * (inv * accT2);
      if (pin >= 0) {
        s = v1[pin + pRow + v];
        s2 = v1[pin + pRow + v + 1];
      }
      const n = rootProduct(v1[r1 + pRow + v], v2[r2 + pRow + v]);
      const n2 = rootProduct(v1[r1 + pRow + v + 1], v2[r2 + pRow + v + 1]);
      const cc = n === 0 ? 0 : s / n;
      const cc2 = n2 === 0 ? 0 : s2 / n2;
      const rho = cc > 1 ? 1 : cc < -1 ? -1 : cc;
      const rho2 = cc2 > 1 ? 1 : cc2 < -1 ? -1 : cc2;
      const pmt = PI - Math.acos(rho);
      const pmt2 = PI - Math.acos(rho2);
      dS[rowOut + v] = n * (Math.sqrt(1 - rho * rho) + pmt * rho) * k;
      dS[rowOut + v + 1] = n2 * (Math.sqrt(1 - rho2 * rho2) + pmt2 * rho2) * k;
      dT[rowOut + v] = t * (pmt * k);
      dT[rowOut + v + 1] = t2 * (pmt2 * k);
    }
    for (; v < ow; v++) {
      const accS =
        S[i0 + v] +
        S[i0 + v + 1] +
        S[i0 + v + 2] +
        S[i1 + v] +
        S[i1 + v + 1] +
        S[i1 + v + 2] +
        S[i2 + v] +
        S[i2 + v + 1] +
        S[i2 + v + 2];
      const accT =
        T[i0 + v] +
        T[i0 + v + 1] +
        T[i0 + v + 2] +
        T[i1 + v] +
        T[i1 + v + 1] +
        T[i1 + v + 2] +
        T[i2 + v] +
        T[i2 + v + 1] +
        T[i2 + v + 2];
      let s = w2 * (inv * accS) + bb;
      const t = s + w2 * (inv * accT);
      if (pin >= 0) s = v1[pin + pRow + v];
      const n = rootProduct(v1[r1 + pRow + v], v2[r2 + pRow + v]);
      const cc = n === 0 ? 0 : s / n;
      const rho = cc > 1 ? 1 : cc < -1 ? -1 : cc;
      const pmt = PI - Math.acos(rho);
      dS[rowOut + v] = n * (Math.sqrt(1 - rho * rho) + pmt * rho) * k;
      dT[rowOut + v] = t * (pmt * k);
    }
  }
}

/** One block (stencil + per-entry ops) on the region of displacement (dh, dw): src → dst (padded for the next block). */
function runBlock(
  b: Block,
  lh: number,
  lw: number,
  dh: number,
  dw: number,
  pinned: boolean,
  S: Float64Array,
  T: Float64Array,
  tZero: boolean,
  dS: Float64Array,
  dT: Float64Array,
  next: { top: number; left: number; bottom: number; right: number },
  bw: number,
  v1: Float64Array,
  b1: number,
  v2: Float64Array,
  b2: number,
  offsets: Int32Array,
  wantNtk: boolean,
  out: Float64Array,
): void {
  const conv = b.conv;
  const fh = conv === null ? 1 : conv.fh;
  const fw = conv === null ? 1 : conv.fw;
  const oh = conv === null ? lh : lh + conv.padTop + conv.padBottom - fh + 1;
  const ow = conv === null ? lw : lw + conv.padLeft + conv.padRight - fw + 1;
  zeroRing(dS, bw, oh, ow, next.top, next.left, next.bottom, next.right);
  if (wantNtk) zeroRing(dT, bw, oh, ow, next.top, next.left, next.bottom, next.right);
  const wOut = b.wOut;
  const sh = dh < 0 ? -dh : 0;
  const sw = dw < 0 ? -dw : 0;
  const shift = dh * wOut + dw;
  const ops = b.ops;
  const nOps = ops.length;
  const w2 = conv === null ? 0 : conv.w2;
  const bb = conv === null ? 0 : conv.b2;
  const inv = conv === null ? 0 : conv.inv;
  const isNtk = conv === null ? true : conv.isNtk;
  const cIn = conv === null ? 0 : conv.cIn;
  const one = conv === null ? 0 : conv.one;
  const pinBase = conv !== null && pinned ? b1 + offsets[conv.varAfter] : -1;
  const single = nOps === 1 && ops[0].op === OP_RELU ? ops[0] : null;
  const relu1 = single === null ? 0 : b1 + offsets[single.varIndex];
  const relu2 = single === null ? 0 : b2 + offsets[single.varIndex] + shift;
  if (single !== null && conv !== null && fh === 3 && fw === 3 && isNtk && wantNtk && !tZero) {
    const pin = pinBase >= 0 && dh === 0 && dw === 0 ? pinBase : -1;
    conv3x3Relu(
      oh,
      ow,
      S,
      T,
      dS,
      dT,
      bw,
      next.top,
      next.left,
      w2,
      bb,
      inv,
      v1,
      relu1,
      v2,
      relu2,
      wOut,
      sh,
      sw,
      pin,
    );
    return;
  }
  for (let u = 0; u < oh; u++) {
    const rowIn = u * bw;
    const rowOut = (u + next.top) * bw + next.left;
    const pRow = (u + sh) * wOut + sw;
    for (let v = 0; v < ow; v++) {
      let s: number;
      let t = 0;
      if (conv === null) {
        s = S[rowIn + v];
        if (wantNtk && !tZero) t = T[rowIn + v];
      } else {
        // (1/|f|)·Σ_a over the window, offsets in row-major order as pairWindowSum (src/nn/conv/geometry.ts)
        let accS = 0;
        let accT = 0;
        for (let a = 0; a < fh; a++) {
          const r = rowIn + a * bw + v;
          for (let c = 0; c < fw; c++) accS += S[r + c];
          if (wantNtk && !tZero) for (let c = 0; c < fw; c++) accT += T[r + c];
        }
        s = w2 * (inv * accS) + bb;
        if (wantNtk) t = isNtk ? s + w2 * (inv * accT) : cIn * accS + one + w2 * (inv * accT);
        // the self-pair's Σ(x, x)(p, p) is var(x, p) to the last bit, as the record-level Conv pins it
        if (pinBase >= 0 && dh === 0 && dw === 0) s = v1[pinBase + pRow + v];
      }
      if (single !== null) {
        // Relu (Cho & Saul 2009), the operations of src/kernels/fused.ts's per-entry interpreter
        const n = rootProduct(v1[relu1 + pRow + v], v2[relu2 + pRow + v]);
        const cc = n === 0 ? 0 : s / n;
        const rho = cc > 1 ? 1 : cc < -1 ? -1 : cc;
        const piMinusTheta = PI - Math.acos(rho);
        s = n * (Math.sqrt(1 - rho * rho) + piMinusTheta * rho) * INV_2PI;
        t *= piMinusTheta * INV_2PI;
      } else
        for (let k = 0; k < nOps; k++) {
          const o = ops[k];
          const op = o.op;
          if (op === OP_AFFINE_NTK) {
            s = o.w2 * s + o.b2;
            t = s + o.w2 * t;
          } else if (op === OP_AFFINE_STANDARD) {
            t = o.nIn * s + o.one + o.w2 * t;
            s = o.w2 * s + o.b2;
          } else {
            const q1 = v1[b1 + offsets[o.varIndex] + pRow + v];
            const q2 = v2[b2 + offsets[o.varIndex] + pRow + v + shift];
            if (op === OP_RELU) {
              const n = rootProduct(q1, q2);
              const cc = n === 0 ? 0 : s / n;
              const rho = cc > 1 ? 1 : cc < -1 ? -1 : cc;
              const piMinusTheta = PI - Math.acos(rho);
              s = n * (Math.sqrt(1 - rho * rho) + piMinusTheta * rho) * INV_2PI;
              t *= piMinusTheta * INV_2PI;
            } else if (op === OP_DUAL) {
              o.dual!(s, q1, q2, out);
              s = out[0];
              t *= out[1];
            }
          }
        }
      dS[rowOut + v] = s;
      if (wantNtk) dT[rowOut + v] = t;
    }
  }
}

const NO_PAD = { top: 0, left: 0, bottom: 0, right: 0 };

function padsOf(b: Block | undefined): { top: number; left: number; bottom: number; right: number } {
  const c = b?.conv ?? null;
  return c === null ? NO_PAD : { top: c.padTop, left: c.padLeft, bottom: c.padBottom, right: c.padRight };
}

/**
 * Σ and Θ after the readout (GlobalAvgPool or Flatten, before the tail) of the pair (x, x'): images at offsets
 * o1 / o2 of x1 / x2 (H·W·C floats each, NHWC), their variances at b1 / b2 of v1 / v2. `self` = the pair of an
 * image with itself inside a symmetric record (equal positions pinned to the variances). Writes out[0] = Σ,
 * out[1] = Θ (0 when !wantNtk). With `taps` (4 floats per block), also the readouts after every block, as if the
 * network ended there: taps[4b .. 4b + 3] = Σ, Θ after GlobalAvgPool and Σ, Θ after Flatten (blocks of SAME Convs).
 */
export function pairKernel(
  p: CntkProgram,
  layout: ImageVariances,
  x1: Float64Array,
  o1: number,
  x2: Float64Array,
  o2: number,
  v1: Float64Array,
  b1: number,
  v2: Float64Array,
  b2: number,
  self: boolean,
  wantNtk: boolean,
  sc: PairScratch,
  out: Float64Array,
  taps: Float64Array | null = null,
): void {
  const { H, W, C, blocks, bufW: bw } = p;
  if (taps !== null) taps.fill(0);
  const offsets = layout.offsets;
  const last = blocks.length === 0 ? null : blocks[blocks.length - 1];
  const hL = last === null ? H : last.hOut;
  const wL = last === null ? W : last.wOut;
  const gap = p.readout === 'gap';
  const rh = gap ? hL - 1 : 0;
  const rw = gap ? wL - 1 : 0;
  const pads = blocks.map((_, bi) => padsOf(blocks[bi + 1]));
  const pads0 = padsOf(blocks[0]);
  let sumS = 0;
  let sumT = 0;
  for (let dh = -rh; dh <= rh; dh++)
    for (let dw = -rw; dw <= rw; dw++) {
      let lh = H - Math.abs(dh);
      let lw = W - Math.abs(dw);
      const sh = dh < 0 ? -dh : 0;
      const sw = dw < 0 ? -dw : 0;
      let cur = 0;
      const S0 = sc.S[0];
      zeroRing(S0, bw, lh, lw, pads0.top, pads0.left, pads0.bottom, pads0.right);
      // Σ⁰(p, p + d) = ⟨x(p), x'(p + d)⟩/C (src/kernels/inputKernel.ts), Θ⁰ = 0
      for (let u = 0; u < lh; u++) {
        const row = (u + pads0.top) * bw + pads0.left;
        for (let v = 0; v < lw; v++) {
          const q = (u + sh) * W + v + sw;
          const a = o1 + q * C;
          const c2 = o2 + (q + dh * W + dw) * C;
          let s = 0;
          for (let k = 0; k < C; k++) s += x1[a + k] * x2[c2 + k];
          S0[row + v] = s / C;
        }
      }
      const pinned = self && dh === 0 && dw === 0;
      for (let bi = 0; bi < blocks.length; bi++) {
        const b = blocks[bi];
        const nx = 1 - cur;
        runBlock(
          b,
          lh,
          lw,
          dh,
          dw,
          pinned,
          sc.S[cur],
          sc.T[cur],
          bi === 0,
          sc.S[nx],
          sc.T[nx],
          pads[bi],
          bw,
          v1,
          b1,
          v2,
          b2,
          offsets,
          wantNtk,
          sc.out,
        );
        const c = b.conv;
        if (c !== null) {
          lh = lh + c.padTop + c.padBottom - c.fh + 1;
          lw = lw + c.padLeft + c.padRight - c.fw + 1;
        }
        cur = nx;
        if (taps !== null) {
          const { top, left } = pads[bi];
          const S = sc.S[cur];
          const T = sc.T[cur];
          let a = 0;
          let t = 0;
          for (let u = 0; u < lh; u++)
            for (let v = 0; v < lw; v++) {
              a += S[(u + top) * bw + v + left];
              if (wantNtk) t += T[(u + top) * bw + v + left];
            }
          taps[4 * bi] += a;
          taps[4 * bi + 1] += t;
          if (dh === 0 && dw === 0) {
            taps[4 * bi + 2] = a;
            taps[4 * bi + 3] = t;
          }
        }
      }
      const S = sc.S[cur];
      const T = sc.T[cur];
      const hasT = wantNtk && blocks.length > 0;
      for (let u = 0; u < lh; u++)
        for (let v = 0; v < lw; v++) {
          sumS += S[u * bw + v];
          if (hasT) sumT += T[u * bw + v];
        }
    }
  const B = gap ? hL * wL * (hL * wL) : hL * wL;
  out[0] = sumS / B;
  out[1] = sumT / B;
  if (taps !== null)
    for (let bi = 0; bi < blocks.length; bi++) {
      const Pb = blocks[bi].hOut * blocks[bi].wOut;
      taps[4 * bi] /= Pb * Pb;
      taps[4 * bi + 1] /= Pb * Pb;
      taps[4 * bi + 2] /= Pb;
      taps[4 * bi + 3] /= Pb;
    }
}
