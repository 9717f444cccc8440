import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NtkInputError, NtkTypeError } from '../errors.js';
import { Matrix } from '../linalg/matrix.js';
import { Dense, Relu, serial } from '../nn/index.js';
import { PRNGKey, normal } from '../random/index.js';
import { networkModel } from './model.js';
import { train, type TrainOptions } from './train.js';

/** train's argument checks: Matrix inputs, non-finite inputs, missing arguments named. */
const net = serial(
  Dense({ width: 6, W_std: 1.5, b_std: 0.1 }),
  Relu(),
  Dense({ width: 1, W_std: 1.5, b_std: 0.1 }),
);
const x = new Matrix(5, 3, normal(PRNGKey(1), 15));
const y = new Matrix(5, 1, normal(PRNGKey(2), 5));
const model = networkModel(net, net.init(PRNGKey(0), [3]));

test('train accepts a Matrix (as kernelFn does) and gives the same run as the Tensor', () => {
  const a = train({ model, xTrain: x, yTrain: y, optimizer: 'gd', lr: 0.5, steps: 3 });
  const b = train({
    model,
    xTrain: { shape: [5, 3], data: x.data },
    yTrain: y,
    optimizer: 'gd',
    lr: 0.5,
    steps: 3,
  });
  assert.deepEqual(a.loss, b.loss);
  assert.ok(a.loss[3] < a.loss[0]);
});

test('train refuses non-finite inputs (NaN gave diverged at step 0)', () => {
  const bad = x.clone();
  bad.data[4] = NaN;
  assert.throws(
    () => train({ model, xTrain: bad, yTrain: y, optimizer: 'gd', lr: 0.5, steps: 3 }),
    (e: unknown) =>
      e instanceof NtkInputError && /xTrain must be finite, got NaN in example 1/.test(e.message),
  );
  const badT = x.clone();
  badT.data[0] = Infinity;
  assert.throws(
    () => train({ model, xTrain: x, yTrain: y, xTest: badT, yTest: y, optimizer: 'gd', lr: 0.5, steps: 1 }),
    /xTest must be finite, got Infinity in example 0/,
  );
});

test('train names a missing argument', () => {
  const base = { model, xTrain: x, yTrain: y, optimizer: 'gd', lr: 0.5, steps: 1 } as const;
  const cases: [Partial<TrainOptions>, RegExp][] = [
    [{ model: undefined }, /train: model must be a TrainModel/],
    [{ xTrain: undefined }, /train: xTrain .* is missing/],
    [{ yTrain: undefined }, /train: yTrain .* is missing/],
  ];
  for (const [patch, re] of cases) {
    assert.throws(
      () => train({ ...base, ...patch } as TrainOptions),
      (e: unknown) => e instanceof NtkTypeError && re.test(e.message),
    );
  }
});
