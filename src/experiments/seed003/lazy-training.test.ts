import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '../../linalg/matrix.js';
import { Dense } from '../../nn/dense.js';
import { Gelu } from '../../nn/activations/gelu.js';
import { serial } from '../../nn/combinators/serial.js';
import { initParams } from '../../nn/network.js';
import { PRNGKey, normal } from '../../random/index.js';
import { alphaScaledModel, linearizedModel, train } from '../../train/index.js';
import type { Metrics } from '../types.js';
import { runTiny } from '../common/run-tiny.testutil.js';
import { lazyTraining, type LazyTrainingConfig } from './lazy-training.js';

test('theory the experiment rests on: the α-scaled linearized model has an α-free g-trajectory and ‖θ − θ₀‖ ∝ 1/α exactly', () => {
  const net = serial(Dense({ width: 16, W_std: 1, b_std: 0.1 }), Gelu(), Dense({ width: 1 }));
  const p0 = initParams(net, PRNGKey(5), [3]);
  const x = { shape: [6, 3], data: normal(PRNGKey(6), 18) };
  const y = new Matrix(6, 1, normal(PRNGKey(7), 6));
  const run = (a: number) =>
    train({
      model: alphaScaledModel(linearizedModel(net, p0), a),
      xTrain: x,
      yTrain: y,
      optimizer: 'gd',
      lr: 0.05,
      steps: 40,
      recordSteps: [0, 40],
    });
  const r1 = run(1);
  const r8 = run(8);
  for (let i = 0; i < 6; i++)
    assert.ok(
      Math.abs(r1.fTrain![1].data[i] - r8.fTrain![1].data[i]) <=
        1e-12 * (1 + Math.abs(r1.fTrain![1].data[i])),
    );
  assert.ok(Math.abs(r1.paramDistance[1] / r8.paramDistance[1] - 8) <= 1e-9);
});

test('tiny config: slopes near −1 and a valid result; breaking the numbers changes the verdict', async () => {
  const tiny: LazyTrainingConfig = {
    d: 6,
    nTrain: 12,
    nTest: 24,
    width: 32,
    steps: 60,
    lrFraction: 0.45,
    alphas: [0.3, 1, 10, 100],
    records: 3,
  };
  const r = await runTiny(lazyTraining, tiny);
  const m = r.metrics;
  assert.ok(Math.abs((m.paramSlope as number) + 1) < 0.1, `param slope ${m.paramSlope}`);
  assert.ok(Math.abs((m.linGapSlope as number) + 1) < 0.25, `lin-gap slope ${m.linGapSlope}`);
  const ok: Metrics = {
    ...m,
    paramSlope: -1,
    linGapSlope: -1,
    testLossRatioLazyVsRich: 2,
    testLossRatioLazyVsAlpha1: 1.05,
    richAlpha: 0.1,
  };
  const v = (patch: Metrics) => lazyTraining.verdict({ ...ok, ...patch }).verdict;
  assert.equal(v({}), 'holds');
  assert.equal(v({ testLossRatioLazyVsRich: 0.9 }), 'partial');
  assert.equal(v({ paramSlope: -0.7 }), 'partial');
  assert.equal(v({ linGapSlope: -0.2 }), 'fails');
  assert.throws(
    () => lazyTraining.verdict({ ...ok, paramSlope: NaN }),
    /metric 'paramSlope' must be a number/,
  );
});
