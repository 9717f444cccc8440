import { test } from 'node:test';
import assert from 'node:assert/strict';
import { empiricalNtk } from '../../empirical/index.js';
import { apply, initParams } from '../../nn/index.js';
import { PRNGKey } from '../../random/index.js';
import type { Metrics } from '../types.js';
import { mlp, spherePoints, type MlpSpec } from './common.js';
import { trainedVsNtk } from './trained-vs-ntk.js';
import { runTiny } from '../common/run-tiny.testutil.js';

test('the readout W_std·κ makes the net exactly κ·f(θ, x) with tangent kernel κ²·Θ̂ (same θ)', () => {
  const x = spherePoints(PRNGKey(3), 5, 4);
  const spec: MlpSpec = { activation: 'relu', depth: 2, W_std: Math.SQRT2, b_std: 0, firstW: 1 };
  const kappa = 0.05;
  const base = mlp(spec, 32);
  const scaled = mlp({ ...spec, outScale: kappa }, 32);
  const params = initParams(base, PRNGKey(4), [4]);
  const f = apply(base, params, x).data;
  const g = apply(scaled, params, x).data;
  for (let i = 0; i < f.length; i++)
    assert.ok(Math.abs(g[i] - kappa * f[i]) <= 1e-15 * Math.abs(f[i]) + 1e-300);
  const K = empiricalNtk(base, params, x).data;
  const Ks = empiricalNtk(scaled, params, x).data;
  for (let i = 0; i < K.length; i++)
    assert.ok(Math.abs(Ks[i] - kappa * kappa * K[i]) <= 1e-13 * Math.abs(K[i]));
});

test('tiny config: the trained net approaches NTK regression as width grows; broken numbers change the verdict', async () => {
  const r = await runTiny(trainedVsNtk, {
    ...trainedVsNtk.presets.quick,
    N: 8,
    nTest: 8,
    d: 8,
    widths: [512, 8192],
    inits: 1,
  });
  const m = r.metrics;
  const e = m.testErrorsSameInit as number[];
  // 16× the width: the O(m^−½) gap should shrink clearly (≈ 4× in expectation; one init is noisy, so ask for 0.7×).
  assert.ok(e[1] < 0.7 * e[0], `finite-width gap ${e}`);
  assert.ok(
    (m.finalLossRatio as number[]).every((v) => v < 1e-3),
    `${m.finalLossRatio}`,
  );
  const verdict = (patch: Metrics) => trainedVsNtk.verdict({ ...m, ...patch }).verdict;
  assert.equal(verdict({ testErrors: [0.2, 0.05], widthSlope: -0.5 }), 'holds');
  assert.equal(verdict({ testErrors: [0.2, 0.15], widthSlope: -0.1 }), 'partial');
  assert.equal(verdict({ testErrors: [0.2, 0.05], widthSlope: 0.1 }), 'fails');
  assert.equal(verdict({ testErrors: [0.6, 0.5], widthSlope: -0.1 }), 'fails');
  assert.equal(verdict({ testErrors: [0.2, 0.05], widthSlope: -0.5, finalLossRatio: [1e-8, 0.5] }), 'fails');
});
