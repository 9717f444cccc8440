import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelFn } from '../../kernels/index.js';
import { PRNGKey } from '../../random/index.js';
import type { Metrics } from '../types.js';
import { mlp, spherePoints } from './common.js';
import { finiteWidthError } from './finite-width-error.js';
import { runTiny } from '../common/run-tiny.testutil.js';

test("Arora's Θ^(1) in closed form equals the neural-tangents-convention net used here (unit sphere, c_σ = 2)", () => {
  // Arora et al. (2019) eqs. for L = 1, ReLU, ‖x‖ = ‖x'‖ = 1, t = xᵀx', θ = arccos t:
  //   Σ⁰ = t, Σ¹ = c_σ·E[σ(u)σ(v)] = (sin θ + (π − θ)·t)/π, Σ̇¹ = c_σ·E[σ'(u)σ'(v)] = (π − θ)/π, Σ̇² = 1,
  //   Θ = Σ⁰·Σ̇¹·Σ̇² + Σ¹·Σ̇² .
  const d = 5;
  const x = spherePoints(PRNGKey(7), 6, d);
  const net = mlp({ activation: 'relu', depth: 1, W_std: Math.SQRT2, b_std: 0, firstW: 1 }, 1);
  const K = kernelFn(net, x, null, { threads: 1 }).ntk!;
  for (let i = 0; i < 6; i++)
    for (let j = 0; j < 6; j++) {
      let t = 0;
      for (let k = 0; k < d; k++) t += (x.data[i * d + k] * x.data[j * d + k]) / d;
      // The diagonal exactly (‖x‖² = d up to rounding; arccos near 1 would amplify the rounding to 1e-8).
      t = i === j ? 1 : Math.max(-1, Math.min(1, t));
      const th = Math.acos(t);
      const theta = (t * (Math.PI - th)) / Math.PI + (Math.sin(th) + (Math.PI - th) * t) / Math.PI;
      assert.ok(Math.abs(K.get(i, j) - theta) < 1e-12, `(${i}, ${j}): ${K.get(i, j)} vs ${theta}`);
    }
});

test('tiny config: the error falls with width and grows with depth; broken numbers change the verdict', async () => {
  const r = await runTiny(finiteWidthError, {
    N: 8,
    d: 4,
    widths: [64, 256, 1024],
    depths: [1, 4],
    inits: 3,
  });
  const m = r.metrics;
  const ws = m.widthSlopes as number[];
  assert.ok(
    ws.every((s) => s < -0.3 && s > -0.7),
    `width slopes ${ws}`,
  );
  assert.ok((m.errorWidestDeepest as number) > (m.errorWidestShallowest as number));
  const verdict = (patch: Metrics) => finiteWidthError.verdict({ ...m, ...patch }).verdict;
  assert.equal(
    verdict({ widthSlopes: [-0.5, -0.5], depthSlopes: [0.4, 0.4, 0.4], depthIncreasingFraction: 1 }),
    'holds',
  );
  assert.equal(
    verdict({ widthSlopes: [-0.5, -0.2], depthSlopes: [0.4, 0.4, 0.4], depthIncreasingFraction: 1 }),
    'partial',
  );
  assert.equal(verdict({ widthSlopes: [-0.5, 0.1], depthSlopes: [0.4, 0.4, 0.4] }), 'fails');
  assert.equal(verdict({ widthSlopes: [-0.5, -0.5], depthSlopes: [0.4, -0.1, 0.4] }), 'fails');
  assert.equal(
    verdict({ widthSlopes: [-0.5, -0.5], depthSlopes: [0.4, 0.4, 0.4], depthIncreasingFraction: 0.5 }),
    'partial',
  );
});
