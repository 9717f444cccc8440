import { gemmStrided, type GemmStrided } from './gemm.js';

/** Reflectors per block (the compact WY block size). */
const NB = 48;

/**
 * Z ← Q·Z for Q = H_0·H_1···H_{n−2} from `tridiagonalize` (LAPACK dormtr, side = 'L', uplo = 'L'),
 * where H_k = I − τ_k·v_k·v_kᵀ and v_k is stored in row k of `h`, columns k+1..n−1 (v_k[k+1] = 1).
 * Blocks of NB reflectors are applied as I − V·T·Vᵀ with the compact WY representation
 * (Schreiber & Van Loan, "A storage-efficient WY representation for products of Householder
 * transformations", SIAM J. Sci. Stat. Comput. 10 (1989); LAPACK dlarft/dlarfb), i.e. three GEMMs.
 * Z is n×nz row-major.
 */
export function householderBackTransform(
  n: number,
  h: Float64Array,
  tau: Float64Array,
  z: Float64Array,
  nz: number,
  gemm: GemmStrided = gemmStrided,
): void {
  const nr = n - 1; // number of reflectors
  if (nr <= 0 || nz === 0) return;
  const V = new Float64Array(n * NB);
  const T = new Float64Array(NB * NB);
  const WT = new Float64Array(NB * nz);
  const TW = new Float64Array(NB * nz);
  const t = new Float64Array(NB);
  const lastStart = Math.floor((nr - 1) / NB) * NB;
  for (let k0 = lastStart; k0 >= 0; k0 -= NB) {
    const nb = Math.min(NB, nr - k0);
    const m = n - k0 - 1; // rows k0+1..n−1 are touched by this block
    // V[ρ][j] = v_{k0+j}[k0+1+ρ]
    for (let r = 0; r < m; r++) {
      const R = k0 + 1 + r;
      for (let j = 0; j < nb; j++) {
        V[r * nb + j] = r < j ? 0 : r === j ? 1 : h[(k0 + j) * n + R];
      }
    }
    // Forward, column-wise T (dlarft): T[i][i] = τ_i, T[0:i, i] = −τ_i·T[0:i, 0:i]·(V[:, 0:i]ᵀ·v_i).
    T.fill(0);
    for (let i = 0; i < nb; i++) {
      const ti = tau[k0 + i];
      T[i * nb + i] = ti;
      if (ti === 0 || i === 0) continue;
      t.fill(0, 0, i);
      for (let r = i; r < m; r++) {
        const vri = V[r * nb + i];
        for (let j = 0; j < i; j++) t[j] += V[r * nb + j] * vri;
      }
      for (let j = 0; j < i; j++) {
        let s = 0;
        for (let p = j; p < i; p++) s += T[j * nb + p] * t[p];
        T[j * nb + i] = -ti * s;
      }
    }
    const zOff = (k0 + 1) * nz;
    // WT = Vᵀ·Z₂;  TW = T·WT;  Z₂ ← Z₂ − V·TW
    gemm(true, false, nb, nz, m, 1, V, 0, nb, z, zOff, nz, 0, WT, 0, nz);
    gemm(false, false, nb, nz, nb, 1, T, 0, nb, WT, 0, nz, 0, TW, 0, nz);
    gemm(false, false, m, nz, nb, -1, V, 0, nb, TW, 0, nz, 1, z, zOff, nz);
  }
}
