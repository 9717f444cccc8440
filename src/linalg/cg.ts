import { NtkInputError, NtkNumericalError } from '../errors.js';
import type { BlockOperator } from './lanczos.js';
import { Matrix } from './matrix.js';
import { getBackend } from './select.js';

/**
 * Conjugate gradients for (A + σI)·X = B with A symmetric positive (semi-)definite and σ ≥ 0
 * (Hestenes & Stiefel, "Methods of conjugate gradients for solving linear systems", J. Res. NBS 49, 1952;
 * Saad, Iterative Methods for Sparse Linear Systems, 2nd ed., Algorithm 6.18). The columns of B are
 * independent systems solved together: each iteration applies A once to the n × m block of search
 * directions (one pass over an implicit operator serves every right-hand side), the scalars
 *     α_j = r_jᵀr_j / p_jᵀ(A + σI)p_j,   x_j += α_j·p_j,   r_j −= α_j·(A + σI)p_j,
 *     β_j = r_jᵀr_j(new) / r_jᵀr_j(old),  p_j = r_j + β_j·p_j
 * are kept per column, and a column stops moving once ‖r_j‖ ≤ tol·‖b_j‖. The reported residuals are the
 * true ones, ‖b_j − (A + σI)x_j‖ / ‖b_j‖, formed with one more product at the end.
 */
export interface CgOptions {
  /** Relative residual target per column, ‖b − (A + σI)x‖ ≤ tol·‖b‖. Default 1e-12. */
  tol?: number;
  /** Give up (converged: false) after this many iterations. Default 10·n. */
  maxIterations?: number;
  /** Diagonal shift σ ≥ 0 (ridge / diagonal regularization). Default 0. */
  shift?: number;
  /** Called after every iteration with the largest relative recursive residual over the columns. */
  onIteration?: (iteration: number, maxRelativeResidual: number) => void;
}

export interface CgResult {
  /** n × m solution. */
  x: Matrix;
  iterations: number;
  /** True relative residual per column, ‖b_j − (A + σI)x_j‖ / ‖b_j‖ (0 for a zero column b_j). */
  residuals: Float64Array;
  /** Every column met the tolerance. */
  converged: boolean;
}

function columnDots(U: Matrix, V: Matrix, out: Float64Array): void {
  const { rows, cols } = U;
  out.fill(0);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) out[j] += U.data[o + j] * V.data[o + j];
  }
}

/** out ← (A + σI)·V. */
function applyShifted(A: Matrix | BlockOperator, V: Matrix, out: Matrix, shift: number): void {
  if (A instanceof Matrix) getBackend().gemm(false, false, 1, A, V, 0, out);
  else A.apply(V, out);
  if (shift !== 0) for (let k = 0; k < out.data.length; k++) out.data[k] += shift * V.data[k];
  for (let k = 0; k < out.data.length; k++) {
    if (!Number.isFinite(out.data[k]))
      throw new NtkNumericalError(`cg: the operator returned ${out.data[k]} at flat index ${k}`);
  }
}

export function cg(A: Matrix | BlockOperator, B: Matrix, opts: CgOptions = {}): CgResult {
  const n = A instanceof Matrix ? A.rows : A.n;
  if (A instanceof Matrix && A.rows !== A.cols)
    throw new NtkInputError(`cg: A must be square, got ${A.rows}×${A.cols}`);
  if (!(B instanceof Matrix) || B.rows !== n)
    throw new NtkInputError(
      `cg: B must be a Matrix with n = ${n} rows, got ${B instanceof Matrix ? `${B.rows}×${B.cols}` : typeof B}`,
    );
  const tol = opts.tol ?? 1e-12;
  if (!(tol > 0 && tol < 1)) throw new NtkInputError(`cg: tol must be in (0, 1), got ${tol}`);
  const shift = opts.shift ?? 0;
  if (!(shift >= 0 && Number.isFinite(shift)))
    throw new NtkInputError(`cg: shift must be a finite number ≥ 0, got ${shift}`);
  const maxIt = opts.maxIterations ?? 10 * n;
  if (!Number.isInteger(maxIt) || maxIt < 0)
    throw new NtkInputError(`cg: maxIterations must be an integer ≥ 0, got ${maxIt}`);
  for (let k = 0; k < B.data.length; k++) {
    if (!Number.isFinite(B.data[k]))
      throw new NtkInputError(`cg: B entry (${Math.floor(k / B.cols)}, ${k % B.cols}) is ${B.data[k]}`);
  }
  const m = B.cols;
  const X = new Matrix(n, m);
  const R = B.clone();
  const P = B.clone();
  const AP = new Matrix(n, m);
  const bNorm = new Float64Array(m);
  columnDots(B, B, bNorm);
  for (let j = 0; j < m; j++) bNorm[j] = Math.sqrt(bNorm[j]);
  const rr = new Float64Array(m);
  columnDots(R, R, rr);
  const pAp = new Float64Array(m);
  const rrNew = new Float64Array(m);
  const active = new Uint8Array(m);
  const done = (j: number): boolean => Math.sqrt(rr[j]) <= tol * bNorm[j];
  for (let j = 0; j < m; j++) active[j] = done(j) ? 0 : 1;
  let it = 0;
  while (it < maxIt && active.some((a) => a === 1)) {
    applyShifted(A, P, AP, shift);
    columnDots(P, AP, pAp);
    const alpha = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      if (active[j] === 0) continue;
      if (!(pAp[j] > 0))
        throw new NtkNumericalError(
          `cg: pᵀ(A + σI)p = ${pAp[j]} ≤ 0 in column ${j} at iteration ${it + 1}: the matrix is not positive definite (add a diagonal regularization)`,
        );
      alpha[j] = rr[j] / pAp[j];
    }
    for (let i = 0; i < n; i++) {
      const o = i * m;
      for (let j = 0; j < m; j++) {
        X.data[o + j] += alpha[j] * P.data[o + j];
        R.data[o + j] -= alpha[j] * AP.data[o + j];
      }
    }
    columnDots(R, R, rrNew);
    const beta = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      if (active[j] === 0) continue;
      beta[j] = rrNew[j] / rr[j];
      rr[j] = rrNew[j];
      if (done(j)) active[j] = 0;
    }
    for (let i = 0; i < n; i++) {
      const o = i * m;
      for (let j = 0; j < m; j++)
        if (active[j] === 1) P.data[o + j] = R.data[o + j] + beta[j] * P.data[o + j];
    }
    // columns that stopped keep p = 0 so their x no longer moves
    for (let j = 0; j < m; j++) if (active[j] === 0) for (let i = 0; i < n; i++) P.data[i * m + j] = 0;
    it++;
    if (opts.onIteration) {
      let worst = 0;
      for (let j = 0; j < m; j++) if (bNorm[j] > 0) worst = Math.max(worst, Math.sqrt(rr[j]) / bNorm[j]);
      opts.onIteration(it, worst);
    }
  }
  // true residuals b − (A + σI)x
  applyShifted(A, X, AP, shift);
  const residuals = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const o = i * m;
    for (let j = 0; j < m; j++) residuals[j] += (B.data[o + j] - AP.data[o + j]) ** 2;
  }
  let converged = true;
  for (let j = 0; j < m; j++) {
    residuals[j] = bNorm[j] > 0 ? Math.sqrt(residuals[j]) / bNorm[j] : 0;
    if (active[j] === 1) converged = false;
  }
  return { x: X, iterations: it, residuals, converged };
}
