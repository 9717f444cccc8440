import { Matrix } from '../linalg/matrix.js';
import { NtkInputError, NtkTypeError } from '../errors.js';
import { absoluteDiagReg, conditioningWarning, emitWarning } from './conditioning.js';
import { conflictingCoincidentInputs } from './coincidentInputs.js';
import {
  addDiagonal,
  applyInEigenbasis,
  axpy,
  choleskyOrNull,
  choSolveWith,
  eighSym,
  meanDiagonal,
  mm,
  scaleRows,
} from './dense.js';
import { flowCumulative, flowResidualFactor, gdCumulative, gdResidualFactor } from './modes.js';
import { continuousMomentumFactors, momentumConverges, momentumFactors } from './momentum.js';
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
 * Closed-form MSE training dynamics in function space, for a constant kernel K (the NTK of a wide or
 * linearized network). Conventions (docs/conventions.md §1):
 *
 *   loss L = (1/2N)·Σₙ‖f(xₙ) − yₙ‖², outputs f ∈ ℝ^{N×O}, kernel K ∈ ℝ^{N×N} (Θ ⊗ I_O);
 *   discrete GD with step η:   f_{s+1} = f_s − (η/N)·K·(f_s − y)                      (Kopitkov & Indelman 2020)
 *   gradient flow:             df/ds = −(η/N)·K·(f − y),  continuous time t = η·s       (Jacot et al. 2018)
 *
 * so with K = V·diag(λ)·Vᵀ, uᵢ = η·λᵢ/N and the initial residual m₀ = f₀ − y:
 *
 *   m_s      = Σᵢ ρ(uᵢ, s)·⟨vᵢ, m₀⟩·vᵢ,   ρ = (1 − u)^s (GD) or e^{−u·s} (flow)          (Kopitkov & Indelman 2020, m_t)
 *   f_test,s = f_test,0 − K_*X·V·diag((η/N)·Σ_{j<s} ρ(uᵢ, j))·Vᵀ·m₀                      (Lee et al. 2019, eq. 9)
 *
 * (for flow the sum is an integral: (η/N)·(1 − e^{−u·s})/u = (1 − e^{−u·s})/λ). As s → ∞ both give
 * kernel regression: f_test,∞ = f_test,0 + K_*X·K⁻¹·(y − f₀) (for GD when η < 2N/λ_max).
 *
 * Normalization: neural-tangents' `gradient_descent_mse` divides by y.size = N·O instead of N; for one
 * output they coincide, otherwise use lr_nt = O·lr here. Conversions to the seeds are in docs/training.md.
 *
 * Eigenvalues below zero (round-off in a PSD kernel) are clamped to 0 as in neural-tangents.
 *
 * With `momentum` μ ∈ [0, 1) given, discrete GD is heavy ball (v ← μ·v + ∇θL, θ ← θ − η·v, v₀ = 0; the same
 * as plain GD at μ = 0), its factors from the exact 3×3 recurrence of momentum.ts; and 'flow' is
 * neural-tangents' continuous-time momentum ODE in τ = √η·s (predictGradientDescent's `momentum`), a
 * second-order ODE even at μ = 0, its factors from e^{τA} per eigenvalue (momentum.ts).
 */

export type Dynamics = 'gd' | 'flow';

/** Inputs of {@link predictGradientDescentMse}: the kernels, targets, learning rate and initial outputs. */
export interface GradientDescentMseInput {
  /** Train–train kernel K, N×N symmetric. */
  readonly kTrain: Matrix;
  /** Targets, N×O. */
  readonly yTrain: Matrix;
  /** Learning rate η > 0. */
  readonly lr: number;
  /** Test–train kernel K_*X, M×N (needed for test outputs). */
  readonly kTestTrain?: Matrix;
  /** Train outputs at step 0, N×O (default 0: the mean over initializations). */
  readonly fTrain0?: Matrix;
  /** Test outputs at step 0, M×O (default 0). */
  readonly fTest0?: Matrix;
  /** Diagonal regularization: K + ε·I, ε = diagReg·trace(K)/N (or diagReg itself when diagRegAbsolute). */
  readonly diagReg?: number;
  readonly diagRegAbsolute?: boolean;
  /** Heavy-ball momentum μ ∈ [0, 1): discrete heavy ball for 'gd', the continuous momentum ODE for 'flow'. */
  readonly momentum?: number;
  /** Where warnings go (default: stderr, once per message). They are also kept in `warnings`. */
  readonly onWarning?: (msg: string) => void;
}

/** T when `Test` is true (the test–train kernel was given), null when false, either when not known. */
export type IfTest<Test extends boolean, T> = Test extends true ? T : null;

/** Whether input I gives `kTestTrain`: true, false, or boolean when its type leaves that open. */
export type HasTestKernel<I> = 'kTestTrain' extends keyof I
  ? [I['kTestTrain' & keyof I]] extends [undefined]
    ? false
    : undefined extends I['kTestTrain' & keyof I]
      ? boolean
      : true
  : false;

/** Train (and test) outputs f_s at the requested steps. */
export interface MseOutputs<Test extends boolean = boolean> {
  readonly steps: number[];
  /** f_s on the training set, one N×O matrix per requested step. */
  readonly fTrain: Matrix[];
  /** f_s on the test set (M×O per step), or null without kTestTrain. */
  readonly fTest: IfTest<Test, Matrix[]>;
}

/** The residual m_s = f_s − y in the eigenbasis of K (seed 000): ρ(uᵢ, s)·⟨vᵢ, m₀⟩ per eigenpair. */
export interface ResidualModes {
  readonly steps: number[];
  /** Eigenvalues of the (regularized) kernel, descending: λ₁ = λ_max as in Kopitkov & Indelman 2020. */
  readonly eigenvalues: Float64Array;
  /** Column i is the unit eigenvector vᵢ of eigenvalues[i]. */
  readonly eigenvectors: Matrix;
  /** Per step, an N×O matrix whose row i is ρ(uᵢ, s)·⟨vᵢ, m₀⟩, so that m_s = Σᵢ row_i ⊗ vᵢ. */
  readonly coefficients: Matrix[];
}

/** The predictor of {@link predictGradientDescentMse}; `Test` is whether the test–train kernel was given. */
export interface GradientDescentMsePredictor<Test extends boolean = boolean> {
  readonly n: number;
  readonly outputs: number;
  readonly lr: number;
  /** The absolute diagonal regularization ε in use. */
  readonly diagReg: number;
  /** Warnings raised so far (ill-conditioning, fallbacks). */
  readonly warnings: string[];
  /** Train (and test) outputs after each of `steps` steps; s = Infinity gives kernel regression. */
  predict(steps: readonly number[], dynamics: Dynamics): MseOutputs<Test>;
  /** t = ∞: kernel regression (K + εI)⁻¹ by Cholesky (default; eigh when K is not positive definite) or eigh. */
  atInfinity(method?: 'cholesky' | 'eigh'): { fTrain: Matrix; fTest: IfTest<Test, Matrix> };
  /** The residual m_s in the eigenbasis of K (Kopitkov & Indelman 2020): coefficients ρ(uᵢ, s)·⟨vᵢ, m₀⟩. */
  residualModes(steps: readonly number[], dynamics: Dynamics): ResidualModes;
  /** 2(1 + μ)·N/λ_max: the largest η for which discrete (momentum) GD converges (Kopitkov & Indelman 2020; Goh 2017). */
  maxLearningRate(): number;
}

const FN = 'predictGradientDescentMse';

/** Precompute (lazily) one eigendecomposition of K + εI and answer for any steps; see the file comment. */
export function predictGradientDescentMse<const I extends GradientDescentMseInput>(
  input: I,
): GradientDescentMsePredictor<HasTestKernel<I>>;
export function predictGradientDescentMse(input: GradientDescentMseInput): GradientDescentMsePredictor {
  if (input === null || typeof input !== 'object')
    throw new NtkTypeError(
      `${FN}: expected an options object { kTrain, yTrain, lr, … }, got ${input === null ? 'null' : typeof input}`,
    );
  const { kTrain, yTrain, lr, kTestTrain } = input;
  if (kTrain === undefined) throw new NtkTypeError(`${FN}: kTrain (the N×N train–train kernel) is missing`);
  if (yTrain === undefined) throw new NtkTypeError(`${FN}: yTrain (the N×O training targets) is missing`);
  if (lr === undefined) throw new NtkTypeError(`${FN}: lr (the learning rate η > 0) is missing`);
  assertSymmetricKernel(FN, 'kTrain', kTrain);
  assertMatrix(FN, 'yTrain', yTrain);
  const n = kTrain.rows;
  if (yTrain.rows !== n)
    throw new RangeError(
      `${FN}: yTrain must have N = ${n} rows (as kTrain), got ${yTrain.rows}×${yTrain.cols}`,
    );
  assertFinite(FN, 'yTrain', yTrain);
  assertPositiveNumber(FN, 'lr', lr);
  const o = yTrain.cols;
  const fTrain0 = input.fTrain0 ?? new Matrix(n, o);
  assertMatrix(FN, 'fTrain0', fTrain0);
  assertShape(FN, 'fTrain0', fTrain0, n, o);
  assertFinite(FN, 'fTrain0', fTrain0);
  let fTest0: Matrix | null = null;
  if (kTestTrain !== undefined) {
    assertMatrix(FN, 'kTestTrain', kTestTrain);
    if (kTestTrain.cols !== n)
      throw new RangeError(
        `${FN}: kTestTrain must be M×${n} (N = kTrain's size), got ${kTestTrain.rows}×${kTestTrain.cols}`,
      );
    assertFinite(FN, 'kTestTrain', kTestTrain);
    fTest0 = input.fTest0 ?? new Matrix(kTestTrain.rows, o);
    assertMatrix(FN, 'fTest0', fTest0);
    assertShape(FN, 'fTest0', fTest0, kTestTrain.rows, o);
    assertFinite(FN, 'fTest0', fTest0);
  } else if (input.fTest0 !== undefined) {
    throw new RangeError(
      `${FN}: fTest0 was given without kTestTrain; test outputs need the test–train kernel`,
    );
  }
  const diagRegIn = input.diagReg ?? 0;
  assertNonNegativeNumber(FN, 'diagReg', diagRegIn);
  const heavyBall = input.momentum !== undefined;
  const mu = input.momentum ?? 0;
  if (typeof mu !== 'number' || !(mu >= 0 && mu < 1))
    throw new NtkInputError(`${FN}: momentum must be a number in [0, 1), got ${String(mu)}`);
  const eps = absoluteDiagReg(kTrain, diagRegIn, input.diagRegAbsolute ?? false);
  const warnings: string[] = [];
  const warn = (msg: string): void => {
    if (warnings.includes(msg)) return;
    warnings.push(msg);
    emitWarning(msg, input.onWarning);
  };

  const coincident = conflictingCoincidentInputs(FN, kTrain, yTrain);
  if (coincident) warn(coincident);

  const m0 = axpy(fTrain0, -1, yTrain); // m₀ = f₀ − y
  // K + εI, or K itself without a shift: eigh and Cholesky leave their input as it is (no N×N copy).
  const shifted = (): Matrix => (eps > 0 ? addDiagonal(kTrain, eps) : kTrain);
  let eig: { values: Float64Array; vectors: Matrix; P: Matrix; KV: Matrix | null } | null = null;
  const eigen = () => {
    if (eig) return eig;
    const { values, vectors } = eighSym(shifted());
    const w = conditioningWarning(
      `${FN}: kTrain${eps > 0 ? ' + εI' : ''}`,
      values,
      meanDiagonal(kTrain) + eps,
    );
    if (w) warn(w);
    eig = { values, vectors, P: mm(vectors, m0, true), KV: kTestTrain ? mm(kTestTrain, vectors) : null };
    return eig;
  };
  const uOf = (lambda: number): number => (lr * Math.max(lambda, 0)) / n;
  /** ρ (residual factor) and c (test coefficient, f_test = f_test,0 − K_*X·V·diag(c)·Vᵀ·m₀) of one eigenvalue. */
  const modeFactors = (lambda: number, s: number, dynamics: Dynamics): { rho: number; c: number } => {
    const u = uOf(lambda);
    if (dynamics === 'gd') {
      if (mu === 0) return { rho: gdResidualFactor(u, s), c: (lr / n) * gdCumulative(u, s) };
      const m = momentumFactors(u, mu, s);
      return { rho: m.rho, c: (lr / n) * m.cumulative };
    }
    if (!heavyBall) return { rho: flowResidualFactor(u, s), c: (lr / n) * flowCumulative(u, s) };
    const h = Math.sqrt(lr);
    const m = continuousMomentumFactors(Math.max(lambda, 0) / n, (mu - 1) / h, n, h * s);
    return { rho: m.rho, c: m.cumulative };
  };

  const maxLearningRate = (): number => {
    const { values } = eigen();
    return (2 * (1 + mu) * n) / values[n - 1];
  };

  const atInfinity = (method: 'cholesky' | 'eigh' = 'cholesky'): { fTrain: Matrix; fTest: Matrix | null } => {
    if (method !== 'cholesky' && method !== 'eigh')
      throw new RangeError(`${FN}: atInfinity method must be 'cholesky' or 'eigh', got '${String(method)}'`);
    const rhs = axpy(yTrain, -1, fTrain0); // y − f₀
    let alpha: Matrix | null = null;
    let solvedByCholesky = false;
    if (method === 'cholesky') {
      const L = choleskyOrNull(shifted());
      if (L) {
        alpha = choSolveWith(L, rhs);
        solvedByCholesky = true;
        // κ ≥ (max Lᵢᵢ / min Lᵢᵢ)²: a cheap lower bound; compute the spectrum only when it already signals trouble.
        let lo = Infinity;
        let hi = 0;
        for (let i = 0; i < n; i++) {
          const d = L.data[i * n + i];
          lo = Math.min(lo, d);
          hi = Math.max(hi, d);
        }
        if ((hi / lo) ** 2 > 1e10) eigen();
      } else {
        warn(
          `${FN}: kTrain${eps > 0 ? ' + εI' : ''} is not numerically positive definite (Cholesky failed); using the eigendecomposition pseudo-inverse`,
        );
      }
    }
    if (alpha === null) {
      const { values, vectors } = eigen();
      const tol = n * values[n - 1] * Number.EPSILON;
      const inv = values.map((l) => (l > tol ? 1 / l : 0));
      alpha = applyInEigenbasis(vectors, inv, mm(vectors, rhs, true));
    }
    // Unregularized and positive definite: K·K⁻¹·(y − f₀) + f₀ = y exactly.
    const fTrain = eps === 0 && solvedByCholesky ? yTrain.clone() : axpy(fTrain0, 1, mm(kTrain, alpha));
    const fTest = kTestTrain && fTest0 ? axpy(fTest0, 1, mm(kTestTrain, alpha)) : null;
    return { fTrain, fTest };
  };

  const coefficients = (s: number, dynamics: Dynamics): { rho: Float64Array; c: Float64Array } => {
    const { values } = eigen();
    const rho = new Float64Array(n);
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const m = modeFactors(values[i], s, dynamics);
      rho[i] = m.rho;
      c[i] = m.c;
    }
    return { rho, c };
  };

  const checkDynamics = (d: unknown): void => {
    if (d !== 'gd' && d !== 'flow')
      throw new RangeError(`${FN}: dynamics must be 'gd' or 'flow', got '${String(d)}'`);
  };

  const checkGdLimit = (): void => {
    const lmax = eigen().values[n - 1];
    if (!momentumConverges(uOf(lmax), mu)) {
      throw new RangeError(
        `${FN}: discrete GD at s = Infinity diverges: lr = ${lr} ≥ maxLearningRate = 2(1 + μ)N/λ_max = ${((2 * (1 + mu) * n) / lmax).toPrecision(6)} (μ = ${mu})`,
      );
    }
  };

  /** Discrete GD at finite steps with η·λ_max/N ≥ 2: the top mode's factor |1 − ηλ_max/N|^s does not decay. */
  const warnGdDivergence = (steps: readonly number[]): void => {
    const last = steps.reduce((m, s) => (s !== Infinity && s > m ? s : m), 0);
    if (last === 0) return;
    const lmax = eigen().values[n - 1];
    const u = (lr * lmax) / n;
    if (u < 2) return;
    warn(
      `${FN}: lr = ${lr} ≥ maxLearningRate = 2N/λ_max = ${((2 * n) / lmax).toPrecision(6)}: discrete GD ` +
        `${u > 2 ? 'diverges' : 'does not converge'} — the top mode's residual is multiplied by ${(1 - u).toPrecision(4)} per step ` +
        `(×${Math.abs(1 - u) ** last > 1e300 ? '> 1e300' : (Math.abs(1 - u) ** last).toPrecision(3)} by step ${last}); use lr < ${((2 * n) / lmax).toPrecision(6)}`,
    );
  };

  const predict = (steps: readonly number[], dynamics: Dynamics): MseOutputs => {
    checkDynamics(dynamics);
    assertSteps(FN, 'steps', steps, dynamics === 'gd');
    if (dynamics === 'gd') warnGdDivergence(steps);
    const fTrain: Matrix[] = [];
    const fTest: Matrix[] | null = kTestTrain ? [] : null;
    for (const s of steps) {
      if (s === Infinity) {
        if (dynamics === 'gd') checkGdLimit();
        const inf = atInfinity();
        fTrain.push(inf.fTrain);
        if (fTest && inf.fTest) fTest.push(inf.fTest);
        continue;
      }
      const { vectors, P, KV } = eigen();
      const { rho, c } = coefficients(s, dynamics);
      fTrain.push(axpy(yTrain, 1, applyInEigenbasis(vectors, rho, P)));
      if (fTest && KV && fTest0) fTest.push(axpy(fTest0, -1, mm(KV, scaleRows(P, c))));
    }
    return { steps: Array.from(steps), fTrain, fTest };
  };

  const residualModes = (steps: readonly number[], dynamics: Dynamics): ResidualModes => {
    checkDynamics(dynamics);
    assertSteps(FN, 'steps', steps, dynamics === 'gd');
    const { values, vectors, P } = eigen();
    // Descending order (λ₁ = λ_max), as in Kopitkov & Indelman 2020.
    const eigenvalues = new Float64Array(n);
    const V = new Matrix(n, n);
    for (let i = 0; i < n; i++) {
      const src = n - 1 - i;
      eigenvalues[i] = values[src];
      for (let r = 0; r < n; r++) V.data[r * n + i] = vectors.data[r * n + src];
    }
    const coeffs: Matrix[] = [];
    for (const s of steps) {
      if (s === Infinity && dynamics === 'gd') checkGdLimit();
      const C = new Matrix(n, o);
      for (let i = 0; i < n; i++) {
        const src = n - 1 - i;
        const u = uOf(values[src]);
        const rho = s === Infinity ? (u > 0 ? 0 : 1) : modeFactors(values[src], s, dynamics).rho;
        for (let j = 0; j < o; j++) C.data[i * o + j] = rho * P.data[src * o + j];
      }
      coeffs.push(C);
    }
    return { steps: Array.from(steps), eigenvalues, eigenvectors: V, coefficients: coeffs };
  };

  return {
    n,
    outputs: o,
    lr,
    diagReg: eps,
    warnings,
    predict,
    atInfinity,
    residualModes,
    maxLearningRate,
  };
}
