import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Metrics } from '../types.js';
import { runTiny } from '../common/run-tiny.testutil.js';
import { circleEigenvalues, type EigenvaluesConfig } from './eigenvalues.js';

test('uniform density: Nyström eigenvalues are the Fourier coefficients of k by hand (λ₀ = 1/8 + 1/(2π²), λ_q odd = 1/(2π²q²)); typed eq. 17 is π low', async () => {
  const tiny: EigenvaluesConfig = { density: [1], grid: 512, top: 9, samples: 800, qAsymptotic: 1 };
  const r = await runTiny(circleEigenvalues, tiny);
  const ny = r.metrics.nystrom as number[];
  const pi2 = Math.PI ** 2;
  assert.ok(Math.abs(ny[0] - (1 / 8 + 1 / (2 * pi2))) < 1e-6, `λ₀ ${ny[0]}`);
  assert.ok(Math.abs(ny[1] - (1 / 16 + 1 / (2 * pi2))) < 1e-6, `λ₁ ${ny[1]}`);
  assert.ok(Math.abs(ny[5] - 1 / (2 * pi2 * 9)) < 1e-6, `λ₃ ${ny[5]}`);
  assert.ok((r.metrics.correctedRelErrAsymptotic as number) < 1e-4);
  assert.ok(Math.abs((r.metrics.typedRatioMedian as number) - Math.PI) < 1e-3);
  // 800 samples: eigenvalues of (1/N)K within a few % of the operator's (sampling error ∝ N^{-1/2})
  assert.ok((r.metrics.samplesRelErrMedian as number) < 0.1);
});

test('verdict: breaking the numbers changes it', () => {
  const ok: Metrics = {
    typedRatioMedian: 3.15,
    correctedRelErrAsymptotic: 0.05,
    correctedRelErrMedian: 0.05,
    uniformCorrectedRelErr: 1e-7,
    samplesRelErrMedian: 0.01,
  };
  const v = (patch: Metrics) => circleEigenvalues.verdict({ ...ok, ...patch }).verdict;
  assert.equal(v({}), 'holds');
  assert.equal(v({ correctedRelErrAsymptotic: 0.2 }), 'partial');
  assert.equal(v({ correctedRelErrAsymptotic: 0.5 }), 'fails');
  assert.equal(v({ uniformCorrectedRelErr: 0.1 }), 'fails');
  assert.equal(v({ samplesRelErrMedian: 0.1 }), 'partial');
  assert.throws(() => circleEigenvalues.verdict({ ...ok, samplesRelErrMedian: NaN }), /samplesRelErrMedian/);
});
