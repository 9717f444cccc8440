import { CheckpointSlots } from '../common/checkpoint-slots.js';
import { countField } from '../cost.js';
import type { Experiment, FigureSpec, VerdictResult } from '../types.js';
import { num } from '../common/stats.js';
import { alignmentRows, alignmentRun, alignmentRunCost, checkAlignmentSettings } from './alignment-run.js';
import { cite, kopitkovIndelman2020 } from '../bibliography.js';

/**
 * Kopitkov & Indelman (2020): "f̄_t is in a subspace spanned by top eigenvectors, for all t": cos α_t(f_t, k) stays
 * close to 1 for small k along the whole GD run. Compared with the random-vector level k/N.
 */
export interface OutputSpanConfig {
  readonly [k: string]: number;
  readonly n: number;
  readonly width: number;
  readonly depth: number;
  readonly omega: number;
  readonly steps: number;
  readonly lrFactor: number;
  readonly snapshots: number;
  /** Top-k eigenpairs per snapshot by Lanczos on the implicit NTK operator; 0: the dense G_t and its full eigh. */
  readonly topK: number;
}

export const outputSpan: Experiment<OutputSpanConfig> = {
  id: '000-output-span',
  source: cite(
    kopitkovIndelman2020,
    'the output-span experiment: f̄_t and its projection on the top-k eigenvectors of G_t; the conclusions (top eigenvectors are basis functions of the network)',
  ),
  claim:
    'The network outputs f̄_t lie in the subspace spanned by the top eigenvectors of G_t for all t: the top ' +
    'eigenvectors are basis functions of the network, spanning it almost completely.',
  presets: {
    quick: { n: 256, width: 128, depth: 4, omega: 2, steps: 600, lrFactor: 1.5, snapshots: 8, topK: 0 },
    // Kopitkov & Indelman (2020), "Results" (f_t in the span of the top eigenvectors for all t): N = 10000,
    // 6 layers, t = 20000; width 128 (not given there); top-100 eigenpairs by Lanczos.
    paper: {
      n: 10000,
      width: 128,
      depth: 6,
      omega: 2,
      steps: 20000,
      lrFactor: 1.5,
      snapshots: 12,
      topK: 100,
    },
  },
  expectedSeconds: { quick: 12, paper: 1800 },
  headline: ['minOutputAlign10', 'minOutputAlign100'],

  statement:
    'A function represented by NN is spanned almost completely by [the top eigenfunctions] for the entire optimization process.',
  formula: String.raw`\cos\alpha_t(\bar f_t, k) = \frac{\sum_{i \le k} \langle \bar f_t, \bar v_i^t \rangle^2}{\lVert \bar f_t \rVert_2^2}`,
  ruleVersion: 1,
  cost(c) {
    const F = countField(c);
    checkAlignmentSettings(c);
    return alignmentRunCost({
      n: F('n', 2),
      width: F('width'),
      depth: F('depth'),
      steps: F('steps', 0),
      snapshots: F('snapshots', 0),
      topK: F('topK', 0),
    });
  },

  async run(c, ctx) {
    const run = await alignmentRun({ ...c, optimizer: 'gd' }, ctx.key, ctx, (f) => ctx.progress(f), {
      slots: new CheckpointSlots(ctx),
      name: 'run',
    });
    const k10 = Math.min(10, c.topK || c.n);
    const k100 = Math.min(100, c.topK || c.n);
    const outs = run.snapshots.filter((s) => s.output !== null);
    const min10 = Math.min(...outs.map((s) => s.output![k10 - 1]));
    const min100 = Math.min(...outs.map((s) => s.output![k100 - 1]));
    const minResidual100 = Math.min(
      ...run.snapshots.filter((s) => s.residual).map((s) => s.residual![k100 - 1]),
    );
    const figures: FigureSpec[] = [
      {
        id: 'output-alignment',
        title: 'cos α_t(f_t, k): share of ‖f_t‖² in the top-k eigenvectors of G_t',
        caption: `GD, depth ${c.depth}, width ${c.width}, N = ${c.n}; a random vector would give k/N (${(k10 / c.n).toFixed(3)} for k = 10).`,
        data: alignmentRows(run, 'output'),
        chart: {
          kind: 'line-points',
          x: { field: 'step', title: 't + 1 (GD steps)', scale: 'log' },
          y: { field: 'cosAlpha', title: 'cos α_t(f_t, k)' },
          series: { field: 'k', type: 'nominal' },
        },
      },
      {
        id: 'residual-alignment',
        title: 'cos α_t(m_t, k) for the residual m_t = f_t − y',
        caption:
          'The residual leaves the top eigenspaces as they are fitted first (Kopitkov & Indelman: information flows from m_t to f_t).',
        data: alignmentRows(run, 'residual'),
        chart: {
          kind: 'line-points',
          x: { field: 'step', title: 't + 1 (GD steps)', scale: 'log' },
          y: { field: 'cosAlpha', title: 'cos α_t(m_t, k)' },
          series: { field: 'k', type: 'nominal' },
        },
      },
    ];
    return {
      metrics: {
        n: c.n,
        snapshots: outs.length,
        minOutputAlign10: min10,
        minOutputAlign100: min100,
        randomLevel10: k10 / c.n,
        randomLevel100: k100 / c.n,
        minResidualAlign100: minResidual100,
      },
      figures,
    };
  },

  verdict(m): VerdictResult {
    const a10 = num(m, 'minOutputAlign10');
    const a100 = num(m, 'minOutputAlign100');
    const r10 = num(m, 'randomLevel10');
    const threshold =
      'holds if min over snapshots of cos α_t(f_t, 100) ≥ 0.95 and of cos α_t(f_t, 10) ≥ 10× the random level k/N; ' +
      'partial if min cos α_t(f_t, 100) ≥ 0.9; fails otherwise.';
    const reason = `min_t cos α_t(f_t, 10) = ${a10.toFixed(3)} (random level ${r10.toFixed(3)}), min_t cos α_t(f_t, 100) = ${a100.toFixed(4)}`;
    if (a100 >= 0.95 && a10 >= 10 * r10) return { verdict: 'holds', threshold, reason };
    return { verdict: a100 >= 0.9 ? 'partial' : 'fails', threshold, reason };
  },
};
