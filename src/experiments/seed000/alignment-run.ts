import { Matrix } from '../../linalg/matrix.js';
import { Dense, Relu, serial, initParams } from '../../nn/index.js';
import type { Layer, Tensor } from '../../nn/types.js';
import type { Key } from '../../random/key.js';
import { split } from '../../random/keys.js';
import { uniform } from '../../random/uniform.js';
import { eighDescending, trainingAlignment } from '../../spectral/alignment.js';
import { lanczos } from '../../linalg/lanczos.js';
import {
  mse,
  networkModel,
  trainAsync,
  type OptimizerName,
  type TrainModel,
  type TrainResult,
} from '../../train/index.js';
import type { Config, CostEstimate, Json, RunContext } from '../types.js';
import { denseNtkFlop, field, fieldBetween, lanczosNtkFlop, mlpParams, passFlop } from '../cost.js';
import { CheckpointSlots, decodeFloat64, encodeFloat64 } from '../common/checkpoint-slots.js';
import { logSteps } from '../common/stats.js';

/**
 * The common setting of Kopitkov & Indelman (2020, "Neural spectrum alignment"): L2 regression of a
 * smooth target on N points uniform in [0, 1]², a ReLU MLP, and the empirical NTK Gramian
 * G_t = g_t(X, X) with its eigenvectors at snapshots along training. Loss L = (1/N)·Σ ½(f − y)²
 * (Kopitkov & Indelman 2020, "Notations", l = ½(f − y)², so m_t = f_t − y), the trainer's 'mse'.
 */

/** Kopitkov & Indelman's smooth target on [0, 1]²: y(x) = sin(π·ω·x₁)·cos(π·ω·x₂) (zero mean over the square for even ω). */
export function smoothTarget(x1: number, x2: number, omega: number): number {
  return Math.sin(Math.PI * omega * x1) * Math.cos(Math.PI * omega * x2);
}

/** N points uniform in [0, 1]² and their targets (N×1). */
export function unitSquareData(key: Key, n: number, omega: number): { x: Tensor; y: Matrix } {
  if (!Number.isInteger(n) || n < 2)
    throw new RangeError(`unitSquareData: N must be an integer ≥ 2, got ${n}`);
  const data = uniform(key, 2 * n);
  const y = new Matrix(n, 1);
  for (let i = 0; i < n; i++) y.data[i] = smoothTarget(data[2 * i], data[2 * i + 1], omega);
  return { x: { shape: [n, 2], data }, y };
}

/**
 * ReLU MLP with `depth` hidden layers of `width` units ('ntk' parameterization, W_std² = 2 to keep the
 * activation variance, b_std = 0.1), then a linear read-out to one output.
 */
export function reluMlp(depth: number, width: number): Layer {
  if (!Number.isInteger(depth) || depth < 1)
    throw new RangeError(`reluMlp: depth must be an integer ≥ 1, got ${depth}`);
  const layers: Layer[] = [];
  for (let l = 0; l < depth; l++) layers.push(Dense({ width, W_std: Math.SQRT2, b_std: 0.1 }), Relu());
  layers.push(Dense({ width: 1, W_std: 1, b_std: 0.1 }));
  return serial(...layers);
}

export interface AlignmentRunOptions {
  readonly n: number;
  readonly width: number;
  readonly depth: number;
  readonly omega: number;
  readonly steps: number;
  /** η = lrFactor·N/λ_max(G₀) for GD/SGD (so the top mode's factor 1 − ηλ_max/N = 1 − lrFactor); Adam's η as given. */
  readonly lrFactor: number;
  readonly optimizer: OptimizerName;
  readonly adamLr?: number;
  readonly batchSize?: number;
  /** Number of NTK snapshots (log-spaced in t, plus t = 0 and t = T). */
  readonly snapshots: number;
  /** Extra steps at which outputs are recorded. */
  readonly recordSteps?: readonly number[];
  /**
   * Top-k eigenpairs per snapshot by Lanczos on the implicit NTK operator (no N×N Gramian; for large N).
   * 0 or absent: the dense G_t and its full eigh (the trainer keeps G_t).
   */
  readonly topK?: number;
  /**
   * Steps at which only the Gramian G_t is formed, in place of the snapshots: no eigenpairs and no alignment
   * curves (`snapshots` of the result is empty), and λ_max(G₀) by Lanczos on the implicit operator — for a
   * caller that decomposes G_t itself (000-first-order's constant-Gramian prediction).
   */
  readonly kernelAt?: readonly number[];
}

export interface AlignmentSnapshotRow {
  readonly step: number;
  readonly loss: number;
  /** cos α_t(φ, k) for k = 1..N (or 1..topK), φ = target y, residual m_t, outputs f_t (Kopitkov & Indelman 2020, "Results"). */
  readonly target: Float64Array;
  readonly residual: Float64Array | null;
  readonly output: Float64Array | null;
  readonly eigenvalues: Float64Array;
}

export interface AlignmentRunResult {
  readonly y: Matrix;
  readonly lr: number;
  readonly lambdaMax0: number;
  /** The trainer's record (null for a run trained in checkpointed segments, see `alignmentRun`). */
  readonly train: TrainResult | null;
  readonly snapshots: AlignmentSnapshotRow[];
}

/** Where a checkpointed run keeps its state: the experiment's slots and this run's name among them. */
export interface AlignmentCheckpoint {
  readonly slots: CheckpointSlots;
  readonly name: string;
}

/**
 * Initialize (from `key`), train, and take the alignment curves at each NTK snapshot (spectral
 * `trainingAlignment`). With `checkpoint` (full-batch GD only: its update keeps no optimizer state and
 * draws no random numbers), training goes from snapshot to snapshot and the state — θ, the snapshots so
 * far, η, the divergence bound — is saved after each, so a rerun resumes at the last snapshot and gives
 * the same numbers bit for bit; a finished run is kept whole.
 */
export async function alignmentRun(
  o: AlignmentRunOptions,
  key: Key,
  ctx: RunContext,
  progress: (fraction: number) => void,
  checkpoint?: AlignmentCheckpoint,
): Promise<AlignmentRunResult> {
  const [kData, kInit, kBatch] = split(key, 3);
  const { x, y } = unitSquareData(kData, o.n, o.omega);
  const net = reluMlp(o.depth, o.width);
  const model = networkModel(net, initParams(net, kInit, [2]));
  const kernelOnly = o.kernelAt !== undefined;
  const ntkSteps = o.kernelAt ?? logSteps(o.steps, o.snapshots);
  const eigen = !o.topK ? {} : { ntkEigen: Math.min(o.topK, o.n), ntkKernel: false };
  if (checkpoint !== undefined) {
    if (o.optimizer !== 'gd' || o.recordSteps !== undefined || kernelOnly)
      throw new Error(
        `alignmentRun: checkpointed runs are full-batch GD without extra recordSteps or kernelAt, got ${o.optimizer}`,
      );
    return segmentedRun(o, x, y, model, ntkSteps, eigen, ctx, progress, checkpoint);
  }
  const lambdaMax0 = topEigenvalue(model, x, (o.topK ?? 0) > 0 || kernelOnly);
  const lr = o.optimizer === 'adam' ? (o.adamLr ?? 1e-3) : (o.lrFactor * o.n) / lambdaMax0;
  await ctx.checkpoint();
  const record = new Set<number>([...ntkSteps, ...(o.recordSteps ?? [])]);
  const train = await trainAsync({
    model,
    xTrain: x,
    yTrain: y,
    optimizer: o.optimizer,
    lr,
    steps: o.steps,
    batchSize: o.batchSize,
    key: kBatch,
    recordSteps: [...record].sort((a, b) => a - b),
    ntkSteps,
    ...(kernelOnly ? { ntkEigen: 'none' as const } : eigen),
    signal: ctx.signal,
    onStep: (s) => {
      if (s % 50 === 0) progress(s / o.steps);
    },
  });
  await ctx.checkpoint();
  if (train.diverged)
    throw new Error(
      `alignment run diverged at step ${train.diverged.step} (loss ${train.diverged.loss}); lower lrFactor`,
    );
  const al = kernelOnly ? [] : trainingAlignment(train, y);
  const snapshots = al.map((a, i) => ({
    step: a.step,
    loss: train.loss[train.steps.indexOf(a.step)],
    target: a.target,
    residual: a.residual,
    output: a.output,
    eigenvalues: train.ntk[i].eigenvalues,
  }));
  return { y, lr, lambdaMax0, train, snapshots };
}

/**
 * The settings every alignment run checks beyond its counts: the target's frequency ω ≥ 0, and the GD/SGD
 * step factor η·λ_max(G₀)/N, in (0, 2), where GD on the top mode converges.
 */
export function checkAlignmentSettings(c: Config, lrFactor = 'lrFactor'): void {
  fieldBetween(c, lrFactor, 0, 2);
  field(c, 'omega', { min: 0 });
}

/** λ_max(G₀): Lanczos on the implicit operator (large N) or the full eigh of the formed Gramian. */
function topEigenvalue(model: TrainModel, x: Tensor, implicit: boolean): number {
  return implicit
    ? lanczos(model.ntkOperator(model.theta0, x), { k: 1 }).values[0]
    : eighDescending(model.ntk(model.theta0, x)).values[0];
}

interface SegmentState {
  readonly [k: string]: Json;
  readonly finished: boolean;
  readonly lr: number;
  readonly lambdaMax0: number;
  readonly bound: number;
  /** Snapshots taken so far (index into ntkSteps of the next one = their count). */
  readonly snapshots: readonly Json[];
  /** θ at the next snapshot's step (base64 float64). */
  readonly theta: string;
}

function encodeSnapshot(s: AlignmentSnapshotRow): Json {
  const f = (a: Float64Array | null) => (a === null ? null : encodeFloat64(a));
  return {
    step: s.step,
    loss: s.loss,
    target: f(s.target),
    residual: f(s.residual),
    output: f(s.output),
    eigenvalues: f(s.eigenvalues),
  };
}

function decodeSnapshot(j: Json): AlignmentSnapshotRow {
  const o = j as { [k: string]: Json };
  const f = (v: Json) => (v === null ? null : decodeFloat64(v as string));
  return {
    step: o.step as number,
    loss: o.loss as number,
    target: f(o.target)!,
    residual: f(o.residual),
    output: f(o.output),
    eigenvalues: f(o.eigenvalues)!,
  };
}

async function segmentedRun(
  o: AlignmentRunOptions,
  x: Tensor,
  y: Matrix,
  model: TrainModel,
  ntkSteps: readonly number[],
  eigen: { ntkEigen?: number; ntkKernel?: boolean },
  ctx: RunContext,
  progress: (fraction: number) => void,
  cp: AlignmentCheckpoint,
): Promise<AlignmentRunResult> {
  let state = cp.slots.get(cp.name) as SegmentState | undefined;
  if (state === undefined) {
    const lambdaMax0 = topEigenvalue(model, x, (o.topK ?? 0) > 0);
    const l0 = mseLoss(model, model.theta0, x, y);
    state = {
      finished: false,
      lr: (o.lrFactor * o.n) / lambdaMax0,
      lambdaMax0,
      // The trainer's own default bound 1e10·L₀, fixed for the whole run (not per segment).
      bound: l0 > 0 ? 1e10 * l0 : Infinity,
      snapshots: [],
      theta: encodeFloat64(model.theta0),
    };
    cp.slots.set(cp.name, state);
  }
  while (!state.finished) {
    await ctx.checkpoint();
    const i = state.snapshots.length;
    const from = ntkSteps[i];
    const to = i + 1 < ntkSteps.length ? ntkSteps[i + 1] : from;
    const theta = decodeFloat64(state.theta);
    // Train from this snapshot's step to the next; snapshot (and outputs) at the segment's step 0.
    const seg: TrainResult = await trainAsync({
      model: { ...model, theta0: theta },
      xTrain: x,
      yTrain: y,
      optimizer: 'gd',
      lr: state.lr,
      steps: to - from,
      recordSteps: [0],
      ntkSteps: [0],
      ...eigen,
      divergenceBound: state.bound,
      signal: ctx.signal,
      onStep: (s) => {
        if (s % 50 === 0) progress((from + s) / o.steps);
      },
    });
    ctx.signal.throwIfAborted();
    if (seg.diverged)
      throw new Error(
        `alignment run diverged at step ${from + seg.diverged.step} (loss ${seg.diverged.loss}); lower lrFactor`,
      );
    const a = trainingAlignment(seg, y)[0];
    const snap: AlignmentSnapshotRow = {
      step: from,
      loss: seg.loss[0],
      target: a.target,
      residual: a.residual,
      output: a.output,
      eigenvalues: seg.ntk[0].eigenvalues,
    };
    const snapshots: Json[] = [...state.snapshots, encodeSnapshot(snap)];
    state = {
      ...state,
      snapshots,
      theta: encodeFloat64(seg.theta),
      finished: snapshots.length === ntkSteps.length,
    };
    cp.slots.set(cp.name, state);
  }
  return {
    y,
    lr: state.lr,
    lambdaMax0: state.lambdaMax0,
    train: null,
    snapshots: state.snapshots.map(decodeSnapshot),
  };
}

/** L = (1/N)·Σ ½(f − y)² at θ (the trainer's 'mse'), for the divergence bound. */
function mseLoss(model: TrainModel, theta: Float64Array, x: Tensor, y: Matrix): number {
  return mse.evaluate(model.evaluate(theta, x).f, y.data, 1);
}

/** The paper's three k values, clipped to N. */
export function alignmentKs(n: number): number[] {
  return [1, 10, 100].filter((k) => k <= n);
}

/** Figure rows: cos α_t(φ, k) against t for the paper's k values (t = 0 plotted at t = 1 on log axes is avoided: t + 1). */
export function alignmentRows(
  run: AlignmentRunResult,
  which: 'target' | 'residual' | 'output',
  label: Record<string, string | number> = {},
): { step: number; cosAlpha: number; k: string; [f: string]: string | number }[] {
  const rows: { step: number; cosAlpha: number; k: string; [f: string]: string | number }[] = [];
  for (const s of run.snapshots) {
    const curve = s[which];
    if (curve === null) continue;
    for (const k of alignmentKs(curve.length))
      rows.push({ step: s.step + 1, cosAlpha: curve[k - 1], k: `k = ${k}`, ...label });
  }
  return rows;
}

/** What one alignment run costs: its GD steps and its NTK snapshots (Lanczos with topK, dense eigh without). */
export function alignmentRunCost(c: {
  n: number;
  width: number;
  depth: number;
  steps: number;
  snapshots: number;
  topK?: number;
}): CostEstimate {
  const P = mlpParams(2, c.width, c.depth);
  const snaps = c.snapshots + 2;
  const features = 8 * c.n * 3 * c.depth * c.width;
  if (c.topK !== undefined && c.topK > 0) {
    const k = Math.min(c.topK, c.n);
    return {
      flop: c.steps * passFlop(c.n, P) + (snaps + 1) * lanczosNtkFlop(c.n, P, k),
      bytes: features + 8 * c.n * 2 * (2 * k + 48) + 8 * P * 4,
    };
  }
  return {
    flop: c.steps * passFlop(c.n, P) + (snaps + 1) * denseNtkFlop(c.n, P),
    bytes: features + 3 * 8 * c.n ** 2,
  };
}
