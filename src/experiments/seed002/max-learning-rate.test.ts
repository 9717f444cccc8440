import { test } from 'node:test';
import assert from 'node:assert/strict';
import { empiricalNtk } from '../../empirical/index.js';
import { Matrix } from '../../linalg/matrix.js';
import { initParams } from '../../nn/index.js';
import { maxLearningRate } from '../../predict/index.js';
import { PRNGKey, normal } from '../../random/index.js';
import { linearizedModel, train } from '../../train/index.js';
import type { Metrics } from '../types.js';
import { mlp, spherePoints } from './common.js';
import { maxLearningRateExperiment as exp } from './max-learning-rate.js';

test('the linearized net: GD at 0.98·2N/λ_max(Θ̂) converges, at 1.02· it rises (Θ̂ from empiricalNtk, an independent path)', () => {
  const x = spherePoints(PRNGKey(1), 12, 5);
  const y = new Matrix(12, 1, normal(PRNGKey(2), 12));
  const net = mlp({ activation: 'relu', depth: 1, W_std: Math.SQRT2, b_std: 0.1 }, 64);
  const params = initParams(net, PRNGKey(3), [5]);
  const eta = maxLearningRate(empiricalNtk(net, params, x));
  const run = (f: number) =>
    train({
      model: linearizedModel(net, params),
      xTrain: x,
      yTrain: y,
      optimizer: 'gd',
      lr: f * eta,
      steps: 400,
      recordEvery: 1,
    });
  const below = run(0.98);
  const above = run(1.02);
  for (let s = 1; s < below.loss.length; s++)
    assert.ok(below.loss[s] <= below.loss[s - 1] * (1 + 1e-12), `step ${s}`);
  const last = above.loss[above.loss.length - 1];
  assert.ok(above.diverged !== null || last > 1.01 * Math.min(...above.loss), `rising above η_max: ${last}`);
});

test('the verdict follows the side counts; broken numbers change it', () => {
  const m: Metrics = {
    etaMaxPredicted: 1,
    etaMaxEmpirical: 1.01,
    etaMaxEmpiricalTraced: 1.01,
    etaEmpiricalOverPredicted: 1.01,
    factors: [0.9, 0.95, 1.05, 1.1],
    linearizedLossRatio: [0.1, 0.1, 10, 100],
    networkLossRatio: [0.1, 0.1, 10, 100],
    linearizedCorrect: 4,
    networkCorrect: 4,
    runsPerModel: 4,
  };
  assert.equal(exp.verdict(m).verdict, 'holds');
  assert.equal(exp.verdict({ ...m, networkCorrect: 3 }).verdict, 'partial');
  assert.equal(exp.verdict({ ...m, linearizedCorrect: 3 }).verdict, 'fails');
  assert.throws(() => exp.verdict({ ...m, networkCorrect: NaN }), /networkCorrect/);
});
