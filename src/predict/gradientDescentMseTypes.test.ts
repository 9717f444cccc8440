// The result types of predictGradientDescentMse follow its input: test outputs are typed present when
// kTestTrain is given and null when not. `@ts-expect-error` lines are compile-time assertions (the build
// fails when a type stops following the call); the tests check values against the closed form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '../linalg/matrix.js';
import { predictGradientDescentMse, type GradientDescentMseInput } from './index.js';

// K = 2·I (N = 2), f₀ = 0: every mode has u = η·2/N = η, so f_s = (1 − (1 − η)^s)·y on the train set and
// f_test,s = (1 − (1 − η)^s)·K_*X·K⁻¹·y = (1 − (1 − η)^s)·K_*X·y/2 (Lee et al. 2019, eq. 9).
const kTrain = Matrix.fromRows([
  [2, 0],
  [0, 2],
]);
const yTrain = Matrix.fromRows([[1], [-3]]);
const kTestTrain = Matrix.fromRows([[0.5, 1]]);
const lr = 0.25;
const g = (s: number): number => 1 - (1 - lr) ** s;

test('predictGradientDescentMse with kTestTrain: fTest typed and returned present', () => {
  const p = predictGradientDescentMse({ kTrain, yTrain, lr, kTestTrain });
  const out = p.predict([3], 'gd');
  assert.ok(Math.abs(out.fTrain[0].get(1, 0) - g(3) * -3) < 1e-14);
  assert.ok(Math.abs(out.fTest[0].get(0, 0) - g(3) * ((0.5 * 1 + 1 * -3) / 2)) < 1e-14);
  assert.ok(Math.abs(p.atInfinity().fTest.get(0, 0) - (0.5 * 1 + 1 * -3) / 2) < 1e-14);
});

test('predictGradientDescentMse without kTestTrain: fTest typed and returned null', () => {
  const p = predictGradientDescentMse({ kTrain, yTrain, lr });
  const out = p.predict([2], 'gd');
  assert.ok(Math.abs(out.fTrain[0].get(0, 0) - g(2)) < 1e-14);
  assert.equal(out.fTest, null);
  assert.equal(p.atInfinity('eigh').fTest, null);
  // @ts-expect-error no test kernel was given (compiled, never called)
  void (() => out.fTest.length);
});

test('predictGradientDescentMse with an input typed GradientDescentMseInput: fTest nullable', () => {
  const input: GradientDescentMseInput = { kTrain, yTrain, lr };
  const out = predictGradientDescentMse(input).predict([1], 'flow');
  // @ts-expect-error fTest may be null (compiled, never called)
  void (() => out.fTest.length);
  assert.equal(out.fTest, null);
});
