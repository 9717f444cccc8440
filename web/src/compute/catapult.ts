import { Matrix } from '../../../src/linalg/matrix.js';
import { lanczos } from '../../../src/linalg/lanczos.js';
import { modelFromJson } from '../../../src/nn/model.js';
import { initParams } from '../../../src/nn/network.js';
import { normal } from '../../../src/random/normal.js';
import { PRNGKey, split } from '../../../src/random/keys.js';
import { networkModel } from '../../../src/train/model.js';
import { train } from '../../../src/train/train.js';
import { runToy, toyStateOf } from '../../../src/experiments/seed003/toy-model.js';
import { circlePoints } from './inputs.js';
import { num, str, vector, type LabCompute, type LabParams, type LabResult } from './result.js';
import { NtkInputError } from '../../../src/errors.js';

/** The grid of η·λ₀ swept for the phase diagram of the toy model. */
export function phaseGrid(): number[] {
  return Array.from({ length: 40 }, (_, i) => 0.15 * (i + 1));
}

const PHASE_CODE = { lazy: 0, catapult: 1, divergent: 2, unresolved: 3 } as const;

/**
 * The toy model f = n^{-1/2}vᵀu on one point (x = 1, y = 0; Lewkowycz et al. 2020, §2): the exact
 * recurrences of Δf_t and λ_t at η = r/λ₀, and the phase (lazy / catapult / divergent) of every r on a grid.
 */
function toy(p: LabParams): LabResult {
  const n = num(p, 'n');
  const r = num(p, 'r');
  const [ku, kv] = split(PRNGKey(num(p, 'seed')));
  const s0 = toyStateOf(normal(ku, n), normal(kv, n), 0);
  const o = { n, steps: num(p, 'steps'), tol: 1e-8, blowup: 1e8 };
  const run = runToy(s0, r, { ...o, trace: true });
  const grid = phaseGrid();
  const phases = grid.map((g) => PHASE_CODE[runToy(s0, g, o).phase]);
  const tr = run.trace!;
  return {
    arrays: {
      t: vector(tr.t),
      loss: vector(tr.df.map((d) => (d * d) / 2)),
      etaLambda: vector(tr.lambda.map((l) => (r / s0.lambda) * l)),
      phaseGrid: vector(grid),
      phase: vector(phases),
    },
    scalars: { phase: run.phase, lambda0: s0.lambda, spike: run.spike, etaLambdaFinal: run.etaLambdaFinal },
  };
}

/**
 * The same phases in a wide two-layer ReLU net (NTK parameterization, no bias) trained by full-batch GD on
 * N circle points with y = sin(2x₀). The loss is (1/2N)·Σ(f − y)², so GD acts as f ← f − (η/N)·Θ·(f − y) and
 * Lewkowycz et al.'s η·λ₀ is r = η·λ₀/N here (λ₀ = λ_max of the empirical NTK at init): η = r·N/λ₀.
 */
function relu(p: LabParams, onStep: (s: number) => void): LabResult {
  const width = num(p, 'n');
  const N = num(p, 'points');
  const r = num(p, 'r');
  const T = num(p, 'steps');
  const json = {
    parameterization: 'ntk',
    layers: [
      { type: 'Dense', width, W_std: 1, b_std: null },
      { type: 'Relu' },
      { type: 'Dense', width: 1, W_std: 1, b_std: null },
    ],
  };
  const net = modelFromJson(json).net;
  const x = circlePoints(N);
  const y = new Matrix(N, 1);
  for (let i = 0; i < N; i++) y.data[i] = Math.sin(2 * x.data[2 * i]);
  const model = networkModel(net, initParams(net, PRNGKey(num(p, 'seed')), [2]));
  const xt = { shape: [N, 2], data: x.data };
  const lambda0 = lanczos(model.ntk(model.theta0, xt), { k: 1 }).values[0];
  const lr = (r * N) / lambda0;
  const every = Math.max(1, Math.floor(T / 50));
  const res = train({
    model,
    xTrain: xt,
    yTrain: y,
    optimizer: 'gd',
    lr,
    steps: T,
    recordEvery: 1,
    ntkEvery: every,
    ntkEigen: 1,
    recordOutputs: false,
    onStep,
  });
  return {
    arrays: {
      t: vector(res.steps),
      loss: vector(res.loss),
      ntkSteps: vector(res.ntk.map((s) => s.step)),
      etaLambda: vector(res.ntk.map((s) => (lr * s.eigenvalues[0]) / N)),
    },
    scalars: {
      lambda0,
      lr,
      diverged: res.diverged !== null,
      maxLossRatio: Math.max(...res.loss.filter(Number.isFinite)) / res.loss[0],
      finalLossRatio: res.loss[res.loss.length - 1] / res.loss[0],
    },
  };
}

/** The `catapult` view: r = η·λ₀ (a multiple of 2 marks η = 2/λ₀), the toy model or a wide ReLU net. */
export const catapultCompute: LabCompute = (p, emit) => {
  const model = str(p, 'model');
  if (model === 'toy') return toy(p);
  if (model === 'relu') return relu(p, (s) => emit.progress(s, num(p, 'steps')));
  throw new NtkInputError(`catapult model must be 'toy' or 'relu', got '${model}'`);
};
