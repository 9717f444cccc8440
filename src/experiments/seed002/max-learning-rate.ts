import { fieldList, mlpParams, passFlop, denseNtkFlop, denseNtkBytes, countField } from '../cost.js';
import { empiricalNtk } from '../../empirical/index.js';
import { kernelFn } from '../../kernels/index.js';
import { initParams } from '../../nn/index.js';
import type { Tensor } from '../../nn/types.js';
import { maxLearningRate } from '../../predict/index.js';
import { split } from '../../random/index.js';
import { linearizedModel, networkModel, trainAsync, type TrainModel } from '../../train/index.js';
import type { Experiment, FigureSpec, Metrics, Row, VerdictResult } from '../types.js';
import { num, nums } from '../common/stats.js';
import { digitsSplit, mlp, parityTargets, type MlpSpec } from './common.js';
import { cite, yangSalman2019 } from '../bibliography.js';

/**
 * Yang & Salman (2019): the maximum learning rate follows from the largest NTK eigenvalue,
 * "and this was found to be accurate for real datasets". In ntk-lab's normalization L = (1/2N)·Σ‖f − y‖²,
 * full-batch GD on a model with constant kernel Θ converges iff η < η_max = 2N/λ_max(Θ) (maxLearningRate).
 *
 * Measured on digits (N train images; targets: the digit's parity ±1, or 10 centred one-hot outputs): η_max from the infinite-width NTK
 * (kernelFn), then GD at factors × η_max for T steps on (a) the network linearized at its initialization
 * and (b) the finite wide network itself; a run "diverges" when its final loss has risen above 1.01× its minimum
 * along the run (or the trainer stopped it as divergent) and "converges" otherwise. The empirical NTK's own η_max at θ₀ is reported beside the prediction.
 * Network: `depth` hidden layers, Dense(width, W_std = √2, b_std = bStd), ReLU; readout Dense(outputs, √2, bStd).
 */
export interface MaxLrConfig {
  readonly [k: string]: number | readonly number[];
  readonly nTrain: number;
  readonly width: number;
  readonly depth: number;
  readonly bStd: number;
  readonly steps: number;
  readonly factors: readonly number[];
  /** 10: centred one-hot targets; 1: the parity of the digit, ±1. */
  readonly outputs: number;
}

/** A run whose final loss exceeds its minimum along the run by this factor is rising: diverging. */
const RISE = 1.01;

export const maxLearningRateExperiment: Experiment<MaxLrConfig> = {
  id: '002-max-learning-rate',
  source: cite(
    yangSalman2019,
    "the maximum learning rate from the NTK's largest eigenvalue, checked on real data",
  ),
  claim:
    'The eigendecomposition of the NTK gives the maximum learning rate for convergence (the inverse of the largest ' +
    'eigenvalue, up to the loss normalization), and this is accurate on real data: GD converges just below it and diverges just above.',
  presets: {
    quick: {
      nTrain: 64,
      width: 2048,
      depth: 1,
      bStd: 0.1,
      steps: 40,
      factors: [0.9, 0.95, 1.05, 1.1],
      outputs: 1,
    },
    paper: {
      nTrain: 256,
      width: 8192,
      depth: 1,
      bStd: 0.1,
      steps: 100,
      factors: [0.9, 0.95, 0.98, 1.02, 1.05, 1.1],
      outputs: 10,
    },
  },
  expectedSeconds: { quick: 15, paper: 1800 },
  headline: ['etaEmpiricalOverPredicted', 'linearizedCorrect', 'networkCorrect'],

  statement:
    'The maximum learning rate needed to converge is the inverse of the largest eigenvalue, accurate for real datasets as well.',
  formula: String.raw`\eta_{\max} = \frac{2N}{\lambda_{\max}(\Theta)}`,
  ruleVersion: 1,
  cost(c) {
    const F = countField(c);
    const n = F('nTrain');
    const P = mlpParams(64, F('width'), F('depth'), F('outputs'));
    const runs = fieldList(c, 'factors', { min: 0 }).length * 2;
    return {
      flop: runs * F('steps') * passFlop(n, P) + denseNtkFlop(n * F('outputs'), P),
      bytes: denseNtkBytes(n * F('outputs'), P),
    };
  },

  async run(c, ctx) {
    const [kData, kInit] = split(ctx.key, 2);
    const data = digitsSplit(kData, c.nTrain, 1);
    const x: Tensor = { shape: [c.nTrain, 64], data: data.xTrain.data };
    if (c.outputs !== 1 && c.outputs !== 10)
      throw new Error(`002-max-learning-rate: outputs must be 1 (parity) or 10 (one-hot), got ${c.outputs}`);
    const y = c.outputs === 10 ? data.yTrain : parityTargets(data.labelsTrain);
    const spec: MlpSpec = {
      activation: 'relu',
      depth: c.depth,
      W_std: Math.SQRT2,
      b_std: c.bStd,
      outputs: c.outputs,
    };
    const theta = kernelFn(mlp(spec, 1), x, null, { get: 'ntk', threads: 1 }).ntk!;
    const etaMax = maxLearningRate(theta);
    const net = mlp(spec, c.width);
    const params = initParams(net, kInit, [64]);
    const etaEmpiricalTraced = maxLearningRate(empiricalNtk(net, params, x));
    // The GD map on the N·O residual is I − (η/N)·Θ_full, so the operative bound is 2N/λ_max(Θ_full);
    // maxLearningRate(Θ_full) = 2·N·O/λ_max (its rows are N·O), hence the division by O.
    const etaEmpirical =
      c.outputs === 1
        ? etaEmpiricalTraced
        : maxLearningRate(empiricalNtk(net, params, x, null, { trace: false })) / c.outputs;
    await ctx.checkpoint();

    const models: [string, TrainModel][] = [
      ['linearized', linearizedModel(net, params)],
      ['network', networkModel(net, params)],
    ];
    const curveRows: Row[] = [];
    const outcomeRows: Row[] = [];
    const ratio: Record<string, number[]> = { linearized: [], network: [] };
    const correct: Record<string, number> = { linearized: 0, network: 0 };
    let done = 0;
    for (const [name, model] of models) {
      for (const f of c.factors) {
        await ctx.checkpoint();
        const run = await trainAsync({
          model,
          xTrain: x,
          yTrain: y,
          optimizer: 'gd',
          lr: f * etaMax,
          steps: c.steps,
          recordEvery: 1,
          recordOutputs: false,
          signal: ctx.signal,
        });
        const L0 = run.loss[0];
        const LT = run.diverged ? Infinity : run.loss[run.loss.length - 1];
        const r = LT / L0;
        ratio[name].push(r);
        // Converging: the loss is still at its running minimum at the end (every mode of a constant-kernel
        // model then decays monotonically); diverging: it has risen above it (a growing mode dominates).
        const converged = LT <= RISE * Math.min(...run.loss);
        if (converged === f < 1) correct[name]++;
        outcomeRows.push({ factor: f, model: name, finalLossRatio: r, converged });
        run.steps.forEach((s, i) =>
          curveRows.push({ step: s, loss: run.loss[i], run: `${name}, ${f}·η_max` }),
        );
        ctx.progress(++done / (2 * c.factors.length), `${name} at ${f}·η_max`);
      }
    }
    const metrics: Metrics = {
      etaMaxPredicted: etaMax,
      etaMaxEmpirical: etaEmpirical,
      etaMaxEmpiricalTraced: etaEmpiricalTraced,
      etaEmpiricalOverPredicted: etaEmpirical / etaMax,
      factors: [...c.factors],
      linearizedLossRatio: ratio.linearized,
      networkLossRatio: ratio.network,
      linearizedCorrect: correct.linearized,
      networkCorrect: correct.network,
      runsPerModel: c.factors.length,
    };
    const figures: FigureSpec[] = [
      {
        id: 'loss-curves',
        title: `Training loss on ${c.nTrain} digits at multiples of the predicted η_max = 2N/λ_max`,
        caption: `Full-batch GD, width ${c.width}, ${c.depth} hidden layer(s); η_max from the infinite-width NTK. Below 1·η_max the loss falls, above it grows (linearized) — the finite network may instead catapult.`,
        data: curveRows,
        chart: {
          kind: 'line',
          x: { field: 'step', title: 'GD step' },
          y: { field: 'loss', title: 'training loss', scale: 'log' },
          series: { field: 'run', title: 'model, learning rate', type: 'nominal' },
        },
      },
      {
        id: 'final-loss-ratio',
        title: 'L_T / L_0 against the learning-rate factor',
        caption:
          'L_T/L_0 per run (a run counts as converging when its loss has not risen above its running minimum); the vertical rule is the empirical NTK’s own η_max relative to the prediction.',
        data: outcomeRows.map((r) => ({
          factor: r.factor,
          finalLossRatio: Math.min(r.finalLossRatio as number, 1e300),
          model: r.model,
        })),
        chart: {
          kind: 'line-points',
          x: { field: 'factor', title: 'η / η_max(predicted)' },
          y: { field: 'finalLossRatio', title: 'L_T / L_0', scale: 'log' },
          series: { field: 'model', title: 'model', type: 'nominal' },
          rules: [{ axis: 'x', value: etaEmpirical / etaMax, label: 'empirical η_max' }],
        },
      },
    ];
    return { metrics, figures };
  },

  verdict(m): VerdictResult {
    const lin = num(m, 'linearizedCorrect');
    const net = num(m, 'networkCorrect');
    const n = num(m, 'runsPerModel');
    const ratio = num(m, 'etaEmpiricalOverPredicted');
    const factors = nums(m, 'factors');
    const threshold =
      'holds if every run of both the linearized and the finite network is on the predicted side (converging, i.e. ' +
      'L_T ≤ 1.01·min_s L_s, iff η < η_max); ' +
      'partial if every linearized run is (the finite net may catapult above η_max); fails otherwise.';
    const reason =
      `factors [${factors.join(', ')}]: linearized ${lin}/${n} on the predicted side (loss ratios ${fmt(nums(m, 'linearizedLossRatio'))}), ` +
      `network ${net}/${n} (${fmt(nums(m, 'networkLossRatio'))}); empirical/predicted η_max = ${ratio.toFixed(4)}`;
    if (lin === n && net === n) return { verdict: 'holds', threshold, reason };
    return { verdict: lin === n ? 'partial' : 'fails', threshold, reason };
  },
};

function fmt(v: readonly number[]): string {
  return v.map((x) => (Number.isFinite(x) ? x.toExponential(1) : String(x))).join(', ');
}
