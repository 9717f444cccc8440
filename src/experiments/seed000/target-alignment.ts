import { countField } from '../cost.js';
import type { Experiment, FigureSpec, Metrics, Row, VerdictResult } from '../types.js';
import { CheckpointSlots } from '../common/checkpoint-slots.js';
import { foldIn } from '../../random/keys.js';
import { num, nums } from '../common/stats.js';
import {
  alignmentKs,
  alignmentRows,
  alignmentRun,
  alignmentRunCost,
  checkAlignmentSettings,
} from './alignment-run.js';
import { cite, kopitkovIndelman2020 } from '../bibliography.js';

/**
 * Kopitkov & Indelman (2020): during GD training the top eigenvectors of the NTK Gramian G_t align with the target:
 * cos α_t(y, k) = Σ_{i≤k}⟨y, v_i^t⟩²/‖y‖² rises, for k = 1, 10, 100.
 */
export interface TargetAlignmentConfig {
  readonly [k: string]: number;
  readonly n: number;
  readonly width: number;
  readonly depth: number;
  readonly omega: number;
  readonly steps: number;
  readonly lrFactor: number;
  readonly snapshots: number;
  /** Independent draws of data and initialization; the verdict uses the mean alignment. */
  readonly seeds: number;
  /** Top-k eigenpairs per snapshot by Lanczos on the implicit NTK operator; 0: the dense G_t and its full eigh. */
  readonly topK: number;
}

export const targetAlignment: Experiment<TargetAlignmentConfig> = {
  id: '000-target-alignment',
  source: cite(
    kopitkovIndelman2020,
    'the alignment cos α_t(φ̄, k) = Σ_{i≤k}⟨φ̄, v̄ᵢᵗ⟩²/‖φ̄‖² and the target-alignment experiment (L2 regression, inputs uniform in [0, 1]²)',
  ),
  claim:
    'On N points uniform in [0,1]² with a smooth target y, during GD training the top eigenvectors of the NTK ' +
    'Gramian G_t align with the target: cos α_t(y, k) = Σ_{i≤k}⟨y, v_i^t⟩²/‖y‖² rises, for k = 1, 10, 100.',
  presets: {
    quick: {
      n: 256,
      width: 128,
      depth: 4,
      omega: 2,
      steps: 1000,
      lrFactor: 1.5,
      snapshots: 6,
      seeds: 2,
      topK: 0,
    },
    // Kopitkov & Indelman (2020), "Results": N = 10000 uniform in [0, 1]², 6 layers, t = 20000 GD steps. The
    // width is not given there; 128 keeps the run within 3 h of the 2-core machine (cost.ts). Eigenvectors:
    // the top 100 (the largest k the paper plots) by Lanczos on the implicit NTK operator.
    paper: {
      n: 10000,
      width: 128,
      depth: 6,
      omega: 2,
      steps: 20000,
      lrFactor: 1.5,
      snapshots: 12,
      seeds: 1,
      topK: 100,
    },
  },
  expectedSeconds: { quick: 25, paper: 15000 },
  headline: ['targetAlign10Start', 'targetAlign10End', 'targetAlign100Start', 'targetAlign100End'],

  statement: 'Top eigenfunctions of NTK align toward the target function learned by NN.',
  formula: String.raw`\cos\alpha_t(\bar y, k) = \frac{\sum_{i \le k} \langle \bar y, \bar v_i^t \rangle^2}{\lVert \bar y \rVert_2^2}`,
  ruleVersion: 1,
  cost(c) {
    const F = countField(c);
    checkAlignmentSettings(c);
    const r = alignmentRunCost({
      n: F('n', 2),
      width: F('width'),
      depth: F('depth'),
      steps: F('steps', 0),
      snapshots: F('snapshots', 0),
      topK: F('topK', 0),
    });
    const seeds = F('seeds');
    return { flop: seeds * r.flop, bytes: r.bytes };
  },

  async run(c, ctx) {
    if (!(Number.isInteger(c.seeds) && c.seeds >= 1))
      throw new Error(`000-target-alignment: seeds must be an integer ≥ 1, got ${c.seeds}`);
    const slots = new CheckpointSlots(ctx);
    const ks = [1, 10, 100];
    const start = ks.map(() => 0);
    const end = ks.map(() => 0);
    const rise: number[][] = ks.map(() => []);
    const rows: Row[] = [];
    const lossRows: Row[] = [];
    let lossRatio = 0;
    for (let r = 0; r < c.seeds; r++) {
      // Each seed draws its own data and initialization.
      const run = await alignmentRun(
        { ...c, optimizer: 'gd' },
        foldIn(ctx.key, r),
        ctx,
        (f) => ctx.progress((r + f) / c.seeds, `seed ${r}`),
        { slots, name: `seed ${r}` },
      );
      const first = run.snapshots[0];
      const last = run.snapshots[run.snapshots.length - 1];
      ks.forEach((k, i) => {
        const kk = Math.min(k, c.topK || c.n);
        start[i] += first.target[kk - 1] / c.seeds;
        end[i] += last.target[kk - 1] / c.seeds;
        rise[i].push(last.target[kk - 1] - first.target[kk - 1]);
      });
      lossRatio += last.loss / first.loss / c.seeds;
      for (const row of alignmentRows(run, 'target')) rows.push({ ...row, curve: `${row.k}, seed ${r}` });
      for (const sn of run.snapshots) lossRows.push({ step: sn.step + 1, loss: sn.loss, seed: `seed ${r}` });
    }
    const metrics: Metrics = {
      seeds: c.seeds,
      lossRatio,
      ...Object.fromEntries(
        ks.flatMap((k, i) => [
          [`targetAlign${k}Start`, start[i]],
          [`targetAlign${k}End`, end[i]],
          [`targetAlign${k}RiseBySeed`, rise[i]],
        ]),
      ),
    };
    const figures: FigureSpec[] = [
      {
        id: 'target-alignment',
        title: `cos α_t(y, k) during GD (depth ${c.depth}, width ${c.width}, N = ${c.n})`,
        caption: `Alignment of the target with the top-k eigenvectors of G_t, k ∈ {${alignmentKs(c.n).join(', ')}}, one curve per k and seed (data and initialization); x axis t + 1 (log).`,
        data: rows,
        chart: {
          kind: 'line-points',
          x: { field: 'step', title: 't + 1 (GD steps)', scale: 'log' },
          y: { field: 'cosAlpha', title: 'cos α_t(y, k)' },
          series: { field: 'curve', type: 'nominal' },
        },
      },
      {
        id: 'loss',
        title: 'Training loss',
        caption: 'L = (1/2N)Σ(f − y)² at the NTK snapshots, per seed.',
        data: lossRows,
        chart: {
          kind: 'line-points',
          x: { field: 'step', title: 't + 1', scale: 'log' },
          y: { field: 'loss', title: 'loss', scale: 'log' },
          series: { field: 'seed', type: 'nominal' },
        },
      },
    ];
    return { metrics, figures };
  },

  verdict(m: Metrics): VerdictResult {
    const rise = (k: number) => num(m, `targetAlign${k}End`) - num(m, `targetAlign${k}Start`);
    const r = [1, 10, 100].map(rise);
    const threshold =
      'with cos α the mean over seeds: holds if cos α_T(y, k) − cos α_0(y, k) ≥ 0.01 for every k ∈ {1, 10, 100}; partial if it is ≥ 0.01 for at ' +
      'least one k and no k drops by more than 0.05; fails otherwise.';
    const reason = [1, 10, 100]
      .map(
        (k, i) =>
          `k = ${k}: ${num(m, `targetAlign${k}Start`).toFixed(3)} → ${num(m, `targetAlign${k}End`).toFixed(3)} (${r[i] >= 0 ? '+' : ''}${r[i].toFixed(3)})`,
      )
      .join('; ');
    const bySeed = nums(m, 'targetAlign10RiseBySeed');
    const seedNote = ` (mean of ${bySeed.length} seeds; k = 10 rise by seed: ${bySeed.map((v) => v.toFixed(3)).join(', ')})`;
    if (r.every((d) => d >= 0.01)) return { verdict: 'holds', threshold, reason: reason + seedNote };
    const partial = r.some((d) => d >= 0.01) && r.every((d) => d >= -0.05);
    const note =
      r[0] < 0.01
        ? ' (k = 1: the target has zero mean over [0,1]², and the top eigenvector of G_t is close to a constant, so their overlap stays small)'
        : '';
    return { verdict: partial ? 'partial' : 'fails', threshold, reason: reason + seedNote + note };
  },
};
