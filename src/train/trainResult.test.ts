// The result type of train follows its options. The `@ts-expect-error` lines are compile-time assertions
// (the build fails when a type stops following the call); the tests check that the runtime agrees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '../linalg/matrix.js';
import { Dense } from '../nn/dense.js';
import { Relu } from '../nn/activations/abRelu.js';
import { serial } from '../nn/combinators/serial.js';
import { initParams } from '../nn/network.js';
import { PRNGKey, normal } from '../random/index.js';
import { networkModel, train, trainAsync, type TrainOptions } from './index.js';

const net = serial(Dense({ width: 8, W_std: Math.SQRT2, b_std: 0.1 }), Relu(), Dense({ width: 1 }));
const model = networkModel(net, initParams(net, PRNGKey(1), [3]));
const x = { shape: [6, 3], data: normal(PRNGKey(2), 18) };
const y = new Matrix(6, 1, normal(PRNGKey(3), 6));
const xt = { shape: [4, 3], data: normal(PRNGKey(4), 12) };
const yt = new Matrix(4, 1, normal(PRNGKey(5), 4));
const base = { model, xTrain: x, yTrain: y, optimizer: 'gd', lr: 0.1, steps: 4 } as const;

function trace(g: Matrix): number {
  let t = 0;
  for (let i = 0; i < g.rows; i++) t += g.get(i, i);
  return t;
}

test('train without test data: testLoss and fTest typed and returned as null; fTrain present', () => {
  const run = train(base);
  assert.equal(run.testLoss, null);
  assert.equal(run.fTest, null);
  // @ts-expect-error no test data was given (compiled, never called)
  void (() => run.testLoss.length);
  assert.equal(run.fTrain.length, run.steps.length);
  assert.equal(run.fTrain[0].rows, 6);
});

test('train with test data and NTK snapshots: test records, kernels and eigenvectors non-null', () => {
  const run = train({ ...base, xTest: xt, yTest: yt, ntkEvery: 2 });
  assert.equal(run.testLoss.length, run.steps.length);
  assert.equal(run.fTest[0].rows, 4);
  const snap = run.ntk[0];
  // Σᵢ λᵢ = trace G for the full eigendecomposition.
  const sum = snap.eigenvalues.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - trace(snap.kernel)) <= 1e-10 * trace(snap.kernel));
  assert.equal(snap.eigenvectors.rows, 6);
});

test("train with recordOutputs: false and ntkEigen: 'none': outputs and eigenvectors null", async () => {
  const run = await trainAsync({
    ...base,
    xTest: xt,
    yTest: yt,
    recordOutputs: false,
    ntkSteps: [0],
    ntkEigen: 'none',
  });
  assert.equal(run.fTrain, null);
  assert.equal(run.fTest, null);
  assert.equal(run.ntk[0].eigenvectors, null);
  assert.equal(run.ntk[0].kernel.rows, 6);
  // @ts-expect-error outputs were not recorded (compiled, never called)
  void (() => run.fTrain.length);
});

test('train with ntkKernel: false: the snapshot kernel null, top-k eigenvectors present', () => {
  const run = train({ ...base, ntkSteps: [0], ntkKernel: false, ntkEigen: 2 });
  assert.equal(run.ntk[0].kernel, null);
  assert.equal(run.ntk[0].eigenvectors.cols, 2);
});

test('train with options known only as TrainOptions: the optional records typed nullable', () => {
  const opts: TrainOptions = base;
  const run = train(opts);
  // @ts-expect-error testLoss may be null (compiled, never called)
  void (() => run.testLoss.length);
  assert.equal(run.testLoss, null);
});
