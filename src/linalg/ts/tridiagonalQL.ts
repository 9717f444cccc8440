import { hypot2 } from './householder.js';

const EPS = 2 ** -52;
const MAX_SWEEPS_PER_EIGENVALUE = 60;

/**
 * Eigenvalues (and optionally eigenvectors) of the symmetric tridiagonal matrix with diagonal
 * d[0..m) and off-diagonal e[0..m−1) (e[i] couples i and i+1) by the implicit QL algorithm with
 * Wilkinson's shift (Bowdler, Martin, Reinsch & Wilkinson, "The QR and QL algorithms for symmetric
 * matrices", Numer. Math. 11 (1968), procedures tql1/tql2; Golub & Van Loan 4th ed. §8.3.5).
 * Every sweep chases the bulge with Givens rotations from the bottom of the unreduced block to its top.
 *
 * d is overwritten with the eigenvalues in ascending order; e (length ≥ m) is destroyed. When `z`
 * (m×m row-major) is given, it must hold the identity (or any Q, giving Q·Z) and receives the
 * rotations, so that column j becomes the eigenvector of d[j].
 */
export function tridiagonalQL(
  m: number,
  d: Float64Array,
  e: Float64Array,
  z: Float64Array | null = null,
): void {
  if (m === 0) return;
  e[m - 1] = 0;
  // Deflation: |e_k| ≤ ε·(|d_k| + |d_{k+1}|) (relative), or |e_k| ≤ ε·‖T‖ (absolute, as in EISPACK
  // tql1). The absolute test keeps blocks of rounding-level entries (rank-deficient input) from
  // stagnating; either perturbs the eigenvalues by at most ε·‖T‖, the accuracy backward stability gives.
  let tnorm = 0;
  for (let i = 0; i < m; i++) {
    tnorm = Math.max(tnorm, Math.abs(d[i]) + Math.abs(e[i]) + (i > 0 ? Math.abs(e[i - 1]) : 0));
  }
  const absTol = EPS * tnorm;
  for (let l = 0; l < m; l++) {
    let iter = 0;
    for (;;) {
      let mm = l;
      for (; mm < m - 1; mm++) {
        const em = Math.abs(e[mm]);
        if (em <= EPS * (Math.abs(d[mm]) + Math.abs(d[mm + 1])) || em <= absTol) break;
      }
      if (mm === l) break;
      if (++iter > MAX_SWEEPS_PER_EIGENVALUE) {
        throw new Error(
          `tridiagonalQL: implicit QL did not converge for eigenvalue ${l} after ${MAX_SWEEPS_PER_EIGENVALUE} sweeps`,
        );
      }
      // Wilkinson shift from the leading 2×2 of the unreduced block l..mm.
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = hypot2(g, 1);
      g = d[mm] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let underflow = false;
      for (let i = mm - 1; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        r = hypot2(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // The rotation underflowed: deflate at i+1 and restart the sweep.
          d[i + 1] -= p;
          e[mm] = 0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        if (z !== null) {
          for (let k = 0; k < m; k++) {
            const row = k * m;
            const h = z[row + i + 1];
            const zi = z[row + i];
            z[row + i + 1] = s * zi + c * h;
            z[row + i] = c * zi - s * h;
          }
        }
      }
      if (underflow) continue;
      d[l] -= p;
      e[l] = g;
      e[mm] = 0;
    }
  }
  if (z === null) {
    d.subarray(0, m).sort();
    return;
  }
  // Selection sort of the pairs (m is small where vectors are accumulated here).
  for (let i = 0; i < m - 1; i++) {
    let k = i;
    for (let j = i + 1; j < m; j++) if (d[j] < d[k]) k = j;
    if (k === i) continue;
    const t = d[i];
    d[i] = d[k];
    d[k] = t;
    for (let r = 0; r < m; r++) {
      const u = z[r * m + i];
      z[r * m + i] = z[r * m + k];
      z[r * m + k] = u;
    }
  }
}
