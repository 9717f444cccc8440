import { acos2 } from './acos';
import { at, splatAt } from './simd';

// One layer of the fused CNTK recursion on the region of one displacement (src/kernels/cntk/pairRecursion.ts):
// a 3×3 stride-1 Conv in the NTK parameterization on Σ and Θ (Arora et al. 2019, eq. 7: the mean over the
// window of Σ(p + a, p' + a), then Σ' = W_std²·mean + b_std², Θ' = Σ' + W_std²·mean of Θ), then the ReLU
// dual (Cho & Saul 2009, arc-cosine kernel of degree 1 and 0 with the 1/(2π) normalization):
//   ρ = Σ'/√(q₁q₂),  Σ'' = √(q₁q₂)·(√(1 − ρ²) + (π − acos ρ)·ρ)/(2π),  Θ'' = Θ'·(π − acos ρ)/(2π),
// with √(q₁q₂) = √q₁·√q₂ and ρ = Σ'·(1/√q₁·1/√q₂) from the images' roots and reciprocal roots, and where that
// |ρ| ≥ NEAR_ONE (or 1/√q₁·1/√q₂ is not finite) n = √(q₁q₂) and ρ = Σ'/n as the record-level dual (the TypeScript
// loop, src/linalg/ts/conv3x3Relu.ts, says why). Two output entries per f64x2. Every lane runs the operations
// of the TypeScript loop in the same order — the nine taps summed row-major over the window, no fused
// multiply–add, the arccos of acos2 — so both give the same bits. All pointers are byte addresses.

/** 1, −1, π, 1/(2π) and NEAR_ONE = 1 − 2⁻¹⁶ (src/linalg/ts/conv3x3Relu.ts), splat from memory (./simd.ts, splatAt). */
export const K = memory.data<f64>([1, -1, Math.PI, 1 / (2 * Math.PI), 1 - 0.0000152587890625]);

/** √(q₁q₂) lane-wise from the product q₁q₂, or √q₁·√q₂ (given: the product of the roots) where q₁q₂ overflows or
 * underflows (src/special/rootProduct.ts). Its test "q₁ ≠ 0 and q₂ ≠ 0" is "√q₁·√q₂ ≠ 0": the root of the least
 * subnormal, 2⁻¹⁰⁷⁴, is 2⁻⁵³⁷, so a product of roots of nonzero variances is at least 2⁻¹⁰⁷⁴ and never rounds to 0. */
// prettier-ignore
@inline function rootProduct2(product: v128, roots: v128): v128 {
  const zero = f64x2.splat(0);
  const n = f64x2.sqrt(product);
  const lost = v128.or(f64x2.eq(n, f64x2.splat(Infinity)), v128.and(f64x2.eq(n, zero), f64x2.ne(roots, zero)));
  return v128.bitselect(roots, n, lost);
}

/** The sum of a 3×3 window, taps in row-major order, for the entries at r + 8·v and r + 8·(v + 1) of rows r0..r2. */
// prettier-ignore
@inline export function window3x3(r0: usize, r1: usize, r2: usize): v128 {
  let a = f64x2.add(v128.load(r0), v128.load(r0, 8));
  a = f64x2.add(a, v128.load(r0, 16));
  a = f64x2.add(a, v128.load(r1));
  a = f64x2.add(a, v128.load(r1, 8));
  a = f64x2.add(a, v128.load(r1, 16));
  a = f64x2.add(a, v128.load(r2));
  a = f64x2.add(a, v128.load(r2, 8));
  return f64x2.add(a, v128.load(r2, 16));
}

/** Both lanes of x at p, or lane 0 alone (a row's odd last entry: the next cell is the padding ring). */
// prettier-ignore
@inline export function store2(p: usize, x: v128, both: bool): void {
  if (both) v128.store(p, x);
  else v128.store64_lane(p, x, 0);
}

/**
 * The ReLU dual of two entries in place: Σ' at ps and Θ' at pt → Σ'' and Θ'' (lane 0 alone unless `both`), from the
 * products of the two images' roots (n) and reciprocal roots (m) and their variances at q1, q2 (q2 = 0: the variances'
 * products at q1); the constants 1, −1,
 * π, 1/(2π), ∞ and NEAR_ONE come from the caller, loaded once outside its loops (V8 does not hoist them).
 */
// prettier-ignore
@inline export function reluDualAt(ps: usize, pt: usize, n0: v128, m: v128, q1: usize, q2: usize, both: bool, one: v128, minusOne: v128, pi: v128, inv2pi: v128, inf: v128, nearOne: v128): void {
  const s = v128.load(ps);
  const t = v128.load(pt);
  let n = n0;
  // ρ = Σ'·m; where m is not finite or |ρ| ≥ NEAR_ONE, n = √(q₁q₂) and ρ = Σ'/n, 0 where n = 0; then clamped to
  // [−1, 1] (pmin(a, b) = b < a ? b : a keeps NaN, as the scalar ternaries)
  let cc = f64x2.mul(s, m);
  const fast = v128.and(f64x2.lt(m, inf), f64x2.lt(f64x2.abs(cc), nearOne));
  if (!i64x2.all_true(fast)) {
    const exact = rootProduct2(q2 == 0 ? v128.load(q1) : f64x2.mul(v128.load(q1), v128.load(q2)), n);
    cc = v128.bitselect(cc, v128.andnot(f64x2.div(s, exact), f64x2.eq(exact, f64x2.splat(0))), fast);
    n = v128.bitselect(n, exact, fast);
  }
  const rho = f64x2.pmax(f64x2.pmin(cc, one), minusOne);
  const pmt = f64x2.sub(pi, acos2(rho));
  const root = f64x2.sqrt(f64x2.sub(one, f64x2.mul(rho, rho)));
  store2(ps, f64x2.mul(f64x2.mul(n, f64x2.add(root, f64x2.mul(pmt, rho))), inv2pi), both);
  store2(pt, f64x2.mul(t, f64x2.mul(pmt, inv2pi)), both);
}

/**
 * Σ, Θ (row stride bw, padded by one all round) → dS, dT at (nextTop, nextLeft) for the oh×ow outputs; q1, n1,
 * i1 and q2, n2, i2: the ReLU's variances, their roots and reciprocal roots of the two images at the first output
 * (row stride wOut, offset sh·wOut + sw); pin ≠ 0: the self-pair's variances, which replace Σ' before the dual.
 * Reads up to one entry past each row's end.
 */
export function conv3x3Relu(
  oh: i32,
  ow: i32,
  S: usize,
  T: usize,
  dS: usize,
  dT: usize,
  bw: i32,
  nextTop: i32,
  nextLeft: i32,
  w2: f64,
  bb: f64,
  inv: f64,
  q1: usize,
  n1: usize,
  i1: usize,
  q2: usize,
  n2: usize,
  i2: usize,
  wOut: i32,
  sh: i32,
  sw: i32,
  pin: usize,
): void {
  const vw2 = f64x2.splat(w2);
  const vbb = f64x2.splat(bb);
  const vinv = f64x2.splat(inv);
  const row = (<usize>bw) << 3;
  const one = splatAt(K, 0);
  const minusOne = splatAt(K, 1);
  const pi = splatAt(K, 2);
  const inv2pi = splatAt(K, 3);
  const inf = f64x2.splat(Infinity);
  const nearOne = splatAt(K, 4);
  for (let u = 0; u < oh; u++) {
    const s0 = at(S, u * bw);
    const t0 = at(T, u * bw);
    const ps = at(dS, (u + nextTop) * bw + nextLeft);
    const pt = at(dT, (u + nextTop) * bw + nextLeft);
    const pRow = (u + sh) * wOut + sw;
    // the Conv, into dS and dT, in passes of their own (in one loop with the dual, V8 spilled the taps)
    for (let v = 0; v < ow; v += 2) {
      const r = at(s0, v);
      store2(at(ps, v), f64x2.add(f64x2.mul(vw2, f64x2.mul(vinv, window3x3(r, r + row, r + 2 * row))), vbb), v + 1 < ow);
    }
    for (let v = 0; v < ow; v += 2) {
      const r = at(t0, v);
      const t = f64x2.add(v128.load(at(ps, v)), f64x2.mul(vw2, f64x2.mul(vinv, window3x3(r, r + row, r + 2 * row))));
      store2(at(pt, v), t, v + 1 < ow);
    }
    if (pin != 0) memory.copy(ps, at(pin, pRow), (<usize>ow) << 3);
    // the dual, in place
    for (let v = 0; v < ow; v += 2) {
      const n = f64x2.mul(v128.load(at(n1, pRow + v)), v128.load(at(n2, pRow + v)));
      const m = f64x2.mul(v128.load(at(i1, pRow + v)), v128.load(at(i2, pRow + v)));
      reluDualAt(at(ps, v), at(pt, v), n, m, at(q1, pRow + v), at(q2, pRow + v), v + 1 < ow, one, minusOne, pi, inv2pi, inf, nearOne);
    }
  }
}
