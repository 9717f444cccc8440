import { gemmStrided, type GemmStrided } from './gemm.js';
import { hypot2, norm2 } from './householder.js';
import { tridiagonalQL } from './tridiagonalQL.js';

const EPS = 2 ** -52;
/** Blocks up to this size are solved directly by implicit QL with accumulated rotations. */
const LEAF = 32;

/** Eigenpairs of a symmetric tridiagonal matrix: values ascending, vectors m×m row-major (column j ↔ values[j]). */
export interface TridiagonalEigen {
  values: Float64Array;
  vectors: Float64Array;
}

/**
 * All eigenpairs of the symmetric tridiagonal matrix with diagonal d[0..m) and off-diagonal
 * e[0..m−1) by Cuppen's divide and conquer (Cuppen, Numer. Math. 36 (1981)) with the stable
 * eigenvectors of Gu & Eisenstat ("A divide-and-conquer algorithm for the symmetric tridiagonal
 * eigenproblem", SIAM J. Matrix Anal. Appl. 16 (1995)) and the deflation of Dongarra & Sorensen
 * (SIAM J. Sci. Stat. Comput. 8 (1987)); the structure of LAPACK dstedc/dlaed0–dlaed4.
 * With b = e[k−1] coupling the halves,
 *   T = diag(T₁ − |b|·e_k e_kᵀ, T₂ − |b|·e₁e₁ᵀ) + |b|·w·wᵀ,  w = (e_k; sign(b)·e₁),
 * the halves are solved recursively, T₁' = Q₁D₁Q₁ᵀ, T₂' = Q₂D₂Q₂ᵀ, and T = Q(D + ρ·z·zᵀ)Qᵀ with
 * Q = diag(Q₁, Q₂), z = Qᵀw, is the rank-one update solved by `mergeRankOne`. d and e are not modified.
 */
export function tridiagonalDivideConquer(
  m: number,
  d: Float64Array,
  e: Float64Array,
  gemm: GemmStrided = gemmStrided,
): TridiagonalEigen {
  if (m <= LEAF) {
    const values = d.slice(0, m);
    const ee = new Float64Array(m);
    ee.set(e.subarray(0, Math.max(m - 1, 0)));
    const z = new Float64Array(m * m);
    for (let i = 0; i < m; i++) z[i * m + i] = 1;
    tridiagonalQL(m, values, ee, z);
    return { values, vectors: z };
  }
  const k = m >> 1;
  const b = e[k - 1];
  const rho = Math.abs(b);
  const d1 = d.slice(0, k);
  d1[k - 1] -= rho;
  const d2 = d.slice(k, m);
  d2[0] -= rho;
  const left = tridiagonalDivideConquer(k, d1, e.subarray(0, k - 1), gemm);
  const right = tridiagonalDivideConquer(m - k, d2, e.subarray(k, m - 1), gemm);
  return mergeRankOne(m, k, left, right, rho, b < 0 ? -1 : 1, gemm);
}

/**
 * Eigenpairs of Q·(D + ρ·z·zᵀ)·Qᵀ from those of the two halves.
 *  1. z = (last row of Q₁; sign·first row of Q₂), normalized into ρ; D sorted.
 *  2. Deflation (dlaed2): ρ|z_j| ≤ tol keeps (d_j, q_j); two close d's are rotated so that one z
 *     vanishes when the rotation's off-diagonal |t·c·s| ≤ tol, tol = 8ε·max(max|d|, ρ·max|z|).
 *  3. The remaining κ roots of the secular equation f(λ) = 1 + ρ·Σ z_j²/(d_j − λ) are found by
 *     bracketed Newton iteration in the shifted variable τ = λ − d_origin (origin = the nearer pole),
 *     which gives the differences d_j − λ_i to high relative accuracy (dlaed4's representation).
 *  4. ẑ is recomputed from the roots (Gu–Eisenstat, eq. 3.6 of the paper), so that the vectors
 *     u_i = (ẑ_j/(d_j − λ_i))_j are orthogonal to working precision; then Q·U with one GEMM.
 */
function mergeRankOne(
  m: number,
  k: number,
  left: TridiagonalEigen,
  right: TridiagonalEigen,
  rho0: number,
  sign: number,
  gemm: GemmStrided,
): TridiagonalEigen {
  const m2 = m - k;
  const D = new Float64Array(m);
  D.set(left.values, 0);
  D.set(right.values, k);
  const Q = new Float64Array(m * m);
  for (let r = 0; r < k; r++) Q.set(left.vectors.subarray(r * k, r * k + k), r * m);
  for (let r = 0; r < m2; r++) Q.set(right.vectors.subarray(r * m2, r * m2 + m2), (k + r) * m + k);
  // support[c]: bit 1 = column c of Q has entries in rows 0..k−1, bit 2 = in rows k..m−1
  const support = new Uint8Array(m);
  support.fill(1, 0, k);
  support.fill(2, k, m);
  const z = new Float64Array(m);
  for (let j = 0; j < k; j++) z[j] = left.vectors[(k - 1) * k + j];
  for (let j = 0; j < m2; j++) z[k + j] = sign * right.vectors[j];
  const nz = norm2(z, 0, m);
  for (let j = 0; j < m; j++) z[j] /= nz;
  const rho = rho0 * nz * nz;

  // 1. sort D (with z and the column index of Q)
  const order = Array.from({ length: m }, (_, i) => i).sort((p, q) => D[p] - D[q] || p - q);
  const dd = new Float64Array(m);
  const zz = new Float64Array(m);
  const col = new Int32Array(m);
  let dmax = 0;
  let zmax = 0;
  for (let i = 0; i < m; i++) {
    dd[i] = D[order[i]];
    zz[i] = z[order[i]];
    col[i] = order[i];
    dmax = Math.max(dmax, Math.abs(dd[i]));
    zmax = Math.max(zmax, Math.abs(zz[i]));
  }

  // 2. deflation
  const tol = 8 * EPS * Math.max(dmax, rho * zmax);
  const keep: number[] = [];
  const deflated = new Uint8Array(m);
  for (let j = 0; j < m; j++) {
    if (rho * Math.abs(zz[j]) <= tol) {
      deflated[j] = 1;
      continue;
    }
    if (keep.length > 0) {
      const p = keep[keep.length - 1];
      const tau = hypot2(zz[j], zz[p]);
      const c = zz[j] / tau;
      const s = zz[p] / tau;
      const t = dd[j] - dd[p];
      if (Math.abs(t * c * s) <= tol) {
        // Rotate so that z_p = 0: q_p ← c·q_p − s·q_j, q_j ← s·q_p + c·q_j.
        const cp = col[p];
        const cj = col[j];
        support[cp] = support[cj] = support[cp] | support[cj];
        for (let r = 0; r < m; r++) {
          const qp = Q[r * m + cp];
          const qj = Q[r * m + cj];
          Q[r * m + cp] = c * qp - s * qj;
          Q[r * m + cj] = s * qp + c * qj;
        }
        const dp = dd[p] * c * c + dd[j] * s * s;
        const dj = dd[p] * s * s + dd[j] * c * c;
        dd[p] = dp;
        dd[j] = dj;
        zz[p] = 0;
        zz[j] = tau;
        deflated[p] = 1;
        keep[keep.length - 1] = j;
        continue;
      }
    }
    keep.push(j);
  }

  // 3. secular equation for the κ non-deflated poles
  const kk = keep.length;
  const dK = new Float64Array(kk);
  const z2 = new Float64Array(kk);
  for (let t = 0; t < kk; t++) {
    dK[t] = dd[keep[t]];
    z2[t] = zz[keep[t]] * zz[keep[t]];
  }
  // λ_i = d_{origin(i)} + τ_i; then d_j − λ_i = (d_j − d_{origin(i)}) − τ_i to high relative accuracy.
  const origin = new Int32Array(kk);
  const tauOf = new Float64Array(kk);
  const lambda = new Float64Array(kk);
  const shifted = new Float64Array(kk);
  const secular = (tau: number): number => {
    let s = 0;
    for (let j = 0; j < kk; j++) s += z2[j] / (shifted[j] - tau);
    return 1 + rho * s;
  };
  for (let i = 0; i < kk; i++) {
    let org = i;
    let lo: number;
    let hi: number;
    if (i < kk - 1) {
      const gap = dK[i + 1] - dK[i];
      for (let j = 0; j < kk; j++) shifted[j] = dK[j] - dK[i];
      if (secular(gap / 2) >= 0) {
        lo = 0;
        hi = gap / 2;
      } else {
        org = i + 1;
        for (let j = 0; j < kk; j++) shifted[j] = dK[j] - dK[i + 1];
        lo = -gap / 2;
        hi = 0;
      }
    } else {
      for (let j = 0; j < kk; j++) shifted[j] = dK[j] - dK[i];
      let zsum = 0;
      for (let j = 0; j < kk; j++) zsum += z2[j];
      lo = 0;
      hi = rho * zsum;
      while (secular(hi) < 0) hi *= 2;
    }
    // Newton's method on f (increasing between its poles), safeguarded by the bracket [lo, hi]:
    // a step that leaves the bracket is replaced by bisection; stop when the iterate no longer moves
    // or the bracket is one ulp wide. Iterates stay strictly inside the bracket, so never on a pole.
    let tau = 0.5 * (lo + hi);
    for (let it = 0; it < 2200; it++) {
      let f = 0;
      let df = 0;
      for (let j = 0; j < kk; j++) {
        const r = 1 / (shifted[j] - tau);
        const t = z2[j] * r;
        f += t;
        df += t * r;
      }
      f = 1 + rho * f;
      if (f < 0) lo = tau;
      else if (f > 0) hi = tau;
      else break;
      let next = tau - f / (rho * df);
      if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
      if (next === tau || next <= lo || next >= hi) break;
      tau = next;
    }
    lambda[i] = dK[org] + tau;
    origin[i] = org;
    tauOf[i] = tau;
  }

  // 4. Gu–Eisenstat ẑ and the eigenvectors U of D + ρ·ẑ·ẑᵀ
  const U = new Float64Array(kk * kk);
  const dj = new Float64Array(kk); // d_j − λ_i, i = 0..κ−1
  for (let j = 0; j < kk; j++) {
    for (let i = 0; i < kk; i++) dj[i] = dK[j] - dK[origin[i]] - tauOf[i];
    let prod = -dj[kk - 1] / rho;
    for (let i = 0; i < j; i++) prod *= -dj[i] / (dK[i] - dK[j]);
    for (let i = j; i < kk - 1; i++) prod *= -dj[i] / (dK[i + 1] - dK[j]);
    const zhat = zz[keep[j]] < 0 ? -Math.sqrt(prod) : Math.sqrt(prod);
    for (let i = 0; i < kk; i++) U[j * kk + i] = zhat / dj[i];
  }
  const colNorm = new Float64Array(kk);
  for (let j = 0; j < kk; j++) for (let i = 0; i < kk; i++) colNorm[i] += U[j * kk + i] * U[j * kk + i];
  for (let i = 0; i < kk; i++) colNorm[i] = Math.sqrt(colNorm[i]);
  for (let j = 0; j < kk; j++) for (let i = 0; i < kk; i++) U[j * kk + i] /= colNorm[i];

  // R = Q[:, keep]·U, exploiting Q = diag(Q₁, Q₂) (dlaed3): the top rows only need the kept columns
  // with support there, and likewise the bottom rows, which halves the flops of a dense product.
  const R = new Float64Array(m * kk);
  productOverSupport(Q, m, 0, k, keep, col, support, 1, U, kk, R, gemm);
  productOverSupport(Q, m, k, m, keep, col, support, 2, U, kk, R, gemm);

  // Assemble all m pairs in ascending order.
  const valuesAll = new Float64Array(m);
  const source = new Int32Array(m); // ≥ 0: column of R; < 0: −1 − (column of Q)
  let c = 0;
  for (let i = 0; i < kk; i++) {
    valuesAll[c] = lambda[i];
    source[c++] = i;
  }
  for (let j = 0; j < m; j++) {
    if (deflated[j]) {
      valuesAll[c] = dd[j];
      source[c++] = -1 - col[j];
    }
  }
  const fin = Array.from({ length: m }, (_, i) => i).sort((p, q) => valuesAll[p] - valuesAll[q] || p - q);
  const values = new Float64Array(m);
  const src = new Int32Array(m);
  for (let t = 0; t < m; t++) {
    values[t] = valuesAll[fin[t]];
    src[t] = source[fin[t]];
  }
  const vectors = new Float64Array(m * m);
  for (let r = 0; r < m; r++) {
    const vr = r * m;
    const rr = r * kk;
    for (let t = 0; t < m; t++) {
      const c = src[t];
      vectors[vr + t] = c >= 0 ? R[rr + c] : Q[vr - 1 - c];
    }
  }
  return { values, vectors };
}

/**
 * R[r0:r1, :] = Q[r0:r1, col[keep[t]]]·U[t, :] summed over the kept columns t whose support includes
 * `part` (the other columns are zero in these rows).
 */
function productOverSupport(
  Q: Float64Array,
  m: number,
  r0: number,
  r1: number,
  keep: number[],
  col: Int32Array,
  support: Uint8Array,
  part: number,
  U: Float64Array,
  kk: number,
  R: Float64Array,
  gemm: GemmStrided,
): void {
  const cols: number[] = [];
  for (let t = 0; t < kk; t++) if (support[col[keep[t]]] & part) cols.push(t);
  const nc = cols.length;
  const rows = r1 - r0;
  if (nc === 0 || rows === 0) return;
  const Qs = new Float64Array(rows * nc);
  for (let r = 0; r < rows; r++) {
    const qr = (r0 + r) * m;
    for (let c = 0; c < nc; c++) Qs[r * nc + c] = Q[qr + col[keep[cols[c]]]];
  }
  const Us = new Float64Array(nc * kk);
  for (let c = 0; c < nc; c++) Us.set(U.subarray(cols[c] * kk, cols[c] * kk + kk), c * kk);
  gemm(false, false, rows, kk, nc, 1, Qs, 0, nc, Us, 0, kk, 0, R, r0 * kk, kk);
}
