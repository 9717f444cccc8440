import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRNGKey, normal } from '../../random/index.js';
import type { Layer, Tensor } from '../types.js';
import { Exp } from './exp.js';
import { Gabor } from './gabor.js';
import { Gaussian } from './gaussian.js';
import { Hermite } from './hermite.js';
import { Monomial, Polynomial } from './polynomial.js';
import { RectifiedMonomial } from './rectifiedMonomial.js';
import { SigmoidLike } from './sigmoidLike.js';
import { Sign } from './sign.js';

/** VJP and JVP of the closed-form activations against central differences of the forward map (h = 1e-6). */
test('closed-form activations: VJP and JVP = central differences of forward', () => {
  const layers: Layer[] = [
    Hermite({ degree: 4 }),
    Monomial({ degree: 3 }),
    Polynomial({ coef: [0.1, 1, -0.5, 0.2] }),
    RectifiedMonomial({ degree: 2 }),
    Exp({ a: 0.8, b: 0.6 }),
    Gaussian({ a: 1.5, b: -0.7 }),
    Gabor({ a: 1.2, b: 0.3, omega: 1.5, phase: 0.4 }),
    SigmoidLike(),
    Sign(),
  ];
  const x: Tensor = { shape: [8, 4], data: normal(PRNGKey(3), 32) };
  const g: Tensor = { shape: [8, 4], data: normal(PRNGKey(4), 32) };
  const h = 1e-6;
  for (const layer of layers) {
    const { cache } = layer.forward({}, x);
    const gx = (layer.backward({}, cache, g).gx as Tensor).data;
    const tx = (layer.jvp({}, cache, g, {}) as Tensor).data;
    for (let i = 0; i < 32; i++) {
      const plus = Float64Array.from(x.data);
      const minus = Float64Array.from(x.data);
      plus[i] += h;
      minus[i] -= h;
      const yp = (layer.forward({}, { shape: x.shape, data: plus }).y as Tensor).data[i];
      const ym = (layer.forward({}, { shape: x.shape, data: minus }).y as Tensor).data[i];
      const fd = ((yp - ym) / (2 * h)) * g.data[i];
      const tol = 1e-6 * Math.max(1, Math.abs(fd));
      assert.ok(Math.abs(gx[i] - fd) <= tol, `${layer.type} VJP[${i}]: ${gx[i]} vs ${fd}`);
      assert.ok(Math.abs(tx[i] - fd) <= tol, `${layer.type} JVP[${i}]: ${tx[i]} vs ${fd}`);
    }
  }
});
