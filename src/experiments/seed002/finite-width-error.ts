import { fieldList, mlpParams, denseNtkFlop, denseNtkBytes, countField } from '../cost.js';
import { empiricalNtk } from '../../empirical/index.js';
import { kernelFn } from '../../kernels/index.js';
import { initParams } from '../../nn/index.js';
import { foldIn, split } from '../../random/index.js';
import type { Experiment, FigureSpec, Metrics, Row, VerdictResult } from '../types.js';
import { logLogSlopeAllPairs, num, nums, relativeError } from '../common/stats.js';
import { mlp, spherePoints, type MlpSpec } from './common.js';
import { cite, aroraEtAl2019Exact } from '../bibliography.js';

/**
 * Arora et al. (2019), Theorem 3.1: at initialization the empirical NTK ⟨∂f(x)/∂θ, ∂f(x')/∂θ⟩ of a
 * ReLU net with L hidden layers of width m is within (L + 1)ε of Θ^(L)(x, x') once m ≥ Ω(L⁶/ε⁴·log(L/δ)).
 * Measured: the relative Frobenius error ‖Θ̂ − Θ‖_F/‖Θ‖_F on N points of the unit sphere, mean over
 * independent initializations, against width m and depth L.
 *
 * Arora's network (c_σ = 2, unscaled first layer, no biases, ‖x‖ = 1, Σ⁰ = xᵀx') in neural-tangents
 * conventions: inputs on the sphere of radius √d (so ⟨x, x'⟩/d = Arora's xᵀx'),
 * Dense(m, W_std = 1, b_std = 0), ReLU, [Dense(m, W_std = √2, b_std = 0), ReLU]×(L − 1), Dense(1, W_std = √2, b_std = 0):
 * the W_std² = 2 after each ReLU is Arora's c_σ, so Θ here equals Arora's Θ^(L) exactly.
 */
export interface FiniteWidthConfig {
  readonly [k: string]: number | readonly number[];
  readonly N: number;
  readonly d: number;
  readonly widths: readonly number[];
  readonly depths: readonly number[];
  /** Independent initializations per (width, depth). */
  readonly inits: number;
}

const arora = (L: number): MlpSpec => ({
  activation: 'relu',
  depth: L,
  W_std: Math.SQRT2,
  b_std: 0,
  firstW: 1,
});

export const finiteWidthError: Experiment<FiniteWidthConfig> = {
  id: '002-finite-width-error',
  source: cite(
    aroraEtAl2019Exact,
    'Theorem 3.1: the finite-width NTK at initialization is within (L + 1)ε of Θ^(L) once the width is Ω(L⁶/ε⁴·log(L/δ))',
  ),
  claim:
    'At initialization the finite-width NTK ⟨∂f(θ, x)/∂θ, ∂f(θ, x′)/∂θ⟩ of a ReLU net approaches Θ^(L)(x, x′): the error falls ' +
    'as the width grows (Arora et al.: |error| ≤ (L + 1)ε once width ≥ Ω(L⁶/ε⁴·log(L/δ))), and for a given width it grows with depth L.',
  presets: {
    quick: { N: 16, d: 8, widths: [64, 128, 256, 512, 1024], depths: [1, 2, 4, 8], inits: 4 },
    paper: {
      N: 32,
      d: 16,
      widths: [64, 128, 256, 512, 1024, 2048, 4096],
      depths: [1, 2, 3, 4, 6, 8],
      inits: 16,
    },
  },
  expectedSeconds: { quick: 8, paper: 700 },
  headline: ['widthSlopes', 'depthSlopes'],

  statement:
    'With a sufficiently large finite width, the approximation can get arbitrarily close to the NTK at initialization.',
  ruleVersion: 1,
  cost(c) {
    const F = countField(c);
    const N = F('N');
    const widths = fieldList(c, 'widths', { integer: true, min: 1 });
    const depths = fieldList(c, 'depths', { integer: true, min: 1 });
    let flop = 0;
    let bytes = 0;
    for (const w of widths)
      for (const l of depths) {
        const P = mlpParams(F('d'), w, l);
        flop += F('inits') * denseNtkFlop(N, P, false);
        bytes = Math.max(bytes, denseNtkBytes(N, P));
      }
    return { flop, bytes };
  },

  async run(c, ctx) {
    const [kx, kInit] = split(ctx.key, 2);
    const x = spherePoints(kx, c.N, c.d);
    const rows: Row[] = [];
    const errByDepth: number[][] = [];
    const limitTrace: number[] = [];
    let done = 0;
    const total = c.depths.length * c.widths.length * c.inits;
    for (const L of c.depths) {
      const theta = kernelFn(mlp(arora(L), 1), x, null, { get: 'ntk', threads: 1 }).ntk!;
      limitTrace.push(theta.data[0]);
      const errs: number[] = [];
      for (const m of c.widths) {
        const net = mlp(arora(L), m);
        let sum = 0;
        const one: number[] = [];
        for (let s = 0; s < c.inits; s++) {
          await ctx.checkpoint();
          const params = initParams(net, foldIn(foldIn(foldIn(kInit, L), m), s), [c.d]);
          const e = relativeError(empiricalNtk(net, params, x).data, theta.data);
          one.push(e);
          sum += e;
          ctx.progress(++done / total, `L = ${L}, width ${m}`);
        }
        const mean = sum / c.inits;
        const sd = Math.sqrt(one.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, c.inits - 1));
        errs.push(mean);
        rows.push({
          width: m,
          depth: L,
          relativeError: mean,
          stderr: sd / Math.sqrt(c.inits),
          series: `L = ${L}`,
        });
      }
      errByDepth.push(errs);
    }
    const widthSlopes = errByDepth.map((e) => logLogSlopeAllPairs(c.widths, e));
    const depthSlopes = c.widths.map((_, j) =>
      logLogSlopeAllPairs(
        c.depths,
        errByDepth.map((e) => e[j]),
      ),
    );
    // Depth monotonicity at each width: does the error increase from each depth to the next?
    let increasing = 0;
    let pairs = 0;
    for (let j = 0; j < c.widths.length; j++)
      for (let i = 1; i < c.depths.length; i++) {
        pairs++;
        if (errByDepth[i][j] > errByDepth[i - 1][j]) increasing++;
      }
    const metrics: Metrics = {
      widthSlopes,
      depthSlopes,
      depthIncreasingFraction: increasing / pairs,
      errorWidestShallowest: errByDepth[0][c.widths.length - 1],
      errorWidestDeepest: errByDepth[c.depths.length - 1][c.widths.length - 1],
      errorNarrowestDeepest: errByDepth[c.depths.length - 1][0],
    };
    const figures: FigureSpec[] = [
      {
        id: 'error-vs-width',
        title: 'Relative error ‖Θ̂ − Θ‖_F/‖Θ‖_F of the empirical NTK at initialization',
        caption: `Arora's ReLU net on ${c.N} points of the unit sphere (d = ${c.d}); mean over ${c.inits} initializations. Slope −½ on log–log axes is the CLT rate.`,
        data: rows,
        chart: {
          kind: 'line-points',
          x: { field: 'width', title: 'width m', scale: 'log' },
          y: { field: 'relativeError', title: 'relative error', scale: 'log' },
          series: { field: 'series', title: 'hidden layers', type: 'nominal' },
        },
      },
      {
        id: 'error-vs-depth',
        title: 'The same error against depth, one line per width',
        caption: 'At every width the error grows with the number of hidden layers L.',
        data: rows.map((r) => ({ depth: r.depth, relativeError: r.relativeError, width: `m = ${r.width}` })),
        chart: {
          kind: 'line-points',
          x: { field: 'depth', title: 'hidden layers L', scale: 'log' },
          y: { field: 'relativeError', title: 'relative error', scale: 'log' },
          series: { field: 'width', title: 'width', type: 'nominal' },
        },
      },
    ];
    return { metrics, figures };
  },

  verdict(m): VerdictResult {
    const ws = nums(m, 'widthSlopes');
    const ds = nums(m, 'depthSlopes');
    const inc = num(m, 'depthIncreasingFraction');
    const threshold =
      'holds if, at every depth, the log–log slope of the error against width is in [−0.75, −0.25] (CLT: −0.5), and, at every ' +
      'width, the log–log slope against depth is > 0 with ≥ 80% of consecutive depth steps increasing; partial if every width ' +
      'slope is < −0.15 and every depth slope > 0; fails otherwise.';
    const reason =
      `width slopes [${ws.map((v) => v.toFixed(3)).join(', ')}], depth slopes [${ds.map((v) => v.toFixed(3)).join(', ')}], ` +
      `${(100 * inc).toFixed(0)}% of depth steps increase; error at the widest width: ${num(m, 'errorWidestShallowest').toExponential(2)} ` +
      `(shallowest) → ${num(m, 'errorWidestDeepest').toExponential(2)} (deepest)`;
    if (ws.every((s) => s >= -0.75 && s <= -0.25) && ds.every((s) => s > 0) && inc >= 0.8)
      return { verdict: 'holds', threshold, reason };
    if (ws.every((s) => s < -0.15) && ds.every((s) => s > 0))
      return { verdict: 'partial', threshold, reason };
    return { verdict: 'fails', threshold, reason };
  },
};
