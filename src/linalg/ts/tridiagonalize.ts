import { gemmStrided } from './gemm.js';
import { householderReflector } from './householder.js';

/** Panel width: the trailing update after each panel is a rank-2·NB GEMM update. */
const NB = 32;
/** Row-block height of the trailing update. */
const ROWS = 96;

/** Householder tridiagonal form Qᵀ·A·Q = T of a symmetric matrix. */
export interface Tridiagonal {
  /** Diagonal of T (length n). */
  d: Float64Array;
  /** Sub-diagonal of T (length max(n − 1, 0)): e[k] = T[k+1][k]. */
  e: Float64Array;
  /** τ_k of the reflectors H_k = I − τ_k·v_k·v_kᵀ, Q = H_0·H_1···H_{n−2}. */
  tau: Float64Array;
}

/**
 * Reduce a symmetric n×n matrix to tridiagonal form (LAPACK dsytrd/dlatrd, uplo = 'L'), in place on
 * row-major storage: only the lower triangle of `a` is read, and it is destroyed. Householder vector
 * v_k (v_k[0..k] = 0, v_k[k+1] = 1) is written into row k of `a`, columns k+1..n−1, when `keepReflectors`.
 *
 * Blocked as in Dongarra, Hammarling & Sorensen, "Block reduction of matrices to condensed forms for
 * eigenvalue computations", J. Comput. Appl. Math. 27 (1989): within a panel of NB columns the
 * reflectors and the vectors w_j are accumulated in V, W with A_k = A − V·Wᵀ − W·Vᵀ applied on the fly
 * (column updates and the symmetric matrix–vector product), and after the panel the trailing lower
 * triangle receives the rank-2·NB update with GEMM. The step for one reflector is
 *   p = τ·A₂₂·v,  w = p − (τ/2)(pᵀv)·v,  A₂₂ ← A₂₂ − v·wᵀ − w·vᵀ   (Golub & Van Loan, Alg. 8.3.1).
 */
export function tridiagonalize(n: number, a: Float64Array, keepReflectors: boolean): Tridiagonal {
  const d = new Float64Array(n);
  const e = new Float64Array(Math.max(n - 1, 0));
  const tau = new Float64Array(Math.max(n - 1, 0));
  if (n === 0) return { d, e, tau };
  // U = [V | W] and U' = [W | V], row-major with rows of 2·NB, so that V·Wᵀ + W·Vᵀ = U·U'ᵀ is one GEMM.
  const LD = 2 * NB;
  const U = new Float64Array(n * LD);
  const U2 = new Float64Array(n * LD);
  const x = new Float64Array(n);
  const v = new Float64Array(n);
  const y = new Float64Array(n);
  const s1 = new Float64Array(NB);
  const s2 = new Float64Array(NB);

  // The panel's columns, copied column-major (P[i·n + r] = A[r][k0 + i]), so that the column
  // updates run over contiguous memory; A itself keeps the panel-start values the products need.
  const P = new Float64Array(NB * n);
  for (let k0 = 0; k0 < n - 1; k0 += NB) {
    const nbp = Math.min(NB, n - 1 - k0);
    U.fill(0, k0 * LD);
    for (let r = k0; r < n; r++) {
      const row = r * n + k0;
      const w = Math.min(nbp, r - k0 + 1);
      for (let i = 0; i < w; i++) P[i * n + r] = a[row + i];
    }
    for (let i = 0; i < nbp; i++) {
      const c = k0 + i;
      const m = n - c - 1;
      const pc = i * n;
      // Column c (rows c..n−1) of A − V·Wᵀ − W·Vᵀ, using the i reflectors of this panel so far.
      if (i > 0) {
        const vc = c * LD;
        for (let r = c; r < n; r++) {
          let corr = 0;
          const vr = r * LD;
          for (let j = 0; j < i; j++) corr += U[vr + j] * U[vc + NB + j] + U[vr + NB + j] * U[vc + j];
          P[pc + r] -= corr;
        }
      }
      d[c] = P[pc + c];
      for (let t = 0; t < m; t++) x[t] = P[pc + c + 1 + t];
      const { tau: tc, beta } = householderReflector(x, m, v);
      e[c] = beta;
      tau[c] = tc;
      if (keepReflectors) for (let t = 0; t < m; t++) a[c * n + c + 1 + t] = v[t];
      for (let t = 0; t < m; t++) U[(c + 1 + t) * LD + i] = v[t];
      if (tc === 0) continue; // w = 0
      // y = A₂₂·v on the lower triangle of the panel-start matrix (each entry read once).
      const o = c + 1;
      symvLower(m, a, o * n + o, n, v, y);
      // y −= V·(Wᵀv) + W·(Vᵀv) over the previous reflectors of the panel.
      if (i > 0) {
        s1.fill(0, 0, i);
        s2.fill(0, 0, i);
        for (let r = 0; r < m; r++) {
          const b = (o + r) * LD;
          const vr = v[r];
          for (let j = 0; j < i; j++) {
            s1[j] += U[b + NB + j] * vr;
            s2[j] += U[b + j] * vr;
          }
        }
        for (let r = 0; r < m; r++) {
          const b = (o + r) * LD;
          let corr = 0;
          for (let j = 0; j < i; j++) corr += U[b + j] * s1[j] + U[b + NB + j] * s2[j];
          y[r] -= corr;
        }
      }
      let yv = 0;
      for (let r = 0; r < m; r++) {
        y[r] *= tc;
        yv += y[r] * v[r];
      }
      const half = -0.5 * tc * yv;
      for (let r = 0; r < m; r++) U[(o + r) * LD + NB + i] = y[r] + half * v[r];
    }
    // Trailing lower triangle: A₂₂ ← A₂₂ − U·U'ᵀ (rows/cols k1..n−1), one block row at a time.
    const k1 = k0 + nbp;
    for (let r = k1; r < n; r++) {
      const p = r * LD;
      U2.set(U.subarray(p + NB, p + LD), p);
      U2.set(U.subarray(p, p + NB), p + NB);
    }
    for (let i0 = k1; i0 < n; i0 += ROWS) {
      const i1 = Math.min(i0 + ROWS, n);
      gemmStrided(
        false,
        true,
        i1 - i0,
        i1 - k1,
        LD,
        -1,
        U,
        i0 * LD,
        LD,
        U2,
        k1 * LD,
        LD,
        1,
        a,
        i0 * n + k1,
        n,
      );
    }
  }
  d[n - 1] = a[(n - 1) * n + n - 1];
  return { d, e, tau };
}

/**
 * y ← A·v for a symmetric m×m matrix of which only the lower triangle (row-major, at aOff with
 * leading dimension lda) is read: row r contributes A[r][0..r]·v to y[r] and A[r][t]·v[r] to y[t], t < r.
 * Four rows are processed together so that v[t] and y[t] are loaded once per four matrix entries.
 */
function symvLower(
  m: number,
  a: Float64Array,
  aOff: number,
  lda: number,
  v: Float64Array,
  y: Float64Array,
): void {
  y.fill(0, 0, m);
  let r = 0;
  for (; r + 3 < m; r += 4) {
    const p0 = aOff + r * lda;
    const p1 = p0 + lda;
    const p2 = p1 + lda;
    const p3 = p2 + lda;
    const v0 = v[r],
      v1 = v[r + 1],
      v2 = v[r + 2],
      v3 = v[r + 3];
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0;
    for (let t = 0; t < r; t++) {
      const a0 = a[p0 + t],
        a1 = a[p1 + t],
        a2 = a[p2 + t],
        a3 = a[p3 + t];
      const vt = v[t];
      s0 += a0 * vt;
      s1 += a1 * vt;
      s2 += a2 * vt;
      s3 += a3 * vt;
      y[t] += a0 * v0 + a1 * v1 + a2 * v2 + a3 * v3;
    }
    // the 4×4 diagonal block (lower triangle)
    const a10 = a[p1 + r],
      a20 = a[p2 + r],
      a21 = a[p2 + r + 1],
      a30 = a[p3 + r],
      a31 = a[p3 + r + 1],
      a32 = a[p3 + r + 2];
    y[r] += s0 + a[p0 + r] * v0 + a10 * v1 + a20 * v2 + a30 * v3;
    y[r + 1] += s1 + a10 * v0 + a[p1 + r + 1] * v1 + a21 * v2 + a31 * v3;
    y[r + 2] += s2 + a20 * v0 + a21 * v1 + a[p2 + r + 2] * v2 + a32 * v3;
    y[r + 3] += s3 + a30 * v0 + a31 * v1 + a32 * v2 + a[p3 + r + 3] * v3;
  }
  for (; r < m; r++) {
    const p = aOff + r * lda;
    const vr = v[r];
    let s = 0;
    for (let t = 0; t < r; t++) {
      const art = a[p + t];
      s += art * v[t];
      y[t] += art * vr;
    }
    y[r] += s + a[p + r] * vr;
  }
}
