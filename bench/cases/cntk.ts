/**
 * Benchmark. Part 'entry': time per kernel entry of the depth-6 CNTK-GAP ([Conv 3×3 SAME (W_std² = 2,
 * b_std 0.1) → Relu]×6 → GlobalAvgPool → Dense) by kernelFn (all position pairs, tiles on all cores) on N random
 * 8×8×1 and 16×16×1 images, symmetric (N(N+1)/2 distinct entries). Part 'width': the empirical NTK of finite CNNs
 * (src/empirical) against the CNTK as the width grows — mean relative Frobenius error over 8 initializations,
 * which should fall like 1/√width.
 */
import type { BenchCase } from '../harness.js';
import { kernelFn } from '../../src/kernels/kernelFn.js';
import { monteCarloKernel } from '../../src/empirical/monteCarlo.js';
import { Conv, Dense, GlobalAvgPool, Relu, serial } from '../../src/nn/index.js';
import type { Layer, Tensor } from '../../src/nn/types.js';
import { PRNGKey, normal } from '../../src/random/index.js';

function cntkGap(depth: number, channels: number): Layer {
  const layers: Layer[] = [];
  for (let d = 0; d < depth; d++)
    layers.push(Conv({ channels, filter: [3, 3], padding: 'SAME', W_std: Math.SQRT2, b_std: 0.1 }), Relu());
  return serial(...layers, GlobalAvgPool(), Dense({ width: 1, W_std: 1, b_std: 0.1 }));
}

const images = (N: number, H: number, seed: number): Tensor => ({
  shape: [N, H, H, 1],
  data: normal(PRNGKey(seed), N * H * H),
});

export const benchCase: BenchCase = {
  name: 'cntk',
  description:
    'depth-6 CNTK-GAP time per kernel entry on 8×8×1 and 16×16×1 images; empirical CNN NTK → CNTK as width grows',
  async run(ctx) {
    if (ctx.wants('entry')) {
      for (const [H, N] of [
        [8, 64],
        [16, 12],
      ]) {
        const x = images(N, H, 1);
        const entries = (N * (N + 1)) / 2;
        const t = ctx.measure(() => kernelFn(cntkGap(6, 1), x, null, { get: 'ntk' }), {
          reps: 1,
          budgetSeconds: 1,
        });
        const ms = (1000 * t.best) / entries;
        ctx.record({
          task: 'CNTK-GAP depth 6, per entry',
          size: `${H}×${H}×1, N=${N}`,
          impl: 'kernelFn',
          seconds: t.best,
          rate: { value: entries / t.best, unit: 'entries/s' },
          note: `${ms.toFixed(2)} ms per entry (${entries} entries; ${(H * H) ** 2} floats per pair per array); ${t.note}`,
        });
      }
    }
    if (ctx.wants('width')) {
      const x = images(4, 4, 2);
      const exact = kernelFn(cntkGap(2, 1), x, null, { get: 'ntk' }).ntk!;
      let norm = 0;
      for (const v of exact.data) norm += v * v;
      const S = 8;
      for (const width of [16, 64, 256]) {
        let mean = 0;
        const t = ctx.measure(
          () => {
            // E_θ ‖Θ_θ − Θ_∞‖_F / ‖Θ_∞‖_F over S initializations: the finite-width error, O(1/√width)
            mean = 0;
            for (let s = 0; s < S; s++) {
              const K = monteCarloKernel(cntkGap(2, width), x, null, {
                samples: 1,
                key: PRNGKey(100 + s),
                get: 'ntk',
              }).ntk!;
              let e = 0;
              for (let i = 0; i < K.data.length; i++) e += (K.data[i] - exact.data[i]) ** 2;
              mean += Math.sqrt(e / norm) / S;
            }
          },
          { reps: 1 },
        );
        ctx.record({
          task: `empirical CNN NTK vs CNTK (mean of ${S} inits)`,
          size: `4×4×1, N=4, width ${width}`,
          impl: 'empiricalNtk',
          seconds: t.best,
          note: `mean relative Frobenius error ${mean.toFixed(4)}; ×√width = ${(mean * Math.sqrt(width)).toFixed(3)}`,
        });
      }
    }
  },
};
