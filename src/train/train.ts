import { NtkInputError, NtkTypeError } from '../errors.js';
import { vectorNorm } from '../linalg/elementwise.js';
import { Matrix } from '../linalg/matrix.js';
import { syevUnchecked } from '../linalg/unchecked.js';
import { lanczos } from '../linalg/lanczos.js';
import type { Tensor } from '../nn/types.js';
import type { Key } from '../random/key.js';
import { gatherRows, makeBatcher } from './batches.js';
import { lossByName, type Loss, type LossName } from './loss.js';
import type { TrainModel } from './model.js';
import { makeOptimizer, type OptimizerName, type OptimizerSpec } from './optimizers.js';
import { makeSchedule, type Schedule, type ScheduleSpec } from './schedule.js';

/**
 * The training loop: full-batch GD or minibatch SGD / momentum / Adam on a TrainModel, with records at
 * chosen steps. Step s means "after s updates" (step 0 = before any update). At a recorded step the
 * train loss (full training set), test loss, outputs f_s, ‖θ_s − θ₀‖/‖θ₀‖ and, at NTK steps, the
 * tangent-kernel Gramian G_s (Kopitkov & Indelman 2020) with its eigendecomposition are kept.
 *
 * Divergence — a non-finite loss, or a loss above `divergenceBound` — stops the run and is reported
 * as { step, loss }; an aborted `signal` stops it after the current update (`interrupted`). Neither throws.
 */

/**
 * One NTK snapshot of a training run. `Kernel` and `Vectors` are what {@link train}'s options decide:
 * `kernel` is null with `ntkKernel: false`, `eigenvectors` with `ntkEigen: 'none'`.
 */
export interface NtkSnapshot<
  Kernel extends Matrix | null = Matrix | null,
  Vectors extends Matrix | null = Matrix | null,
> {
  readonly step: number;
  /** G_s = Θ_s(X, X), N×N, traced over outputs; null when `ntkKernel: false` (top-k by the implicit operator). */
  readonly kernel: Kernel;
  /** Eigenvalues, descending (λ₁ = λ_max as in Kopitkov & Indelman 2020); all N, or the top k. */
  readonly eigenvalues: Float64Array;
  /** Column i is the eigenvector of eigenvalues[i] (N × k), or null when `ntkEigen: 'none'`. */
  readonly eigenvectors: Vectors;
}

/** The type of option K in O: undefined when O leaves it out. */
type Field<O, K extends keyof TrainOptions> = K extends keyof O ? O[K] : undefined;
/** Yes when flag V (default D when omitted) is true, No when false, either when V is only known as a boolean. */
type Flag<V, D extends boolean, Yes, No> = [V] extends [undefined]
  ? D extends true
    ? Yes
    : No
  : [V] extends [true]
    ? Yes
    : [V] extends [false]
      ? No
      : Yes | No;
/** T when the option is given, null when it is left out, either when that is not known. */
type IfGiven<V, T> = [V] extends [undefined] ? null : undefined extends V ? T | null : T;
type EigenvectorsOf<V> = [V] extends ['none'] ? null : 'none' extends V ? Matrix | null : Matrix;

/** Options of {@link train}: the model, data, optimizer, schedule, and what to record. */
export interface TrainOptions {
  readonly model: TrainModel;
  /** Training inputs: a Matrix N×d or a Tensor [N, ...features]. */
  readonly xTrain: Tensor | Matrix;
  /** Targets N×O (one-hot or probabilities for cross-entropy). */
  readonly yTrain: Matrix;
  readonly xTest?: Tensor | Matrix;
  readonly yTest?: Matrix;
  readonly optimizer: OptimizerSpec | OptimizerName;
  /** A constant η, a schedule spec, or a function of the step. */
  readonly lr: number | ScheduleSpec | Schedule;
  /** Number of updates T. */
  readonly steps: number;
  /** Minibatch size B (default N: full batch). B < N needs `key`. */
  readonly batchSize?: number;
  /** Seeds the minibatch shuffles. */
  readonly key?: Key;
  readonly loss?: LossName;
  /** Recorded steps: every k updates (default max(1, ⌊T/100⌋)) plus step 0 and the last step, or an explicit list. */
  readonly recordEvery?: number;
  readonly recordSteps?: readonly number[];
  /** NTK snapshots at every k-th update (0 = none, the default), or at an explicit list of steps. */
  readonly ntkEvery?: number;
  readonly ntkSteps?: readonly number[];
  /** Eigendecomposition of snapshots: 'full' (default), a number k for the top k, or 'none'. */
  readonly ntkEigen?: 'full' | 'none' | number;
  /**
   * Form and keep the N×N Gramian (default true). false: only the top-k eigenpairs, by Lanczos on the
   * implicit operator V ↦ Θ·V (NTK-vector products; needs a number for ntkEigen) — for large N.
   */
  readonly ntkKernel?: boolean;
  /** Keep outputs f_s at recorded steps (default true). */
  readonly recordOutputs?: boolean;
  /** Stop when the loss exceeds this (default 1e10·L₀ when L₀ > 0). */
  readonly divergenceBound?: number;
  readonly signal?: AbortSignal;
  /** Called after every update with the step just reached and its (batch) loss. */
  readonly onStep?: (step: number, loss: number) => void;
}

/**
 * What `train` recorded. Its type follows the options O of the call: `testLoss` and `fTest` are arrays
 * when `xTest` is given and null when it is left out; `fTrain` / `fTest` are null with `recordOutputs:
 * false`; a snapshot's `kernel` is null with `ntkKernel: false`, its `eigenvectors` with `ntkEigen: 'none'`.
 */
export type TrainResult<O extends TrainOptions = TrainOptions> = TrainRecord<
  IfGiven<Field<O, 'xTest'>, number[]>,
  Flag<Field<O, 'recordOutputs'>, true, Matrix[], null>,
  IfGiven<Field<O, 'xTest'>, Flag<Field<O, 'recordOutputs'>, true, Matrix[], null>>,
  NtkSnapshot<Flag<Field<O, 'ntkKernel'>, true, Matrix, null>, EigenvectorsOf<Field<O, 'ntkEigen'>>>
>;

/** The fields of a {@link TrainResult}, with the types of those that depend on the options as parameters. */
export interface TrainRecord<
  TestLoss extends number[] | null = number[] | null,
  FTrain extends Matrix[] | null = Matrix[] | null,
  FTest extends Matrix[] | null = Matrix[] | null,
  Snapshot extends NtkSnapshot = NtkSnapshot,
> {
  readonly steps: number[];
  readonly loss: number[];
  /** Test loss at recorded steps, when xTest / yTest are given. */
  readonly testLoss: TestLoss;
  /** Train outputs (N×O) at recorded steps, when recordOutputs. */
  readonly fTrain: FTrain;
  /** Test outputs at recorded steps, when recordOutputs and xTest / yTest are given. */
  readonly fTest: FTest;
  /** ‖θ_s − θ₀‖/‖θ₀‖ at recorded steps. */
  readonly paramDistance: number[];
  /** NTK snapshots at the NTK steps. */
  readonly ntk: Snapshot[];
  readonly diverged: { readonly step: number; readonly loss: number } | null;
  readonly interrupted: boolean;
  /** Updates actually performed. */
  readonly stepsDone: number;
  /** θ after the last update. */
  readonly theta: Float64Array;
  readonly seconds: number;
}

const FN = 'train';

/** Inputs as a Tensor (a Matrix N×d is the Tensor [N, d] over the same data). */
function inputTensor(x: Tensor | Matrix): Tensor {
  return x instanceof Matrix ? { shape: [x.rows, x.cols], data: x.data } : x;
}

function checkData(x: Tensor | Matrix | undefined, y: Matrix | undefined, which: string): Tensor {
  if (x === undefined || x === null)
    throw new NtkTypeError(`${FN}: x${which} (the inputs, a Matrix N×d or a Tensor) is missing`);
  if (y === undefined || y === null)
    throw new NtkTypeError(`${FN}: y${which} (the N×O targets, a Matrix) is missing`);
  const t = inputTensor(x);
  if (!Array.isArray(t.shape) || !(t.data instanceof Float64Array))
    throw new NtkTypeError(`${FN}: x${which} must be a Matrix or a Tensor {shape, data: Float64Array}`);
  if (!(y.data instanceof Float64Array)) throw new NtkTypeError(`${FN}: y${which} must be a Matrix`);
  if (t.shape[0] !== y.rows) {
    throw new NtkInputError(
      `${FN}: x${which} and y${which} must have the same number of examples N, got ${t.shape[0]} and ${y.rows}`,
    );
  }
  const per = t.shape[0] > 0 ? t.data.length / t.shape[0] : 1;
  for (let i = 0; i < t.data.length; i++) {
    if (!Number.isFinite(t.data[i]))
      throw new NtkInputError(
        `${FN}: x${which} must be finite, got ${t.data[i]} in example ${Math.floor(i / per)} (entry ${i})`,
      );
  }
  for (let i = 0; i < y.data.length; i++) {
    if (!Number.isFinite(y.data[i]))
      throw new NtkInputError(
        `${FN}: y${which} must be finite, got ${y.data[i]} at [${Math.floor(i / y.cols)}, ${i % y.cols}]`,
      );
  }
  return t;
}

function stepSet(fn: string, name: string, list: readonly number[], T: number): Set<number> {
  for (const s of list) {
    if (!Number.isInteger(s) || s < 0 || s > T)
      throw new RangeError(`${fn}: ${name} must hold integers in [0, ${T}], got ${s}`);
  }
  return new Set(list);
}

/**
 * Eigenpairs of a symmetric G, descending: all of them by eigh, or the top k by Lanczos
 * (src/linalg/lanczos.ts) when k is small against N.
 */
function snapshotEigen(G: Matrix, k: number | null): { values: Float64Array; vectors: Matrix } {
  const n = G.rows;
  if (k !== null && 4 * k < n) {
    const r = lanczos(G, { k });
    return { values: r.values, vectors: r.vectors };
  }
  const { values, vectors: V } = syevUnchecked(G, true);
  const m = k === null ? n : Math.min(k, n);
  const vals = new Float64Array(m);
  const out = new Matrix(n, m);
  for (let i = 0; i < m; i++) {
    const src = n - 1 - i;
    vals[i] = values[src];
    if (V) for (let r = 0; r < n; r++) out.data[r * m + i] = V.data[r * n + src];
  }
  return { values: vals, vectors: out };
}

/** Run training to the end, synchronously (an aborted `signal` is seen only if aborted from `onStep`). */
export function train<const O extends TrainOptions>(opts: O): TrainResult<O>;
export function train(opts: TrainOptions): TrainResult {
  const g = trainSteps(opts);
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

/**
 * Run training, giving the event loop a turn at least every `yieldMs` milliseconds (default 50) so that
 * signal handlers (SIGINT → AbortController.abort()), timers and progress output run during training.
 */
export async function trainAsync<const O extends TrainOptions>(
  opts: O,
  yieldMs?: number,
): Promise<TrainResult<O>>;
export async function trainAsync(opts: TrainOptions, yieldMs = 50): Promise<TrainResult> {
  const tick =
    (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate ??
    ((f: () => void) => setTimeout(f, 0));
  const g = trainSteps(opts);
  let last = performance.now();
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
    if (performance.now() - last >= yieldMs) {
      await new Promise<void>((resolve) => tick(resolve));
      last = performance.now();
    }
  }
}

/** The loop itself, as a generator that pauses after every update. */
function* trainSteps(opts: TrainOptions): Generator<void, TrainResult, void> {
  const t0 = performance.now();
  if (opts === null || typeof opts !== 'object')
    throw new NtkTypeError(
      `${FN}: expected an options object { model, xTrain, yTrain, … }, got ${typeof opts}`,
    );
  const { model, yTrain, steps: T } = opts;
  if (
    model === undefined ||
    model === null ||
    typeof model.evaluate !== 'function' ||
    !(model.theta0 instanceof Float64Array)
  )
    throw new NtkTypeError(
      `${FN}: model must be a TrainModel (networkModel(net, params), linearizedModel(…), …), got ${model === null ? 'null' : typeof model}`,
    );
  const xTrain = checkData(opts.xTrain, yTrain, 'Train');
  const hasTest = opts.xTest !== undefined || opts.yTest !== undefined;
  let xTest: Tensor | undefined;
  if (hasTest) {
    if (!opts.xTest || !opts.yTest) throw new NtkInputError(`${FN}: give both xTest and yTest, or neither`);
    xTest = checkData(opts.xTest, opts.yTest, 'Test');
    if (opts.yTest.cols !== yTrain.cols)
      throw new RangeError(`${FN}: yTest must have ${yTrain.cols} columns as yTrain, got ${opts.yTest.cols}`);
  }
  if (!Number.isInteger(T) || T < 0) throw new RangeError(`${FN}: steps must be an integer ≥ 0, got ${T}`);
  const n = yTrain.rows;
  const o = yTrain.cols;
  const B = opts.batchSize ?? n;
  if (!Number.isInteger(B) || B < 1 || B > n)
    throw new RangeError(`${FN}: batchSize must be an integer in [1, N = ${n}], got ${B}`);
  if (B < n && !opts.key)
    throw new RangeError(`${FN}: minibatches (batchSize ${B} < N = ${n}) need a key for the seeded shuffles`);
  const loss: Loss = lossByName(opts.loss ?? 'mse');
  const schedule = makeSchedule(opts.lr);
  const theta = model.theta0.slice();
  const optimizer = makeOptimizer(opts.optimizer, theta.length);
  const every = opts.recordEvery ?? Math.max(1, Math.floor(T / 100));
  if (!Number.isInteger(every) || every < 1)
    throw new RangeError(`${FN}: recordEvery must be an integer ≥ 1, got ${every}`);
  const recordSet = opts.recordSteps ? stepSet(FN, 'recordSteps', opts.recordSteps, T) : null;
  const ntkEvery = opts.ntkEvery ?? 0;
  if (!Number.isInteger(ntkEvery) || ntkEvery < 0)
    throw new RangeError(`${FN}: ntkEvery must be an integer ≥ 0, got ${ntkEvery}`);
  const ntkSet = opts.ntkSteps ? stepSet(FN, 'ntkSteps', opts.ntkSteps, T) : null;
  const ntkEigen = opts.ntkEigen ?? 'full';
  if (!(
    ntkEigen === 'full' ||
    ntkEigen === 'none' ||
    (Number.isInteger(ntkEigen) && (ntkEigen as number) >= 1)
  )) {
    throw new RangeError(
      `${FN}: ntkEigen must be 'full', 'none' or an integer k ≥ 1, got ${String(ntkEigen)}`,
    );
  }
  const ntkKernel = opts.ntkKernel ?? true;
  if (!ntkKernel && typeof ntkEigen !== 'number') {
    throw new RangeError(
      `${FN}: ntkKernel: false (implicit operator) needs ntkEigen = k, the number of top eigenpairs, got ${String(ntkEigen)}`,
    );
  }
  const recordOutputs = opts.recordOutputs ?? true;
  const isRecord = (s: number): boolean =>
    recordSet ? recordSet.has(s) : s === 0 || s === T || s % every === 0;
  const isNtk = (s: number): boolean =>
    ntkSet ? ntkSet.has(s) : ntkEvery > 0 && (s % ntkEvery === 0 || s === T);
  const theta0Norm = vectorNorm(model.theta0);

  const res = {
    steps: [] as number[],
    loss: [] as number[],
    testLoss: hasTest ? ([] as number[]) : null,
    fTrain: recordOutputs ? ([] as Matrix[]) : null,
    fTest: recordOutputs && hasTest ? ([] as Matrix[]) : null,
    paramDistance: [] as number[],
    ntk: [] as NtkSnapshot[],
  };
  let diverged: { step: number; loss: number } | null = null;
  let interrupted = false;
  let bound = opts.divergenceBound;
  if (bound !== undefined && !(bound > 0))
    throw new RangeError(`${FN}: divergenceBound must be > 0, got ${bound}`);
  const batcher = B < n && opts.key ? makeBatcher(opts.key, n, B) : null;
  const grad = new Float64Array(n * o);
  const dist = new Float64Array(theta.length);
  /** Keep the state at step s: train loss and outputs f (full set), test loss and outputs, ‖θ − θ₀‖/‖θ₀‖. */
  const record = (s: number, f: Float64Array, trainLoss: number): void => {
    res.steps.push(s);
    res.loss.push(trainLoss);
    if (res.fTrain) res.fTrain.push(new Matrix(n, o, f.slice()));
    for (let i = 0; i < theta.length; i++) dist[i] = theta[i] - model.theta0[i];
    res.paramDistance.push(theta0Norm > 0 ? vectorNorm(dist) / theta0Norm : vectorNorm(dist));
    if (xTest && opts.yTest) {
      const ft = model.evaluate(theta, xTest);
      res.testLoss!.push(loss.evaluate(ft.f, opts.yTest.data, o));
      if (res.fTest) res.fTest.push(new Matrix(opts.yTest.rows, o, ft.f.slice()));
      ft.release?.();
    }
  };
  let s = 0;
  for (;;) {
    const fullNeeded = isRecord(s) || isNtk(s) || (B === n && s < T);
    let full: ReturnType<TrainModel['evaluate']> | null = null;
    let fullLoss = NaN;
    if (fullNeeded) {
      full = model.evaluate(theta, xTrain);
      if (full.outputs !== o)
        throw new RangeError(`${FN}: the model has ${full.outputs} outputs but yTrain has ${o} columns`);
      fullLoss = loss.evaluate(full.f, yTrain.data, o, B === n ? grad : undefined);
      if (bound === undefined && s === 0) bound = fullLoss > 0 ? 1e10 * fullLoss : Infinity;
    }
    const divergedHere = full !== null && (!Number.isFinite(fullLoss) || fullLoss > (bound ?? Infinity));
    if (isRecord(s) || isNtk(s)) {
      record(s, full!.f, fullLoss);
      // No snapshot of a diverged state: its kernel may hold NaN/∞.
      if (isNtk(s) && !divergedHere) {
        if (!ntkKernel) {
          const r = lanczos(model.ntkOperator(theta, xTrain), { k: ntkEigen as number });
          res.ntk.push({ step: s, kernel: null, eigenvalues: r.values, eigenvectors: r.vectors });
        } else {
          const G = model.ntk(theta, xTrain);
          const eig =
            ntkEigen === 'none'
              ? { values: new Float64Array(0), vectors: null }
              : snapshotEigen(G, ntkEigen === 'full' ? null : (ntkEigen as number));
          res.ntk.push({ step: s, kernel: G, eigenvalues: eig.values, eigenvectors: eig.vectors });
        }
      }
    }
    if (divergedHere) {
      diverged = { step: s, loss: fullLoss };
      break;
    }
    if (s >= T) break;
    if (opts.signal?.aborted) {
      interrupted = true;
      break;
    }
    if (full && B < n) full.release?.();
    // One update θ_s → θ_{s+1}.
    let g: Float64Array;
    let stepLoss = fullLoss;
    if (B === n && full) {
      g = full.vjp(grad);
      full.release?.();
    } else {
      const idx = batcher!(s);
      const xb = gatherRows(xTrain, idx);
      const yb = new Float64Array(idx.length * o);
      for (let i = 0; i < idx.length; i++) yb.set(yTrain.data.subarray(idx[i] * o, (idx[i] + 1) * o), i * o);
      const e = model.evaluate(theta, xb);
      const gb = new Float64Array(idx.length * o);
      stepLoss = loss.evaluate(e.f, yb, o, gb);
      if (!Number.isFinite(stepLoss)) {
        diverged = { step: s, loss: stepLoss };
        break;
      }
      g = e.vjp(gb);
      e.release?.();
    }
    optimizer.update(theta, g, schedule(s));
    s++;
    opts.onStep?.(s, stepLoss);
    yield;
  }
  // A run that stopped early records its last state, so the final step is always in `steps`.
  if ((diverged || interrupted) && res.steps[res.steps.length - 1] !== s) {
    const e = model.evaluate(theta, xTrain);
    record(s, e.f, loss.evaluate(e.f, yTrain.data, o));
    e.release?.();
  }
  return { ...res, diverged, interrupted, stepsDone: s, theta, seconds: (performance.now() - t0) / 1000 };
}
