import { test } from 'node:test';
import assert from 'node:assert/strict';
import { erf } from '../../special/erf.js';
import { PRNGKey, normal } from '../../random/index.js';
import type { Tensor } from '../types.js';
import { Abs, ABRelu, LeakyRelu, Relu } from './abRelu.js';
import { Erf } from './erf.js';
import type { EntrywiseLayer } from '../entrywise.js';

/**
 * The dedicated loops of the closed-form activations (src/nn/activation.ts) against the definitions
 * written out here per element: forward φ, backward g·φ'(x) and JVP t·φ'(x), equal to the last bit
 * (±0 aside), on random inputs plus the kink, signed zeros, subnormals and huge values.
 */
const SPECIAL = [0, -0, 5e-324, -5e-324, 1e-300, -1e-300, 1, -1, 1e300, -1e300, 7.5, -7.5];

function inputs(seed: number, n: number): Float64Array {
  const r = normal(PRNGKey(seed), n);
  const x = new Float64Array(n + SPECIAL.length);
  x.set(r);
  x.set(SPECIAL, n);
  return x;
}

function check(
  layer: EntrywiseLayer,
  phi: (x: number) => number,
  dphi: (x: number) => number,
  what: string,
): void {
  const x = inputs(1, 257);
  const g = normal(PRNGKey(2), x.length);
  const t: Tensor = { shape: [x.length / 1, 1], data: x };
  const { y, cache } = layer.forward({}, t);
  const gx = layer.backward({}, cache, { shape: t.shape, data: g }).gx as Tensor;
  const tv = layer.jvp({}, cache, { shape: t.shape, data: g }, {}) as Tensor;
  const t0 = layer.jvp({}, cache, null, {}) as Tensor;
  for (let i = 0; i < x.length; i++) {
    const yi = (y as Tensor).data[i];
    assert.ok(yi === phi(x[i]), `${what}: φ(${x[i]}) = ${yi}, expected ${phi(x[i])}`);
    assert.ok(gx.data[i] === g[i] * dphi(x[i]), `${what}: backward at ${x[i]}: ${gx.data[i]}`);
    assert.ok(tv.data[i] === g[i] * dphi(x[i]), `${what}: jvp at ${x[i]}: ${tv.data[i]}`);
    assert.equal(t0.data[i], 0);
  }
}

test('Relu / LeakyRelu / Abs / ABRelu: forward, backward and JVP loops = the piecewise-linear definition', () => {
  check(
    Relu(),
    (x) => (x > 0 ? x : 0),
    (x) => (x > 0 ? 1 : 0),
    'Relu',
  );
  check(
    LeakyRelu({ alpha: 0.01 }),
    (x) => (x > 0 ? x : 0.01 * x),
    (x) => (x > 0 ? 1 : 0.01),
    'LeakyRelu',
  );
  check(
    Abs(),
    (x) => Math.abs(x),
    (x) => (x > 0 ? 1 : -1),
    'Abs',
  );
  check(
    ABRelu({ a: -0.3, b: 1.7 }),
    (x) => (x > 0 ? 1.7 * x : -0.3 * x),
    (x) => (x > 0 ? 1.7 : -0.3),
    'ABRelu',
  );
});

test('Erf(a, b, c): forward, backward and JVP loops = a·erf(b·x) + c and a·b·(2/√π)·exp(−b²x²)', () => {
  for (const [a, b, c] of [
    [1, 1, 0],
    [1.3, 0.4, -0.2],
    [-2, 3, 0.5],
  ]) {
    check(
      Erf({ a, b, c }),
      (x) => a * erf(b * x) + c,
      (x) => a * b * (2 / Math.sqrt(Math.PI)) * Math.exp(-b * b * x * x),
      `Erf(${a}, ${b}, ${c})`,
    );
  }
});
