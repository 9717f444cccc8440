import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '../../linalg/matrix.js';
import { normal } from '../../random/normal.js';
import { PRNGKey, split } from '../../random/keys.js';
import { forward, jacobian, lossGradient, lossHessian, paramCount, type LinearNet } from './linear-net.js';

function setup() {
  const [k1, k2, k3] = split(PRNGKey(5), 3);
  const n = 4;
  const d = 3;
  const N = 2;
  const net: LinearNet = { n, d, theta: normal(k1, paramCount(n, d)) };
  const X = new Matrix(N, d, normal(k2, N * d));
  const y = normal(k3, N);
  return { net, X, y };
}

const loss = (net: LinearNet, X: Matrix, y: Float64Array) =>
  0.5 * forward(net, X).reduce((s, f, k) => s + (f - y[k]) ** 2, 0);

test('Jacobian and gradient match central finite differences', () => {
  const { net, X, y } = setup();
  const J = jacobian(net, X);
  const g = lossGradient(net, X, y);
  const h = 1e-6;
  for (let p = 0; p < net.theta.length; p++) {
    const plus = { ...net, theta: Float64Array.from(net.theta) };
    const minus = { ...net, theta: Float64Array.from(net.theta) };
    plus.theta[p] += h;
    minus.theta[p] -= h;
    const fp = forward(plus, X);
    const fm = forward(minus, X);
    for (let k = 0; k < X.rows; k++) assert.ok(Math.abs((fp[k] - fm[k]) / (2 * h) - J.get(k, p)) < 1e-8);
    assert.ok(Math.abs((loss(plus, X, y) - loss(minus, X, y)) / (2 * h) - g[p]) < 1e-7);
  }
});

test('the exact Hessian matches finite differences of the gradient (residual term included)', () => {
  const { net, X, y } = setup();
  const H = lossHessian(net, X, y);
  const h = 1e-6;
  for (let p = 0; p < net.theta.length; p++) {
    const plus = { ...net, theta: Float64Array.from(net.theta) };
    const minus = { ...net, theta: Float64Array.from(net.theta) };
    plus.theta[p] += h;
    minus.theta[p] -= h;
    const gp = lossGradient(plus, X, y);
    const gm = lossGradient(minus, X, y);
    for (let q = 0; q < net.theta.length; q++) {
      assert.ok(Math.abs((gp[q] - gm[q]) / (2 * h) - H.get(q, p)) < 1e-7, `H[${q},${p}]`);
    }
  }
});

test('shape errors name the argument', () => {
  const { net } = setup();
  assert.throws(() => forward(net, new Matrix(2, 5)), /X must have d = 3 columns, got 5/);
});
