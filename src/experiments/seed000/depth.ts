import { CheckpointSlots } from '../common/checkpoint-slots.js';
import { field, fieldList, countField } from '../cost.js';
import type { Json } from '../types.js';
import type { Experiment, FigureSpec, Metrics, Row, VerdictResult } from '../types.js';
import { nums } from '../common/stats.js';
import { alignmentRun, alignmentRunCost, checkAlignmentSettings } from './alignment-run.js';
import { cite, kopitkovIndelman2020 } from '../bibliography.js';

/**
 * Kopitkov & Indelman (2020): deeper nets align more and train faster. The same data, target and width for
 * depths 2, 4, 6 (hidden layers); each trained by GD with the same relative step η = lrFactor·N/λ_max(G₀)
 * (so that depth does not win merely by a larger kernel scale). Alignment is cos α_T(y, k) at the end;
 * speed is the loss ratio L_T/L_0.
 */
export interface DepthConfig {
  readonly [k: string]: Json;
  readonly n: number;
  readonly width: number;
  readonly depths: readonly number[];
  readonly omega: number;
  readonly steps: number;
  readonly lrFactor: number;
  readonly snapshots: number;
  readonly k: number;
  /** Top-k eigenpairs per snapshot by Lanczos on the implicit NTK operator; 0: the dense G_t and its full eigh. */
  readonly topK: number;
}

export const depthAlignment: Experiment<DepthConfig> = {
  id: '000-depth',
  source: cite(
    kopitkovIndelman2020,
    'the depth experiment and the conclusions: deeper networks align more, and alignment improves performance',
  ),
  claim:
    'Depth increases alignment, and alignment improves performance: deeper nets (depth 2, 4, 6) align their top NTK ' +
    'eigenvectors more with the target and train faster.',
  presets: {
    quick: {
      n: 256,
      width: 128,
      depths: [2, 4, 6],
      omega: 2,
      steps: 600,
      lrFactor: 1.5,
      snapshots: 5,
      k: 10,
      topK: 0,
    },
    // Kopitkov & Indelman (2020), "Results" (depth increases alignment): N = 10000 in [0, 1]², t = 20000;
    // depths 2, 4, 6 up to the paper's 6 layers; width 128 (not given there); top-100 eigenpairs by Lanczos.
    paper: {
      n: 10000,
      width: 128,
      depths: [2, 4, 6],
      omega: 2,
      steps: 20000,
      lrFactor: 1.5,
      snapshots: 8,
      k: 10,
      topK: 100,
    },
  },
  expectedSeconds: { quick: 20, paper: 5400 },
  headline: ['alignmentByDepth', 'lossRatioByDepth'],

  statement: 'Deeper NNs have higher alignment, which also explains their performance superiority.',
  formula: String.raw`\cos\alpha_t(\bar y, k) = \frac{\sum_{i \le k} \langle \bar y, \bar v_i^t \rangle^2}{\lVert \bar y \rVert_2^2}`,
  ruleVersion: 1,
  cost(c) {
    const F = countField(c);
    checkAlignmentSettings(c);
    field(c, 'k', { integer: true, min: 1 });
    const runs = fieldList(c, 'depths', { integer: true, min: 1 }).map((depth) =>
      alignmentRunCost({
        n: F('n', 2),
        width: F('width'),
        depth,
        steps: F('steps', 0),
        snapshots: F('snapshots', 0),
        topK: F('topK', 0),
      }),
    );
    return { flop: runs.reduce((a, r) => a + r.flop, 0), bytes: Math.max(...runs.map((r) => r.bytes)) };
  },

  async run(c, ctx) {
    const slots = new CheckpointSlots(ctx);
    const alignment: number[] = [];
    const lossRatio: number[] = [];
    const meanAlignment: number[] = [];
    const rows: Row[] = [];
    const lossRows: Row[] = [];
    for (let j = 0; j < c.depths.length; j++) {
      const depth = c.depths[j];
      // The same data for every depth (the data key is the first split of the run key); only the net differs.
      const run = await alignmentRun(
        { ...c, depth, optimizer: 'gd' },
        ctx.key,
        ctx,
        (f) => ctx.progress((j + f) / c.depths.length, `depth ${depth}`),
        { slots, name: `depth ${depth}` },
      );
      const k = Math.min(c.k, c.topK || c.n);
      const s = run.snapshots;
      alignment.push(s[s.length - 1].target[k - 1]);
      meanAlignment.push(s.reduce((a, r) => a + r.target[k - 1], 0) / s.length);
      lossRatio.push(s[s.length - 1].loss / s[0].loss);
      for (const r of s) {
        rows.push({ step: r.step + 1, cosAlpha: r.target[k - 1], depth: `depth ${depth}` });
        lossRows.push({ step: r.step + 1, loss: r.loss, depth: `depth ${depth}` });
      }
    }
    const metrics: Metrics = {
      depths: [...c.depths],
      alignmentByDepth: alignment,
      meanAlignmentByDepth: meanAlignment,
      lossRatioByDepth: lossRatio,
    };
    const figures: FigureSpec[] = [
      {
        id: 'alignment-by-depth',
        title: `cos α_t(y, ${c.k}) during GD, by depth`,
        caption:
          'Alignment of the target with the top-k eigenvectors of G_t; same data, width and relative step for every depth.',
        data: rows,
        chart: {
          kind: 'line-points',
          x: { field: 'step', title: 't + 1 (GD steps)', scale: 'log' },
          y: { field: 'cosAlpha', title: `cos α_t(y, ${c.k})` },
          series: { field: 'depth', type: 'nominal' },
        },
      },
      {
        id: 'loss-by-depth',
        title: 'Training loss by depth',
        caption: 'L = (1/2N)Σ(f − y)² with η = lrFactor·N/λ_max(G₀) for each depth.',
        data: lossRows,
        chart: {
          kind: 'line-points',
          x: { field: 'step', title: 't + 1', scale: 'log' },
          y: { field: 'loss', title: 'loss', scale: 'log' },
          series: { field: 'depth', type: 'nominal' },
        },
      },
    ];
    return { metrics, figures };
  },

  verdict(m): VerdictResult {
    const d = nums(m, 'depths');
    const a = nums(m, 'alignmentByDepth');
    const l = nums(m, 'lossRatioByDepth');
    let alignUp = true;
    let lossDown = true;
    for (let i = 1; i < a.length; i++) {
      if (!(a[i] > a[i - 1])) alignUp = false;
      if (!(l[i] < l[i - 1])) lossDown = false;
    }
    const deepestBest = a[a.length - 1] > a[0] && l[l.length - 1] < l[0];
    const threshold =
      'holds if the final alignment cos α_T(y, k) increases strictly with depth and the loss ratio L_T/L_0 decreases ' +
      'strictly with depth; partial if at least the deepest net beats the shallowest on both, or one of the two trends is strictly monotone; fails otherwise.';
    const reason = d
      .map((dd, i) => `depth ${dd}: cos α = ${a[i].toFixed(3)}, L_T/L_0 = ${l[i].toExponential(2)}`)
      .join('; ');
    if (alignUp && lossDown) return { verdict: 'holds', threshold, reason };
    return { verdict: deepestBest || alignUp || lossDown ? 'partial' : 'fails', threshold, reason };
  },
};
