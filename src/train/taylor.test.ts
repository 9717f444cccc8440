import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '../linalg/matrix.js';
import { Dense, Erf, flattenParams, initParams, serial, unflattenParams } from '../nn/index.js';
import { empiricalNtk } from '../empirical/empiricalNtk.js';
import type { Layer, Params, Tensor } from '../nn/types.js';
import { PRNGKey, normal } from '../random/index.js';
import { linearizedModel, networkModel, taylorExpand, train } from './index.js';

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
function diff(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: a.length }, (_, i) => a[i] - b[i]);
}
/** f(θ) of the network itself (an independent route: a plain forward pass). */
function forward(net: Layer, params: Params, theta: Float64Array, x: Tensor): Float64Array {
  return (net.forward(unflattenParams(params, theta), x).y as Tensor).data;
}

const x: Tensor = { shape: [6, 3], data: normal(PRNGKey(1), 18) };

test('taylorExpand order 2 reproduces a function quadratic in θ (a two-layer linear net) exactly, outputs and gradients, far from θ₀', () => {
  const net = serial(Dense({ width: 5, b_std: 0.3 }), Dense({ width: 2, b_std: 0.2 }));
  const params = initParams(net, PRNGKey(2), [3]);
  const theta0 = flattenParams(params);
  const model = taylorExpand(net, params, 2);
  const theta = theta0.map((v, i) => v + 0.8 * normal(PRNGKey(3), theta0.length)[i]);
  const e = model.evaluate(theta, x);
  const exact = forward(net, params, theta, x);
  assert.ok(maxAbs(diff(e.f, exact)) <= 1e-11 * maxAbs(exact), `f: ${maxAbs(diff(e.f, exact))}`);
  assert.ok(e.errorEstimate <= 1e-9, `error estimate ${e.errorEstimate}`);
  // The first-order model misses the bilinear term by O(1) at this distance.
  const lin = linearizedModel(net, params).evaluate(theta, x).f;
  assert.ok(maxAbs(diff(lin, exact)) > 1e-2 * maxAbs(exact));
  // ∇θ⟨c, f₂⟩ equals the network's own gradient at θ.
  const c = normal(PRNGKey(4), e.f.length);
  const g = e.vjp(c);
  const gExact = networkModel(net, params).evaluate(theta, x).vjp(c);
  assert.ok(maxAbs(diff(g, gExact)) <= 1e-10 * maxAbs(gExact), `vjp: ${maxAbs(diff(g, gExact))}`);
  // Its tangent kernel is the network's empirical NTK at θ.
  const K = model.ntk(theta, x);
  const Kexact = empiricalNtk(net, unflattenParams(params, theta), x);
  assert.ok(maxAbs(diff(K.data, Kexact.data)) <= 1e-10 * maxAbs(Kexact.data));
});

test('taylorExpand on a real (Erf) net: the order-2 error scales as |Δ|³ and the linearized error as |Δ|²', () => {
  const net = serial(
    Dense({ width: 16, W_std: 1.5, b_std: 0.2 }),
    Erf(),
    Dense({ width: 16, W_std: 1.5 }),
    Erf(),
    Dense({ width: 2 }),
  );
  const params = initParams(net, PRNGKey(5), [3]);
  const theta0 = flattenParams(params);
  const dir = normal(PRNGKey(6), theta0.length);
  const t1 = taylorExpand(net, params, 1);
  const t2 = taylorExpand(net, params, 2);
  const radii = [0.1, 0.05, 0.025, 0.0125];
  const e1: number[] = [];
  const e2: number[] = [];
  for (const r of radii) {
    const theta = theta0.map((v, i) => v + r * dir[i]);
    const exact = forward(net, params, theta, x);
    e1.push(maxAbs(diff(t1.evaluate(theta, x).f, exact)));
    const ev = t2.evaluate(theta, x);
    e2.push(maxAbs(diff(ev.f, exact)));
    assert.ok(
      ev.errorEstimate < 1e-3 * e2[e2.length - 1],
      `finite-difference error ${ev.errorEstimate} ≪ model error`,
    );
  }
  for (let k = 1; k < radii.length; k++) {
    const p1 = Math.log2(e1[k - 1] / e1[k]);
    const p2 = Math.log2(e2[k - 1] / e2[k]);
    assert.ok(p1 > 1.8 && p1 < 2.2, `linearized order ${p1} (errors ${e1.join(', ')})`);
    assert.ok(p2 > 2.7 && p2 < 3.3, `second-order order ${p2} (errors ${e2.join(', ')})`);
    // The gain of the second order grows as Δ shrinks: e₂/e₁ ∝ |Δ|.
    assert.ok(e2[k] / e1[k] < 0.6 * (e2[k - 1] / e1[k - 1]) && e2[k] < e1[k]);
  }
});

test('taylorExpand: training the order-2 model of a quadratic net is training the net (GD, 20 steps, ≤ 1e-9); order 1 is the linearized model', () => {
  const net = serial(Dense({ width: 4, b_std: 0.3 }), Dense({ width: 1, b_std: 0.2 }));
  const params = initParams(net, PRNGKey(7), [3]);
  const y = new Matrix(6, 1, normal(PRNGKey(8), 6));
  const run = (model: ReturnType<typeof networkModel>) =>
    train({ model, xTrain: x, yTrain: y, optimizer: 'gd', lr: 0.3, steps: 20, recordSteps: [20] });
  const a = run(taylorExpand(net, params, 2));
  const b = run(networkModel(net, params));
  const fa = a.fTrain![a.fTrain!.length - 1].data;
  const fb = b.fTrain![b.fTrain!.length - 1].data;
  assert.ok(maxAbs(diff(fa, fb)) <= 1e-9 * maxAbs(fb), `${maxAbs(diff(fa, fb))}`);
  assert.ok(maxAbs(diff(a.theta, b.theta)) <= 1e-9 * maxAbs(b.theta));
  const theta = flattenParams(params).map((v) => v + 0.1);
  const l1 = taylorExpand(net, params, 1).evaluate(theta, x).f;
  assert.deepEqual(Array.from(l1), Array.from(linearizedModel(net, params).evaluate(theta, x).f));
  assert.throws(() => taylorExpand(net, params, 3 as 2), /order must be 1 or 2, got 3/);
  assert.throws(() => taylorExpand(net, params, 2, { step: -1 }), /step must be a finite number > 0, got -1/);
});
