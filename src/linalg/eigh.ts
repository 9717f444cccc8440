import { getBackend } from './select.js';
import type { Matrix } from './matrix.js';
import { assertFinite, assertSquare, assertSymmetric, DEFAULT_SYMMETRY_TOL } from './validate.js';

/** Options of `eigh` / `eigvalsh`. */
export interface EighOptions {
  /** Accept A when |a_ij − a_ji| ≤ symmetryTol·max|A| (default 1e-10). Only the lower triangle is used. */
  symmetryTol?: number;
}

/** Eigenpairs of a symmetric matrix. */
export interface Eigh {
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /** Column j is the unit eigenvector of values[j]; the columns are orthonormal. */
  vectors: Matrix;
}

/** Symmetric eigendecomposition A = V·diag(values)·Vᵀ (LAPACK dsyev semantics). */
export function eigh(A: Matrix, opts: EighOptions = {}): Eigh {
  check(A, opts);
  const { values, vectors } = getBackend().syev(A, true);
  if (vectors === null) throw new Error('eigh: the backend returned no eigenvectors');
  return { values, vectors };
}

/** Eigenvalues (ascending) of a symmetric matrix. */
export function eigvalsh(A: Matrix, opts: EighOptions = {}): Float64Array {
  check(A, opts);
  return getBackend().syev(A, false).values;
}

function check(A: Matrix, opts: EighOptions): void {
  assertSquare('A', A);
  assertFinite('A', A);
  assertSymmetric('A', A, opts.symmetryTol ?? DEFAULT_SYMMETRY_TOL);
}
