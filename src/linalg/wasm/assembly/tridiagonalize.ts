import { gemm } from './gemm';
import { at, ld, madd, st } from './simd';

// Householder tridiagonal form Qᵀ·A·Q = T of a symmetric n×n matrix (LAPACK dsytrd/dlatrd, uplo = 'L'),
// in place on row-major storage — the same algorithm, blocking and reflector storage as the TypeScript
// backend's tridiagonalize.ts (Dongarra, Hammarling & Sorensen, J. Comput. Appl. Math. 27 (1989);
// Golub & Van Loan, Alg. 8.3.1): p = τ·A₂₂·v, w = p − (τ/2)(pᵀv)·v, A₂₂ ← A₂₂ − v·wᵀ − w·vᵀ, with the
// symmetric matrix–vector product in f64x2 and the rank-2·NB trailing update on the wasm GEMM.

const NB = 32;
const ROWS = 96;
const LD = 2 * NB;

/** float64 words of workspace `tridiagonalize` needs for order n (besides the GEMM workspace). */
export function tridiagonalizeWork(n: i32): i32 {
  return 2 * n * LD + NB * n + 3 * n + 2 * NB;
}

/**
 * Reduce a (lower triangle read, destroyed) to tridiagonal form: d (n), e (n − 1), tau (n − 1); with
 * keepReflectors, v_k is written into row k, columns k+1..n−1. `work` holds tridiagonalizeWork(n)
 * words, `gemmWork` the GEMM workspace.
 */
export function tridiagonalize(n: i32, a: usize, keep: bool, d: usize, e: usize, tau: usize, work: usize, gemmWork: usize): void {
  if (n == 0) return;
  const U = work;
  const U2 = at(U, n * LD);
  const P = at(U2, n * LD);
  const x = at(P, NB * n);
  const v = at(x, n);
  const y = at(v, n);
  const s1 = at(y, n);
  const s2 = at(s1, NB);
  for (let k0 = 0; k0 < n - 1; k0 += NB) {
    const nbp = min(NB, n - 1 - k0);
    memory.fill(at(U, k0 * LD), 0, (<usize>((n - k0) * LD)) << 3);
    for (let r = k0; r < n; r++) {
      const row = r * n + k0;
      const w = min(nbp, r - k0 + 1);
      for (let i = 0; i < w; i++) st(P, i * n + r, ld(a, row + i));
    }
    for (let i = 0; i < nbp; i++) {
      const c = k0 + i;
      const m = n - c - 1;
      const pc = i * n;
      // Column c (rows c..n−1) of A − V·Wᵀ − W·Vᵀ, using the i reflectors of this panel so far.
      if (i > 0) {
        const vc = c * LD;
        for (let r = c; r < n; r++) {
          let corr: f64 = 0;
          const vr = r * LD;
          for (let j = 0; j < i; j++) corr += ld(U, vr + j) * ld(U, vc + NB + j) + ld(U, vr + NB + j) * ld(U, vc + j);
          st(P, pc + r, ld(P, pc + r) - corr);
        }
      }
      st(d, c, ld(P, pc + c));
      for (let t = 0; t < m; t++) st(x, t, ld(P, pc + c + 1 + t));
      const tc = householderReflector(x, m, v, e, c);
      st(tau, c, tc);
      if (keep) for (let t = 0; t < m; t++) st(a, c * n + c + 1 + t, ld(v, t));
      for (let t = 0; t < m; t++) st(U, (c + 1 + t) * LD + i, ld(v, t));
      if (tc == 0) continue; // w = 0
      // y = A₂₂·v on the lower triangle of the panel-start matrix.
      const o = c + 1;
      symvLower(m, at(a, o * n + o), n, v, y);
      // y −= V·(Wᵀv) + W·(Vᵀv) over the previous reflectors of the panel.
      if (i > 0) {
        memory.fill(s1, 0, (<usize>i) << 3);
        memory.fill(s2, 0, (<usize>i) << 3);
        for (let r = 0; r < m; r++) {
          const b = (o + r) * LD;
          const vr = ld(v, r);
          for (let j = 0; j < i; j++) {
            st(s1, j, ld(s1, j) + ld(U, b + NB + j) * vr);
            st(s2, j, ld(s2, j) + ld(U, b + j) * vr);
          }
        }
        for (let r = 0; r < m; r++) {
          const b = (o + r) * LD;
          let corr: f64 = 0;
          for (let j = 0; j < i; j++) corr += ld(U, b + j) * ld(s1, j) + ld(U, b + NB + j) * ld(s2, j);
          st(y, r, ld(y, r) - corr);
        }
      }
      let yv: f64 = 0;
      for (let r = 0; r < m; r++) {
        const yr = ld(y, r) * tc;
        st(y, r, yr);
        yv += yr * ld(v, r);
      }
      const half = -0.5 * tc * yv;
      for (let r = 0; r < m; r++) st(U, (o + r) * LD + NB + i, ld(y, r) + half * ld(v, r));
    }
    // Trailing lower triangle: A₂₂ ← A₂₂ − U·U'ᵀ (rows/cols k1..n−1), one block row at a time.
    const k1 = k0 + nbp;
    for (let r = k1; r < n; r++) {
      const p = r * LD;
      memory.copy(at(U2, p), at(U, p + NB), NB << 3);
      memory.copy(at(U2, p + NB), at(U, p), NB << 3);
    }
    for (let i0 = k1; i0 < n; i0 += ROWS) {
      const i1 = min(i0 + ROWS, n);
      gemm(false, true, i1 - i0, i1 - k1, LD, -1, at(U, i0 * LD), LD, at(U2, k1 * LD), LD, 1, at(a, i0 * n + k1), n, gemmWork);
    }
  }
  st(d, n - 1, ld(a, (n - 1) * n + n - 1));
}

/**
 * Elementary reflector (LAPACK dlarfg; Golub & Van Loan §5.1.2–5.1.3), as householder.ts: for x of
 * length m, v = (1, x[1:]/(α − β)), β written to e[c], τ returned (0 when x[1:] = 0).
 */
function householderReflector(x: usize, m: i32, v: usize, e: usize, c: i32): f64 {
  const alpha = ld(x, 0);
  const xnorm = norm2(x, 1, m);
  st(v, 0, 1);
  if (xnorm == 0) {
    for (let t = 1; t < m; t++) st(v, t, 0);
    st(e, c, alpha);
    return 0;
  }
  const h = hypot2(alpha, xnorm);
  const beta = alpha >= 0 ? -h : h;
  const tau = (beta - alpha) / beta;
  const denom = alpha - beta;
  for (let t = 1; t < m; t++) st(v, t, ld(x, t) / denom);
  st(e, c, beta);
  return tau;
}

/** Euclidean norm of x[from:to], scaled by the largest magnitude (no overflow or underflow). */
function norm2(x: usize, from: i32, to: i32): f64 {
  let amax: f64 = 0;
  for (let t = from; t < to; t++) amax = max(amax, abs(ld(x, t)));
  if (amax == 0) return 0;
  let s: f64 = 0;
  for (let t = from; t < to; t++) {
    const y = ld(x, t) / amax;
    s += y * y;
  }
  return amax * Math.sqrt(s);
}

/** √(a² + b²) without intermediate overflow or underflow. */
function hypot2(a: f64, b: f64): f64 {
  const x = abs(a);
  const y = abs(b);
  const big = x > y ? x : y;
  if (big == 0) return 0;
  const small = x > y ? y : x;
  const r = small / big;
  return big * Math.sqrt(1 + r * r);
}

/**
 * y ← A·v for a symmetric m×m matrix of which only the lower triangle (at a, leading dimension lda) is
 * read. Four rows at a time; the column part A[r..r+3][0..r)·v and the row part y[0..r) += A[r..r+3][t]·v[r..r+3]
 * run two entries per f64x2.
 */
function symvLower(m: i32, a: usize, lda: i32, v: usize, y: usize): void {
  memory.fill(y, 0, (<usize>m) << 3);
  let r = 0;
  for (; r + 3 < m; r += 4) {
    const p0 = at(a, r * lda);
    const p1 = at(p0, lda);
    const p2 = at(p1, lda);
    const p3 = at(p2, lda);
    const v0 = ld(v, r), v1 = ld(v, r + 1), v2 = ld(v, r + 2), v3 = ld(v, r + 3);
    const w0 = f64x2.splat(v0), w1 = f64x2.splat(v1), w2 = f64x2.splat(v2), w3 = f64x2.splat(v3);
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    let t = 0;
    for (; t + 1 < r; t += 2) {
      const a0 = v128.load(at(p0, t));
      const a1 = v128.load(at(p1, t));
      const a2 = v128.load(at(p2, t));
      const a3 = v128.load(at(p3, t));
      const vt = v128.load(at(v, t));
      s0 = madd(a0, vt, s0);
      s1 = madd(a1, vt, s1);
      s2 = madd(a2, vt, s2);
      s3 = madd(a3, vt, s3);
      const yt = at(y, t);
      v128.store(yt, madd(a3, w3, madd(a2, w2, madd(a1, w1, madd(a0, w0, v128.load(yt))))));
    }
    let q0 = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
    let q1 = f64x2.extract_lane(s1, 0) + f64x2.extract_lane(s1, 1);
    let q2 = f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1);
    let q3 = f64x2.extract_lane(s3, 0) + f64x2.extract_lane(s3, 1);
    for (; t < r; t++) {
      const a0 = ld(p0, t), a1 = ld(p1, t), a2 = ld(p2, t), a3 = ld(p3, t);
      const vt = ld(v, t);
      q0 += a0 * vt;
      q1 += a1 * vt;
      q2 += a2 * vt;
      q3 += a3 * vt;
      st(y, t, ld(y, t) + a0 * v0 + a1 * v1 + a2 * v2 + a3 * v3);
    }
    // the 4×4 diagonal block (lower triangle)
    const a10 = ld(p1, r), a20 = ld(p2, r), a21 = ld(p2, r + 1);
    const a30 = ld(p3, r), a31 = ld(p3, r + 1), a32 = ld(p3, r + 2);
    st(y, r, ld(y, r) + q0 + ld(p0, r) * v0 + a10 * v1 + a20 * v2 + a30 * v3);
    st(y, r + 1, ld(y, r + 1) + q1 + a10 * v0 + ld(p1, r + 1) * v1 + a21 * v2 + a31 * v3);
    st(y, r + 2, ld(y, r + 2) + q2 + a20 * v0 + a21 * v1 + ld(p2, r + 2) * v2 + a32 * v3);
    st(y, r + 3, ld(y, r + 3) + q3 + a30 * v0 + a31 * v1 + a32 * v2 + ld(p3, r + 3) * v3);
  }
  for (; r < m; r++) {
    const p = at(a, r * lda);
    const vr = ld(v, r);
    let s: f64 = 0;
    for (let t = 0; t < r; t++) {
      const art = ld(p, t);
      s += art * ld(v, t);
      st(y, t, ld(y, t) + art * vr);
    }
    st(y, r, ld(y, r) + s + ld(p, r) * vr);
  }
}
