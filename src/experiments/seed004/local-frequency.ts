import { countField } from '../cost.js';
import { Dense } from '../../nn/dense.js';
import { Relu } from '../../nn/activations/abRelu.js';
import { serial } from '../../nn/combinators/serial.js';
import type { Layer } from '../../nn/types.js';
import {
  basriZ,
  circleKernelOf,
  circleNystrom,
  networkDotProduct,
  piecewiseDensity,
  predictedLocalFrequencies,
  regionFrequencies,
  twoLayerReluBias,
  type CircleKernel,
} from '../../spectral/index.js';
import type { Experiment, FigureSpec, Metrics, Row, VerdictResult } from '../types.js';
import { median, num } from '../common/stats.js';
import { cite, basriEtAl2020 } from '../bibliography.js';

/**
 * Basri et al. (2020), the eigenfunction proposition (eqs. 12–13): under a piecewise-constant
 * density the eigenfunctions are f(x) = aⱼ·cos(q√pⱼ·x/Z + bⱼ) on the region Rⱼ — a cosine whose local
 * frequency is q√pⱼ/Z, ∝ √pⱼ. As in the paper's figure: density 3/(2π)·{1/7, 2/7, 4/7} on three arcs,
 * the two-layer ReLU-with-bias NTK (eq. 11) and a deep (depth-10) ReLU network's NTK on the circle;
 * eigenfunctions by Nyström (circleNystrom), local frequencies per region by a least-squares sinusoid
 * fit seeded by the periodogram peak (regionFrequencies; the paper used the FFT alone).
 *
 * q of eigenfunction i (descending eigenvalues, i = 0, 1, …) is ⌈i/2⌉: the periodic Sturm–Liouville
 * problem f'' = −p/(πλ)·f (eq. 14) has one eigenfunction without zeros, then pairs with 2q zeros.
 * Measured: the ratio of local frequencies between adjacent regions against √(pⱼ₊₁/pⱼ) (q- and Z-free),
 * and the absolute frequency against q√pⱼ/Z (eq. 13).
 */
export interface LocalFrequencyConfig {
  readonly [k: string]: number | readonly number[];
  readonly density: readonly number[];
  readonly grid: number;
  /** Eigenfunctions with qMin ≤ q ≤ qMax are measured (a region must hold about a period). */
  readonly qMin: number;
  readonly qMax: number;
  /** Depth of the deep network (hidden ReLU layers). */
  readonly deepDepth: number;
}

/** Deep ReLU network with biases, NTK parameterization (the kernel does not depend on the widths). */
function deepRelu(depth: number): Layer {
  const layers: Layer[] = [];
  for (let i = 0; i < depth; i++) layers.push(Dense({ width: 1, W_std: Math.SQRT2, b_std: 0.5 }), Relu());
  layers.push(Dense({ width: 1, W_std: 1, b_std: 0.5 }));
  return serial(...layers);
}

export const localFrequency: Experiment<LocalFrequencyConfig> = {
  id: '004-local-frequency',
  source: cite(
    basriEtAl2020,
    'eq. 13 and its figure: local frequency q√pⱼ/Z of the eigenfunctions in each constant-density region, two-layer and depth-10 networks',
  ),
  claim:
    'Under a piecewise-constant density the NTK eigenfunctions are cosines aⱼ·cos(q√pⱼ·x/Z + bⱼ) within each region (eq. 13): ' +
    'the local frequency scales as √pⱼ, for a two-layer and (empirically) a deep network.',
  presets: {
    quick: { density: [1, 2, 4], grid: 1536, qMin: 5, qMax: 9, deepDepth: 10 },
    paper: { density: [1, 2, 4], grid: 4096, qMin: 5, qMax: 16, deepDepth: 10 },
  },
  expectedSeconds: { quick: 4, paper: 120 },
  headline: ['ratioDevMedian', 'ratioDevMax', 'absDevMedianTwoLayer', 'absDevMedianDeep'],

  statement: 'Over the region R_j, this is a cosine function with frequency proportional to √p_j.',
  formula: String.raw`v(x) \approx a_j \cos\!\bigl(q \sqrt{p_j}\, x / Z + b_j\bigr),\quad x \in R_j`,
  ruleVersion: 1,
  cost(c) {
    const F = countField(c);
    const g = F('grid');
    return { flop: 2 * 9 * g ** 3 + F('deepDepth') * g * g * 20, bytes: 8 * g * g * 3 };
  },

  async run(c, ctx) {
    const p = piecewiseDensity(c.density);
    if (p.kind !== 'piecewise') throw new Error('unreachable');
    const J = p.values.length;
    const Z = basriZ(p);
    const top = 2 * c.qMax + 1;
    const nets: [string, CircleKernel][] = [
      ['two-layer (eq. 11)', twoLayerReluBias],
      [`depth ${c.deepDepth}`, circleKernelOf(networkDotProduct(deepRelu(c.deepDepth), 'ntk', 2))],
    ];
    const rows: Row[] = [];
    const ratioDev: number[] = [];
    const absDev: number[][] = [[], []];
    const examples: Row[] = [];
    for (const [ni, [label, kernel]] of nets.entries()) {
      await ctx.checkpoint();
      const e = circleNystrom(kernel, p, { grid: c.grid, top, errorEstimate: false });
      for (let i = 2 * c.qMin - 1; i < top; i++) {
        await ctx.checkpoint();
        const q = Math.ceil(i / 2);
        const f = e.eigenfunctions.data.subarray(i * c.grid, (i + 1) * c.grid);
        const freq = regionFrequencies(e.grid, f, J);
        const pred = predictedLocalFrequencies(p, q);
        for (let j = 0; j < J; j++) {
          absDev[ni].push(Math.abs(freq[j].fit / pred[j] - 1));
          rows.push({
            network: label,
            q,
            index: i,
            density: p.values[j],
            sqrtDensity: Math.sqrt(p.values[j]),
            measured: freq[j].fit,
            fft: freq[j].fft,
            predicted: pred[j],
          });
          if (j + 1 < J)
            ratioDev.push(
              Math.abs(freq[j + 1].fit / freq[j].fit / Math.sqrt(p.values[j + 1] / p.values[j]) - 1),
            );
        }
        if (ni === 0 && i === top - 1)
          for (let k = 0; k < c.grid; k += 4)
            examples.push({ x: e.grid[k], f: f[k], eigenfunction: `#${i} (q = ${q})` });
      }
      ctx.progress((ni + 1) / nets.length, label);
    }
    const metrics: Metrics = {
      Z,
      ratioDevMax: Math.max(...ratioDev),
      ratioDevMedian: median(ratioDev),
      absDevMedianTwoLayer: median(absDev[0]),
      absDevMaxTwoLayer: Math.max(...absDev[0]),
      absDevMedianDeep: median(absDev[1]),
      absDevMaxDeep: Math.max(...absDev[1]),
      measuredCount: rows.length,
    };
    const figures: FigureSpec[] = [
      {
        id: 'local-frequency',
        title: 'Local frequency per region vs q√pⱼ/Z (eq. 13)',
        caption:
          'Each point is one eigenfunction in one constant-density region; the line y = x is the prediction. Frequencies by least-squares sinusoid fits.',
        data: rows,
        chart: {
          kind: 'scatter',
          x: { field: 'predicted', title: 'q·√pⱼ / Z' },
          y: { field: 'measured', title: 'measured local frequency' },
          series: { field: 'network', title: 'network', type: 'nominal' },
        },
      },
      {
        id: 'eigenfunction',
        title: 'An eigenfunction under the density 3/(2π)·{1,2,4}/7 (two-layer NTK)',
        caption:
          'Eq. 13 predicts a cosine in each region with local frequency q√pⱼ/Z (∝ √p): compare the three arcs.',
        data: examples,
        chart: {
          kind: 'line',
          x: { field: 'x', title: 'angle x' },
          y: { field: 'f', title: 'f(x)' },
          series: { field: 'eigenfunction', title: 'eigenfunction' },
        },
      },
    ];
    return { metrics, figures };
  },

  verdict(m): VerdictResult {
    const rd = num(m, 'ratioDevMax');
    const rdm = num(m, 'ratioDevMedian');
    const a2 = num(m, 'absDevMedianTwoLayer');
    const ad = num(m, 'absDevMedianDeep');
    const threshold =
      'holds if the ratios of local frequencies between adjacent regions deviate from √(pⱼ₊₁/pⱼ) by a median ≤ 3% and at most 10% ' +
      '(a sparse region holds barely a period at small q), and the median deviation from q√pⱼ/Z ' +
      'is ≤ 5% for the two-layer and ≤ 10% for the deep network; partial if the ratios are within 15% (√p scaling) but the absolute ' +
      'frequencies are further off; fails otherwise.';
    const reason = `ratio deviation from √(pⱼ₊₁/pⱼ): median ${rdm.toFixed(4)}, max ${rd.toFixed(4)}; median |measured/(q√p/Z) − 1|: two-layer ${a2.toFixed(4)}, deep ${ad.toFixed(4)}`;
    if (rdm <= 0.03 && rd <= 0.1 && a2 <= 0.05 && ad <= 0.1) return { verdict: 'holds', threshold, reason };
    if (rd <= 0.15) return { verdict: 'partial', threshold, reason };
    return { verdict: 'fails', threshold, reason };
  },
};
