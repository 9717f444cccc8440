/**
 * Benchmark: the heavy spectral computations, timed once each, with their accuracy checks
 * as acceptance criteria (no peer: the peer scripts have no spectral counterparts).
 *  - cube: exact fractional variances of a depth-3 ReLU NTK at d = 128 and d = 1000
 *    (high-precision Φ + integer Krawtchouk sums); check Σ FV = 1;
 *  - circle-samples: top-20 eigenvalues of (1/N)·K for N = 50000 samples of the seed's density
 *    (block Lanczos, implicit O(N log N) operator); check against Richardson-extrapolated Nyström.
 */
import type { BenchCase, BenchContext } from '../harness.js';
import { PRNGKey } from '../../src/random/index.js';
import { piecewiseDensity } from '../../src/spectral/circle/density.js';
import { twoLayerReluBias } from '../../src/spectral/circle/kernels.js';
import { circleNystrom } from '../../src/spectral/circle/nystrom.js';
import { circleSampleSpectrum } from '../../src/spectral/circle/samples.js';
import { cubeSpectrumOfStack, type CubeSpectrum } from '../../src/spectral/cube.js';
import type { PreciseLayer } from '../../src/spectral/precise/stack.js';

function reluStack(depth: number): PreciseLayer[] {
  const out: PreciseLayer[] = [];
  for (let l = 0; l < depth; l++)
    out.push({ type: 'Dense', W_std: Math.SQRT2, b_std: 0.1 }, { type: 'ABRelu', a: 0, b: 1 });
  out.push({ type: 'Dense', W_std: Math.SQRT2, b_std: 0.1 });
  return out;
}

async function run(ctx: BenchContext): Promise<void> {
  if (ctx.wants('cube')) {
    for (const d of [128, 1000]) {
      let s: CubeSpectrum | null = null;
      const t = ctx.measure(() => {
        s = cubeSpectrumOfStack(reluStack(3), d, 'ntk');
      });
      ctx.record({
        task: 'cube exact FV (ReLU NTK depth 3)',
        size: `d=${d}`,
        impl: 'ntk-lab',
        seconds: t.best,
        note: t.note,
      });
      const fv = (s as CubeSpectrum | null)?.fractionalVariance ?? new Float64Array(0);
      let sum = 0;
      for (const v of fv) sum += v;
      ctx.accept(`cube d=${d}: |Σ_k FV_k − 1|`, Math.abs(sum - 1), { max: 1e-12 });
    }
  }
  if (ctx.wants('circle-samples')) {
    const p = piecewiseDensity([1, 2, 4].map((v) => (3 / (2 * Math.PI)) * (v / 7)));
    const ref = circleNystrom(twoLayerReluBias, p, { grid: 1024, top: 20 });
    const N = 50000;
    const t0 = performance.now();
    const s = circleSampleSpectrum(twoLayerReluBias, p, N, 20, PRNGKey(1));
    const seconds = (performance.now() - t0) / 1000;
    ctx.record({
      task: 'circle samples top-20 (Lanczos, implicit)',
      size: `N=${N}`,
      impl: 'ntk-lab',
      seconds,
      note: `one run, ${s.matvecs} matvecs`,
    });
    let worst = 0;
    for (let i = 0; i < 20; i++)
      worst = Math.max(worst, Math.abs(s.eigenvalues[i] - ref.extrapolated![i]) / ref.extrapolated![i]);
    ctx.accept(`circle N=${N}: max rel. deviation from Nyström (sampling error)`, worst, { max: 0.02 });
  }
}

export const benchCase: BenchCase = {
  name: 'spectral',
  description: 'exact boolean-cube spectra (d = 128, 1000) and the N = 50000 circle Gram spectrum by Lanczos',
  run,
};
