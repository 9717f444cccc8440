import { NtkInputError } from '../errors.js';
import { cg } from '../linalg/cg.js';
import { Matrix } from '../linalg/matrix.js';
import { tiledKernel } from './operator.js';

/** Options of `tiledKernelRegression`: diagonal regularization, tolerance and iteration limit of conjugate gradients. */
export interface TiledRegressionOptions {
  /** Diagonal regularization ε: relative to the mean diagonal trace(K)/N unless `diagRegAbsolute`. */
  diagReg?: number;
  diagRegAbsolute?: boolean;
  /** Relative residual target of conjugate gradients. Default 1e-12. */
  tol?: number;
  maxIterations?: number;
  /** Called after each conjugate-gradient iteration with its relative residual. */
  onIteration?: (iteration: number, residual: number) => void;
}

/** Kernel regression at t = ∞ over the tiles: the coefficients, the regularization used, iterations and residuals. */
export interface TiledRegression {
  /** (K + εI)⁻¹·(y − f₀), N × O. */
  alpha: Matrix;
  /** The absolute ε used. */
  diagReg: number;
  iterations: number;
  /** ‖(y − f₀) − (K + εI)·α‖ / ‖y − f₀‖ per output column. */
  residuals: Float64Array;
  converged: boolean;
}

/**
 * Kernel regression at t = ∞ (the limit of MSE gradient flow / GD, Jacot et al. 2018 §5; Lee et al. 2019
 * eq. 16): α = (K + εI)⁻¹·(y − f₀) by conjugate gradients over the tiled kernel, so the train–train kernel
 * never sits in memory; predictions are then f = f₀ + K_*·α.
 */
export function tiledKernelRegression(
  dir: string,
  rhs: Matrix,
  o: TiledRegressionOptions = {},
): TiledRegression {
  const K = tiledKernel(dir);
  if (rhs.rows !== K.n)
    throw new NtkInputError(
      `the targets must have N = ${K.n} rows (the kernel in '${dir}'), got ${rhs.rows}×${rhs.cols}`,
    );
  const rel = o.diagReg ?? 0;
  if (!(rel >= 0 && Number.isFinite(rel)))
    throw new NtkInputError(`--diag-reg must be a finite number ≥ 0, got ${rel}`);
  let mean = 0;
  for (const v of K.diagonal) mean += v;
  mean /= K.n;
  const eps = o.diagRegAbsolute ? rel : rel * mean;
  const r = cg(K, rhs, {
    shift: eps,
    tol: o.tol ?? 1e-12,
    maxIterations: o.maxIterations,
    onIteration: o.onIteration,
  });
  return {
    alpha: r.x,
    diagReg: eps,
    iterations: r.iterations,
    residuals: r.residuals,
    converged: r.converged,
  };
}
