import { fieldList, mlpParams, passFlop, denseNtkBytes, countField } from '../cost.js';
import { Matrix } from '../../linalg/matrix.js';
import { eigvalsh } from '../../linalg/eigh.js';
import { Dense } from '../../nn/dense.js';
import { Relu } from '../../nn/activations/abRelu.js';
import { serial } from '../../nn/combinators/serial.js';
import { initParams } from '../../nn/network.js';
import type { Tensor } from '../../nn/types.js';
import { foldIn } from '../../random/keys.js';
import { networkModel, train, type TrainModel } from '../../train/index.js';
import type { Experiment, FigureSpec, Metrics, Row, VerdictResult } from '../types.js';
import { sphereData } from './sphere-data.js';
import { num } from '../common/stats.js';
import { cite, lewkowyczEtAl2020 } from '../bibliography.js';

/**
 * Lewkowycz et al. (2020, arXiv:2003.02218), the catapult mechanism, in a
 * wide two-layer ReLU network (NTK parameterization, no biases) trained by full-batch GD on N points.
 * ntk-lab's loss is (1/2N)·Σ(f − y)², so one GD step acts in function space as f ← f − (η/N)·Θ·(f − y)
 * and the paper's η·λ₀ (loss ½Σ, no 1/N; docs/training.md) is r = η·λ₀/N here, λ₀ = λ_max(Θ₀).
 * Predicted: lazy for r < 2; catapult for 2 < r < c (the loss spikes, λ_t falls until η·λ_t/N < 2, then
 * GD converges); divergent for r > c, with c = η_max·λ₀ ≈ 4–12.
 *
 * Measured per width: the phase of every r on a grid (from the loss curve: diverged, spiked by more than
 * `spikeRatio`·L₀ and converged, or converged monotonically), the final η·λ_T/N from an NTK snapshot, and
 * the edge c by bisection between the last converging and the first diverging grid point.
 */
export interface CatapultReluConfig {
  readonly [k: string]: number | readonly number[];
  readonly widths: readonly number[];
  readonly nTrain: number;
  readonly d: number;
  /** Grid of r = η·λ₀/N (avoid exactly 2). */
  readonly grid: readonly number[];
  /** Step budget; a run has converged when its loss ≤ tol·L₀. */
  readonly steps: number;
  readonly tol: number;
  /** A converging run whose loss exceeded spikeRatio·L₀ is in the catapult phase. */
  readonly spikeRatio: number;
  /** Bisection stops when the bracket of c is narrower than this. */
  readonly edgeWidth: number;
  /** r values whose loss and η·λ_t/N trajectories are drawn (widest width), and for how many steps. */
  readonly traceR: readonly number[];
  readonly traceSteps: number;
}

type Phase = 'lazy' | 'catapult' | 'divergent' | 'unresolved';
const PHASES: readonly Phase[] = ['lazy', 'catapult', 'divergent', 'unresolved'];

interface RunOutcome {
  readonly phase: Phase;
  readonly spike: number;
  readonly steps: number;
  /** η·λ_max(Θ_T)/N at the end (NaN when divergent). */
  readonly etaLambdaFinal: number;
}

/** Target y = sin(2x₀) on the sphere data. */
function sinTarget(x: Float64Array): number {
  return Math.sin(2 * x[0]);
}

/** λ_max of the empirical NTK Gramian (all eigenvalues: N is small). */
function lambdaMax(model: TrainModel, theta: Float64Array, x: Tensor): number {
  const ev = eigvalsh(model.ntk(theta, x));
  return Math.max(...ev);
}

/** GD at r = η·λ₀/N until convergence (loss ≤ tol·L₀), divergence (library bound 1e10·L₀) or the step budget. */
function runAt(
  model: TrainModel,
  x: Tensor,
  y: Matrix,
  lambda0: number,
  r: number,
  c: CatapultReluConfig,
  signal: AbortSignal,
): RunOutcome {
  const n = y.rows;
  const eta = (r * n) / lambda0;
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener('abort', onAbort);
  let l0 = NaN;
  let peak = 0;
  try {
    const run = train({
      model,
      xTrain: x,
      yTrain: y,
      optimizer: 'gd',
      lr: eta,
      steps: c.steps,
      recordSteps: [0],
      recordOutputs: false,
      signal: stop.signal,
      onStep: (s, loss) => {
        // onStep reports the loss before update s (full batch); stop early once converged
        if (s === 1) l0 = loss;
        peak = Math.max(peak, loss);
        if (loss <= c.tol * l0) stop.abort();
      },
    });
    const spike = peak / l0;
    if (run.diverged)
      return { phase: 'divergent', spike: Infinity, steps: run.stepsDone, etaLambdaFinal: NaN };
    const final = (eta * lambdaMax(model, run.theta, x)) / n;
    const converged = stop.signal.aborted && !signal.aborted;
    const phase: Phase = !converged ? 'unresolved' : spike > c.spikeRatio ? 'catapult' : 'lazy';
    return { phase, spike, steps: run.stepsDone, etaLambdaFinal: final };
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

export function predictedPhase(r: number, edge: number): Phase {
  return r < 2 ? 'lazy' : r < edge ? 'catapult' : 'divergent';
}

export const catapultRelu: Experiment<CatapultReluConfig> = {
  id: '003-catapult-relu',
  source: cite(
    lewkowyczEtAl2020,
    'the experiments on wide ReLU networks: lazy below η = 2/λ₀, catapult up to η_max ≈ 12/λ₀, divergent above',
  ),
  claim:
    'In a wide ReLU network, GD is lazy for η < 2/λ₀; for 2/λ₀ < η < η_max it is in the catapult phase (the loss spikes, ' +
    'the top NTK eigenvalue λ_t falls until η < 2/λ_t, then GD converges); it diverges above η_max = c/λ₀ with c ≈ 4–12.',
  presets: {
    quick: {
      widths: [512, 2048],
      nTrain: 16,
      d: 8,
      grid: [0.5, 1, 1.5, 1.9, 2.2, 2.6, 3, 3.5, 4, 5, 6, 8, 12],
      steps: 400,
      tol: 1e-6,
      spikeRatio: 1.1,
      edgeWidth: 0.05,
      traceR: [1.5, 3, 3.8, 6],
      traceSteps: 60,
    },
    paper: {
      widths: [512, 2048, 8192],
      nTrain: 32,
      d: 8,
      grid: [0.5, 1, 1.5, 1.9, 2.1, 2.3, 2.6, 3, 3.3, 3.6, 4, 4.5, 5, 6, 7, 8, 10, 12, 16],
      steps: 3000,
      tol: 1e-8,
      spikeRatio: 1.1,
      edgeWidth: 0.01,
      traceR: [1.5, 3, 3.8, 6],
      traceSteps: 100,
    },
  },
  expectedSeconds: { quick: 5, paper: 300 },
  headline: ['etaMaxLambda0', 'phaseMismatches', 'catapultRuns', 'catapultEndLazy'],

  statement:
    'η_crit < η < η_max: “catapult” phase — GD starts by diverging, leaves the lazy regime, and converges to a solution with low λ₀(t).',
  ruleVersion: 1,
  cost(c) {
    const F = countField(c);
    const widths = fieldList(c, 'widths', { integer: true, min: 1 });
    const runs = fieldList(c, 'grid', { min: 0 }).length + fieldList(c, 'traceR', { min: 0 }).length;
    const P = widths.map((w) => mlpParams(F('d'), w, 1));
    return {
      flop:
        runs * P.reduce((a, p) => a + F('steps') * (passFlop(F('nTrain'), p) + 2 * F('nTrain') ** 2 * p), 0),
      bytes: denseNtkBytes(F('nTrain'), Math.max(...P)),
    };
  },

  async run(c, ctx) {
    const data = sphereData(foldIn(ctx.key, 0), c.nTrain, c.d, sinTarget);
    const phaseRows: Row[] = [];
    const traceRows: Row[] = [];
    const edges: number[] = [];
    let mismatches = 0;
    let catapultRuns = 0;
    let catapultEndLazy = 0;
    let lazyRuns = 0;
    let maxLazyKernelChange = 0;
    for (const [wi, width] of c.widths.entries()) {
      await ctx.checkpoint();
      const net = serial(
        Dense({ width, W_std: Math.SQRT2, b_std: null }),
        Relu(),
        Dense({ width: 1, W_std: 1, b_std: null }),
      );
      const model = networkModel(net, initParams(net, foldIn(ctx.key, width), [c.d]));
      const lambda0 = lambdaMax(model, model.theta0, data.x);
      const outcomes: RunOutcome[] = [];
      for (const r of c.grid) {
        await ctx.checkpoint();
        outcomes.push(runAt(model, data.x, data.y, lambda0, r, c, ctx.signal));
      }
      // the edge: bisect between the largest converging r and the next grid point (must diverge)
      const conv = c.grid.filter((_, i) => outcomes[i].phase === 'lazy' || outcomes[i].phase === 'catapult');
      if (conv.length === 0)
        throw new Error(`catapult-relu: no grid r converges at width ${width}; lower grid[0] (${c.grid[0]})`);
      let lo = Math.max(...conv);
      let hi = c.grid.find((r, i) => r > lo && outcomes[i].phase === 'divergent') ?? Infinity;
      while (Number.isFinite(hi) && hi - lo > c.edgeWidth) {
        await ctx.checkpoint();
        const mid = 0.5 * (lo + hi);
        const o = runAt(model, data.x, data.y, lambda0, mid, c, ctx.signal);
        if (o.phase === 'divergent') hi = mid;
        else if (o.phase === 'unresolved') break;
        else lo = mid;
      }
      const edge = 0.5 * (lo + hi);
      edges.push(edge);
      for (const [i, r] of c.grid.entries()) {
        const o = outcomes[i];
        if (o.phase !== predictedPhase(r, edge)) mismatches++;
        if (o.phase === 'catapult') {
          catapultRuns++;
          if (o.etaLambdaFinal < 2 && o.etaLambdaFinal < r) catapultEndLazy++;
        }
        if (o.phase === 'lazy') {
          lazyRuns++;
          maxLazyKernelChange = Math.max(maxLazyKernelChange, Math.abs(o.etaLambdaFinal / r - 1));
        }
        phaseRows.push({
          width,
          r,
          phase: o.phase,
          spike: Math.min(o.spike, 1e10),
          etaLambdaFinal: Number.isFinite(o.etaLambdaFinal) ? o.etaLambdaFinal : null,
          steps: o.steps,
        });
      }
      if (wi === c.widths.length - 1) {
        for (const r of c.traceR) {
          await ctx.checkpoint();
          const eta = (r * c.nTrain) / lambda0;
          const run = train({
            model,
            xTrain: data.x,
            yTrain: data.y,
            optimizer: 'gd',
            lr: eta,
            steps: c.traceSteps,
            recordEvery: 1,
            recordOutputs: false,
            ntkEvery: 1,
            ntkEigen: 1,
            signal: ctx.signal,
          });
          const label = `r = ${r}`;
          run.steps.forEach((s, k) => {
            const snap = run.ntk.find((q) => q.step === s);
            traceRows.push({
              step: s,
              run: label,
              loss: Number.isFinite(run.loss[k]) ? Math.min(run.loss[k], 1e12) : 1e12,
              etaLambda: snap ? Math.min((eta * snap.eigenvalues[0]) / c.nTrain, 1e6) : null,
            });
          });
        }
      }
      ctx.progress((wi + 1) / c.widths.length, `width ${width}`);
    }
    const etaMax = Math.min(...edges);
    const metrics: Metrics = {
      widths: [...c.widths],
      etaMaxLambda0: etaMax,
      etaMaxLambda0ByWidth: edges,
      gridPoints: c.grid.length * c.widths.length,
      phaseMismatches: mismatches,
      catapultRuns,
      catapultEndLazy,
      lazyRuns,
      maxLazyKernelChange,
    };
    const figures: FigureSpec[] = [
      {
        id: 'phase-diagram',
        title: 'Peak loss / L₀ vs r = η·λ₀/N, by width',
        caption:
          'One GD run per point, colored by the measured phase. Dashed: r = 2 and the smallest measured edge c.',
        data: phaseRows,
        chart: {
          kind: 'scatter',
          x: { field: 'r', title: 'r = η·λ₀/N' },
          y: { field: 'spike', title: 'max_t L_t / L₀', scale: 'log' },
          series: { field: 'phase', title: 'phase', type: 'nominal', domain: PHASES },
          facet: { field: 'width', title: 'width', type: 'ordinal' },
          rules: [
            { axis: 'x', value: 2, label: '2' },
            { axis: 'x', value: etaMax, label: `c = ${etaMax.toFixed(2)}` },
          ],
        },
      },
      {
        id: 'final-curvature',
        title: 'η·λ_max(Θ_T)/N at the end vs r (converged runs)',
        caption:
          'Lazy runs keep their kernel (η·λ_T/N ≈ r); catapult runs end with η·λ_T/N < 2, in a new lazy regime.',
        data: phaseRows.filter((r) => r.etaLambdaFinal !== null),
        chart: {
          kind: 'scatter',
          x: { field: 'r', title: 'r = η·λ₀/N' },
          y: { field: 'etaLambdaFinal', title: 'η·λ_T/N' },
          series: { field: 'phase', title: 'phase', type: 'nominal', domain: PHASES },
          facet: { field: 'width', title: 'width', type: 'ordinal' },
          rules: [{ axis: 'y', value: 2, label: '2' }],
        },
      },
      {
        id: 'loss-trajectories',
        title: `Loss during GD (width ${c.widths[c.widths.length - 1]})`,
        caption:
          'Lazy: monotone. Catapult: a spike, then convergence. Above c: divergence (clipped at 1e12).',
        data: traceRows,
        chart: {
          kind: 'line',
          x: { field: 'step', title: 'step' },
          y: { field: 'loss', title: 'loss', scale: 'log' },
          series: { field: 'run', title: 'run' },
        },
      },
      {
        id: 'ntk-trajectories',
        title: `η·λ_max(Θ_t)/N during GD (width ${c.widths[c.widths.length - 1]})`,
        caption: 'In the catapult phase the top NTK eigenvalue falls until η·λ_t/N < 2.',
        data: traceRows.filter((r) => r.etaLambda !== null),
        chart: {
          kind: 'line',
          x: { field: 'step', title: 'step' },
          y: { field: 'etaLambda', title: 'η·λ_t/N', scale: 'log' },
          series: { field: 'run', title: 'run' },
          rules: [{ axis: 'y', value: 2, label: '2' }],
        },
      },
    ];
    return { metrics, figures, data: { phases: phaseRows } };
  },

  verdict(m): VerdictResult {
    const cMeas = num(m, 'etaMaxLambda0');
    const mism = num(m, 'phaseMismatches');
    const pts = num(m, 'gridPoints');
    const cat = num(m, 'catapultRuns');
    const endLazy = num(m, 'catapultEndLazy');
    const lazyChange = num(m, 'maxLazyKernelChange');
    const threshold =
      'holds if every grid r has the phase predicted from r < 2 (lazy), 2 < r < c (catapult), r > c (divergent) with c the measured ' +
      'edge, there is at least one catapult run and each ends with η·λ_T/N < 2, lazy runs change η·λ/N by ≤ 10%, and 4 − 0.25 ≤ c ≤ 12.25 ' +
      '(the paper: c ≈ 4–12); partial if c > 2 (a catapult window exists) and at most 10% of grid points are off; fails otherwise.';
    const reason =
      `c = η_max·λ₀ = ${cMeas.toFixed(3)} (smallest over widths ${JSON.stringify(m.etaMaxLambda0ByWidth)}); ${mism}/${pts} grid points off the predicted phase; ` +
      `${endLazy}/${cat} catapult runs end with η·λ_T/N < 2; largest relative change of λ in a lazy run ${lazyChange.toFixed(3)}`;
    const holds =
      mism === 0 && cat > 0 && endLazy === cat && lazyChange <= 0.1 && cMeas >= 3.75 && cMeas <= 12.25;
    if (holds) return { verdict: 'holds', threshold, reason };
    const partial = cMeas > 2 && mism <= 0.1 * pts;
    return { verdict: partial ? 'partial' : 'fails', threshold, reason };
  },
};
