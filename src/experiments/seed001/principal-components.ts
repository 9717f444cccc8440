import { mlpParams, passFlop, denseNtkFlop, denseNtkBytes, countField } from '../cost.js';
import { kernelFn } from '../../kernels/index.js';
import { Matrix } from '../../linalg/matrix.js';
import { initParams } from '../../nn/index.js';
import { split } from '../../random/keys.js';
import { normal } from '../../random/normal.js';
import { eighDescending } from '../../spectral/index.js';
import { networkModel, trainAsync } from '../../train/index.js';
import type { Experiment, FigureSpec, Row, VerdictResult } from '../types.js';
import { num, spearman } from '../common/stats.js';
import { gaussianPoints, jacotNet } from './jacot-net.js';
import { cite, jacotGabrielHongler2018 } from '../bibliography.js';

/**
 * Jacot et al. (2018), "Convergence and Early Stopping": with Θ_∞ = Σᵢ λᵢvᵢvᵢᵀ the residual obeys Δ_t = e^{−tΘ}Δ₀, so
 * convergence is fastest along the kernel's top principal components. A wide net is trained by GD
 * (η = lrFactor·N/λ₁); the projections pᵢ(t) = ⟨vᵢ, f_t − y⟩ on the top K eigenvectors of the limiting
 * kernel are tracked, and each one's half-life (first step with |pᵢ(t)| ≤ |pᵢ(0)|/2, log-interpolated) is
 * compared with GD's prediction ln 2/(−ln(1 − ηλᵢ/N)). The target puts equal weight on the top K components.
 */
export interface PrincipalComponentsConfig {
  readonly [k: string]: number;
  readonly width: number;
  readonly depth: number;
  readonly beta: number;
  readonly points: number;
  readonly dim: number;
  readonly components: number;
  readonly steps: number;
  readonly lrFactor: number;
}

/** First t with |p(t)| ≤ ½|p(0)|, interpolated linearly in log|p| between steps; Infinity if never. */
export function halfLife(p: readonly number[]): number {
  const half = Math.abs(p[0]) / 2;
  for (let t = 1; t < p.length; t++) {
    const a = Math.abs(p[t - 1]);
    const b = Math.abs(p[t]);
    if (b <= half) {
      if (!(b > 0) || !(a > half)) return t;
      return t - 1 + Math.log(a / half) / Math.log(a / b);
    }
  }
  return Infinity;
}

export const principalComponents: Experiment<PrincipalComponentsConfig> = {
  id: '001-principal-components',
  source: cite(
    jacotGabrielHongler2018,
    'Section 5 (least-squares regression): convergence is fastest along the largest kernel principal components, at rates e^{−tλᵢ}',
  ),
  claim:
    'Convergence is fastest along the largest kernel principal components: the residual’s projections on the NTK ' +
    'eigenvectors decay in the order of their eigenvalues, at the rates e^{−tλᵢ}.',
  presets: {
    quick: { width: 512, depth: 2, beta: 0.1, points: 32, dim: 4, components: 8, steps: 300, lrFactor: 0.5 },
    paper: {
      width: 4096,
      depth: 3,
      beta: 0.1,
      points: 128,
      dim: 4,
      components: 16,
      steps: 3000,
      lrFactor: 0.5,
    },
  },
  expectedSeconds: { quick: 10, paper: 3600 },
  headline: ['rankCorrelation', 'medianHalfLifeRatio', 'componentsMeasured'],

  statement: 'Convergence is fastest along the largest kernel principal components.',
  formula: String.raw`\langle f_t - f^*, v_i \rangle = e^{-t\lambda_i} \langle f_0 - f^*, v_i \rangle`,
  ruleVersion: 1,
  cost(c) {
    const F = countField(c);
    const pts = F('points');
    const P = mlpParams(F('dim'), F('width'), F('depth'));
    return { flop: F('steps') * passFlop(pts, P) + 2 * denseNtkFlop(pts, P), bytes: denseNtkBytes(pts, P) };
  },

  async run(c, ctx) {
    const [kx, ks, kInit] = split(ctx.key, 3);
    const X = gaussianPoints(kx, c.points, c.dim);
    const net = jacotNet(c.depth, c.width, c.beta);
    const { values: lam, vectors: V } = eighDescending(
      kernelFn(net, X, null, { get: 'ntk', threads: 1 }).ntk!,
    );
    const N = c.points;
    const K = Math.min(c.components, N);
    // y = √(N/K)·Σ_{i≤K} sᵢvᵢ with random signs sᵢ: equal weight on the top K principal components, ‖y‖² = N.
    const signs = normal(ks, K);
    const y = new Matrix(N, 1);
    for (let i = 0; i < K; i++) {
      const a = Math.sqrt(N / K) * Math.sign(signs[i] || 1);
      for (let r = 0; r < N; r++) y.data[r] += a * V.data[r * N + i];
    }
    const lr = (c.lrFactor * N) / lam[0];
    const model = networkModel(net, initParams(net, kInit, [c.dim]));
    const all = Array.from({ length: c.steps + 1 }, (_, s) => s);
    const r = await trainAsync({
      model,
      xTrain: { shape: [N, c.dim], data: X.data },
      yTrain: y,
      optimizer: 'gd',
      lr,
      steps: c.steps,
      recordSteps: all,
      signal: ctx.signal,
      onStep: (t) => {
        if (t % 20 === 0) ctx.progress(t / c.steps);
      },
    });
    await ctx.checkpoint();
    if (r.diverged) throw new Error(`001-principal-components: GD diverged (lrFactor ${c.lrFactor})`);
    const proj: number[][] = Array.from({ length: K }, () => []);
    for (const f of r.fTrain!) {
      for (let i = 0; i < K; i++) {
        let p = 0;
        for (let row = 0; row < N; row++) p += V.data[row * N + i] * (f.data[row] - y.data[row]);
        proj[i].push(p);
      }
    }
    const rows: Row[] = [];
    const measured: number[] = [];
    const predicted: number[] = [];
    const lams: number[] = [];
    for (let i = 0; i < K; i++) {
      const u = (lr * lam[i]) / N;
      const tp = Math.log(2) / -Math.log(1 - u);
      const tm = halfLife(proj[i]);
      if (Number.isFinite(tm)) {
        measured.push(tm);
        predicted.push(tp);
        lams.push(lam[i]);
      }
      const stride = Math.max(1, Math.floor(c.steps / 60));
      for (let t = 0; t <= c.steps; t += stride)
        rows.push({ step: t, ratio: Math.abs(proj[i][t] / proj[i][0]), component: `i = ${i + 1}` });
    }
    const ratios = measured.map((m, i) => m / predicted[i]).sort((a, b) => a - b);
    const medianRatio = ratios.length > 0 ? ratios[Math.floor((ratios.length - 1) / 2)] : NaN;
    const rho =
      lams.length >= 2
        ? spearman(
            lams,
            measured.map((t) => 1 / t),
          )
        : NaN;
    const figures: FigureSpec[] = [
      {
        id: 'projection-decay',
        title: '|⟨vᵢ, f_t − y⟩| / |⟨vᵢ, f_0 − y⟩| along GD, top principal components of Θ_∞',
        caption: `Width ${c.width}, N = ${N} Gaussian points in ℝ^${c.dim}, η = ${lr.toPrecision(3)}; larger λᵢ decay first.`,
        data: rows,
        chart: {
          kind: 'line',
          x: { field: 'step', title: 't (GD steps)' },
          y: { field: 'ratio', title: 'remaining fraction', scale: 'log' },
          series: { field: 'component', type: 'ordinal' },
        },
      },
      {
        id: 'half-lives',
        title: 'Measured vs predicted half-life per component',
        caption: 'Predicted: ln 2/(−ln(1 − ηλᵢ/N)) from the limiting kernel.',
        data: measured
          .map((m, i) => ({ lambda: lams[i], halfLife: m, kind: 'measured' }))
          .concat(predicted.map((p, i) => ({ lambda: lams[i], halfLife: p, kind: 'predicted (Θ_∞)' }))),
        chart: {
          kind: 'line-points',
          x: { field: 'lambda', title: 'λᵢ of Θ_∞', scale: 'log' },
          y: { field: 'halfLife', title: 'half-life (steps)', scale: 'log' },
          series: { field: 'kind', type: 'nominal' },
        },
      },
    ];
    return {
      metrics: {
        lambdas: Array.from(lam.slice(0, K)),
        halfLifeMeasured: measured,
        halfLifePredicted: predicted,
        componentsMeasured: measured.length,
        components: K,
        rankCorrelation: rho,
        medianHalfLifeRatio: medianRatio,
        lr,
      },
      figures,
    };
  },

  verdict(m): VerdictResult {
    const rho = num(m, 'rankCorrelation');
    const ratio = num(m, 'medianHalfLifeRatio');
    const k = num(m, 'componentsMeasured');
    const threshold =
      'holds if ≥ 4 of the top components reach their half-life, the Spearman correlation of λᵢ with 1/half-life is ≥ 0.9, ' +
      'and the median measured/predicted half-life is in [0.8, 1.25]; partial if ρ ≥ 0.7; fails otherwise.';
    const reason = `${k} components measured; Spearman ρ(λ, 1/t½) = ${rho.toFixed(3)}; median t½ measured/predicted = ${ratio.toFixed(3)}`;
    if (k >= 4 && rho >= 0.9 && ratio >= 0.8 && ratio <= 1.25) return { verdict: 'holds', threshold, reason };
    return { verdict: k >= 2 && rho >= 0.7 ? 'partial' : 'fails', threshold, reason };
  },
};
