import { K, reluDualAt, store2, window3x3 } from './conv3x3Relu';
import { at, ld, splatAt, st } from './simd';

// The whole fused CNTK recursion of one pair of images (x, x') for the common network — a chain of 3×3 SAME
// stride-1 'ntk' Conv → Relu blocks, then GlobalAvgPool or Flatten — in one call: per displacement d = p' − p the
// input kernel Σ⁰(p, p + d) = ⟨x(p), x'(p + d)⟩/C, then every block's stencil and dual (./conv3x3Relu.ts, Arora
// et al. 2019, eq. 7; Cho & Saul 2009), the sums of each block's Σ and Θ over the region (the readouts after every
// block, "taps") and the readout's sums (eq. 9). The operations are those of the TypeScript driver
// (src/kernels/cntk/pairRecursion.ts) in the same order — every sum sequential in row-major order, no fused
// multiply–add — so both give the same bits; what this saves is the driver's per-region calls (a few hundred per
// pair of 8×8 images, each about as long as its arithmetic). All pointers are byte addresses.

/** Zero the one-wide padding ring of a rows × cols array at (1, 1) of a buffer of row stride bw. */
// prettier-ignore
@inline function zeroRing1(a: usize, bw: i32, rows: i32, cols: i32): void {
  // stores, not memory.fill: V8 calls out of the module for each memory.fill, dearer than a row of stores
  const z = f64x2.splat(0);
  const bottom = at(a, (rows + 1) * bw);
  for (let c = 0; c < cols + 2; c += 2) {
    store2(at(a, c), z, c + 1 < cols + 2);
    store2(at(bottom, c), z, c + 1 < cols + 2);
  }
  for (let r = 1; r <= rows; r++) {
    st(a, r * bw, 0);
    st(a, r * bw + cols + 1, 0);
  }
}

/**
 * One block on the region of one displacement (lh × lw outputs): the 3×3 Conv of Σ and Θ (S, T: row stride bw,
 * padded by one) and the ReLU's inputs, row by row into the region's compact arrays (cS, cT, and per entry the
 * products of the roots, cN, of the reciprocal roots, cM, and of the variances, cP), then the dual over
 * the compact arrays in one loop (long enough for consecutive entries' arccos to overlap), then, unless this is the
 * last block, the region into dS, dT at (1, 1). The entries are those of ./conv3x3Relu.ts, bit for bit. The compact
 * arrays need two words of slack: a row's last pair may spill one entry into the next row (rewritten next) or past
 * the region's end.
 */
// prettier-ignore
@inline function chainBlock(lh: i32, lw: i32, S: usize, T: usize, dS: usize, dT: usize, bw: i32, scatter: bool, w2: f64, bb: f64, inv: f64, q1: usize, n1: usize, i1: usize, q2: usize, n2: usize, i2: usize, W: i32, sh: i32, sw: i32, pin: usize, cS: usize, cT: usize, cN: usize, cM: usize, cP: usize): void {
  const vw2 = f64x2.splat(w2);
  const vbb = f64x2.splat(bb);
  const vinv = f64x2.splat(inv);
  const row = (<usize>bw) << 3;
  let k = 0;
  for (let u = 0; u < lh; u++) {
    const s0 = at(S, u * bw);
    const t0 = at(T, u * bw);
    const ps = at(cS, k);
    const pt = at(cT, k);
    const pRow = (u + sh) * W + sw;
    for (let v = 0; v < lw; v += 2) {
      const r = at(s0, v);
      v128.store(at(ps, v), f64x2.add(f64x2.mul(vw2, f64x2.mul(vinv, window3x3(r, r + row, r + 2 * row))), vbb));
    }
    for (let v = 0; v < lw; v += 2) {
      const r = at(t0, v);
      v128.store(at(pt, v), f64x2.add(v128.load(at(ps, v)), f64x2.mul(vw2, f64x2.mul(vinv, window3x3(r, r + row, r + 2 * row)))));
    }
    if (pin != 0) memory.copy(ps, at(pin, pRow), (<usize>lw) << 3);
    for (let v = 0; v < lw; v += 2) {
      const j = k + v;
      const e = pRow + v;
      v128.store(at(cN, j), f64x2.mul(v128.load(at(n1, e)), v128.load(at(n2, e))));
      v128.store(at(cM, j), f64x2.mul(v128.load(at(i1, e)), v128.load(at(i2, e))));
      v128.store(at(cP, j), f64x2.mul(v128.load(at(q1, e)), v128.load(at(q2, e))));
    }
    k += lw;
  }
  const one = splatAt(K, 0);
  const minusOne = splatAt(K, 1);
  const pi = splatAt(K, 2);
  const inv2pi = splatAt(K, 3);
  const inf = f64x2.splat(Infinity);
  const nearOne = splatAt(K, 4);
  for (let j = 0; j < k; j += 2)
    reluDualAt(at(cS, j), at(cT, j), v128.load(at(cN, j)), v128.load(at(cM, j)), at(cP, j), 0, true, one, minusOne, pi, inv2pi, inf, nearOne);
  if (scatter)
    for (let u = 0; u < lh; u++) {
      const ps = at(cS, u * lw);
      const pt = at(cT, u * lw);
      const qs = at(dS, (u + 1) * bw + 1);
      const qt = at(dT, (u + 1) * bw + 1);
      for (let v = 0; v < lw; v += 2) {
        store2(at(qs, v), v128.load(at(ps, v)), v + 1 < lw);
        store2(at(qt, v), v128.load(at(pt, v)), v + 1 < lw);
      }
    }
}

/**
 * x1, x2: the two images (H·W·C floats, NHWC); v1, v2: their variances (`stride` floats, ../../../kernels/cntk/
 * imageVariances.ts), whose roots and reciprocal roots this writes to n1, i1 and n2, i2; blocks: per block
 * W_std², b_std², 1/9, the offset of the ReLU's variances and of the Conv's (the self pair's pin); S0, S1, T0, T1:
 * the ping-pong buffers, row stride bw; rh, rw: the largest |dh|, |dw| (GlobalAvgPool: H − 1 and W − 1; Flatten:
 * 0); self: the pair of an image with itself (the pin at d = 0); mirror: reuse d's sums for −d; taps ≠ 0: adds each
 * block's sums over every region to taps[4b], taps[4b + 1] and sets taps[4b + 2], taps[4b + 3] to d = 0's; sums: 2
 * floats per displacement; compact: 5·(H·W + 2) floats of scratch, then as many zeros as a ping-pong buffer holds
 * (Θ⁰, never written). Writes out[0], out[1] = the sums of Σ and Θ over all regions.
 */
export function convReluChain(
  H: i32,
  W: i32,
  C: i32,
  nBlocks: i32,
  bw: i32,
  x1: usize,
  x2: usize,
  v1: usize,
  n1: usize,
  i1: usize,
  v2: usize,
  n2: usize,
  i2: usize,
  stride: i32,
  blocks: usize,
  S0: usize,
  S1: usize,
  T0: usize,
  T1: usize,
  taps: usize,
  sums: usize,
  rh: i32,
  rw: i32,
  self: bool,
  mirror: bool,
  out: usize,
  compact: usize,
): void {
  const cn = H * W + 2;
  const cS = compact;
  const cT = at(cS, cn);
  const cN = at(cT, cn);
  const cM = at(cN, cn);
  const cP = at(cM, cn);
  // Θ⁰ = 0: the first block reads it from zeros of its own, never written
  const Z = at(cP, cn);
  // √q and 1/√q (src/linalg/convReluStencil.ts, stencilRoots)
  for (let i = 0; i < stride; i++) {
    const r = Math.sqrt(ld(v1, i));
    st(n1, i, r);
    st(i1, i, 1 / r);
    const r2 = Math.sqrt(ld(v2, i));
    st(n2, i, r2);
    st(i2, i, 1 / r2);
  }
  if (taps != 0) memory.fill(taps, 0, (<usize>(4 * nBlocks)) << 3);
  let sumS: f64 = 0;
  let sumT: f64 = 0;
  const nd = (2 * rh + 1) * (2 * rw + 1);
  let d = -1;
  for (let dh = -rh; dh <= rh; dh++)
    for (let dw = -rw; dw <= rw; dw++) {
      d++;
      if (mirror && 2 * d > nd - 1) {
        sumS += ld(sums, 2 * (nd - 1 - d));
        sumT += ld(sums, 2 * (nd - 1 - d) + 1);
        continue;
      }
      const lh = H - (dh < 0 ? -dh : dh);
      const lw = W - (dw < 0 ? -dw : dw);
      const sh = dh < 0 ? -dh : 0;
      const sw = dw < 0 ? -dw : 0;
      const shift = dh * W + dw;
      zeroRing1(S0, bw, lh, lw);
      for (let u = 0; u < lh; u++) {
        const row = (u + 1) * bw + 1;
        for (let v = 0; v < lw; v++) {
          const q = (u + sh) * W + v + sw;
          const a = q * C;
          const c2 = (q + shift) * C;
          let s: f64 = 0;
          for (let k = 0; k < C; k++) s += ld(x1, a + k) * ld(x2, c2 + k);
          st(S0, row + v, s / <f64>C);
        }
      }
      const pinned = self && dh == 0 && dw == 0;
      let S = S0;
      let T = Z;
      let dS = S1;
      let dT = T1;
      for (let bi = 0; bi < nBlocks; bi++) {
        const pb = at(blocks, 5 * bi);
        const pad = bi + 1 < nBlocks ? 1 : 0;
        if (pad == 1) {
          zeroRing1(dS, bw, lh, lw);
          zeroRing1(dT, bw, lh, lw);
        }
        const relu = <i32>ld(pb, 3);
        const relu2 = relu + shift;
        chainBlock(lh, lw, S, T, dS, dT, bw, pad == 1, ld(pb, 0), ld(pb, 1), ld(pb, 2), at(v1, relu), at(n1, relu), at(i1, relu), at(v2, relu2), at(n2, relu2), at(i2, relu2), W, sh, sw, pinned ? at(v1, <i32>ld(pb, 4)) : 0, cS, cT, cN, cM, cP);
        const tS = S;
        const tT = T;
        S = dS;
        T = dT;
        dS = tS;
        dT = bi == 0 ? T0 : tT;
        if (taps != 0) {
          let a: f64 = 0;
          let t: f64 = 0;
          for (let j = 0; j < lh * lw; j++) {
            a += ld(cS, j);
            t += ld(cT, j);
          }
          const pt = at(taps, 4 * bi);
          st(pt, 0, ld(pt, 0) + a);
          st(pt, 1, ld(pt, 1) + t);
          if (dh == 0 && dw == 0) {
            st(pt, 2, a);
            st(pt, 3, t);
          }
        }
      }
      let rs: f64 = 0;
      let rt: f64 = 0;
      // the last block's Σ and Θ are in the compact arrays
      for (let j = 0; j < lh * lw; j++) {
        rs += ld(cS, j);
        rt += ld(cT, j);
      }
      st(sums, 2 * d, rs);
      st(sums, 2 * d + 1, rt);
      sumS += rs;
      sumT += rt;
    }
  st(out, 0, sumS);
  st(out, 1, sumT);
}
