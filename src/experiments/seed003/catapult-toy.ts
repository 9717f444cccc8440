import { fieldBetween, field, fieldList, countField } from '../cost.js';
import { normal } from '../../random/normal.js';
import { foldIn, split } from '../../random/keys.js';
import type { Key } from '../../random/key.js';
import { num } from '../common/stats.js';
import type { Experiment, FigureSpec, Metrics, Row, VerdictResult } from '../types.js';
import {
  divergenceEdge,
  runToy,
  toyGdStep,
  toyStateOf,
  toyStep,
  toyStepExact,
  type Phase,
  type ToyRunOptions,
  type ToyState,
} from './toy-model.js';
import { cite, lewkowyczEtAl2020 } from '../bibliography.js';

/**
 * Lewkowycz et al. (2020), the catapult mechanism and its toy model (
 * arXiv:2003.02218): GD on f = n^{-1/2}vᵀu·x at one point (x = 1, y = 0) with u, v ~ N(0, I_n).
 * Measured: the stated recurrences against GD on the weights; the phase of every η·λ₀ on a grid;
 * the divergence edge c = η_max·λ₀ by bisection.
 */
export interface CatapultToyConfig {
  readonly [k: string]: number | readonly number[];
  /** Widths n; one initialization per width. */
  readonly widths: readonly number[];
  /** Grid of η·λ₀: gridStart, gridStart + gridStep, … ≤ gridEnd (chosen to avoid 2 and 4 exactly). */
  readonly gridStart: number;
  readonly gridStep: number;
  readonly gridEnd: number;
  /** Step budget, convergence tolerance |Δf_t| ≤ tol·|Δf₀|, divergence bound |Δf_t| > blowup·|Δf₀|. */
  readonly steps: number;
  readonly tol: number;
  readonly blowup: number;
  /** Bisection width for c = η_max·λ₀. */
  readonly edgeWidth: number;
  /** η·λ₀ values and step count for the recurrence-vs-GD check. */
  readonly checkEtaLambda0: readonly number[];
  readonly checkSteps: number;
  /** η·λ₀ values whose trajectories are drawn. */
  readonly traceEtaLambda0: readonly number[];
}

/** Every phase, in the order of the legend (fixed so that a phase keeps its color in every figure). */
const PHASES: readonly Phase[] = ['lazy', 'catapult', 'divergent', 'unresolved'];

/** The paper's prediction for the toy model: lazy below 2, catapult in (2, 4), divergent above 4. */
export function predictedPhase(etaLambda0: number): Phase {
  return etaLambda0 < 2 ? 'lazy' : etaLambda0 < 4 ? 'catapult' : 'divergent';
}

function initialWeights(key: Key, n: number): { u: Float64Array; v: Float64Array } {
  const [ku, kv] = split(foldIn(key, n));
  return { u: normal(ku, n), v: normal(kv, n) };
}

/**
 * max_t |Δf_t^{GD} − Δf_t^{rec}| / max_t |Δf_t^{GD}| over t = 0..steps (while GD stays finite): GD on the weights (exercise 1)
 * against a scalar recurrence `step`; one value per t for the figure.
 */
function recurrenceError(
  u0: Float64Array,
  v0: Float64Array,
  y: number,
  etaLambda0: number,
  steps: number,
  step: (s: ToyState, eta: number) => ToyState,
): { max: number; perStep: number[] } {
  const u = Float64Array.from(u0);
  const v = Float64Array.from(v0);
  let rec = toyStateOf(u, v, y);
  const eta = etaLambda0 / rec.lambda;
  const diffs = [0];
  let scale = Math.abs(rec.df);
  for (let t = 1; t <= steps; t++) {
    toyGdStep(u, v, y, eta);
    rec = step(rec, eta);
    const gd = toyStateOf(u, v, y);
    // Compare while GD on the weights stays finite; a recurrence that blows up where GD does not is off by ∞.
    if (!Number.isFinite(gd.df) || Math.abs(gd.df) > 1e100) break;
    scale = Math.max(scale, Math.abs(gd.df));
    diffs.push(Number.isFinite(rec.df) ? Math.abs(gd.df - rec.df) : Infinity);
  }
  const perStep = diffs.map((d) => d / scale);
  return { max: Math.max(...perStep), perStep };
}

function grid(c: CatapultToyConfig): number[] {
  const out: number[] = [];
  for (let k = 0; c.gridStart + k * c.gridStep <= c.gridEnd + 1e-12; k++)
    out.push(c.gridStart + k * c.gridStep);
  return out;
}

export const catapultToy: Experiment<CatapultToyConfig> = {
  id: '003-catapult-toy',
  source: cite(
    lewkowyczEtAl2020,
    'the solvable two-layer linear model f = n^{-1/2}vᵀu·x on one point: exact updates of f and λ; lazy, catapult and divergent phases',
  ),
  claim:
    'Toy model f = n^{-1/2}vᵀu·x, one point (x = 1, y): for finite n, Δf_t and λ_t evolve exactly by ' +
    'Δf_{t+1} = (1 − ηλ_t + η²Δf_t²/n)Δf_t, λ_{t+1} = λ_t + η(ηλ_t − 4)Δf_t²/n; GD is lazy for η < 2/λ₀, ' +
    'in the catapult phase for 2/λ₀ < η < η_max (λ_t decreases monotonically, |Δf_t| first increases, then decreases to 0), ' +
    'and diverges for η > η_max = c/λ₀ (c = 4 for this model; c ≈ 4–12 for general nets).',
  presets: {
    quick: {
      widths: [100, 1000, 10000],
      gridStart: 0.05,
      gridStep: 0.1,
      gridEnd: 6,
      steps: 20000,
      tol: 1e-8,
      blowup: 1e8,
      edgeWidth: 1e-6,
      checkEtaLambda0: [1, 3, 3.8],
      checkSteps: 100,
      traceEtaLambda0: [1.5, 2.5, 3.5, 3.95, 4.1],
    },
    paper: {
      widths: [100, 1000, 10000, 100000],
      gridStart: 0.01,
      gridStep: 0.02,
      gridEnd: 6,
      steps: 200000,
      tol: 1e-10,
      blowup: 1e10,
      edgeWidth: 1e-9,
      checkEtaLambda0: [0.5, 1, 1.9, 2.5, 3, 3.5, 3.8, 3.95],
      checkSteps: 300,
      traceEtaLambda0: [1.5, 2.5, 3.5, 3.95, 4.1],
    },
  },
  expectedSeconds: { quick: 2, paper: 30 },
  headline: ['etaMaxLambda0', 'phaseMismatches', 'seedRecurrenceErrorY0', 'seedRecurrenceErrorY1'],

  statement:
    'Let 2/λ₀ < η < 4/λ₀. Then λ_t monotonically decreases; |Δf_t| first increases, then decreases to 0.',
  formula: String.raw`\Delta f_{t+1} = \Bigl(1 - \eta\lambda_t + \tfrac{\eta^2 \Delta f_t^2}{n}\Bigr)\Delta f_t,\quad \lambda_{t+1} = \lambda_t + \tfrac{\eta(\eta\lambda_t - 4)\Delta f_t^2}{n}`,
  ruleVersion: 1,
  cost(c) {
    const F = countField(c);
    const widths = fieldList(c, 'widths', { integer: true, min: 1 });
    // The grid of η·λ₀ is real-valued: start ≥ 0, a positive step, an end at or past the start.
    const start = field(c, 'gridStart', { min: 0 });
    const step = fieldBetween(c, 'gridStep', 0, Infinity);
    const end = field(c, 'gridEnd', { min: start });
    const grid = Math.floor((end - start) / step) + 1;
    // The scalar recurrence per grid point and width, plus GD on the 2n weights for the checked η.
    const checks = fieldList(c, 'checkEtaLambda0', { min: 0 }).length;
    return {
      flop:
        widths.length * grid * F('steps') * 10 +
        checks * widths.reduce((a, n) => a + 8 * n * F('checkSteps'), 0),
      bytes: 8 * 2 * Math.max(...widths) * 4 + 8 * grid * widths.length * 8,
    };
  },

  async run(c, ctx) {
    const etas = grid(c);
    const opts = (n: number): ToyRunOptions => ({ n, steps: c.steps, tol: c.tol, blowup: c.blowup });
    const phaseRows: Row[] = [];
    const traceRows: Row[] = [];
    const checkRows: Row[] = [];
    const edges: number[] = [];
    let mismatches = 0;
    let catapultRuns = 0;
    let catapultMonotone = 0;
    let seedErrY0 = 0;
    let seedErrY1 = 0;
    let exactErrY1 = 0;
    for (const [wi, n] of c.widths.entries()) {
      await ctx.checkpoint();
      const { u, v } = initialWeights(ctx.key, n);
      const s0 = toyStateOf(u, v, 0);
      const converging: number[] = [];
      for (const [k, r] of etas.entries()) {
        if (k % 50 === 0) await ctx.checkpoint();
        const run = runToy(s0, r, opts(n));
        if (run.phase !== 'divergent') converging.push(r);
        if (run.phase !== predictedPhase(r)) mismatches++;
        if (run.phase === 'catapult') {
          catapultRuns++;
          if (run.lambdaMonotone) catapultMonotone++;
        }
        phaseRows.push({
          n,
          etaLambda0: r,
          phase: run.phase,
          spike: run.spike,
          etaLambdaFinal: run.phase === 'divergent' ? null : run.etaLambdaFinal,
          steps: run.steps,
        });
      }
      // The divergence edge: bisect between the last converging and the first diverging grid point.
      if (converging.length === 0)
        throw new Error(`no grid η·λ₀ converges at n = ${n}: lower gridStart (${c.gridStart})`);
      const lastOk = Math.max(...converging);
      const firstDiv = etas.find((r) => r > lastOk);
      // No diverging grid point: the edge lies beyond the grid, c = ∞ as far as this grid can tell.
      await ctx.checkpoint();
      edges.push(
        firstDiv === undefined ? Infinity : divergenceEdge(s0, lastOk, firstDiv, c.edgeWidth, opts(n)),
      );
      // The stated recurrences (y = 0, and y = 1) and the exact one for y = 1, against GD on u, v.
      for (const r of c.checkEtaLambda0) {
        await ctx.checkpoint();
        const seed0 = recurrenceError(u, v, 0, r, c.checkSteps, (s, eta) => toyStep(s, eta, n));
        const seed1 = recurrenceError(u, v, 1, r, c.checkSteps, (s, eta) => toyStep(s, eta, n));
        const exact1 = recurrenceError(u, v, 1, r, c.checkSteps, (s, eta) => toyStepExact(s, eta, n, 1));
        seedErrY0 = Math.max(seedErrY0, seed0.max);
        seedErrY1 = Math.max(seedErrY1, seed1.max);
        exactErrY1 = Math.max(exactErrY1, exact1.max);
        if (wi === c.widths.length - 1 && r === c.checkEtaLambda0[c.checkEtaLambda0.length - 1]) {
          const series: [string, number[]][] = [
            ['stated form, y = 0', seed0.perStep],
            ['stated form, y = 1', seed1.perStep],
            ['corrected form, y = 1', exact1.perStep],
          ];
          for (const [label, errs] of series)
            errs.forEach((e, t) => checkRows.push({ t, relError: e, recurrence: label }));
        }
      }
      if (wi === c.widths.length - 1) {
        for (const r of c.traceEtaLambda0) {
          const run = runToy(s0, r, { ...opts(n), trace: true });
          const eta = r / s0.lambda;
          const label = `ηλ₀ = ${r}`;
          run.trace?.t.forEach((t, i) =>
            traceRows.push({
              t,
              run: label,
              loss: 0.5 * run.trace!.df[i] ** 2,
              etaLambda: eta * run.trace!.lambda[i],
            }),
          );
        }
      }
      ctx.progress((wi + 1) / c.widths.length, `n = ${n}`);
    }
    const metrics: Metrics = {
      etaMaxLambda0: Math.min(...edges),
      etaMaxLambda0ByWidth: edges,
      widths: [...c.widths],
      gridPoints: etas.length * c.widths.length,
      phaseMismatches: mismatches,
      catapultRuns,
      catapultLambdaMonotone: catapultMonotone,
      seedRecurrenceErrorY0: seedErrY0,
      seedRecurrenceErrorY1: seedErrY1,
      exactRecurrenceErrorY1: exactErrY1,
    };
    const cMeasured = metrics.etaMaxLambda0 as number;
    const figures: FigureSpec[] = [
      {
        id: 'phase-diagram',
        title: 'Peak residual max|Δf_t|/|Δf₀| vs η·λ₀',
        caption:
          'Each point is one GD run of the exact recurrence, colored by its measured phase; one panel per width n. Dashed: η·λ₀ = 2 and the measured divergence edge.',
        data: phaseRows.map((r) => ({ ...r, spike: Math.min(r.spike as number, c.blowup) })),
        chart: {
          kind: 'scatter',
          x: { field: 'etaLambda0', title: 'η·λ₀' },
          y: { field: 'spike', title: 'max |Δf_t| / |Δf₀|', scale: 'log' },
          series: { field: 'phase', title: 'phase', type: 'nominal', domain: PHASES },
          facet: { field: 'n', title: 'width n', type: 'ordinal' },
          rules: [
            { axis: 'x', value: 2, label: '2' },
            { axis: 'x', value: cMeasured, label: `c = ${cMeasured.toFixed(4)}` },
          ],
        },
      },
      {
        id: 'final-curvature',
        title: 'Final η·λ_∞ vs η·λ₀ (converged runs)',
        caption:
          'In the catapult phase the NTK eigenvalue falls until η·λ_t < 2, the new lazy regime; in the lazy phase it barely moves (η·λ_∞ ≈ η·λ₀).',
        data: phaseRows.filter((r) => r.etaLambdaFinal !== null),
        chart: {
          kind: 'scatter',
          x: { field: 'etaLambda0', title: 'η·λ₀' },
          y: { field: 'etaLambdaFinal', title: 'η·λ_∞' },
          series: { field: 'phase', title: 'phase', type: 'nominal', domain: PHASES },
          facet: { field: 'n', title: 'width n', type: 'ordinal' },
          rules: [{ axis: 'y', value: 2, label: 'η·λ = 2' }],
        },
      },
      {
        id: 'loss-trajectories',
        title: `Loss Δf_t²/2 during GD (n = ${c.widths[c.widths.length - 1]})`,
        caption:
          'Lazy: monotone decay. Catapult: the loss first grows, then decays to 0. Above the edge: divergence (drawn until the blow-up bound).',
        data: traceRows,
        chart: {
          kind: 'line',
          x: { field: 't', title: 'step t' },
          y: { field: 'loss', title: 'Δf_t² / 2', scale: 'log' },
          series: { field: 'run', title: 'run' },
        },
      },
      {
        id: 'ntk-trajectories',
        title: `η·λ_t during GD (n = ${c.widths[c.widths.length - 1]})`,
        caption:
          'The NTK eigenvalue λ_t decreases monotonically in the catapult phase until η·λ_t < 2; it grows above the edge.',
        data: traceRows,
        chart: {
          kind: 'line',
          x: { field: 't', title: 'step t' },
          y: { field: 'etaLambda', title: 'η·λ_t', scale: 'log' },
          series: { field: 'run', title: 'run' },
          rules: [{ axis: 'y', value: 2, label: 'η·λ = 2' }],
        },
      },
      {
        id: 'recurrence-check',
        title: `Recurrence vs GD on the weights (η·λ₀ = ${c.checkEtaLambda0[c.checkEtaLambda0.length - 1]}, n = ${c.widths[c.widths.length - 1]})`,
        caption:
          '|Δf_t(GD) − Δf_t(recurrence)| / max|Δf(GD)|. The stated form (the y = 0 case) is exact for y = 0 only; with y ≠ 0 its Δf_t² must read Δf_t·f_t.',
        data: checkRows,
        chart: {
          kind: 'line',
          x: { field: 't', title: 'step t' },
          y: { field: 'relError', title: 'relative error', scale: 'log' },
          series: { field: 'recurrence', title: 'recurrence' },
        },
      },
    ];
    return { metrics, figures, data: { phases: phaseRows } };
  },

  verdict(m): VerdictResult {
    const cMeas = num(m, 'etaMaxLambda0');
    const mism = num(m, 'phaseMismatches');
    const pts = num(m, 'gridPoints');
    const e0 = num(m, 'seedRecurrenceErrorY0');
    const e1 = num(m, 'seedRecurrenceErrorY1');
    const x1 = num(m, 'exactRecurrenceErrorY1');
    const cat = num(m, 'catapultRuns');
    const mono = num(m, 'catapultLambdaMonotone');
    const threshold =
      'holds if the stated recurrence (y = 0) matches GD on the weights to ≤ 1e-9 relative, every grid η·λ₀ has the predicted phase ' +
      '(lazy < 2 < catapult < 4 < divergent), λ_t is monotone in every catapult run, and |c − 4| ≤ 0.01 for c = η_max·λ₀; ' +
      'partial if the recurrence matches to ≤ 1e-6, at most 10% of grid points disagree and 4 − 0.5 ≤ c ≤ 12; fails otherwise.';
    const facts =
      `c = ${cMeas}; ${mism}/${pts} grid points off the predicted phase; λ_t monotone in ${mono}/${cat} catapult runs; ` +
      `stated recurrence error ${e0.toExponential(2)} (y = 0), ${e1.toExponential(2)} (y = 1; the corrected recurrence: ${x1.toExponential(2)})`;
    const note =
      e1 > 1e-6 && x1 <= 1e-9
        ? ". The stated recurrence is exact only for y = 0 (Lewkowycz et al.'s setting): for y ≠ 0, Δf_t² must read Δf_t·f_t, and λ's 4Δf_t² must read 4Δf_t·f_t."
        : '';
    const holds = e0 <= 1e-9 && mism === 0 && mono === cat && Math.abs(cMeas - 4) <= 0.01;
    if (holds) return { verdict: 'holds', threshold, reason: facts + note };
    const partial = e0 <= 1e-6 && mism <= 0.1 * pts && cMeas >= 3.5 && cMeas <= 12;
    return { verdict: partial ? 'partial' : 'fails', threshold, reason: facts + note };
  },
};
