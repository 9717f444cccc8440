import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelFn } from '../../kernels/index.js';
import { cubeSpectrumOfStack } from '../../spectral/index.js';
import type { Metrics } from '../types.js';
import { mlp, preciseMlp, type MlpSpec } from './common.js';
import { cubeSpectra } from './cube-spectra.js';
import { runTiny } from '../common/run-tiny.testutil.js';

/** All 2^d points of {±1}^d, row-major. */
function cube(d: number): Float64Array {
  const out = new Float64Array((1 << d) * d);
  for (let i = 0; i < 1 << d; i++) for (let j = 0; j < d; j++) out[i * d + j] = (i >> j) & 1 ? -1 : 1;
  return out;
}

test('cube eigenvalues equal brute force: μ_k = 2^−d Σ_y K(1, y)·χ_S(y) with the float64 kernels of src/nn, for ReLU and erf, CK and NTK', () => {
  const d = 6;
  const x = cube(d);
  const specs: MlpSpec[] = [
    { activation: 'relu', depth: 1, W_std: Math.SQRT2, b_std: Math.SQRT2 },
    { activation: 'erf', depth: 2, W_std: 1, b_std: 0 },
  ];
  for (const spec of specs) {
    const k = kernelFn(mlp(spec, 1), { shape: [1 << d, d], data: x }, null, { threads: 1 });
    for (const part of ['nngp', 'ntk'] as const) {
      const K = k[part]!;
      const s = cubeSpectrumOfStack(preciseMlp(spec), d, part);
      // Row of x = (1, …, 1) (index 0); χ_S for S = the first k coordinates.
      let total = 0;
      for (let kk = 0; kk <= d; kk++) {
        let mu = 0;
        for (let y = 0; y < 1 << d; y++) {
          let chi = 1;
          for (let j = 0; j < kk; j++) chi *= x[y * d + j];
          mu += K.get(0, y) * chi;
        }
        mu /= 1 << d;
        assert.ok(
          Math.abs(mu - s.eigenvalues[kk]) <= 1e-12 * K.get(0, 0),
          `${spec.activation} ${part} k=${kk}: ${mu} vs ${s.eigenvalues[kk]}`,
        );
        total += s.multiplicities[kk] * mu;
      }
      // Σ C(d, k)·μ_k = K(x, x) (the trace identity), and the fractional variances use it.
      assert.ok(Math.abs(total - K.get(0, 0)) <= 1e-12 * K.get(0, 0));
      assert.ok(
        Math.abs(s.fractionalVariance[1] - (s.multiplicities[1] * s.eigenvalues[1]) / K.get(0, 0)) < 1e-12,
      );
    }
  }
});

test('tiny config: simplicity bias, NTK vs CK, best depth; broken numbers change the verdict', async () => {
  const r = await runTiny(cubeSpectra, {
    ...cubeSpectra.presets.quick,
    d: 16,
    maxDegree: 4,
    depths: [1, 2, 4, 8, 16],
  });
  const m = r.metrics;
  const v = cubeSpectra.verdict(m);
  assert.equal(v.verdict, 'holds', v.reason);
  const verdict = (patch: Metrics) => cubeSpectra.verdict({ ...m, ...patch }).verdict;
  assert.equal(verdict({ reluArgmaxDegreeNtk: 1 }), 'fails');
  assert.equal(verdict({ erfArgmaxDegreeCk: 3 }), 'fails');
  assert.equal(verdict({ ntkMoreComplexCount: 3 }), 'partial');
  assert.equal(verdict({ bestDepthNtk: [16, 1, 4, 2, 8] }), 'partial');
  assert.equal(verdict({ bestDepthCk: [16, 16, 16, 16, 16], maxDepth: 16 }), 'partial');
  assert.throws(() => cubeSpectra.verdict({ ...m, erfFv1Ck: NaN }), /erfFv1Ck/);
});
