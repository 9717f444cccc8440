import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRNGKey, normal, split } from '../random/index.js';
import {
  Abs,
  ABRelu,
  Cos,
  Dense,
  Elementwise,
  Erf,
  FanInConcat,
  FanInSum,
  FanOut,
  Gelu,
  Identity,
  LeakyRelu,
  Rbf,
  Relu,
  Sin,
  parallel,
  serial,
  flattenParams,
  unflattenParams,
  paramCount,
  forward,
  backward,
} from './index.js';
import type { Layer, Params, Tensor } from './types.js';

/**
 * Backward (VJP), forward-mode (JVP) and per-example gradients of every layer, checked against central
 * finite differences of the forward map: for a random cotangent g and random directions (tx, tθ),
 *   ⟨g, J_x·tx + J_θ·tθ⟩ (finite differences of ⟨g, f⟩)  =  ⟨gx, tx⟩ + ⟨gθ, tθ⟩ (VJP)  =  ⟨g, jvp(tx, tθ)⟩.
 */

function randTensor(key: Uint32Array | Readonly<Uint32Array>, shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { shape, data: normal(key, n) };
}
const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, i) => s + v * b[i], 0);

function checkGradients(
  name: string,
  net: Layer,
  inShape: number[],
  N: number,
  seed: number,
  tol = 1e-6,
): void {
  const [kp, kx, kg, kt, ktp] = split(PRNGKey(seed), 5);
  const params = net.init(kp, inShape);
  // keep inputs away from kinks (x = 0) so the finite differences are valid
  const x = randTensor(kx, [N, ...inShape]);
  const outShape = net.outShape(inShape) as number[];
  const g = randTensor(kg, [N, ...outShape]);
  const tx = randTensor(kt, [N, ...inShape]);
  const theta = flattenParams(params);
  const ttheta = normal(ktp, theta.length);
  const f = (xd: Float64Array, th: Float64Array): number => {
    const y = forward(net, unflattenParams(params, th), { shape: x.shape, data: xd }).y;
    return dot(g.data, y.data);
  };
  const h = 1e-5;
  const xp = x.data.map((v, i) => v + h * tx.data[i]);
  const xm = x.data.map((v, i) => v - h * tx.data[i]);
  const tp = theta.map((v, i) => v + h * ttheta[i]);
  const tm = theta.map((v, i) => v - h * ttheta[i]);
  const fd = (f(xp, tp) - f(xm, tm)) / (2 * h);
  const { cache } = forward(net, params, x);
  const { gx, gparams } = backward(net, params, cache, g);
  const vjp = dot(gx.data, tx.data) + dot(flattenParams(gparams), ttheta);
  const tangent = net.jvp(params, cache, tx, unflattenParams(params, ttheta)) as Tensor;
  const jvp = dot(g.data, tangent.data);
  const scale = Math.max(1, Math.abs(fd));
  assert.ok(Math.abs(vjp - fd) < tol * scale, `${name}: VJP ${vjp} vs finite differences ${fd}`);
  assert.ok(Math.abs(jvp - fd) < tol * scale, `${name}: JVP ${jvp} vs finite differences ${fd}`);
  assert.equal(flattenParams(gparams).length, paramCount(params));
}

const D = (width: number, b_std: number | null = 0.3, parameterization: 'ntk' | 'standard' = 'ntk') =>
  Dense({ width, W_std: 1.3, b_std, parameterization });

test('VJP and JVP of every layer agree with central finite differences', () => {
  const acts: [string, Layer][] = [
    ['Relu', Relu()],
    ['ABRelu', ABRelu({ a: -0.4, b: 1.7 })],
    ['LeakyRelu', LeakyRelu({ alpha: 0.1 })],
    ['Abs', Abs()],
    ['Erf', Erf({ a: 1.2, b: 0.8, c: 0.1 })],
    ['Gelu', Gelu()],
    ['Sin', Sin({ a: 0.9, b: 1.4, c: 0.3 })],
    ['Cos', Cos({ a: 1, b: 2, c: 0.1 })],
    ['Rbf', Rbf({ gamma: 0.7 })],
    ['Elementwise(tanh)', Elementwise({ fn: 'tanh' })],
    ['Identity', Identity()],
  ];
  acts.forEach(([name, act], i) => checkGradients(name, serial(D(5), act, D(3)), [4], 6, 100 + i));
  checkGradients('Dense ntk no bias', serial(D(7, null), Relu(), D(2, null)), [3], 5, 7);
  checkGradients('Dense standard', serial(D(7, 0.2, 'standard'), Erf(), D(2, 0.5, 'standard')), [3], 5, 8);
  checkGradients(
    'residual block',
    serial(D(6), FanOut(2), parallel(serial(Relu(), D(6)), Identity()), FanInSum(), Relu(), D(1)),
    [3],
    4,
    9,
  );
  checkGradients(
    'concat',
    serial(D(4), FanOut(2), parallel(serial(Relu(), D(3)), serial(Erf(), D(5))), FanInConcat(), D(2)),
    [3],
    4,
    10,
  );
  checkGradients('spatial Dense', serial(D(5), Gelu(), D(2)), [3, 4], 3, 11);
});

test('perExampleGrads rows equal per-example backward passes (Dense, with tap)', () => {
  for (const parameterization of ['ntk', 'standard'] as const) {
    for (const inShape of [[4], [2, 4]]) {
      const net = serial(
        Dense({ width: 5, W_std: 1.1, b_std: 0.4, parameterization }),
        Relu(),
        Dense({ width: 3, W_std: 0.9, b_std: 0.2, parameterization }),
      );
      const [kp, kx, kg] = split(PRNGKey(3), 3);
      const params = net.init(kp, inShape);
      const N = 4;
      const x = randTensor(kx, [N, ...inShape]);
      const outShape = net.outShape(inShape) as number[];
      const g = randTensor(kg, [N, ...outShape]);
      const { cache } = forward(net, params, x);
      const rows: Float64Array[] = [];
      backward(net, params, cache, g, (layer, p, xin, gy) => {
        const P = paramCount(p);
        const out = new Float64Array(N * P);
        layer.perExampleGrads!(p, xin, gy, out);
        rows.unshift(out); // taps arrive last layer first
      });
      assert.equal(rows.length, 2);
      const per = g.data.length / N;
      for (let n = 0; n < N; n++) {
        const gn = new Float64Array(g.data.length);
        gn.set(g.data.subarray(n * per, (n + 1) * per), n * per);
        const full = flattenParams(backward(net, params, cache, { shape: g.shape, data: gn }).gparams);
        const P0 = paramCount((params as Params[])[0]);
        const P2 = paramCount((params as Params[])[2]);
        const mine = Float64Array.from([
          ...rows[0].subarray(n * P0, (n + 1) * P0),
          ...rows[1].subarray(n * P2, (n + 1) * P2),
        ]);
        for (let i = 0; i < full.length; i++)
          assert.ok(Math.abs(full[i] - mine[i]) < 1e-12, `${parameterization} [${inShape}] n=${n} i=${i}`);
      }
    }
  }
});

test('flattenParams / unflattenParams round trip; order is depth-first W then b', () => {
  const net = serial(Dense({ width: 2, b_std: 0.1 }), Relu(), Dense({ width: 1, b_std: null }));
  const p = net.init(PRNGKey(0), [3]);
  const v = flattenParams(p);
  assert.equal(v.length, 3 * 2 + 2 + 2 * 1);
  const first = (p as Params[])[0] as { W: Tensor; b: Tensor };
  assert.deepEqual(Array.from(v.subarray(0, 6)), Array.from(first.W.data));
  assert.deepEqual(Array.from(v.subarray(6, 8)), Array.from(first.b.data));
  assert.deepEqual(Array.from(flattenParams(unflattenParams(p, v))), Array.from(v));
  assert.throws(() => unflattenParams(p, new Float64Array(3)), /expected paramCount\(template\) = 10/);
});

test('init is seeded: same key same params; standard init has the documented variance', () => {
  const net = Dense({ width: 400, W_std: 2, b_std: 0.5, parameterization: 'standard' });
  const a = flattenParams(net.init(PRNGKey(5), [100]));
  assert.deepEqual(a, flattenParams(net.init(PRNGKey(5), [100])));
  const W = a.subarray(0, 40000);
  const varW = W.reduce((s, v) => s + v * v, 0) / W.length;
  // W ~ N(0, W_std²/n_in) = N(0, 0.04); the sample variance of 40000 draws has sd 0.04·√(2/40000) ≈ 2.8e-4.
  assert.ok(Math.abs(varW - 0.04) < 0.04 * 0.03, `var W = ${varW}`);
});

test('bad input: clear errors', () => {
  assert.throws(() => Dense({ width: 0 }), /Dense: width must be a positive integer, got 0/);
  assert.throws(() => Dense({ width: 3, W_std: -1 }), /W_std must be a finite number ≥ 0, got -1/);
  assert.throws(() => Dense({ width: 3, b_std: -0.1 }), /b_std must be a finite number ≥ 0 or null/);
  assert.throws(() => Erf({ a: NaN }), /Erf: a must be a finite number/);
  const net = serial(Dense({ width: 3 }), Relu());
  const p = net.init(PRNGKey(1), [2]);
  assert.throws(
    () => forward(net, p, { shape: [1, 2], data: Float64Array.from([1, NaN]) }),
    /entry 1 \(example 0\) is NaN/,
  );
  assert.throws(
    () => forward(net, p, { shape: [1, 4], data: new Float64Array(4) }),
    /params.W must have shape \[4, 3\]/,
  );
});
