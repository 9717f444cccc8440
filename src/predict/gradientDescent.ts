import { Matrix, matmul } from '../linalg/index.js';
import { NtkInputError, NtkTypeError } from '../errors.js';
import { dormandPrince } from '../special/dormandPrince.js';
import { lossByName, type Loss } from '../train/loss.js';
import {
  assertFinite,
  assertMatrix,
  assertNonNegativeNumber,
  assertPositiveNumber,
  assertShape,
  assertSymmetricKernel,
} from './validate.js';

/**
 * Training dynamics in function space for any differentiable loss and a constant kernel (the NTK of a
 * wide or linearized network; Lee et al. 2019, eq. 7), solved by an adaptive Runge–Kutta
 * (Dormand–Prince 5(4), src/special/dormandPrince.ts) — neural-tangents' `predict.gradient_descent`.
 *
 * Conventions (docs/conventions.md §1): outputs f ∈ ℝ^{N×O}, loss L(f, y) with L's own normalization ('mse':
 * (1/2N)·Σ‖f − y‖²; 'cross-entropy': −(1/N)·Σ y·log softmax f; src/train/loss.ts), step η, s = steps:
 *
 *   gradient flow:  df/ds = −η·K·∂L/∂f,   f_test(s) = f_test,0 − η·K_*X·∫₀ˢ ∂L/∂f dσ,
 *
 * so with 'mse' this is predictGradientDescentMse's 'flow' exactly (continuous time t = η·s). K is either
 * the traced N×N kernel, used as K ⊗ I_O (neural-tangents' trace_axes=(-1,)), or the full (N·O)×(N·O)
 * kernel with rows ordered (n, o) (trace_axes=()), which is exact for a linearized network with O > 1.
 * The test outputs ride along as the integral b(s) = ∫∂L/∂f, so each right-hand side costs one K product.
 *
 * With `momentum` μ ∈ [0, 1): the continuous-time heavy ball of neural-tangents (`gradient_descent` with
 * momentum; the continuous-time limit of the momentum term, Qian 1999, "On the momentum term in gradient
 * descent learning algorithms") in the time τ = √η·s (not η·s), starting at rest:
 *
 *   df/dτ = q,   dq/dτ = −K·∂L/∂f + γ·q,   γ = (μ − 1)/√η,
 *
 * the limit of v ← μ·v + ∇L, θ ← θ − η·v as η → 0 with γ held fixed; test outputs f_test = f_test,0 − K_*X·b
 * with db/dτ = c, dc/dτ = ∂L/∂f + γ·c. With MSE, predictGradientDescentMse({ momentum }) gives this ODE in
 * closed form ('flow') and discrete heavy ball ('gd').
 *
 * Accuracy: the solver's tolerances bound the local error per step (rtol relative to each state entry,
 * atol absolute); the global error at the requested times is typically a small multiple of them.
 */

export interface GradientDescentInput {
  /** 'mse', 'cross-entropy' or a Loss (evaluate(f, y, outputs, grad) writes ∂L/∂f). */
  readonly loss: 'mse' | 'cross-entropy' | Loss;
  /** Train–train kernel: N×N (traced, used as K ⊗ I_O) or (N·O)×(N·O) (full, rows (n, o)), symmetric. */
  readonly kTrain: Matrix;
  /** Targets, N×O. */
  readonly yTrain: Matrix;
  /** Learning rate η > 0. */
  readonly lr: number;
  /** Test–train kernel: M×N (traced) or (M·O)×(N·O) (full), matching kTrain. */
  readonly kTestTrain?: Matrix;
  /** Train outputs at s = 0, N×O (default 0). */
  readonly fTrain0?: Matrix;
  /** Test outputs at s = 0, M×O (default 0). */
  readonly fTest0?: Matrix;
  /** Momentum μ ∈ [0, 1) (continuous-time heavy ball, time √η·s); default: plain gradient flow. */
  readonly momentum?: number;
  /** Relative tolerance of the ODE solver (default 1e-9). */
  readonly rtol?: number;
  /** Absolute tolerance of the ODE solver (default 1e-12). */
  readonly atol?: number;
  /** Most solver steps per call of `predict` (default 100 000). */
  readonly maxSteps?: number;
}

/** Train (and test) outputs f_s of the kernel ODE at the requested steps, with the solver's work. */
export interface GradientDescentOutputs {
  readonly steps: number[];
  /** f on the training set (N×O) at each requested step. */
  readonly fTrain: Matrix[];
  /** f on the test set (M×O) at each step, or null without kTestTrain. */
  readonly fTest: Matrix[] | null;
  /** The training loss L(f_s, y) at each step. */
  readonly loss: number[];
  /** Solver statistics: accepted and rejected steps, right-hand-side evaluations (each one K product). */
  readonly solver: {
    readonly acceptedSteps: number;
    readonly rejectedSteps: number;
    readonly evaluations: number;
  };
}

/** The predictor of `predictGradientDescent`: outputs at any steps for any loss, by integrating the function-space ODE of gradient flow with the kernel. */
export interface GradientDescentPredictor {
  readonly n: number;
  readonly outputs: number;
  /** Outputs at each of `steps` (numbers ≥ 0, fractional allowed, any order; finite: s = ∞ may not converge). */
  predict(steps: readonly number[]): GradientDescentOutputs;
}

const FN = 'predictGradientDescent';

function lossOf(loss: unknown): Loss {
  if (loss === 'mse' || loss === 'cross-entropy') return lossByName(loss);
  if (loss !== null && typeof loss === 'object' && typeof (loss as Loss).evaluate === 'function')
    return loss as Loss;
  throw new NtkTypeError(
    `${FN}: loss must be 'mse', 'cross-entropy' or a Loss with evaluate(f, y, outputs, grad), got ${typeof loss === 'string' ? `'${loss}'` : typeof loss}`,
  );
}

/** Check the inputs once and return a predictor that solves the ODE for any steps; see the file comment. */
export function predictGradientDescent(input: GradientDescentInput): GradientDescentPredictor {
  if (input === null || typeof input !== 'object')
    throw new NtkTypeError(`${FN}: expected an options object`);
  const loss = lossOf(input.loss);
  const { kTrain, yTrain, lr, kTestTrain } = input;
  assertSymmetricKernel(FN, 'kTrain', kTrain);
  assertMatrix(FN, 'yTrain', yTrain);
  assertFinite(FN, 'yTrain', yTrain);
  assertPositiveNumber(FN, 'lr', lr);
  const n = yTrain.rows;
  const o = yTrain.cols;
  const full = o > 1 && kTrain.rows === n * o;
  if (kTrain.rows !== n && !full)
    throw new NtkInputError(
      `${FN}: kTrain must be N×N = ${n}×${n} (traced) or (N·O)×(N·O) = ${n * o}×${n * o} (full), as yTrain is ${n}×${o}; got ${kTrain.rows}×${kTrain.cols}`,
    );
  const fTrain0 = input.fTrain0 ?? new Matrix(n, o);
  assertMatrix(FN, 'fTrain0', fTrain0);
  assertShape(FN, 'fTrain0', fTrain0, n, o);
  assertFinite(FN, 'fTrain0', fTrain0);
  let m = 0;
  let fTest0: Matrix | null = null;
  if (kTestTrain !== undefined) {
    assertMatrix(FN, 'kTestTrain', kTestTrain);
    const cols = full ? n * o : n;
    if (kTestTrain.cols !== cols || (full && kTestTrain.rows % o !== 0))
      throw new NtkInputError(
        `${FN}: kTestTrain must be ${full ? `(M·${o})×${cols} (full, as kTrain)` : `M×${cols} (traced, as kTrain)`}, got ${kTestTrain.rows}×${kTestTrain.cols}`,
      );
    assertFinite(FN, 'kTestTrain', kTestTrain);
    m = full ? kTestTrain.rows / o : kTestTrain.rows;
    fTest0 = input.fTest0 ?? new Matrix(m, o);
    assertMatrix(FN, 'fTest0', fTest0);
    assertShape(FN, 'fTest0', fTest0, m, o);
    assertFinite(FN, 'fTest0', fTest0);
  } else if (input.fTest0 !== undefined) {
    throw new NtkInputError(
      `${FN}: fTest0 was given without kTestTrain; test outputs need the test–train kernel`,
    );
  }
  const mu = input.momentum;
  if (mu !== undefined && (typeof mu !== 'number' || !(mu >= 0 && mu < 1)))
    throw new NtkInputError(`${FN}: momentum must be a number in [0, 1), got ${String(mu)}`);
  for (const name of ['rtol', 'atol', 'maxSteps'] as const)
    if (input[name] !== undefined) assertPositiveNumber(FN, name, input[name]);
  const solverOpts = {
    rtol: input.rtol ?? 1e-9,
    atol: input.atol ?? 1e-12,
    maxSteps: input.maxSteps ?? 100_000,
  };

  const size = n * o;
  // K·G for G an N×O gradient: (K ⊗ I_O)·G when traced, K·vec(G) when full.
  const times = (K: Matrix, g: Float64Array): Float64Array =>
    matmul(K, full ? new Matrix(size, 1, g) : new Matrix(n, o, g)).data;
  const grad = new Float64Array(size);
  const y = yTrain.data;

  const predict = (steps: readonly number[]): GradientDescentOutputs => {
    if (!Array.isArray(steps))
      throw new NtkTypeError(`${FN}: steps must be an array of numbers, got ${typeof steps}`);
    steps.forEach((s, i) => {
      assertNonNegativeNumber(FN, `steps[${i}]`, s);
    });
    // State: [f, b] (flow) or [f, q, b, c] (momentum), each block N·O.
    const blocks = mu === undefined ? 2 : 4;
    const y0 = new Float64Array(blocks * size);
    y0.set(fTrain0.data, 0);
    let rhs: (t: number, state: Float64Array, d: Float64Array) => void;
    let tau: number[];
    if (mu === undefined) {
      tau = steps.slice();
      rhs = (_t, state, d) => {
        loss.evaluate(state.subarray(0, size), y, o, grad);
        const kg = times(kTrain, grad);
        for (let i = 0; i < size; i++) {
          d[i] = -lr * kg[i];
          d[size + i] = grad[i];
        }
      };
    } else {
      const h = Math.sqrt(lr);
      const gamma = (mu - 1) / h;
      tau = steps.map((s) => h * s);
      rhs = (_t, state, d) => {
        loss.evaluate(state.subarray(0, size), y, o, grad);
        const kg = times(kTrain, grad);
        for (let i = 0; i < size; i++) {
          const q = state[size + i];
          const c = state[3 * size + i];
          d[i] = q;
          d[size + i] = -kg[i] + gamma * q;
          d[2 * size + i] = c;
          d[3 * size + i] = grad[i] + gamma * c;
        }
      };
    }
    const sol = dormandPrince(rhs, y0, 0, tau, solverOpts);
    const fTrain: Matrix[] = [];
    const fTest: Matrix[] | null = kTestTrain && fTest0 ? [] : null;
    const losses: number[] = [];
    const bOffset = mu === undefined ? size : 2 * size;
    const testScale = mu === undefined ? lr : 1;
    for (const state of sol.values) {
      const f = state.slice(0, size);
      fTrain.push(new Matrix(n, o, f));
      losses.push(loss.evaluate(f, y, o));
      if (fTest && kTestTrain && fTest0) {
        const kb = times(kTestTrain, state.slice(bOffset, bOffset + size));
        const ft = fTest0.data.slice();
        for (let i = 0; i < ft.length; i++) ft[i] -= testScale * kb[i];
        fTest.push(new Matrix(m, o, ft));
      }
    }
    return {
      steps: Array.from(steps),
      fTrain,
      fTest,
      loss: losses,
      solver: {
        acceptedSteps: sol.acceptedSteps,
        rejectedSteps: sol.rejectedSteps,
        evaluations: sol.evaluations,
      },
    };
  };

  return { n, outputs: o, predict };
}
