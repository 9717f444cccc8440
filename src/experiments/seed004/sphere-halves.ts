import { fieldList, countField } from '../cost.js';
import { Matrix } from '../../linalg/matrix.js';
import { kernelFn } from '../../kernels/kernelFn.js';
import { Dense } from '../../nn/dense.js';
import { Relu } from '../../nn/activations/abRelu.js';
import { serial } from '../../nn/combinators/serial.js';
import { maxLearningRate } from '../../predict/maxLearningRate.js';
import { foldIn, split } from '../../random/keys.js';
import type { Key } from '../../random/key.js';
import { normal } from '../../random/normal.js';
import { uniform } from '../../random/uniform.js';
import { gegenbauerNormalized } from '../../spectral/index.js';
import type { Experiment, FigureSpec, Metrics, Row, VerdictResult } from '../types.js';
import { convergenceSteps } from './convergence.js';
import { logLogSlopePositivePairs, median, num, nums } from '../common/stats.js';
import { cite, basriEtAl2020 } from '../bibliography.js';

/**
 * Basri et al. (2020), the empirical results: on S² split into two halves with density ratios
 * 1:2, 1:3, 1:4, convergence times of harmonic targets of frequency κ; the paper reports median time
 * ratios 1.76, 2.45, 2.99, "undershooting our conjectured ratios" — read here as the density ratios
 * 2, 3, 4 (time ∝ 1/p locally, from eq. 14 / the theorem's 1/p*).
 *
 * Setting: N points on the sphere of radius √3 (‖x‖² = d), hemisphere x₃ > 0 with density r times that
 * of x₃ < 0; the infinite-width NTK of a two-layer ReLU network with biases (kernelFn); targets the
 * degree-κ zonal harmonic P_κ(x₁/√3) about an axis in the equator plane, so both halves carry the same
 * target. GD on the NTK from u₀ = 0 with one η for all densities; the convergence time of a half is the
 * first step at which the residual restricted to that half falls to δ of its initial norm
 * (convergenceSteps). Ratio = t(sparse half)/t(dense half), median over κ, per r; r = 1 is the control.
 */
export interface SphereHalvesConfig {
  readonly [k: string]: number | readonly number[];
  readonly samples: number;
  readonly ratios: readonly number[];
  readonly kappas: readonly number[];
  readonly delta: number;
  readonly lrFraction: number;
  readonly maxSteps: number;
}

/** Basri et al.'s measured median ratios for 1:2, 1:3, 1:4 (quoted for the figure's reference series). */
const SEED_RATIOS: Readonly<Record<number, number>> = { 2: 1.76, 3: 2.45, 4: 2.99 };

/** N points on the sphere of radius √3: the half x₃ > 0 has r times the density of x₃ < 0. */
function sampleHalves(key: Key, n: number, r: number): { x: Matrix; dense: number[]; sparse: number[] } {
  const [kg, ku] = split(key, 2);
  const g = normal(kg, 3 * n);
  const u = uniform(ku, n);
  const x = new Matrix(n, 3);
  const dense: number[] = [];
  const sparse: number[] = [];
  for (let i = 0; i < n; i++) {
    const nrm = Math.hypot(g[3 * i], g[3 * i + 1], g[3 * i + 2]) / Math.sqrt(3);
    const up = u[i] < r / (1 + r);
    for (let j = 0; j < 3; j++) x.data[3 * i + j] = g[3 * i + j] / nrm;
    x.data[3 * i + 2] = (up ? 1 : -1) * Math.abs(x.data[3 * i + 2]);
    (up ? dense : sparse).push(i);
  }
  return { x, dense, sparse };
}

export const sphereHalves: Experiment<SphereHalvesConfig> = {
  id: '004-sphere-halves',
  source: cite(
    basriEtAl2020,
    'the S² experiment: two halves with density ratios 1:2, 1:3, 1:4 (measured median time ratios 1.76, 2.45, 2.99)',
  ),
  claim:
    'On S² divided into two halves with density ratios 1:2, 1:3, 1:4, convergence times of a two-layer network grow with the target ' +
    'frequency κ, and the sparse half converges slower by about the density ratio (paper: measured medians 1.76, 2.45, 2.99, undershooting the conjecture).',
  presets: {
    quick: {
      samples: 800,
      ratios: [1, 2, 3, 4],
      kappas: [2, 3, 4, 5, 6],
      delta: 0.1,
      lrFraction: 0.9,
      maxSteps: 1e6,
    },
    paper: {
      samples: 3000,
      ratios: [1, 2, 3, 4],
      kappas: [2, 3, 4, 5, 6, 7, 8, 10],
      delta: 0.1,
      lrFraction: 0.9,
      maxSteps: 1e7,
    },
  },
  expectedSeconds: { quick: 6, paper: 900 },
  headline: ['medianRatios', 'uniformRatio', 'kappaSlope'],

  statement:
    'The median ratios between our measurements for the three subplots are 1.76, 2.45 and 2.99, undershooting our conjectured ratios.',
  ruleVersion: 1,
  cost(c) {
    const F = countField(c);
    const n = F('samples');
    const runs = fieldList(c, 'ratios', { min: 1 }).length + 1;
    return {
      flop: runs * (9 * n ** 3 + 2 * n * n * fieldList(c, 'kappas', { min: 1 }).length),
      bytes: 8 * n * n * 3,
    };
  },

  async run(c, ctx) {
    if (!c.ratios.includes(1))
      throw new Error(`sphere-halves: ratios must include 1 (the control), got [${c.ratios.join(', ')}]`);
    const net = serial(
      Dense({ width: 1, W_std: 1, b_std: 1 }),
      Relu(),
      Dense({ width: 1, W_std: 1, b_std: 0 }),
    );
    const sets = [];
    for (const [i, r] of c.ratios.entries()) {
      await ctx.checkpoint();
      const s = sampleHalves(foldIn(ctx.key, i), c.samples, r);
      const K = kernelFn(net, s.x, null, { get: 'ntk', threads: 1 }).ntk!;
      sets.push({ r, ...s, K });
      ctx.progress((0.3 * (i + 1)) / c.ratios.length, `kernel 1:${r}`);
    }
    let lrMax = Infinity;
    for (const s of sets) {
      await ctx.checkpoint();
      lrMax = Math.min(lrMax, maxLearningRate(s.K));
    }
    const eta = c.lrFraction * lrMax;
    const rows: Row[] = [];
    const ratioRows: Row[] = [];
    const medians: number[] = [];
    let unreached = 0;
    let kappaSlope = NaN;
    for (const [i, s] of sets.entries()) {
      await ctx.checkpoint();
      const o = c.kappas.length;
      const Y = new Matrix(c.samples, o);
      const P = new Float64Array(Math.max(...c.kappas) + 1);
      for (let n = 0; n < c.samples; n++) {
        gegenbauerNormalized(3, P.length - 1, s.x.data[3 * n] / Math.sqrt(3), P);
        c.kappas.forEach((k, j) => (Y.data[n * o + j] = P[k]));
      }
      const all = Array.from({ length: c.samples }, (_, k) => k);
      const [tDense, tSparse, tAll] = convergenceSteps(s.K, Y, eta, c.delta, {
        maxSteps: c.maxSteps,
        ratio: 1.05,
        rows: [s.dense, s.sparse, all],
      });
      const ratios = c.kappas.map((_, j) => tSparse[j] / tDense[j]);
      unreached += [...tDense, ...tSparse].filter((t) => !Number.isFinite(t)).length;
      const med = median(ratios.filter(Number.isFinite));
      medians.push(med);
      if (s.r === 1) kappaSlope = logLogSlopePositivePairs(c.kappas, tAll);
      c.kappas.forEach((k, j) => {
        rows.push({
          kappa: k,
          ratio: `1:${s.r}`,
          half: 'dense',
          steps: Number.isFinite(tDense[j]) ? tDense[j] : null,
        });
        rows.push({
          kappa: k,
          ratio: `1:${s.r}`,
          half: 'sparse',
          steps: Number.isFinite(tSparse[j]) ? tSparse[j] : null,
        });
      });
      ratioRows.push({ densityRatio: s.r, source: 'measured (median over κ)', timeRatio: med });
      ratioRows.push({ densityRatio: s.r, source: 'conjecture: density ratio', timeRatio: s.r });
      if (SEED_RATIOS[s.r] !== undefined)
        ratioRows.push({ densityRatio: s.r, source: 'Basri et al. measured', timeRatio: SEED_RATIOS[s.r] });
      ctx.progress(0.3 + (0.7 * (i + 1)) / sets.length, `1:${s.r}`);
    }
    const nonControl = c.ratios.map((r, i) => ({ r, m: medians[i] })).filter((e) => e.r !== 1);
    const metrics: Metrics = {
      densityRatios: nonControl.map((e) => e.r),
      medianRatios: nonControl.map((e) => e.m),
      medianOverDensityRatio: nonControl.map((e) => e.m / e.r),
      uniformRatio: medians[c.ratios.indexOf(1)],
      kappaSlope,
      unreached,
      lr: eta,
    };
    const figures: FigureSpec[] = [
      {
        id: 'steps-vs-kappa',
        title: 'Convergence time of each half vs κ, per density ratio',
        caption: `GD on the infinite-width NTK of a two-layer ReLU net, ${c.samples} points on S²; residual on a half ≤ ${c.delta} of its initial norm. Log–log.`,
        data: rows,
        chart: {
          kind: 'line-points',
          x: { field: 'kappa', title: 'κ', scale: 'log' },
          y: { field: 'steps', title: 'iterations', scale: 'log' },
          series: { field: 'half', title: 'half', type: 'nominal' },
          facet: { field: 'ratio', title: 'density ratio', type: 'nominal' },
        },
      },
      {
        id: 'time-ratio',
        title: 'Time ratio sparse/dense half vs density ratio',
        caption:
          "Measured medians over κ, the conjectured ratio (the density ratio) and the paper's own measurements.",
        data: ratioRows,
        chart: {
          kind: 'line-points',
          x: { field: 'densityRatio', title: 'density ratio r (1:r)' },
          y: { field: 'timeRatio', title: 't(sparse) / t(dense)' },
          series: { field: 'source', title: 'source', type: 'nominal' },
        },
      },
    ];
    return { metrics, figures };
  },

  verdict(m): VerdictResult {
    const rs = nums(m, 'densityRatios');
    const med = nums(m, 'medianRatios');
    const u = num(m, 'uniformRatio');
    const un = num(m, 'unreached');
    const inc = med.every((v, i) => i === 0 || v > med[i - 1]);
    const within = med.every((v, i) => v >= 0.6 * rs[i] && v <= 1.2 * rs[i]);
    const threshold =
      'holds if every target is fitted, the control (1:1) ratio is within [0.8, 1.25], the median time ratios increase with r and each lies in ' +
      "[0.6·r, 1.2·r] (the paper's own 1.76, 2.45, 2.99 do); partial if they increase and exceed 1; fails otherwise.";
    const reason = `median t(sparse)/t(dense) for r = ${JSON.stringify(rs)}: ${JSON.stringify(med.map((v) => +v.toFixed(3)))} (paper: 1.76, 2.45, 2.99; conjecture: r); control 1:1: ${u.toFixed(3)}; κ slope of t (uniform) ${num(m, 'kappaSlope').toFixed(2)}; ${un} not fitted`;
    if (un === 0 && u >= 0.8 && u <= 1.25 && inc && within) return { verdict: 'holds', threshold, reason };
    if (inc && med.every((v) => v > 1)) return { verdict: 'partial', threshold, reason };
    return { verdict: 'fails', threshold, reason };
  },
};
