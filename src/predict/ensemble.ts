import { Matrix } from '../linalg/matrix.js';
import { symmetrize } from '../linalg/elementwise.js';
import { absoluteDiagReg, conditioningWarning, emitWarning } from './conditioning.js';
import {
  addDiagonal,
  applyInEigenbasis,
  choleskyOrNull,
  choSolveWith,
  eighSym,
  meanDiagonal,
  mm,
} from './dense.js';
import { flowCumulative, flowResidualFactor } from './modes.js';
import {
  assertFinite,
  assertMatrix,
  assertNonNegativeNumber,
  assertPositiveNumber,
  assertShape,
  assertSteps,
  assertSymmetricKernel,
} from './validate.js';

/**
 * The Gaussian over outputs of an infinite ensemble of infinite-width networks trained by gradient flow
 * on the MSE loss, as neural-tangents' `gradient_descent_mse_ensemble` (Lee et al. 2019, "Wide neural
 * networks of any depth evolve as linear models", eqs. 14–16), with kernels given as matrices.
 *
 * Let K = NNGP and Θ = NTK, G = the kernel of the mode `get` (K for 'nngp', Θ for 'ntk') plus ε·I,
 * and for gradient-flow time t = η·s define S_s = G⁻¹·(I − e^{−η·s·G/N}) (S_∞ = G⁻¹). Then on a test set
 *
 *   mean_s            = G_*X · S_s · y
 *   cov_s  ('nngp')   = K_** − K_*X · S_{2s} · K_X*                                  (Bayesian posterior as s → ∞)
 *   cov_s  ('ntk')    = K_** + T_sᵀ·K·T_s − (T_sᵀ·K_X* + K_*X·T_s),  T_s = S_s·Θ_X*
 *
 * and on the training set (no test kernels) mean_s = (I − e^{−η·s·G/N})·y and
 *   cov_s ('nngp') = e^{−η·s·K/N}·K·e^{−η·s·K/N},   cov_s ('ntk') = e^{−η·s·Θ/N}·K·e^{−η·s·Θ/N},
 * which are N(y, 0) at s = ∞. Normalization: neural-tangents divides by y.size = N·O where ntk-lab
 * divides by N (L = (1/2N)·Σ‖f − y‖²). Negative eigenvalues (round-off) are clamped to 0.
 */

export type GpMode = 'nngp' | 'ntk';

/** The train-set inputs of {@link gradientDescentMseEnsemble}. */
export interface EnsembleInput {
  /** NNGP train–train kernel K (N×N); needed for get = 'nngp' and for every covariance. */
  readonly nngpTrain?: Matrix;
  /** NTK train–train kernel Θ (N×N); needed for get = 'ntk'. */
  readonly ntkTrain?: Matrix;
  readonly yTrain: Matrix;
  /** Learning rate η (default 1): times are steps s, t = η·s. */
  readonly lr?: number;
  readonly diagReg?: number;
  readonly diagRegAbsolute?: boolean;
  /** Where warnings go (default: stderr, once per message); also kept in `warnings`. */
  readonly onWarning?: (msg: string) => void;
}

/** One query of the ensemble predictor: which kernel, which steps, which test kernels. */
export interface EnsembleQuery {
  readonly get: GpMode;
  /** Steps s (t = η·s); Infinity or omitted = the s → ∞ limit (GP posterior / kernel regression). */
  readonly steps?: readonly number[];
  /** Test–train kernels (M×N): the NNGP one for 'nngp' and for covariances, the NTK one for 'ntk'. */
  readonly nngpTestTrain?: Matrix;
  readonly ntkTestTrain?: Matrix;
  /** Test–test NNGP K_** (M×M); required for covariances on a test set. */
  readonly nngpTest?: Matrix;
  readonly computeCov?: boolean;
}

/** The Gaussian over outputs at each step: means (M×O) and covariances (M×M, or null). */
export interface Gaussians {
  readonly steps: number[];
  readonly mean: Matrix[];
  readonly cov: Matrix[] | null;
}

const FN = 'gradientDescentMseEnsemble';

/** Mean and covariance over random initializations of infinitely wide networks trained by MSE gradient flow (neural-tangents `gradient_descent_mse_ensemble`; Lee et al. 2019, eqs. 13–16): mean_s = K_*X·K⁻¹·(I − e^{−η·s·K/N})·y, covariance of the NNGP ('nngp') or NTK ('ntk') dynamics. */
export function gradientDescentMseEnsemble(input: EnsembleInput): {
  /** The Gaussians at the query steps. */
  predict(q: EnsembleQuery): Gaussians;
  readonly warnings: string[];
} {
  const { yTrain } = input;
  assertMatrix(FN, 'yTrain', yTrain);
  assertFinite(FN, 'yTrain', yTrain);
  const n = yTrain.rows;
  const lr = input.lr ?? 1;
  assertPositiveNumber(FN, 'lr', lr);
  const diagReg = input.diagReg ?? 0;
  assertNonNegativeNumber(FN, 'diagReg', diagReg);
  for (const name of ['nngpTrain', 'ntkTrain'] as const) {
    const K = input[name];
    if (K === undefined) continue;
    assertSymmetricKernel(FN, name, K);
    if (K.rows !== n)
      throw new RangeError(`${FN}: ${name} must be ${n}×${n} (N = yTrain's rows), got ${K.rows}×${K.cols}`);
  }
  if (!input.nngpTrain && !input.ntkTrain)
    throw new RangeError(`${FN}: give nngpTrain and/or ntkTrain, got neither`);
  const warnings: string[] = [];
  const warn = (msg: string): void => {
    if (warnings.includes(msg)) return;
    warnings.push(msg);
    emitWarning(msg, input.onWarning);
  };

  const trainKernel = (g: GpMode): Matrix => {
    const K = g === 'nngp' ? input.nngpTrain : input.ntkTrain;
    if (!K) throw new RangeError(`${FN}: get = '${g}' needs ${g}Train, which was not given`);
    return K;
  };

  const eigCache = new Map<GpMode, { values: Float64Array; vectors: Matrix }>();
  const eigenOf = (g: GpMode) => {
    let e = eigCache.get(g);
    if (!e) {
      const K = trainKernel(g);
      const eps = absoluteDiagReg(K, diagReg, input.diagRegAbsolute ?? false);
      e = eighSym(addDiagonal(K, eps));
      const w = conditioningWarning(`${FN}: ${g}Train`, e.values, meanDiagonal(K) + eps);
      if (w) warn(w);
      eigCache.set(g, e);
    }
    return e;
  };
  const cholCache = new Map<GpMode, Matrix | null>();
  /** S_∞·B = (G + εI)⁻¹·B: Cholesky, or the eigh pseudo-inverse when G is not positive definite. */
  const solveInf = (g: GpMode, B: Matrix): Matrix => {
    if (!cholCache.has(g)) {
      const K = trainKernel(g);
      const L = choleskyOrNull(addDiagonal(K, absoluteDiagReg(K, diagReg, input.diagRegAbsolute ?? false)));
      if (!L)
        warn(
          `${FN}: ${g}Train is not numerically positive definite (Cholesky failed); using the eigendecomposition pseudo-inverse`,
        );
      cholCache.set(g, L);
    }
    const L = cholCache.get(g);
    if (L) return choSolveWith(L, B);
    const { values, vectors } = eigenOf(g);
    const tol = n * values[n - 1] * Number.EPSILON;
    return applyInEigenbasis(
      vectors,
      values.map((l) => (l > tol ? 1 / l : 0)),
      mm(vectors, B, true),
    );
  };
  /** S_s·B = V·diag((1 − e^{−uᵢ·s})/λᵢ)·Vᵀ·B, uᵢ = η·λᵢ/N. */
  const solveAt = (g: GpMode, s: number, B: Matrix): Matrix => {
    if (s === Infinity) return solveInf(g, B);
    const { values, vectors } = eigenOf(g);
    const c = values.map((l) => (lr / n) * flowCumulative((lr * Math.max(l, 0)) / n, s));
    return applyInEigenbasis(vectors, c, mm(vectors, B, true));
  };
  /** e^{−η·s·G/N}·B. */
  const decayAt = (g: GpMode, s: number, B: Matrix): Matrix => {
    const { values, vectors } = eigenOf(g);
    const r = values.map((l) =>
      s === Infinity ? (l > 0 ? 0 : 1) : flowResidualFactor((lr * Math.max(l, 0)) / n, s),
    );
    return applyInEigenbasis(vectors, r, mm(vectors, B, true));
  };

  const predict = (q: EnsembleQuery): Gaussians => {
    const g = q.get;
    if (g !== 'nngp' && g !== 'ntk')
      throw new RangeError(`${FN}: get must be 'nngp' or 'ntk', got '${String(g)}'`);
    const steps = q.steps ?? [Infinity];
    assertSteps(FN, 'steps', steps, false);
    const computeCov = q.computeCov ?? false;
    const Gtd = g === 'nngp' ? q.nngpTestTrain : q.ntkTestTrain;
    const onTest = Gtd !== undefined;
    if (onTest) {
      assertMatrix(FN, `${g}TestTrain`, Gtd);
      if (Gtd.cols !== n)
        throw new RangeError(`${FN}: ${g}TestTrain must be M×${n}, got ${Gtd.rows}×${Gtd.cols}`);
      assertFinite(FN, `${g}TestTrain`, Gtd);
    } else if (q.nngpTestTrain || q.ntkTestTrain) {
      throw new RangeError(`${FN}: get = '${g}' on a test set needs ${g}TestTrain`);
    }
    const m = onTest ? Gtd.rows : n;
    let Ktd: Matrix | null = null;
    let Ktt: Matrix | null = null;
    if (computeCov) {
      if (!input.nngpTrain)
        throw new RangeError(`${FN}: covariances need nngpTrain (the kernel at initialization)`);
      if (onTest) {
        Ktd = q.nngpTestTrain ?? null;
        Ktt = q.nngpTest ?? null;
        if (!Ktd) throw new RangeError(`${FN}: covariances on a test set need nngpTestTrain`);
        if (!Ktt)
          throw new RangeError(`${FN}: covariances on a test set need nngpTest (the M×M test–test NNGP)`);
        assertShape(FN, 'nngpTestTrain', Ktd, m, n);
        assertShape(FN, 'nngpTest', Ktt, m, m);
        assertFinite(FN, 'nngpTestTrain', Ktd);
        assertFinite(FN, 'nngpTest', Ktt);
      }
    }
    const K = input.nngpTrain ?? null;
    const mean: Matrix[] = [];
    const cov: Matrix[] | null = computeCov ? [] : null;
    for (const s of steps) {
      if (!onTest) {
        // mean = (I − e^{−G·t})·y;  at s = ∞: N(y, 0).
        mean.push(s === Infinity ? yTrain.clone() : subtract(yTrain, decayAt(g, s, yTrain)));
        if (cov && K) {
          if (s === Infinity) cov.push(new Matrix(n, n));
          else {
            const EK = decayAt(g, s, K); // e^{−G·t}·K
            cov.push(symmetrize(decayAt(g, s, EK.transpose())));
          }
        }
        continue;
      }
      mean.push(mm(Gtd, solveAt(g, s, yTrain)));
      if (cov && K && Ktd && Ktt) {
        if (g === 'nngp') {
          const s2 = s === Infinity ? Infinity : 2 * s;
          const W = solveAt('nngp', s2, Ktd.transpose()); // N×M
          cov.push(symmetrize(subtract(Ktt, mm(Ktd, W))));
        } else {
          const T = solveAt('ntk', s, Gtd.transpose()); // T_s = S_s·Θ_X*, N×M
          const quad = mm(T, mm(K, T), true); // Tᵀ·K·T
          const cross = mm(T, Ktd, true, true); // Tᵀ·K_X*
          const C = new Matrix(m, m);
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < m; j++) {
              C.data[i * m + j] =
                Ktt.data[i * m + j] + quad.data[i * m + j] - cross.data[i * m + j] - cross.data[j * m + i];
            }
          }
          cov.push(symmetrize(C));
        }
      }
    }
    return { steps: Array.from(steps), mean, cov };
  };

  return { predict, warnings };
}

function subtract(A: Matrix, B: Matrix): Matrix {
  const C = new Matrix(A.rows, A.cols);
  for (let i = 0; i < C.data.length; i++) C.data[i] = A.data[i] - B.data[i];
  return C;
}
