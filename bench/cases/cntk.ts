/**
 * Benchmark. Part 'entry': neural-tangents' README benchmark architecture — 21 × [Conv 3×3 SAME (W_std² = 2,
 * b_std 0.1) → Relu] → GlobalAvgPool (CNTK-GAP) or Flatten (CNTK-V) → Dense, on 32×32×3 float64 images — by kernelFn
 * (the fused CNTK recursion, src/kernels/cntk/, tiles of image pairs on all cores), symmetric (N(N+1)/2 distinct
 * entries): wall and core seconds per entry (core seconds = process CPU time), and GFLOP/s from the FLOP count per
 * entry (src/kernels/cntk/flopCount.ts). Part 'small': the depth-6 CNTK-GAP on 8×8×1 and 16×16×1 images. Part
 * 'width': the empirical NTK of finite CNNs (src/empirical) against the CNTK as the width grows — mean relative
 * Frobenius error over 8 initializations, which should fall like 1/√width.
 */
import type { BenchCase } from '../harness.js';
import { kernelFn } from '../../src/kernels/kernelFn.js';
import { compileCntk } from '../../src/kernels/cntk/program.js';
import { flopsPerEntry } from '../../src/kernels/cntk/flopCount.js';
import { monteCarloKernel } from '../../src/empirical/monteCarlo.js';
import { Conv, Dense, Flatten, GlobalAvgPool, Relu, serial } from '../../src/nn/index.js';
import type { Layer, Tensor } from '../../src/nn/types.js';
import { PRNGKey, normal } from '../../src/random/index.js';

function cntk(depth: number, channels: number, readout: 'gap' | 'flatten' = 'gap'): Layer {
  const layers: Layer[] = [];
  for (let d = 0; d < depth; d++)
    layers.push(Conv({ channels, filter: [3, 3], padding: 'SAME', W_std: Math.SQRT2, b_std: 0.1 }), Relu());
  return serial(
    ...layers,
    readout === 'gap' ? GlobalAvgPool() : Flatten(),
    Dense({ width: 1, W_std: 1, b_std: 0.1 }),
  );
}

const images = (N: number, H: number, C: number, seed: number): Tensor => ({
  shape: [N, H, H, C],
  data: normal(PRNGKey(seed), N * H * H * C),
});

/** neural-tangents' published figure for this architecture: 258.55 ms per entry, float64, on a CPU with > 56 cores. */
const NT_MS = 258.55;
const NT_CORES = 56;

export const benchCase: BenchCase = {
  name: 'cntk',
  description:
    '21-layer CNTK-GAP / CNTK-V on 32×32×3 (neural-tangents README architecture): core-s, wall-s and GFLOP/s per entry; depth-6 CNTK-GAP on 8×8 / 16×16; empirical CNN NTK → CNTK as width grows',
  async run(ctx) {
    if (ctx.wants('entry')) {
      for (const [readout, N] of [
        ['gap', 6],
        ['flatten', 64],
      ] as const) {
        const net = cntk(21, 1, readout);
        const x = images(N, 32, 3, 1);
        const entries = (N * (N + 1)) / 2;
        const p = compileCntk(net, [32, 32], 3);
        const flops = typeof p === 'string' ? null : flopsPerEntry(p);
        let cpu = 0;
        const t = ctx.measure(
          () => {
            const c0 = process.cpuUsage();
            kernelFn(net, x, null, { get: 'ntk' });
            const c = process.cpuUsage(c0);
            cpu = (c.user + c.system) / 1e6;
          },
          { reps: 1, warmup: false },
        );
        const coreS = cpu / entries;
        const wallS = t.best / entries;
        const gflops = flops === null ? null : (flops * entries) / t.best / 1e9;
        const task = `CNTK-${readout === 'gap' ? 'GAP' : 'V'} 21 layers, per entry`;
        ctx.record({
          task,
          size: `32×32×3, N=${N}`,
          impl: 'kernelFn (fused)',
          seconds: t.best,
          rate: { value: entries / t.best, unit: 'entries/s' },
          note:
            `${coreS.toFixed(3)} core-s and ${wallS.toFixed(3)} wall-s per entry (${entries} entries); ` +
            `${flops === null ? '?' : (flops / 1e9).toFixed(3)} GFLOP per entry, ${gflops === null ? '?' : gflops.toFixed(2)} GFLOP/s; ` +
            `neural-tangents' published ${NT_MS} ms × ${NT_CORES} cores = ${((NT_MS * NT_CORES) / 1000).toFixed(1)} core-s per entry ` +
            `(different, unnamed CPU) is ${((NT_MS * NT_CORES) / 1000 / coreS).toFixed(1)}× ours per core; ${t.note}`,
        });
        if (readout === 'gap') ctx.accept('CNTK-GAP 21 layers: core-s per entry', coreS, { max: 0.25 });
      }
    }
    if (ctx.wants('small')) {
      for (const [H, N] of [
        [8, 64],
        [16, 12],
      ]) {
        const x = images(N, H, 1, 1);
        const entries = (N * (N + 1)) / 2;
        const t = ctx.measure(() => kernelFn(cntk(6, 1), x, null, { get: 'ntk' }), {
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
          note: `${ms.toFixed(2)} ms per entry (${entries} entries; ${(H * H) ** 2} position pairs per image pair); ${t.note}`,
        });
      }
    }
    if (ctx.wants('width')) {
      const x = images(4, 4, 1, 2);
      const exact = kernelFn(cntk(2, 1), x, null, { get: 'ntk' }).ntk!;
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
              const K = monteCarloKernel(cntk(2, width), x, null, {
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
