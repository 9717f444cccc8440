import { Matrix } from '../../linalg/matrix.js';
import { Dense, Relu, serial, initParams } from '../../nn/index.js';
import type { Layer, Tensor } from '../../nn/types.js';
import type { Key } from '../../random/key.js';
import { split } from '../../random/keys.js';
import { uniform } from '../../random/uniform.js';
import { eighDescending, trainingAlignment } from '../../spectral/alignment.js';
import { networkModel, trainAsync, type OptimizerName, type TrainResult } from '../../train/index.js';
import type { RunContext } from '../types.js';
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
}

export interface AlignmentSnapshotRow {
  readonly step: number;
  readonly loss: number;
  /** cos α_t(φ, k) for k = 1..N, φ = target y, residual m_t, outputs f_t (Kopitkov & Indelman 2020, "Results"). */
  readonly target: Float64Array;
  readonly residual: Float64Array | null;
  readonly output: Float64Array | null;
  readonly eigenvalues: Float64Array;
}

export interface AlignmentRunResult {
  readonly y: Matrix;
  readonly lr: number;
  readonly lambdaMax0: number;
  readonly train: TrainResult;
  readonly snapshots: AlignmentSnapshotRow[];
}

/**
 * Initialize (from `key`), train, and take the alignment curves at each NTK snapshot
 * (spectral `trainingAlignment`, eigenvectors by full eigh of G_t from the trainer).
 */
export async function alignmentRun(
  o: AlignmentRunOptions,
  key: Key,
  ctx: RunContext,
  progress: (fraction: number) => void,
): Promise<AlignmentRunResult> {
  const [kData, kInit, kBatch] = split(key, 3);
  const { x, y } = unitSquareData(kData, o.n, o.omega);
  const net = reluMlp(o.depth, o.width);
  const model = networkModel(net, initParams(net, kInit, [2]));
  const ntkSteps = logSteps(o.steps, o.snapshots);
  const g0 = model.ntk(model.theta0, x);
  const lambdaMax0 = eighDescending(g0).values[0];
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
  const al = trainingAlignment(train, y);
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
