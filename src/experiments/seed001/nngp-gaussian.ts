import { mlpParams, passFlop, countField } from '../cost.js';
import { cholesky, solveTriangular } from '../../linalg/index.js';
import { Matrix } from '../../linalg/matrix.js';
import { kernelFn } from '../../kernels/index.js';
import { apply, initParams } from '../../nn/index.js';
import { foldIn, split } from '../../random/keys.js';
import { ndtri } from '../../random/ndtri.js';
import { normalCdf } from '../../special/index.js';
import type { Experiment, FigureSpec, Row, VerdictResult } from '../types.js';
import { num } from '../common/stats.js';
import { circlePoints, jacotNet } from './jacot-net.js';
import { cite, jacotGabrielHongler2018 } from '../bibliography.js';

/**
 * Jacot et al. (2018), "Gaussian Process in ANN at initialization": over random initializations θ ~ N(0, I), the outputs
 * (f(x₁), …, f(x_M)) are centred Gaussian with the NNGP covariance Σ^(L+1) (kernelFn 'nngp'). Test: whiten each
 * sample with the Cholesky factor of Σ, z = L⁻¹f, pool the S·M values and compare with N(0, 1) — Kolmogorov–
 * Smirnov statistic D, mean, variance, skewness and excess kurtosis — and compare the sample covariance with Σ.
 */
export interface NngpGaussianConfig {
  readonly [k: string]: number;
  readonly width: number;
  readonly depth: number;
  readonly beta: number;
  readonly points: number;
  readonly samples: number;
}

/** Kolmogorov–Smirnov distance of a sample from N(0, 1). */
export function ksNormal(z: readonly number[]): number {
  const s = [...z].sort((a, b) => a - b);
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const F = normalCdf(s[i]);
    d = Math.max(d, (i + 1) / n - F, F - i / n);
  }
  return d;
}

/** Mean, variance (1/n), skewness and excess kurtosis of a sample. */
export function moments(z: readonly number[]): {
  mean: number;
  variance: number;
  skewness: number;
  kurtosis: number;
} {
  const n = z.length;
  const mean = z.reduce((a, b) => a + b, 0) / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const v of z) {
    const d = v - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return { mean, variance: m2, skewness: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2) - 3 };
}

export const nngpGaussian: Experiment<NngpGaussianConfig> = {
  id: '001-nngp-gaussian',
  source: cite(
    jacotGabrielHongler2018,
    'Proposition 1: at initialization, in the infinite-width limit, the outputs are centred Gaussian processes with covariance Σ^(L)',
  ),
  claim:
    'At initialization f(·; θ) is a centred Gaussian process with the NNGP covariance Σ^(L+1) (in the infinite-width limit).',
  presets: {
    quick: { width: 256, depth: 3, beta: 0.1, points: 4, samples: 300 },
    paper: { width: 1024, depth: 3, beta: 0.1, points: 8, samples: 5000 },
  },
  expectedSeconds: { quick: 6, paper: 1200 },
  headline: ['ksStatistic', 'ksCritical01', 'excessKurtosis', 'covarianceRelError'],

  statement:
    'At initialization, ANNs are Gaussian processes in the infinite-width limit: f(·; θ) is a centered Gaussian process.',
  ruleVersion: 1,
  cost(c) {
    const F = countField(c);
    const P = mlpParams(2, F('width'), F('depth'));
    return {
      flop: F('samples') * passFlop(F('points'), P),
      bytes: 8 * P * 2 + 8 * F('samples') * F('points'),
    };
  },

  async run(c, ctx) {
    const [kx, kInit] = split(ctx.key, 2);
    const X = circlePoints(kx, c.points);
    const net = jacotNet(c.depth, c.width, c.beta);
    const K = kernelFn(net, X, null, { get: 'nngp', threads: 1 }).nngp!;
    const L = cholesky(K);
    const S = c.samples;
    const M = c.points;
    const F = new Matrix(S, M);
    const z: number[] = [];
    for (let s = 0; s < S; s++) {
      const f = apply(net, initParams(net, foldIn(kInit, s), [2]), X).data;
      F.data.set(f, s * M);
      for (const v of solveTriangular(L, Float64Array.from(f))) z.push(v);
      if (s % 20 === 19) {
        await ctx.checkpoint();
        ctx.progress((s + 1) / S);
      }
    }
    // Sample covariance (1/S)·FᵀF (the process is centred) against Σ.
    let num2 = 0;
    let den2 = 0;
    const covRows: Row[] = [];
    for (let a = 0; a < M; a++) {
      for (let b = 0; b < M; b++) {
        let cab = 0;
        for (let s = 0; s < S; s++) cab += F.data[s * M + a] * F.data[s * M + b];
        cab /= S;
        const k = K.data[a * M + b];
        num2 += (cab - k) ** 2;
        den2 += k * k;
        if (b >= a) covRows.push({ nngp: k, empirical: cab });
      }
    }
    const n = z.length;
    const D = ksNormal(z);
    const mom = moments(z);
    const sorted = [...z].sort((a, b) => a - b);
    const qq: Row[] = [];
    const stride = Math.max(1, Math.floor(n / 200));
    for (let i = 0; i < n; i += stride)
      qq.push({ normalQuantile: ndtri((i + 0.5) / n), whitenedOutput: sorted[i] });
    const figures: FigureSpec[] = [
      {
        id: 'qq-whitened',
        title: `Q–Q plot of whitened outputs z = L⁻¹f vs N(0, 1) (${S} initializations × ${M} inputs)`,
        caption: `Width ${c.width}, ${c.depth} hidden ReLU layers, β = ${c.beta}; Σ = LLᵀ the NNGP covariance. A Gaussian process gives the diagonal.`,
        data: qq,
        chart: {
          kind: 'scatter',
          x: { field: 'normalQuantile', title: 'N(0, 1) quantile' },
          y: { field: 'whitenedOutput', title: 'sample quantile of z' },
        },
      },
      {
        id: 'covariance',
        title: 'Sample covariance of the outputs vs the NNGP kernel Σ^(L+1)',
        caption: 'Each point is one pair (x_a, x_b), a ≤ b.',
        data: covRows,
        chart: {
          kind: 'scatter',
          x: { field: 'nngp', title: 'Σ(x_a, x_b) (kernelFn)' },
          y: { field: 'empirical', title: '(1/S)Σ_s f_s(x_a)f_s(x_b)' },
        },
      },
    ];
    return {
      metrics: {
        pooled: n,
        ksStatistic: D,
        ksCritical01: 1.628 / Math.sqrt(n),
        mean: mom.mean,
        variance: mom.variance,
        skewness: mom.skewness,
        excessKurtosis: mom.kurtosis,
        covarianceRelError: Math.sqrt(num2 / den2),
        samples: S,
      },
      figures,
    };
  },

  verdict(m): VerdictResult {
    const n = num(m, 'pooled');
    const D = num(m, 'ksStatistic');
    const crit = 1.628 / Math.sqrt(n);
    const se = 1 / Math.sqrt(n);
    const dev = [
      Math.abs(num(m, 'mean')) / se,
      Math.abs(num(m, 'variance') - 1) / (Math.SQRT2 * se),
      Math.abs(num(m, 'skewness')) / (Math.sqrt(6) * se),
      Math.abs(num(m, 'excessKurtosis')) / (Math.sqrt(24) * se),
    ];
    const cov = num(m, 'covarianceRelError');
    const covTol = 4 * Math.sqrt(2 / num(m, 'samples'));
    const threshold =
      `holds if the KS distance of the pooled whitened outputs from N(0,1) is ≤ 1.628/√n (the 1% critical value), ` +
      `mean, variance − 1, skewness and excess kurtosis are within 4 standard errors of 0 (1, √2, √6, √24 over √n), ` +
      `and ‖Ĉ − Σ‖_F/‖Σ‖_F ≤ 4·√(2/S); partial if D ≤ 2× the critical value and the moments are within 8 standard errors; fails otherwise.`;
    const reason =
      `n = ${n}: D = ${D.toFixed(4)} (critical ${crit.toFixed(4)}); mean ${num(m, 'mean').toFixed(3)}, variance ${num(m, 'variance').toFixed(3)}, ` +
      `skewness ${num(m, 'skewness').toFixed(3)}, excess kurtosis ${num(m, 'excessKurtosis').toFixed(3)} ` +
      `(max ${Math.max(...dev).toFixed(1)} s.e.); covariance error ${cov.toFixed(3)} (tolerance ${covTol.toFixed(3)})`;
    if (D <= crit && dev.every((d) => d <= 4) && cov <= covTol)
      return { verdict: 'holds', threshold, reason };
    return { verdict: D <= 2 * crit && dev.every((d) => d <= 8) ? 'partial' : 'fails', threshold, reason };
  },
};
