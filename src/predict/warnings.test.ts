import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NtkTypeError } from '../errors.js';
import { Matrix } from '../linalg/matrix.js';
import { predictGradientDescentMse, type GradientDescentMseInput } from './gradientDescentMse.js';

/** Warnings of predictGradientDescentMse: finite-time GD divergence, coincident inputs with different targets. */
const K = Matrix.fromRows([
  [2, 1, 0.5],
  [1, 2, 1],
  [0.5, 1, 2],
]);
const y = Matrix.fromRows([[1], [-1], [0.5]]);

test('finite-time GD with lr above 2N/λ_max warns with the max learning rate (and the outputs do grow)', () => {
  const warnings: string[] = [];
  const p = predictGradientDescentMse({ kTrain: K, yTrain: y, lr: 5, onWarning: (m) => warnings.push(m) });
  const r = p.predict([0, 10], 'gd');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], new RegExp(`maxLearningRate = 2N/λ_max = ${p.maxLearningRate().toPrecision(6)}`));
  assert.match(warnings[0], /diverges/);
  // the residual really grows: |f_10 − y| ≫ |f_0 − y|
  let r0 = 0;
  let r10 = 0;
  for (let i = 0; i < 3; i++) {
    r0 += (r.fTrain[0].data[i] - y.data[i]) ** 2;
    r10 += (r.fTrain[1].data[i] - y.data[i]) ** 2;
  }
  assert.ok(r10 > 1e6 * r0);
  // below the limit: no warning
  const quiet: string[] = [];
  const q = predictGradientDescentMse({ kTrain: K, yTrain: y, lr: 0.5, onWarning: (m) => quiet.push(m) });
  q.predict([0, 10], 'gd');
  assert.deepEqual(quiet, []);
  // gradient flow never diverges
  const flow: string[] = [];
  predictGradientDescentMse({ kTrain: K, yTrain: y, lr: 5, onWarning: (m) => flow.push(m) }).predict(
    [0, 10],
    'flow',
  );
  assert.deepEqual(flow, []);
});

test('training inputs that coincide for the kernel but have different targets are warned about', () => {
  // rows 0 and 2 are the same point: K[0,0] = K[2,2] = K[0,2]
  const Kd = Matrix.fromRows([
    [2, 1, 2],
    [1, 2, 1],
    [2, 1, 2],
  ]);
  const w: string[] = [];
  predictGradientDescentMse({ kTrain: Kd, yTrain: y, lr: 0.1, diagReg: 1e-6, onWarning: (m) => w.push(m) });
  assert.equal(w.length, 1);
  assert.match(w[0], /1 pair of training inputs coincide/);
  assert.match(w[0], /0 and 2 \(y = \[1\] vs \[0\.5\]\)/);
  // same targets: nothing to warn about
  const same: string[] = [];
  const ys = Matrix.fromRows([[1], [-1], [1]]);
  predictGradientDescentMse({
    kTrain: Kd,
    yTrain: ys,
    lr: 0.1,
    diagReg: 1e-6,
    onWarning: (m) => same.push(m),
  });
  assert.deepEqual(same, []);
  // distinct inputs: none
  const none: string[] = [];
  predictGradientDescentMse({ kTrain: K, yTrain: y, lr: 0.1, onWarning: (m) => none.push(m) });
  assert.deepEqual(none, []);
});

test('missing arguments are named', () => {
  assert.throws(
    () => predictGradientDescentMse(undefined as unknown as GradientDescentMseInput),
    NtkTypeError,
  );
  assert.throws(
    () => predictGradientDescentMse({ yTrain: y, lr: 1 } as unknown as GradientDescentMseInput),
    /kTrain \(the N×N train–train kernel\) is missing/,
  );
  assert.throws(
    () => predictGradientDescentMse({ kTrain: K, yTrain: y } as unknown as GradientDescentMseInput),
    /lr \(the learning rate η > 0\) is missing/,
  );
});
