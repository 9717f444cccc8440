import { test } from 'node:test';
import assert from 'node:assert/strict';
import { monteCarloKernel } from '../../empirical/monteCarlo.js';
import { kernelFn } from '../../kernels/kernelFn.js';
import { Matrix } from '../../linalg/matrix.js';
import { PRNGKey, normal } from '../../random/index.js';
import { serial } from '../combinators/serial.js';
import { Dense } from '../dense.js';
import type { Layer } from '../types.js';
import { Exp } from './exp.js';
import { Gabor } from './gabor.js';
import { Gaussian } from './gaussian.js';
import { Hermite } from './hermite.js';
import { Monomial, Polynomial } from './polynomial.js';
import { RectifiedMonomial } from './rectifiedMonomial.js';
import { Sign } from './sign.js';
import { SigmoidLike } from './sigmoidLike.js';

/**
 * Analytic NNGP and NTK of Dense(256) → φ → Dense(128) against Monte Carlo of the finite network (128
 * initializations, seeded; Hermite(3) is left out: He₃ has heavy tails, E[φ⁴] ≈ 93, and needs width ≥ 1024 for 5 %): relative Frobenius error ≤ 5 %. Inputs have ‖x‖²/d = 1 and W_std = 1 without bias,
 * so the pre-activations have unit variance (Hermite's condition).
 */
const WIDTH = 256;
const SAMPLES = 128;
const READOUT = 128;

function inputs(): Matrix {
  const [n, d] = [5, 6];
  const r = normal(PRNGKey(11), n * d);
  for (let i = 0; i < n; i++) {
    let q = 0;
    for (let j = 0; j < d; j++) q += r[i * d + j] ** 2;
    const scale = Math.sqrt(d / q);
    for (let j = 0; j < d; j++) r[i * d + j] *= scale;
  }
  return new Matrix(n, d, r);
}

function relFro(a: Float64Array, b: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

const CASES: [string, () => Layer][] = [
  ['Hermite(2)', () => Hermite({ degree: 2 })],
  ['Monomial(2)', () => Monomial({ degree: 2 })],
  ['Polynomial', () => Polynomial({ coef: [0.1, 1, -0.5, 0.2] })],
  ['RectifiedMonomial(1)', () => RectifiedMonomial({ degree: 1 })],
  ['RectifiedMonomial(2)', () => RectifiedMonomial({ degree: 2 })],
  ['Exp', () => Exp({ a: 0.8, b: 0.6 })],
  ['Gaussian', () => Gaussian({ a: 1.5, b: -0.7 })],
  ['Sign', () => Sign()],
  ['Gabor', () => Gabor({ a: 1.2, b: 0.3, omega: 1.5, phase: 0.4 })],
  ['Sigmoid_like', () => SigmoidLike()],
];

test('closed-form activations: analytic NNGP/NTK of Dense→φ→Dense = Monte Carlo of the finite network within 5 %', () => {
  const x = inputs();
  CASES.forEach(([name, act], i) => {
    const net = serial(Dense({ width: WIDTH, W_std: 1 }), act(), Dense({ width: READOUT, W_std: 1 }));
    const exact = kernelFn(net, x);
    const mc = monteCarloKernel(net, x, null, { samples: SAMPLES, key: PRNGKey(100 + i) });
    const eN = relFro(mc.nngp!.data, exact.nngp.data);
    const eT = relFro(mc.ntk!.data, exact.ntk.data);
    assert.ok(eN <= 0.05, `${name}: NNGP relative Frobenius error ${eN}`);
    assert.ok(eT <= 0.05, `${name}: NTK relative Frobenius error ${eT}`);
  });
});
