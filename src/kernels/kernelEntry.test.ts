import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NtkInputError, NtkMemoryError, NtkNumericalError, NtkTypeError } from '../errors.js';
import { Matrix } from '../linalg/matrix.js';
import { Dense, Relu, serial } from '../nn/index.js';
import type { Layer } from '../nn/types.js';
import { PRNGKey, normal } from '../random/index.js';
import { inputKernel } from './inputKernel.js';
import { kernelFn } from './kernelFn.js';

/** The entry guards of kernelFn / inputKernel: arguments, 0 features, scaled input covariance, memory, overflow. */
const net = serial(
  Dense({ width: 8, W_std: 1.5, b_std: 0.1 }),
  Relu(),
  Dense({ width: 1, W_std: 1.5, b_std: 0.1 }),
);
const linear = serial(Dense({ width: 8, W_std: 1, b_std: null }), Dense({ width: 1, W_std: 1, b_std: null }));

test('kernelFn names a missing network or input', () => {
  const x = new Matrix(2, 3, normal(PRNGKey(0), 6));
  assert.throws(
    () => kernelFn(undefined as unknown as Layer, x),
    (e: unknown) => e instanceof NtkTypeError && /kernelFn: net must be a network/.test(e.message),
  );
  assert.throws(
    () => kernelFn(net, undefined as unknown as Matrix),
    (e: unknown) => e instanceof NtkTypeError && /kernelFn: x1 .* is missing/.test(e.message),
  );
});

test('kernelFn and inputKernel refuse inputs with 0 features (N×0 gave an all-NaN kernel)', () => {
  const x = new Matrix(4, 0);
  assert.throws(
    () => kernelFn(net, x),
    (e: unknown) => e instanceof NtkInputError && /no features/.test(e.message),
  );
  assert.throws(
    () => inputKernel(x),
    (e: unknown) => e instanceof NtkInputError && /no features/.test(e.message),
  );
  assert.throws(() => kernelFn(net, { shape: [2, 3, 0, 1], data: new Float64Array(0) }), /no features/);
});

test('input covariance in scaled form: Σ⁰ of |x| ≈ 1e153, d = 1000, is c²·Σ⁰(x/c) exactly (plain sums overflow)', () => {
  const n = 3;
  const d = 1000;
  const base = normal(PRNGKey(7), n * d);
  const c = 2 ** 510; // ≈ 3.4e153: Σ x² ≈ 1e309 overflows, Σ⁰ = Σ x²/d ≈ 1e306 does not
  const big = new Matrix(
    n,
    d,
    base.map((v) => v * c),
  );
  const small = new Matrix(n, d, base);
  const kb = inputKernel(big);
  const ks = inputKernel(small);
  for (let k = 0; k < n * n; k++) {
    assert.ok(Number.isFinite(kb.nngp[k]));
    assert.equal(kb.nngp[k], ks.nngp[k] * c * c); // powers of two: exact
  }
  for (let i = 0; i < n; i++) assert.equal(kb.var1[i], ks.var1[i] * c * c);
  // the whole linear network (no sqrt of products): the true, finite kernel, homogeneous of degree 2
  const rb = kernelFn(linear, big, null, { get: 'ntk' }).ntk!;
  const rs = kernelFn(linear, small, null, { get: 'ntk' }).ntk!;
  for (let k = 0; k < n * n; k++) assert.equal(rb.data[k], rs.data[k] * c * c);
});

test('a kernel that overflows float64 is refused with NtkNumericalError, never returned as ±∞/NaN', () => {
  const x = new Matrix(
    3,
    2,
    normal(PRNGKey(1), 6).map((v) => v * 1e200),
  );
  assert.throws(
    () => kernelFn(net, x, null, { get: 'ntk' }),
    (e: unknown) => e instanceof NtkNumericalError && /not representable in float64/.test(e.message),
  );
  assert.throws(() => kernelFn(net, x, null, { get: 'nngp' }), NtkNumericalError);
});

test('memory plan: a kernel past the limit is refused before allocation, naming the size, what fits and the remedy', () => {
  const x = new Matrix(60000, 2); // inputs only: 1 MB; the two 60000² kernels would need 53.6 GiB
  const t0 = performance.now();
  assert.throws(
    () => kernelFn(net, x, null, { memoryLimitBytes: 6 * 2 ** 30 }),
    (e: unknown) =>
      e instanceof NtkMemoryError &&
      e.neededBytes === 2 * 8 * 60000 * 60000 &&
      /53\.64 GiB/.test(e.message) &&
      /6\.00 GiB/.test(e.message) &&
      /about 6710 rows of x1 fit/.test(e.message) &&
      /slices of x1/.test(e.message),
  );
  assert.ok(performance.now() - t0 < 2000);
  // a job that fits is computed
  const y = new Matrix(3, 2, normal(PRNGKey(2), 6));
  assert.equal(kernelFn(net, y, null, { memoryLimitBytes: 1000 }).ntk!.rows, 3);
  assert.throws(() => kernelFn(net, y, null, { memoryLimitBytes: 100 }), NtkMemoryError);
});
