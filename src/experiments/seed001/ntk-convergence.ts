import { fieldList, mlpParams, denseNtkFlop, denseNtkBytes, countField } from '../cost.js';
import { empiricalNtk } from '../../empirical/index.js';
import { kernelFn } from '../../kernels/index.js';
import { relativeFrobeniusError } from '../../linalg/index.js';
import { initParams } from '../../nn/index.js';
import { foldIn, split } from '../../random/keys.js';
import type { Json } from '../types.js';
import type { Experiment, FigureSpec, Row, VerdictResult } from '../types.js';
import { logLogSlopePositivePairs, num } from '../common/stats.js';
import { circlePoints, jacotNet } from './jacot-net.js';
import { cite, jacotGabrielHongler2018 } from '../bibliography.js';

/**
 * Jacot et al. (2018), "Convergence of NTK": at initialization the empirical NTK Θ(θ) = Σ_p ∂_{θ_p}f ⊗ ∂_{θ_p}f converges
 * to the limiting Θ^(L)_∞ (kernelFn 'ntk') as the widths grow, with fluctuations ∝ width^{-1/2}. Measured:
 * e(n) = RMS over initializations of ‖Θ_n − Θ_∞‖_F/‖Θ_∞‖_F, and the slope of log e against log n.
 */
export interface NtkConvergenceConfig {
  readonly [k: string]: Json;
  readonly widths: readonly number[];
  readonly depth: number;
  readonly beta: number;
  readonly points: number;
  readonly samples: number;
}

export const ntkConvergence: Experiment<NtkConvergenceConfig> = {
  id: '001-ntk-convergence',
  source: cite(
    jacotGabrielHongler2018,
    'Theorem 1: at initialization the NTK converges in probability to the deterministic limiting kernel Θ^(L)_∞',
  ),
  claim:
    'The empirical NTK at initialization converges to the explicit limiting kernel Θ^(L)_∞ as the widths grow ' +
    '(fluctuations ∝ width^{-1/2}).',
  presets: {
    quick: { widths: [64, 128, 256, 512, 1024], depth: 3, beta: 0.1, points: 12, samples: 6 },
    paper: { widths: [64, 128, 256, 512, 1024, 2048, 4096], depth: 3, beta: 0.1, points: 32, samples: 20 },
  },
  expectedSeconds: { quick: 5, paper: 1800 },
  headline: ['slope', 'errorAtLargestWidth'],

  statement: 'In the infinite-width limit, the NTK converges to an explicit limiting kernel.',
  ruleVersion: 1,
  cost(c) {
    const F = countField(c);
    const pts = F('points');
    const widths = fieldList(c, 'widths', { integer: true, min: 1 });
    const P = widths.map((w) => mlpParams(2, w, F('depth')));
    return {
      flop: F('samples') * P.reduce((a, p) => a + denseNtkFlop(pts, p, false), 0),
      bytes: denseNtkBytes(pts, Math.max(...P)),
    };
  },

  async run(c, ctx) {
    const [kx, kInit] = split(ctx.key, 2);
    const X = circlePoints(kx, c.points);
    const limit = kernelFn(jacotNet(c.depth, 1, c.beta), X, null, { get: 'ntk', threads: 1 }).ntk!;
    const errs: number[] = [];
    const rows: Row[] = [];
    for (let j = 0; j < c.widths.length; j++) {
      const w = c.widths[j];
      const net = jacotNet(c.depth, w, c.beta);
      let ss = 0;
      for (let s = 0; s < c.samples; s++) {
        await ctx.checkpoint();
        const params = initParams(net, foldIn(foldIn(kInit, w), s), [2]);
        const e = relativeFrobeniusError(empiricalNtk(net, params, X), limit);
        rows.push({ width: w, relError: e, kind: 'one initialization' });
        ss += e * e;
        ctx.progress((j + (s + 1) / c.samples) / c.widths.length, `width ${w}`);
      }
      errs.push(Math.sqrt(ss / c.samples));
      rows.push({ width: w, relError: errs[j], kind: 'RMS' });
    }
    const slope = logLogSlopePositivePairs(c.widths, errs);
    const figures: FigureSpec[] = [
      {
        id: 'ntk-error-vs-width',
        title: '‖Θ_n − Θ_∞‖_F/‖Θ_∞‖_F at initialization vs width n',
        caption: `${c.depth} hidden ReLU layers, β = ${c.beta}, ${c.points} points on the unit circle; fitted log-log slope ${slope.toFixed(3)} (theory −0.5).`,
        data: rows,
        chart: {
          kind: 'line-points',
          x: { field: 'width', title: 'width n', scale: 'log' },
          y: { field: 'relError', title: 'relative Frobenius error', scale: 'log' },
          series: { field: 'kind', type: 'nominal' },
        },
      },
    ];
    return {
      metrics: { widths: [...c.widths], rmsError: errs, slope, errorAtLargestWidth: errs[errs.length - 1] },
      figures,
    };
  },

  verdict(m): VerdictResult {
    const s = num(m, 'slope');
    const threshold =
      'holds if the log-log slope of the error against width is within 0.1 of −0.5; partial if within 0.2; fails otherwise.';
    const reason = `slope = ${s.toFixed(3)}, error at the largest width ${num(m, 'errorAtLargestWidth').toExponential(2)}`;
    const d = Math.abs(s + 0.5);
    return { verdict: d <= 0.1 ? 'holds' : d <= 0.2 ? 'partial' : 'fails', threshold, reason };
  },
};
