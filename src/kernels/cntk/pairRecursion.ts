import type { ChainSetup, ConvReluChain } from '../../linalg/convReluChain.js';
import {
  convReluWorkspace,
  stencilRoots,
  type Conv3x3Relu,
  type StencilEngine,
} from '../../linalg/convReluStencil.js';
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
 * Dense) in the same order, with two exceptions: the hot block, a 3×3 'ntk' Conv → Relu, forms the ReLU's
 * correlation from the images' reciprocal roots and takes a one-division arccos (src/linalg/ts/conv3x3Relu.ts),
 * which rounds an ulp or two apart from the record-level dual; and GlobalAvgPool's sum runs in another order
 * (region by region, by displacement, instead of row-major over (p, p')).
 *
 * Where the whole network is a chain of hot blocks (3×3 SAME 'ntk' Conv → Relu, the common CNTK) and the stencil's
 * engine is wasm, the whole pair goes to the engine in one call (src/linalg/convReluChain.ts), which runs these
 * operations in this order: the same bits, without the few hundred calls per pair of small images that cost as much
 * as their arithmetic.
 */
export interface PairScratch {
  S: [Float64Array, Float64Array];
  T: [Float64Array, Float64Array];
  /** The variances of the pair's two images, copied beside S and T where the stencil's engine reads them. */
  v1: Float64Array;
  v2: Float64Array;
  /** Their roots √q and reciprocal roots 1/√q, for the hot block's ReLU (src/linalg/ts/conv3x3Relu.ts). */
  roots: Roots;
  /** The readout's sums of Σ and Θ over each displacement's region (GlobalAvgPool: (2h − 1)(2w − 1) of them). */
  sums: Float64Array;
  out: Float64Array;
  /** The hot block, 3×3 'ntk' Conv → Relu, by the engine of src/linalg/convReluStencil.ts. */
  conv3x3Relu: Conv3x3Relu;
  /** The whole pair in one call where the engine has it and the program is a chain of hot blocks, else null. */
  chain: { run: ConvReluChain; setup: ChainSetup } | null;
}

export interface Roots {
  root1: Float64Array;
  recip1: Float64Array;
  root2: Float64Array;
  recip2: Float64Array;
}

/** Scratch for one thread: ping-pong buffers and staged variances in the stencil engine's memory. */
export function pairScratch(p: CntkProgram, layout: ImageVariances, engine: StencilEngine): PairScratch {
  const n = p.bufH * p.bufW;
  const v = layout.stride;
  const nb = p.blocks.length;
  const last = nb === 0 ? null : p.blocks[nb - 1];
  const displacements = (2 * (last?.hOut ?? p.H) - 1) * (2 * (last?.wOut ?? p.W) - 1);
  const img = p.H * p.W * p.C;
  const chainScratch = 5 * (p.H * p.W + 2) + n;
  const lengths = [
    n,
    n,
    n,
    n,
    v,
    v,
    v,
    v,
    v,
    v,
    2 * displacements,
    2,
    img,
    img,
    5 * nb,
    4 * nb,
    chainScratch,
  ];
  const ws = convReluWorkspace(engine, lengths);
  const [S0, S1, T0, T1, v1, v2, root1, recip1, root2, recip2, sums, out, x1, x2, blocks, taps, compact] =
    ws.arrays;
  let chain: PairScratch['chain'] = null;
  if (ws.convReluChain !== null && isChain(p)) {
    p.blocks.forEach((b, i) => {
      const c = b.conv!;
      blocks.set([c.w2, c.b2, c.inv, layout.offsets[b.ops[0].varIndex], layout.offsets[c.varAfter]], 5 * i);
    });
    const gap = p.readout === 'gap';
    const setup: ChainSetup = {
      H: p.H,
      W: p.W,
      C: p.C,
      nBlocks: nb,
      bw: p.bufW,
      x1,
      x2,
      v1,
      root1,
      recip1,
      v2,
      root2,
      recip2,
      stride: v,
      blocks,
      S: [S0, S1],
      T: [T0, T1],
      taps,
      sums,
      rh: gap ? p.H - 1 : 0,
      rw: gap ? p.W - 1 : 0,
      out,
      compact,
    };
    chain = { run: ws.convReluChain(setup), setup };
  }
  return {
    S: [S0, S1],
    T: [T0, T1],
    v1,
    v2,
    roots: { root1, recip1, root2, recip2 },
    sums,
    out,
    conv3x3Relu: ws.conv3x3Relu,
    chain,
  };
}

/** A chain of hot blocks: every block a 3×3 SAME 'ntk' Conv then Relu (so every region keeps its shape). */
function isChain(p: CntkProgram): boolean {
  return (
    p.blocks.length > 0 &&
    p.blocks.every((b) => {
      const c = b.conv;
      return (
        c !== null &&
        c.fh === 3 &&
        c.fw === 3 &&
        c.isNtk &&
        c.padTop === 1 &&
        c.padLeft === 1 &&
        c.padBottom === 1 &&
        c.padRight === 1 &&
        b.ops.length === 1 &&
        b.ops[0].op === OP_RELU
      );
    })
  );
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
  stencil: Conv3x3Relu,
  roots: Roots,
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
  if (single !== null && conv !== null && fh === 3 && fw === 3 && isNtk && wantNtk) {
    const pin = pinBase >= 0 && dh === 0 && dw === 0 ? pinBase : -1;
    stencil(
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
      roots.root1,
      roots.recip1,
      relu1,
      v2,
      roots.root2,
      roots.recip2,
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
        if (wantNtk) t = T[rowIn + v];
      } else {
        // (1/|f|)·Σ_a over the window, offsets in row-major order as pairWindowSum (src/nn/conv/geometry.ts)
        let accS = 0;
        let accT = 0;
        for (let a = 0; a < fh; a++) {
          const r = rowIn + a * bw + v;
          for (let c = 0; c < fw; c++) accS += S[r + c];
          if (wantNtk) for (let c = 0; c < fw; c++) accT += T[r + c];
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
 * o1 / o2 of x1 / x2 (H·W·C floats each, NHWC), their variances at b1 / b2 of vars1 / vars2 (copied into the
 * scratch, where the stencil reads them). `self` = the pair of an
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
  vars1: Float64Array,
  b1: number,
  vars2: Float64Array,
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
  const stride = layout.stride;
  sc.v1.set(vars1.subarray(b1, b1 + stride));
  sc.v2.set(vars2.subarray(b2, b2 + stride));
  if (wantNtk && sc.chain !== null) {
    // the same operations in one call (src/linalg/convReluChain.ts)
    const c = sc.chain.setup;
    c.x1.set(x1.subarray(o1, o1 + H * W * C));
    c.x2.set(x2.subarray(o2, o2 + H * W * C));
    sc.chain.run(self, self && taps === null, taps !== null);
    if (taps !== null) taps.set(c.taps);
    readoutMeans(p, c.out[0], c.out[1], out, taps);
    return;
  }
  const v1 = sc.v1;
  const v2 = sc.v2;
  const { root1, recip1, root2, recip2 } = sc.roots;
  stencilRoots(v1, root1, recip1, stride);
  stencilRoots(v2, root2, recip2, stride);
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
  // A self pair's Σ(x, x)(p, p + d) is Σ(x, x)(p + d, p): the region of −d holds the entries of the region of d, at
  // the same places and computed by the same operations on swapped operands (products and rootProduct commute), so
  // its sums are d's to the bit and are reused. Generic duals need not commute in (q₁, q₂); taps sum every block.
  const mirror = self && taps === null && blocks.every((b) => b.ops.every((o) => o.op !== OP_DUAL));
  const nd = (2 * rh + 1) * (2 * rw + 1);
  const sums = sc.sums;
  let d = -1;
  for (let dh = -rh; dh <= rh; dh++)
    for (let dw = -rw; dw <= rw; dw++) {
      d++;
      if (mirror && 2 * d > nd - 1) {
        sumS += sums[2 * (nd - 1 - d)];
        sumT += sums[2 * (nd - 1 - d) + 1];
        continue;
      }
      let lh = H - Math.abs(dh);
      let lw = W - Math.abs(dw);
      const sh = dh < 0 ? -dh : 0;
      const sw = dw < 0 ? -dw : 0;
      let cur = 0;
      // Θ⁰ = 0: the first block reads zeros (so it takes the same loops as the others)
      if (wantNtk) sc.T[0].fill(0);
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
          sc.S[nx],
          sc.T[nx],
          pads[bi],
          bw,
          v1,
          0,
          v2,
          0,
          offsets,
          wantNtk,
          sc.conv3x3Relu,
          sc.roots,
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
      // the readout sums region by region (Arora et al. 2019, eq. 9: GlobalAvgPool averages all position pairs)
      const S = sc.S[cur];
      const T = sc.T[cur];
      const hasT = wantNtk && blocks.length > 0;
      let rs = 0;
      let rt = 0;
      for (let u = 0; u < lh; u++)
        for (let v = 0; v < lw; v++) {
          rs += S[u * bw + v];
          if (hasT) rt += T[u * bw + v];
        }
      sums[2 * d] = rs;
      sums[2 * d + 1] = rt;
      sumS += rs;
      sumT += rt;
    }
  readoutMeans(p, sumS, sumT, out, taps);
}

/**
 * The readouts from their sums: out = (Σ, Θ) summed over all regions, divided by the position pairs GlobalAvgPool
 * averages (P², eq. 9) or the positions Flatten's mean takes (P); each block's taps in place, by its own P.
 */
function readoutMeans(
  p: CntkProgram,
  sumS: number,
  sumT: number,
  out: Float64Array,
  taps: Float64Array | null,
): void {
  const blocks = p.blocks;
  const last = blocks.length === 0 ? null : blocks[blocks.length - 1];
  const P = (last === null ? p.H : last.hOut) * (last === null ? p.W : last.wOut);
  const B = p.readout === 'gap' ? P * P : P;
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
