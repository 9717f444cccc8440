import { Matrix } from '../../../src/linalg/matrix.js';
import { getBackend } from '../../../src/linalg/select.js';
import type { LabBackendName } from '../backend.js';
import { modelFromJson } from '../../../src/nn/model.js';
import { tensor } from '../../../src/nn/tensor.js';
import type { Tensor } from '../../../src/nn/types.js';
import { predictGradientDescentMse } from '../../../src/predict/gradientDescentMse.js';
import { PRNGKey, split } from '../../../src/random/keys.js';
import { gatherRows, makeBatcher } from '../../../src/train/batches.js';
import { mse } from '../../../src/train/loss.js';
import { networkModel } from '../../../src/train/model.js';
import { makeOptimizer, type OptimizerName } from '../../../src/train/optimizers.js';
import { denseModelJson } from './modelJson.js';
import { EigenService } from './eigenService.js';
import { trainingSpec } from './specs.js';
import { matrix, num, str, vector, type LabCompute, type LabResult } from './result.js';
import { NtkInputError } from '../../../src/errors.js';

/**
 * One turn of the event loop by a message to ourselves: unlike setTimeout(0), whose nested calls browsers
 * clamp to 4 ms (HTML timers), it costs microseconds, so yielding every 20 ms does not slow the steps.
 */
function yieldTurn(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

/** Number of leading eigenvectors of G_0 whose residual projections are tracked (Jacot et al. 2018, §5). */
const MODES = 5;

/**
 * Training data: `line` = N equally spaced x ∈ [−1, 1] with y = sin(πκx); `circle` = N points
 * (cos a, sin a) with y = cos(κa). Returns x (N×d) and y (N×1).
 */
export function trainingData(inputs: string, n: number, kappa: number): { x: Tensor; y: Matrix } {
  if (!Number.isInteger(n) || n < 2) throw new NtkInputError(`training: N must be an integer ≥ 2, got ${n}`);
  const y = new Matrix(n, 1);
  if (inputs === 'line') {
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = -1 + (2 * i) / (n - 1);
      y.data[i] = Math.sin(Math.PI * kappa * x[i]);
    }
    return { x: tensor([n, 1], x), y };
  }
  if (inputs === 'circle') {
    const x = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const a = -Math.PI + (2 * Math.PI * i) / n;
      x[2 * i] = Math.cos(a);
      x[2 * i + 1] = Math.sin(a);
      y.data[i] = Math.cos(kappa * a);
    }
    return { x: tensor([n, 2], x), y };
  }
  throw new NtkInputError(`training inputs must be 'line' or 'circle', got '${inputs}'`);
}

/**
 * The `training` view: a finite dense net trained live by GD, SGD or Adam on the MSE loss
 * L = (1/2N)·Σ(f − y)² (the same update as src/train's `train`), beside the kernel prediction of the same run
 * f_s = y + (I − (η/N)·G₀)^s·(f₀ − y) with the constant Gramian G₀ (the first-order dynamics of Kopitkov & Indelman 2020; Lee et
 * al. 2019, eq. 8). While it trains, the top-k eigenpairs of the empirical Gramian G_t are refreshed as often
 * as `refreshMs` allows, with the alignments cos α_t(y, k) and cos α_t(f_t − y, k) (Kopitkov & Indelman 2020,
 * eq. 10), and the residual's projections on G₀'s leading eigenvectors, which decay in the order of the
 * eigenvalues (Jacot et al. 2018, §5).
 */
export const trainingCompute: LabCompute = async (p, emit) => {
  const spec = trainingSpec(p);
  const json = denseModelJson(spec);
  const net = modelFromJson(json).net;
  const { x, y } = trainingData(str(p, 'inputs'), num(p, 'n'), num(p, 'kappa'));
  const n = y.rows;
  const T = num(p, 'steps');
  const lr = num(p, 'lr');
  const k = Math.min(num(p, 'topk'), n);
  const opt = str(p, 'opt') as OptimizerName;
  const batch = num(p, 'batch');
  const refreshMs = num(p, 'refreshMs');
  if (!Number.isInteger(T) || T < 1)
    throw new NtkInputError(`training: steps must be an integer ≥ 1, got ${T}`);
  // The keys of `ntk train --seed s`: [init, shuffle] = split(PRNGKey(s)).
  const [initKey, shuffleKey] = split(PRNGKey(num(p, 'seed')), 2);
  const model = networkModel(net, net.init(initKey, [x.shape[1]]));
  const theta = model.theta0.slice();
  const optimizer = makeOptimizer(opt, theta.length);
  const minibatch = opt !== 'gd' && batch < n;
  const batcher = minibatch ? makeBatcher(shuffleKey, n, batch) : null;

  // G_t eigenpairs on a second worker, so the training steps never wait for them; started first, so that
  // it loads while this one computes G₀ and the kernel prediction.
  const eigen = new EigenService(getBackend().name as LabBackendName, json, initKey, x, y.data, k);
  let pred: ReturnType<typeof predictGradientDescentMse>;
  try {
    // Kernel prediction, one step at a time in G₀'s eigenbasis: m_{s+1} = (1 − ηλᵢ/N)·m_s per mode.
    pred = predictGradientDescentMse({
      kTrain: model.ntk(theta, x),
      yTrain: y,
      lr,
      fTrain0: new Matrix(n, 1, model.evaluate(theta, x).f.slice()),
    });
  } catch (e) {
    eigen.close();
    throw e;
  }
  // G₀'s eigenpairs, descending: the predictor's own decomposition (no second eigh).
  const modes0 = pred.residualModes([0], 'gd');
  const eig0 = { values: modes0.eigenvalues, vectors: modes0.eigenvectors };
  const loss = new Float64Array(T + 1);
  const kernelLoss = new Float64Array(T + 1);
  const modes = new Float64Array((T + 1) * MODES);
  const snapSteps: number[] = [];
  const snapValues: number[] = [];
  const alignY: number[] = [];
  const alignR: number[] = [];
  const grad = new Float64Array(n);
  let f = new Float64Array(n);
  let lastEig = -Infinity;
  let lastFrame = performance.now();
  let stepsDone = 0;
  const t0 = performance.now();

  const predSteps = Array.from({ length: T + 1 }, (_, s) => s);
  const predicted = pred.predict(predSteps, 'gd').fTrain;
  for (let s = 0; s <= T; s++) kernelLoss[s] = mse.evaluate(predicted[s].data, y.data, 1);

  let lastVectors: Float64Array | null = null;
  const collect = (): void => {
    for (const e of eigen.take()) {
      snapSteps.push(e.step);
      for (let i = 0; i < k; i++) snapValues.push(e.values[i]);
      alignY.push(e.alignY);
      alignR.push(e.alignResidual);
      lastVectors = e.vectors;
    }
  };
  const snapshot = (s: number): void => {
    if (eigen.request(s, theta, f)) lastEig = performance.now();
  };

  let loopSeconds: number | null = null;
  const result = (): LabResult => {
    const S = snapSteps.length;
    return {
      arrays: {
        x: matrix(n, x.shape[1], x.data),
        y: vector(y.data),
        f: vector(f),
        fKernel: vector(predicted[stepsDone].data),
        loss: vector(loss.subarray(0, stepsDone + 1)),
        kernelLoss: vector(kernelLoss.subarray(0, stepsDone + 1)),
        eigenvalues0: vector(eig0.values.subarray(0, Math.min(n, 20))),
        residualModes: matrix(stepsDone + 1, MODES, modes.slice(0, (stepsDone + 1) * MODES)),
        snapshotSteps: vector(snapSteps),
        snapshotEigenvalues: matrix(S, k, Float64Array.from(snapValues)),
        alignmentY: vector(alignY),
        alignmentResidual: vector(alignR),
        topEigenvectors: matrix(n, k, lastVectors ?? new Float64Array(n * k)),
      },
      scalars: {
        stepsDone,
        stepsPerSecond: stepsDone / (loopSeconds ?? (performance.now() - t0) / 1000),
        snapshotsPerSecond: S / ((performance.now() - t0) / 1000),
        params: theta.length,
      },
    };
  };

  let lastYield = performance.now();
  try {
    for (let s = 0; ; s++) {
      const e = model.evaluate(theta, x);
      f = e.f.slice();
      loss[s] = mse.evaluate(e.f, y.data, 1, grad);
      stepsDone = s;
      for (let i = 0; i < MODES; i++) {
        let c = 0;
        for (let j = 0; j < n; j++) c += eig0.vectors.data[j * n + i] * (f[j] - y.data[j]);
        modes[s * MODES + i] = c;
      }
      if (!Number.isFinite(loss[s])) break;
      if (s === T) break;
      if (s === 0 || performance.now() - lastEig >= refreshMs) snapshot(s);
      let g: Float64Array;
      if (batcher) {
        const idx = batcher(s);
        const xb = gatherRows(x, idx);
        const yb = new Float64Array(idx.length);
        for (let i = 0; i < idx.length; i++) yb[i] = y.data[idx[i]];
        const eb = model.evaluate(theta, xb);
        const gb = new Float64Array(idx.length);
        mse.evaluate(eb.f, yb, 1, gb);
        g = eb.vjp(gb);
      } else {
        g = e.vjp(grad);
      }
      optimizer.update(theta, g, lr);
      if (performance.now() - lastYield > 20) {
        // A turn of the event loop, to receive the eigen worker's results.
        await yieldTurn();
        lastYield = performance.now();
        collect();
      }
      if (performance.now() - lastFrame > 100) {
        emit.progress(s + 1, T);
        emit.frame(result());
        lastFrame = performance.now();
      }
    }
    loopSeconds = (performance.now() - t0) / 1000;
    // The final state's spectrum (none after a divergence: its kernel may hold NaN/∞).
    await eigen.settle();
    if (Number.isFinite(loss[stepsDone])) eigen.request(stepsDone, theta, f);
    await eigen.settle();
    collect();
  } finally {
    eigen.close();
  }
  emit.progress(T, T);
  return result();
};
