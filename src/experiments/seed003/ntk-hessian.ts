import { countField } from '../cost.js';
import { eigvalsh, syrk } from '../../linalg/index.js';
import { Matrix } from '../../linalg/matrix.js';
import { normal } from '../../random/normal.js';
import { split } from '../../random/keys.js';
import { logLogSlopeAllPairs, num } from '../common/stats.js';
import type { Experiment, FigureSpec, Metrics, Row, VerdictResult } from '../types.js';
import { jacobian, lossGradient, lossHessian, paramCount, residual, type LinearNet } from './linear-net.js';
import { cite, jacotGabrielHongler2020 } from '../bibliography.js';

/**
 * Jacot, Gabriel & Hongler (2020), the NTK and the Hessian of the loss: Θ = JJᵀ; JJᵀ and JᵀJ share their nonzero eigenvalues;
 * the Hessian H = JᵀJ + Σ_k r_k∇²f_k of L = ½Σ(f − y)² tends to JᵀJ near a global minimum, so it has
 * the NTK's spectrum there (up to zeros). Measured on the two-layer linear net f = n^{-1/2}vᵀUx
 * (linear-net.ts; exact Jacobian and Hessian) trained by GD to interpolation (N < d).
 */
export interface NtkHessianConfig {
  readonly [k: string]: number;
  /** Width n, input dimension d, training points N (N < d so that the net can interpolate). */
  readonly n: number;
  readonly d: number;
  readonly N: number;
  /** GD step η = etaScale/λ_max(Θ₀); stop when ‖r_t‖ ≤ stopRatio·‖r₀‖ or after maxSteps. */
  readonly etaScale: number;
  readonly stopRatio: number;
  readonly maxSteps: number;
  /** Compare the spectra each time ‖r_t‖ has fallen by this factor. */
  readonly checkpointFactor: number;
}

/** Eigenvalues sorted descending. */
function descending(values: Float64Array): number[] {
  return Array.from(values).sort((a, b) => b - a);
}

function norm(x: Float64Array): number {
  return Math.hypot(...x);
}

/** max_i |a_i − b_i| over the first m entries, and max |a_i| over the rest of a, both divided by `scale`. */
function compareSpectra(
  a: readonly number[],
  b: readonly number[],
  m: number,
  scale: number,
): { top: number; rest: number } {
  let top = 0;
  for (let i = 0; i < m; i++) top = Math.max(top, Math.abs(a[i] - b[i]));
  let rest = 0;
  for (let i = m; i < a.length; i++) rest = Math.max(rest, Math.abs(a[i]));
  return { top: top / scale, rest: rest / scale };
}

export const ntkHessian: Experiment<NtkHessianConfig> = {
  id: '003-ntk-hessian',
  source: cite(
    jacotGabrielHongler2020,
    'the Hessian of the MSE cost as the Gauss–Newton term JᵀJ (the nonzero spectrum of the NTK JJᵀ) plus a term weighted by the residuals, which vanishes at a global minimum',
  ),
  claim:
    'NTK Θ = JJᵀ. JJᵀ and JᵀJ have the same eigenvalues, except possibly 0. The Hessian of L = ½Σ(f − y)² is ' +
    'H = JᵀJ + Σ_k (f_k − y_k)∇²f_k ≈ JᵀJ when f(x_k) ≈ y_k, so near a global minimum H has approximately the same ' +
    'spectrum as the NTK, except maybe for eigenvalue 0.',
  presets: {
    quick: { n: 16, d: 6, N: 4, etaScale: 1, stopRatio: 1e-8, maxSteps: 50000, checkpointFactor: 3 },
    paper: { n: 64, d: 12, N: 8, etaScale: 1, stopRatio: 1e-10, maxSteps: 500000, checkpointFactor: 2 },
  },
  expectedSeconds: { quick: 3, paper: 30 },
  headline: ['jjtJtjMismatch', 'finalHessianNtkMismatch', 'mismatchResidualSlope'],

  statement: 'Matrices JJᵀ and JᵀJ have the same eigenvalues, with possible exception for the eigenvalue 0.',
  formula: String.raw`H = J^\top J + \sum_k (f_k - y_k)\,\nabla^2 f_k \approx J^\top J,\qquad \Theta = J J^\top`,
  ruleVersion: 1,
  cost(c) {
    const F = countField(c);
    const P = F('n') * (F('d') + 1);
    // GD steps on the closed-form linear net, plus a P×P Hessian eigh at each checkpoint (≈ log steps).
    return { flop: F('maxSteps') * 8 * F('N') * P + 40 * 9 * P ** 3, bytes: 8 * P * P * 3 };
  },

  async run(c, ctx) {
    if (!(Number.isInteger(c.N) && Number.isInteger(c.d) && c.N < c.d)) {
      throw new Error(`003-ntk-hessian: need integers N < d for interpolation, got N = ${c.N}, d = ${c.d}`);
    }
    const [kTheta, kX, kY] = split(ctx.key, 3);
    const P = paramCount(c.n, c.d);
    const net: LinearNet = { n: c.n, d: c.d, theta: normal(kTheta, P) };
    const X = new Matrix(c.N, c.d, normal(kX, c.N * c.d));
    const y = normal(kY, c.N);

    // JJᵀ (N×N) vs JᵀJ (P×P) at initialization.
    const J0 = jacobian(net, X);
    const ntk0 = descending(eigvalsh(syrk(J0)));
    const jtj0 = descending(eigvalsh(syrk(J0, { trans: true })));
    const lambdaMax0 = ntk0[0];
    const init = compareSpectra(jtj0, ntk0, c.N, lambdaMax0);
    const spectrumRows: Row[] = jtj0.map((v, i) => ({
      index: i + 1,
      absEigenvalue: Math.abs(v),
      matrix: 'JᵀJ (P×P)',
    }));
    ntk0.forEach((v, i) =>
      spectrumRows.push({ index: i + 1, absEigenvalue: Math.abs(v), matrix: 'Θ = JJᵀ (N×N)' }),
    );

    // GD to interpolation; at checkpoints compare spec(H) with spec(Θ).
    const eta = c.etaScale / lambdaMax0;
    const r0 = norm(residual(net, X, y));
    const mismatchRows: Row[] = [];
    const hessianRows: Row[] = [];
    const checkpoint = (t: number) => {
      const J = jacobian(net, X);
      const ntk = descending(eigvalsh(syrk(J)));
      const hess = descending(eigvalsh(lossHessian(net, X, y)));
      const cmp = compareSpectra(hess, ntk, c.N, ntk[0]);
      const rn = norm(residual(net, X, y));
      mismatchRows.push({ t, residualNorm: rn, topMismatch: cmp.top, restMax: cmp.rest });
      return { cmp, rn, ntk, hess };
    };
    let last = checkpoint(0);
    const first = last;
    let nextMark = r0 / c.checkpointFactor;
    let t = 0;
    while (t < c.maxSteps && last.rn > c.stopRatio * r0) {
      const g = lossGradient(net, X, y);
      for (let p = 0; p < P; p++) net.theta[p] -= eta * g[p];
      t++;
      if (t % 500 === 0) {
        await ctx.checkpoint();
        ctx.progress(Math.min(1, Math.log(r0 / norm(residual(net, X, y))) / Math.log(1 / c.stopRatio)));
      }
      const rn = norm(residual(net, X, y));
      if (!Number.isFinite(rn))
        throw new Error(`003-ntk-hessian: GD diverged at step ${t} (etaScale ${c.etaScale})`);
      if (rn <= nextMark || rn <= c.stopRatio * r0) {
        last = checkpoint(t);
        while (nextMark >= rn) nextMark /= c.checkpointFactor;
      }
    }
    for (const [which, s] of [
      ['initialization', first],
      ['end of training', last],
    ] as const) {
      s.hess
        .slice(0, c.N + 4)
        .forEach((v, i) => hessianRows.push({ index: i + 1, eigenvalue: v, matrix: `H, ${which}` }));
      s.ntk.forEach((v, i) => hessianRows.push({ index: i + 1, eigenvalue: v, matrix: `Θ, ${which}` }));
    }
    // Slope of the mismatch against ‖r‖ near the minimum (‖r‖ ≤ 1e-2·‖r₀‖), over checkpoints above round-off.
    const fit = mismatchRows.filter(
      (r) => (r.residualNorm as number) <= 1e-2 * r0 && (r.topMismatch as number) > 1e-12,
    );
    const slope =
      fit.length >= 3
        ? logLogSlopeAllPairs(
            fit.map((r) => r.residualNorm as number),
            fit.map((r) => r.topMismatch as number),
          )
        : NaN;
    const metrics: Metrics = {
      params: P,
      points: c.N,
      jjtJtjMismatch: init.top,
      jtjZeroEigenvalues: init.rest,
      gdSteps: t,
      finalResidualRatio: last.rn / r0,
      initHessianNtkMismatch: first.cmp.top,
      finalHessianNtkMismatch: last.cmp.top,
      finalHessianRest: last.cmp.rest,
      mismatchResidualSlope: slope,
      slopeCheckpoints: fit.length,
    };
    const figures: FigureSpec[] = [
      {
        id: 'jtj-vs-jjt',
        title: `|eigenvalues| of JᵀJ (P = ${P}) and Θ = JJᵀ (N = ${c.N}) at initialization`,
        caption:
          'The N nonzero eigenvalues coincide; the other P − N eigenvalues of JᵀJ are zero up to round-off.',
        data: spectrumRows,
        chart: {
          kind: 'scatter',
          x: { field: 'index', title: 'eigenvalue index (descending)' },
          y: { field: 'absEigenvalue', title: '|eigenvalue|', scale: 'log' },
          series: { field: 'matrix', title: 'matrix' },
        },
      },
      {
        id: 'hessian-ntk-spectra',
        title: 'Top eigenvalues of the Hessian H and the NTK Θ',
        caption:
          'At initialization the residual term of H shifts its spectrum; at the end of training (r ≈ 0) H has the spectrum of Θ plus zeros.',
        data: hessianRows,
        chart: {
          kind: 'line-points',
          x: { field: 'index', title: 'eigenvalue index (descending)' },
          y: { field: 'eigenvalue', title: 'eigenvalue', scale: 'symlog' },
          series: { field: 'matrix', title: 'matrix' },
        },
      },
      {
        id: 'mismatch-vs-residual',
        title: 'Spectral mismatch of H and Θ vs the residual ‖f − y‖',
        caption:
          'max_i |λ_i(H) − λ_i(Θ)|/λ_max(Θ) over the top N, and the largest |eigenvalue| of H beyond them, at GD checkpoints.',
        data: mismatchRows.flatMap((r) => [
          { residualNorm: r.residualNorm, value: r.topMismatch, quantity: 'top-N mismatch' },
          { residualNorm: r.residualNorm, value: r.restMax, quantity: 'rest of H' },
        ]),
        chart: {
          kind: 'line-points',
          x: { field: 'residualNorm', title: '‖f − y‖', scale: 'log' },
          y: { field: 'value', title: 'relative to λ_max(Θ)', scale: 'log' },
          series: { field: 'quantity', title: '' },
        },
      },
    ];
    return { metrics, figures };
  },

  verdict(m): VerdictResult {
    const jj = num(m, 'jjtJtjMismatch');
    const zeros = num(m, 'jtjZeroEigenvalues');
    const rr = num(m, 'finalResidualRatio');
    const fin = num(m, 'finalHessianNtkMismatch');
    const rest = num(m, 'finalHessianRest');
    const slope = num(m, 'mismatchResidualSlope');
    const threshold =
      'holds if the nonzero eigenvalues of JJᵀ and JᵀJ agree to ≤ 1e-10·λ_max and the rest of JᵀJ is ≤ 1e-10·λ_max; ' +
      'GD reaches ‖r‖ ≤ 1e-6·‖r₀‖ where the top-N eigenvalues of H match Θ’s and H’s others vanish to ≤ 1e-5·λ_max; ' +
      'and the mismatch shrinks in proportion to ‖r‖ (log-log slope in [0.8, 1.2] over checkpoints with ‖r‖ ≤ 1e-2·‖r₀‖). ' +
      'partial if the first two agree to ≤ 1e-6 and the final mismatch is ≤ 1e-2; fails otherwise.';
    const reason =
      `JJᵀ vs JᵀJ: ${jj.toExponential(2)} (zeros ${zeros.toExponential(2)}); ` +
      `at ‖r‖/‖r₀‖ = ${rr.toExponential(2)}: H vs Θ top-N ${fin.toExponential(2)}, rest of H ${rest.toExponential(2)}; ` +
      `slope of mismatch vs ‖r‖ = ${slope.toFixed(3)}`;
    if (
      jj <= 1e-10 &&
      zeros <= 1e-10 &&
      rr <= 1e-6 &&
      fin <= 1e-5 &&
      rest <= 1e-5 &&
      slope >= 0.8 &&
      slope <= 1.2
    ) {
      return { verdict: 'holds', threshold, reason };
    }
    const partial = jj <= 1e-6 && zeros <= 1e-6 && fin <= 1e-2;
    return { verdict: partial ? 'partial' : 'fails', threshold, reason };
  },
};
