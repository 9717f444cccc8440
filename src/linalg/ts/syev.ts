import { Matrix } from '../matrix.js';
import { gemmStrided, type GemmStrided } from './gemm.js';
import { householderBackTransform } from './householderBackTransform.js';
import { tridiagonalDivideConquer } from './tridiagonalDivideConquer.js';
import { tridiagonalQL } from './tridiagonalQL.js';
import { tridiagonalize, type Tridiagonal } from './tridiagonalize.js';

const EPS = 2 ** -52;

/**
 * Symmetric eigendecomposition A = V·Λ·Vᵀ (the LAPACK dsyev contract; only the lower triangle of A is
 * read; A is not modified). Steps:
 *  1. scale A by a power of two so that max|a_ij| ∈ [1/2, 1) (exact; guards over/underflow);
 *  2. blocked Householder tridiagonalization Qᵀ·A·Q = T (`tridiagonalize`);
 *  3. split T where |e_k| ≤ ε·max(|d_k| + |d_{k+1}|, ‖T‖) into unreduced blocks; per block, eigenvalues
 *     only by implicit QL (`tridiagonalQL`), or all pairs by divide and conquer (`tridiagonalDivideConquer`);
 *  4. eigenvectors of A = Q·Z with blocked WY reflectors (`householderBackTransform`).
 * Eigenvalues ascending; column j of `vectors` is the unit eigenvector of values[j]. Every GEMM goes
 * through `gemm` and step 2 through `tridiagonal` (this backend's by default), so that another backend
 * can supply its kernels.
 */
export function syev(
  A: Matrix,
  wantVectors: boolean,
  gemm: GemmStrided = gemmStrided,
  tridiagonal: (n: number, a: Float64Array, keepReflectors: boolean) => Tridiagonal = tridiagonalize,
): { values: Float64Array; vectors: Matrix | null } {
  const n = A.rows;
  const a = new Float64Array(n * n);
  let amax = 0;
  for (let i = 0; i < n; i++) {
    const r = i * n;
    for (let j = 0; j <= i; j++) {
      const v = A.data[r + j];
      a[r + j] = v;
      const av = Math.abs(v);
      if (av > amax) amax = av;
    }
  }
  if (n === 0) return { values: new Float64Array(0), vectors: wantVectors ? new Matrix(0, 0) : null };
  const exponent = amax === 0 ? 0 : Math.floor(Math.log2(amax)) + 1;
  if (exponent !== 0) for (let i = 0; i < n * n; i++) a[i] = timesPowerOfTwo(a[i], -exponent);

  const { d, e, tau } = tridiagonal(n, a, wantVectors);

  // Unreduced blocks [b0, b1) of T: split where |e_k| ≤ ε·(|d_k| + |d_{k+1}|) or |e_k| ≤ ε·‖T‖.
  let tnorm = 0;
  for (let k = 0; k < n; k++) {
    tnorm = Math.max(
      tnorm,
      Math.abs(d[k]) + (k > 0 ? Math.abs(e[k - 1]) : 0) + (k < n - 1 ? Math.abs(e[k]) : 0),
    );
  }
  const starts: number[] = [0];
  for (let k = 0; k < n - 1; k++) {
    const ek = Math.abs(e[k]);
    if (ek <= EPS * (Math.abs(d[k]) + Math.abs(d[k + 1])) || ek <= EPS * tnorm) starts.push(k + 1);
  }
  starts.push(n);

  // Per block: eigenvalues by implicit QL, or all pairs by divide and conquer.
  const values = new Float64Array(n);
  const blockVectors: Float64Array[] = [];
  for (let b = 0; b + 1 < starts.length; b++) {
    const b0 = starts[b];
    const b1 = starts[b + 1];
    if (wantVectors) {
      const pairs = tridiagonalDivideConquer(b1 - b0, d.subarray(b0, b1), e.subarray(b0, b1 - 1), gemm);
      values.set(pairs.values, b0);
      blockVectors.push(pairs.vectors);
    } else {
      const db = d.slice(b0, b1);
      const eb = new Float64Array(b1 - b0);
      eb.set(e.subarray(b0, b1 - 1));
      tridiagonalQL(b1 - b0, db, eb);
      values.set(db, b0);
    }
  }
  // Global ascending order of (value, block) pairs; stable for equal values.
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => values[p] - values[q] || p - q);
  const sorted = new Float64Array(n);
  for (let s = 0; s < n; s++) sorted[s] = timesPowerOfTwo(values[order[s]], exponent);
  if (!wantVectors) return { values: sorted, vectors: null };

  const rank = new Int32Array(n); // position in sorted order of the eigenvalue at block slot i
  for (let s = 0; s < n; s++) rank[order[s]] = s;
  const z = new Float64Array(n * n);
  for (let b = 0; b + 1 < starts.length; b++) {
    const b0 = starts[b];
    const bs = starts[b + 1] - b0;
    const V = blockVectors[b];
    for (let r = 0; r < bs; r++) {
      const zr = (b0 + r) * n;
      for (let j = 0; j < bs; j++) z[zr + rank[b0 + j]] = V[r * bs + j];
    }
  }
  householderBackTransform(n, a, tau, z, n, gemm);
  return { values: sorted, vectors: new Matrix(n, n, z) };
}

/** x·2^e, exact unless the result leaves the double range; split in two factors so 2^e never overflows. */
function timesPowerOfTwo(x: number, e: number): number {
  const half = Math.trunc(e / 2);
  return x * 2 ** half * 2 ** (e - half);
}
