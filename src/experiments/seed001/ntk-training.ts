import { fieldList, mlpParams, passFlop, denseNtkFlop, denseNtkBytes, countField } from '../cost.js';
import { kernelFn } from '../../kernels/index.js';
import { eigvalsh, relativeFrobeniusError } from '../../linalg/index.js';
import { Matrix } from '../../linalg/matrix.js';
import { initParams } from '../../nn/index.js';
import { foldIn, split } from '../../random/keys.js';
import { networkModel, trainAsync } from '../../train/index.js';
import type { Json } from '../types.js';
import type { Experiment, FigureSpec, Row, VerdictResult } from '../types.js';
import { logLogSlopePositivePairs, num, nums } from '../common/stats.js';
import { circlePoints, jacotNet } from './jacot-net.js';
import { cite, jacotGabrielHongler2018 } from '../bibliography.js';

/**
 * Jacot et al. (2018), "Convergence of NTK during training": for a fixed training time the NTK stays closer to its
 * initial value as the width grows (Jacot et al., Thm 2). Each width is trained by GD for the same steps with
 * the same η = lrFactor·N/λ_max(Θ_∞) on targets y = sin(2γ) + cos(3γ) of circle points at angle γ;
 * measured: ‖Θ_T − Θ_0‖_F/‖Θ_0‖_F (mean over initializations) and its log-log slope in the width
 * (Jacot et al. give convergence without a rate; the initial fluctuations are O(n^{-1/2}), and Dyer & Gur-Ari 2019
 * predict an O(n^{-1}) change over a fixed training time).
 */
export interface NtkTrainingConfig {
  readonly [k: string]: Json;
  readonly widths: readonly number[];
  readonly depth: number;
  readonly beta: number;
  readonly points: number;
  readonly steps: number;
  readonly lrFactor: number;
  readonly samples: number;
}

export const ntkTraining: Experiment<NtkTrainingConfig> = {
  id: '001-ntk-training',
  source: cite(
    jacotGabrielHongler2018,
    'Theorem 2: during training the NTK stays asymptotically constant, equal to Θ^(L)_∞',
  ),
  claim:
    'During training the NTK stays asymptotically constant: the variation ‖Θ_T − Θ_0‖/‖Θ_0‖ over a fixed training time shrinks as the width grows.',
  presets: {
    quick: {
      widths: [64, 128, 256, 512],
      depth: 2,
      beta: 0.1,
      points: 16,
      steps: 100,
      lrFactor: 1,
      samples: 2,
    },
    paper: {
      widths: [64, 128, 256, 512, 1024, 2048, 4096],
      depth: 3,
      beta: 0.1,
      points: 32,
      steps: 2000,
      lrFactor: 1,
      samples: 5,
    },
  },
  expectedSeconds: { quick: 5, paper: 3600 },
  headline: ['slope', 'lossRatioLargestWidth'],

  statement: 'In the infinite-width limit, the NTK stays constant during training.',
  ruleVersion: 1,
  cost(c) {
    const F = countField(c);
    const pts = F('points');
    const widths = fieldList(c, 'widths', { integer: true, min: 1 });
    const P = widths.map((w) => mlpParams(2, w, F('depth')));
    const one = (p: number) => F('steps') * passFlop(pts, p) + 2 * denseNtkFlop(pts, p, false);
    return {
      flop: F('samples') * P.reduce((a, p) => a + one(p), 0),
      bytes: denseNtkBytes(pts, Math.max(...P)),
    };
  },

  async run(c, ctx) {
    const [kx, kInit] = split(ctx.key, 2);
    const X = circlePoints(kx, c.points);
    const y = new Matrix(c.points, 1);
    for (let i = 0; i < c.points; i++) {
      const g = Math.atan2(X.data[2 * i + 1], X.data[2 * i]);
      y.data[i] = Math.sin(2 * g) + Math.cos(3 * g);
    }
    const limit = kernelFn(jacotNet(c.depth, 1, c.beta), X, null, { get: 'ntk', threads: 1 }).ntk!;
    const ev = eigvalsh(limit);
    const lr = (c.lrFactor * c.points) / ev[ev.length - 1];
    const moves: number[] = [];
    const lossRatios: number[] = [];
    const rows: Row[] = [];
    const total = c.widths.length * c.samples;
    for (let j = 0; j < c.widths.length; j++) {
      const w = c.widths[j];
      const net = jacotNet(c.depth, w, c.beta);
      let sum = 0;
      let lossSum = 0;
      for (let s = 0; s < c.samples; s++) {
        const model = networkModel(net, initParams(net, foldIn(foldIn(kInit, w), s), [2]));
        const done = j * c.samples + s;
        const r = await trainAsync({
          model,
          xTrain: { shape: [c.points, 2], data: X.data },
          yTrain: y,
          optimizer: 'gd',
          lr,
          steps: c.steps,
          recordSteps: [0, c.steps],
          ntkSteps: [0, c.steps],
          ntkEigen: 'none',
          signal: ctx.signal,
          onStep: (t) => {
            if (t % 20 === 0) ctx.progress((done + t / c.steps) / total, `width ${w}`);
          },
        });
        await ctx.checkpoint();
        if (r.diverged)
          throw new Error(`001-ntk-training: GD diverged at width ${w} (lrFactor ${c.lrFactor})`);
        const move = relativeFrobeniusError(r.ntk[1].kernel!, r.ntk[0].kernel!);
        sum += move;
        lossSum += r.loss[r.loss.length - 1] / r.loss[0];
        rows.push({ width: w, relChange: move, kind: 'one initialization' });
      }
      moves.push(sum / c.samples);
      lossRatios.push(lossSum / c.samples);
      rows.push({ width: w, relChange: moves[j], kind: 'mean' });
    }
    const slope = logLogSlopePositivePairs(c.widths, moves);
    const figures: FigureSpec[] = [
      {
        id: 'ntk-change-vs-width',
        title: `‖Θ_T − Θ_0‖_F/‖Θ_0‖_F after ${c.steps} GD steps vs width`,
        caption: `${c.depth} hidden ReLU layers, β = ${c.beta}, ${c.points} circle points, η = ${lr.toPrecision(3)} for every width; slope ${slope.toFixed(3)}.`,
        data: rows,
        chart: {
          kind: 'line-points',
          x: { field: 'width', title: 'width n', scale: 'log' },
          y: { field: 'relChange', title: 'relative change of the NTK', scale: 'log' },
          series: { field: 'kind', type: 'nominal' },
        },
      },
    ];
    return {
      metrics: {
        widths: [...c.widths],
        relChange: moves,
        lossRatio: lossRatios,
        slope,
        lr,
        lossRatioLargestWidth: lossRatios[lossRatios.length - 1],
      },
      figures,
    };
  },

  verdict(m): VerdictResult {
    const s = num(m, 'slope');
    const changes = nums(m, 'relChange');
    const last = changes[changes.length - 1];
    let decreasing = true;
    for (let i = 1; i < changes.length; i++) if (!(changes[i] < changes[i - 1])) decreasing = false;
    const threshold =
      'holds if the mean relative NTK change decreases strictly with width, its log-log slope is ≤ −0.4 (at least the ' +
      'n^{-1/2} of the initial fluctuations; Dyer & Gur-Ari predict n^{-1} for the change during training) and it is ≤ 0.3 at ' +
      'the largest width; partial if the slope is ≤ −0.15; fails otherwise.';
    const reason =
      `relative change ${changes.map((c) => c.toPrecision(3)).join(', ')} over the widths; slope = ${s.toFixed(3)}; ` +
      `loss ratio L_T/L_0 at the largest width ${num(m, 'lossRatioLargestWidth').toExponential(2)}`;
    if (decreasing && s <= -0.4 && last <= 0.3) return { verdict: 'holds', threshold, reason };
    return { verdict: s <= -0.15 ? 'partial' : 'fails', threshold, reason };
  },
};
