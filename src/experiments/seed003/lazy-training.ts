import { fieldList, mlpParams, passFlop, countField } from '../cost.js';
import { Dense } from '../../nn/dense.js';
import { Gelu } from '../../nn/activations/gelu.js';
import { serial } from '../../nn/combinators/serial.js';
import { initParams } from '../../nn/network.js';
import type { Layer } from '../../nn/types.js';
import { maxLearningRate } from '../../predict/maxLearningRate.js';
import { foldIn } from '../../random/keys.js';
import {
  alphaScaledModel,
  linearizedModel,
  networkModel,
  train,
  type TrainResult,
} from '../../train/index.js';
import type { Experiment, FigureSpec, Metrics, Row, VerdictResult } from '../types.js';
import { sphereData } from './sphere-data.js';
import { logLogSlopePositivePairs, num } from '../common/stats.js';
import { cite, chizatOyallonBach2019 } from '../bibliography.js';

/**
 * Chizat, Oyallon & Bach (2019, arXiv:1812.07956), lazy training and when it occurs:
 * train g_α(θ, x) = α·(f(θ, x) − f(θ₀, x)) on L_α = (1/α²)·L(g_α) by GD (src/train alphaScaledModel).
 * In function space g_α moves at a rate set by the tangent kernel Θ, independent of α, while
 * ‖θ_T − θ₀‖ = O(1/α) and ‖g_α − g_lin‖ = O(1/α) (Chizat & Bach Thm 2.3), g_lin the same training of
 * the linearized model f(θ₀) + J₀(θ − θ₀). "Lazy training does not exploit nonlinearities and typically
 * is less efficient than full training": on a single-index target (y = ReLU(x₁) − 0.4 in d dimensions,
 * where learning the direction x₁ helps) the test loss at large α is compared with small α.
 *
 * The network is a two-layer Gelu net (a smooth model, as Chizat & Bach assume; with ReLU the distance
 * to the linearization jumps whenever a unit crosses its kink, which obscures the 1/α law at moderate α).
 * Inputs lie on the sphere of radius √d. Every α uses the same η = lrFraction·2N/λ_max(Θ₀) and T steps.
 */
export interface LazyTrainingConfig {
  readonly [k: string]: number | readonly number[];
  readonly d: number;
  readonly nTrain: number;
  readonly nTest: number;
  readonly width: number;
  readonly steps: number;
  /** η as a fraction of the GD stability bound 2N/λ_max(Θ₀). */
  readonly lrFraction: number;
  /** Scales α (ascending); must contain 1. */
  readonly alphas: readonly number[];
  /** Number of recorded steps along training (for the distance to the linearized trajectory). */
  readonly records: number;
}

/** Single-index target: depends on one direction only, y = max(0, x₀) − 0.4. */
function singleIndexTarget(x: Float64Array): number {
  return Math.max(0, x[0]) - 0.4;
}

function twoLayerGelu(width: number): Layer {
  return serial(Dense({ width, W_std: 1, b_std: 0.1 }), Gelu(), Dense({ width: 1, W_std: 1, b_std: 0 }));
}

/** max over recorded steps s > 0 of ‖a_s − b_s‖ / ‖b_s‖ (test outputs of two runs recorded at the same steps). */
function maxRelativeGap(a: TrainResult, b: TrainResult): number {
  let worst = 0;
  const A = a.fTest!;
  const B = b.fTest!;
  for (let k = 1; k < Math.min(A.length, B.length); k++) {
    let num2 = 0;
    let den2 = 0;
    for (let i = 0; i < A[k].data.length; i++) {
      num2 += (A[k].data[i] - B[k].data[i]) ** 2;
      den2 += B[k].data[i] ** 2;
    }
    worst = Math.max(worst, Math.sqrt(num2 / den2));
  }
  return worst;
}

export const lazyTraining: Experiment<LazyTrainingConfig> = {
  id: '003-lazy-training',
  source: cite(
    chizatOyallonBach2019,
    'the rescaled objective L_α = (1/α²)·L(α·f) and lazy training as α grows; the experiments (lazy training is less efficient than full training)',
  ),
  claim:
    'Rescaling the model and loss, L_α = (1/α²)·L(α·f̂), makes training lazy as α grows: the weights stay close to W(0) ' +
    '(‖θ_T − θ₀‖/‖θ₀‖ ∝ 1/α), the model follows its linearization (‖f_α − f_lin‖ falls with α), and lazy training ' +
    '"does not exploit nonlinearities and typically is less efficient than full training" (worse test loss at large α).',
  presets: {
    quick: {
      d: 16,
      nTrain: 48,
      nTest: 256,
      width: 128,
      steps: 300,
      lrFraction: 0.45,
      alphas: [0.1, 0.3, 1, 3, 10, 30, 100],
      records: 6,
    },
    paper: {
      d: 16,
      nTrain: 128,
      nTest: 1024,
      width: 512,
      steps: 2000,
      lrFraction: 0.45,
      alphas: [0.03, 0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000],
      records: 11,
    },
  },
  expectedSeconds: { quick: 6, paper: 600 },
  headline: ['paramSlope', 'linGapSlope', 'testLossRatioLazyVsRich', 'testLossRatioLazyVsAlpha1'],

  statement:
    'Lazy training does not exploit nonlinearities and typically is less efficient than full training.',
  ruleVersion: 1,
  cost(c) {
    const F = countField(c);
    const P = mlpParams(F('d'), F('width'), 1);
    const alphas = fieldList(c, 'alphas', { min: 0 }).length;
    // Each α trains the network and its linearization (a JVP and a VJP more per step).
    return {
      flop: alphas * 2 * F('steps') * passFlop(F('nTrain') + F('nTest'), P) * 2,
      bytes: 8 * P * 8 + 8 * F('nTest') * F('records'),
    };
  },

  async run(c, ctx) {
    if (!c.alphas.includes(1))
      throw new Error(`lazy-training: alphas must contain 1, got [${c.alphas.join(', ')}]`);
    const train0 = sphereData(foldIn(ctx.key, 1), c.nTrain, c.d, singleIndexTarget);
    const test0 = sphereData(foldIn(ctx.key, 2), c.nTest, c.d, singleIndexTarget);
    const net = twoLayerGelu(c.width);
    const params0 = initParams(net, foldIn(ctx.key, 3), [c.d]);
    const base = networkModel(net, params0);
    const eta = c.lrFraction * maxLearningRate(base.ntk(base.theta0, train0.x));
    const recordSteps = Array.from({ length: c.records }, (_, k) =>
      Math.round((k * c.steps) / (c.records - 1)),
    );
    const common = {
      xTrain: train0.x,
      yTrain: train0.y,
      xTest: test0.x,
      yTest: test0.y,
      optimizer: 'gd' as const,
      lr: eta,
      steps: c.steps,
      recordSteps,
      signal: ctx.signal,
    };
    // The linearized model's g-trajectory does not depend on α (its dynamics kernel is Θ₀), so one run serves all.
    await ctx.checkpoint();
    const lin = train({ ...common, model: alphaScaledModel(linearizedModel(net, params0), 1) });
    const total = c.alphas.length + 1;
    ctx.progress(1 / total, 'linearized');
    const rows: Row[] = [];
    const curves: Row[] = [];
    const dist: number[] = [];
    const gap: number[] = [];
    const trainLoss: number[] = [];
    const testLoss: number[] = [];
    for (const [i, alpha] of c.alphas.entries()) {
      await ctx.checkpoint();
      const r = train({ ...common, model: alphaScaledModel(base, alpha) });
      if (r.interrupted) await ctx.checkpoint();
      const diverged = r.diverged !== null;
      dist.push(diverged ? NaN : r.paramDistance[r.paramDistance.length - 1]);
      gap.push(diverged ? NaN : maxRelativeGap(r, lin));
      trainLoss.push(r.loss[r.loss.length - 1]);
      testLoss.push(diverged ? NaN : r.testLoss![r.testLoss!.length - 1]);
      rows.push(
        { alpha, quantity: '‖θ_T − θ₀‖/‖θ₀‖', value: dist[i] },
        { alpha, quantity: 'max_t ‖g_α − g_lin‖/‖g_lin‖ (test)', value: gap[i] },
      );
      r.steps.forEach((s, k) => curves.push({ step: s, alpha: `α = ${alpha}`, testLoss: r.testLoss![k] }));
      ctx.progress((i + 2) / total, `α = ${alpha}`);
    }
    const large = c.alphas.map((a, i) => ({ a, i })).filter((e) => e.a >= 1 && Number.isFinite(dist[e.i]));
    const paramSlope = logLogSlopePositivePairs(
      large.map((e) => e.a),
      large.map((e) => dist[e.i]),
    );
    const linGapSlope = logLogSlopePositivePairs(
      large.map((e) => e.a),
      large.map((e) => gap[e.i]),
    );
    const iLazy = c.alphas.length - 1;
    const i1 = c.alphas.indexOf(1);
    // the "rich" reference: the smallest α whose run converged (train loss below 1e-3 of the initial one)
    const initialLoss = lin.loss[0];
    const iRich = c.alphas.findIndex(
      (_, i) => Number.isFinite(testLoss[i]) && trainLoss[i] <= 1e-3 * initialLoss,
    );
    if (iRich < 0)
      throw new Error(
        `lazy-training: no α reached a train loss ≤ 1e-3·L₀ in ${c.steps} steps; raise steps or lrFraction`,
      );
    const richTest = testLoss[iRich];
    const linTest = lin.testLoss![lin.testLoss!.length - 1];
    const maxTrainRatio = Math.max(...trainLoss.map((l) => l / initialLoss));
    const metrics: Metrics = {
      alphas: [...c.alphas],
      paramDistance: dist,
      linGap: gap,
      trainLoss,
      testLoss,
      paramSlope,
      linGapSlope,
      linearizedTestLoss: linTest,
      richAlpha: c.alphas[iRich],
      testLossRatioLazyVsRich: testLoss[iLazy] / richTest,
      testLossRatioLazyVsAlpha1: testLoss[iLazy] / testLoss[i1],
      maxFinalTrainLossRatio: maxTrainRatio,
      lr: eta,
    };
    const figures: FigureSpec[] = [
      {
        id: 'laziness-vs-alpha',
        title: 'Parameter movement and distance to the linearized model vs α',
        caption:
          'Both fall like 1/α for α ≥ 1 (Chizat & Bach): the α-scaled model trains lazily. Test outputs are compared with the linearized model trained identically, at every recorded step.',
        data: rows.filter((r) => Number.isFinite(r.value as number)),
        chart: {
          kind: 'line-points',
          x: { field: 'alpha', title: 'α', scale: 'log' },
          y: { field: 'value', title: 'relative distance', scale: 'log' },
          series: { field: 'quantity', title: 'quantity', type: 'nominal' },
        },
      },
      {
        id: 'test-loss-vs-alpha',
        title: 'Test loss after training vs α (single-index target)',
        caption: `Train loss ≤ ${maxTrainRatio.toExponential(1)}·L₀ for every converged α. Small α lets the features move; large α approaches the linearized model (the flat line).`,
        data: c.alphas
          .map((alpha, i) => ({ alpha, testLoss: testLoss[i], model: 'α-scaled network' }))
          .concat(c.alphas.map((alpha) => ({ alpha, testLoss: linTest, model: 'linearized model' })))
          .filter((r) => Number.isFinite(r.testLoss)),
        chart: {
          kind: 'line-points',
          x: { field: 'alpha', title: 'α', scale: 'log' },
          y: { field: 'testLoss', title: 'test loss (1/2N)Σ(g − y)²' },
          series: { field: 'model', title: 'model', type: 'nominal' },
        },
      },
      {
        id: 'test-loss-curves',
        title: 'Test loss during training',
        caption:
          'Every α follows the same kernel dynamics at first (rate set by Θ₀); small α leaves it as the features move.',
        data: curves.filter((r) => Number.isFinite(r.testLoss as number)),
        chart: {
          kind: 'line',
          x: { field: 'step', title: 'step' },
          y: { field: 'testLoss', title: 'test loss', scale: 'log' },
          series: { field: 'alpha', title: 'α', type: 'nominal' },
        },
      },
    ];
    return { metrics, figures };
  },

  verdict(m): VerdictResult {
    const ps = num(m, 'paramSlope');
    const ls = num(m, 'linGapSlope');
    const rr = num(m, 'testLossRatioLazyVsRich');
    const r1 = num(m, 'testLossRatioLazyVsAlpha1');
    const threshold =
      'holds if the log–log slopes (α ≥ 1) of ‖θ_T − θ₀‖/‖θ₀‖ and of max_t‖g_α − g_lin‖/‖g_lin‖ are within 0.15 of −1 and the ' +
      'test loss at the largest α is ≥ 1.1× that of the smallest converged α; partial if both slopes are ≤ −0.5 ' +
      '(laziness holds) but the generalization gap is below 1.1× (small or reversed); fails otherwise.';
    const reason =
      `slope of parameter movement ${ps.toFixed(3)}, of distance to the linearization ${ls.toFixed(3)}; ` +
      `test loss largest α / smallest converged α (α = ${m.richAlpha}) = ${rr.toFixed(3)}, largest α / α = 1 = ${r1.toFixed(3)}`;
    const lazy = Math.abs(ps + 1) <= 0.15 && Math.abs(ls + 1) <= 0.15;
    if (lazy && rr >= 1.1) return { verdict: 'holds', threshold, reason };
    if (ps <= -0.5 && ls <= -0.5) return { verdict: 'partial', threshold, reason };
    return { verdict: 'fails', threshold, reason };
  },
};
