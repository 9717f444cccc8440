// The result type of kernelFn follows `get`. The `@ts-expect-error` lines are compile-time assertions
// (the build fails when a type stops following the call); the tests check that the runtime agrees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '../linalg/matrix.js';
import { Dense } from '../nn/index.js';
import { kernelFn, type KernelGetSpec } from './kernelFn.js';

const x = Matrix.fromRows([
  [1, 2],
  [-0.5, 1.5],
]);
// One Dense layer (NTK parameterization, Σ⁰ = ⟨x, x'⟩/d, Θ⁰ = 0): Σ = Θ = W_std²·⟨x, x'⟩/d + b_std².
const net = Dense({ width: 1, W_std: 1.5, b_std: 0.1 });
const exact = (i: number, j: number): number =>
  (1.5 ** 2 * (x.get(i, 0) * x.get(j, 0) + x.get(i, 1) * x.get(j, 1))) / 2 + 0.1 ** 2;

test('kernelFn without get: both kernels, typed non-optional', () => {
  const { nngp, ntk } = kernelFn(net, x);
  assert.ok(Math.abs(nngp.get(0, 1) - exact(0, 1)) < 1e-14);
  assert.ok(Math.abs(ntk.get(1, 1) - exact(1, 1)) < 1e-14);
  const withOpts = kernelFn(net, x, null, { threads: 1 });
  assert.ok(withOpts.ntk.get(0, 0) > 0 && withOpts.nngp.get(0, 0) > 0);
});

test("kernelFn get: 'ntk' — ntk present, nngp typed and returned as undefined", () => {
  const r = kernelFn(net, x, null, { get: 'ntk' });
  assert.ok(Math.abs(r.ntk.get(0, 1) - exact(0, 1)) < 1e-14);
  // @ts-expect-error nngp was not asked for (compiled, never called)
  void (() => r.nngp.get(0, 0));
  assert.equal(r.nngp, undefined);
});

test('kernelFn get: a tuple of names — each present', () => {
  const a = kernelFn(net, x, x, { get: ['nngp'] });
  assert.ok(Math.abs(a.nngp.get(1, 0) - exact(1, 0)) < 1e-14);
  assert.equal(a.ntk, undefined);
  const b = kernelFn(net, x, null, { get: ['ntk', 'nngp'] });
  assert.ok(b.ntk.get(0, 0) > 0 && b.nngp.get(0, 0) > 0);
});

test('kernelFn get known only as a KernelGetSpec: each kernel optional', () => {
  const get: KernelGetSpec = ['ntk'] as KernelGetSpec;
  const r = kernelFn(net, x, null, { get });
  // @ts-expect-error ntk may be missing when get is not a literal (compiled, never called)
  void (() => r.ntk.get(0, 0));
  assert.ok(r.ntk !== undefined && Math.abs(r.ntk.get(0, 0) - exact(0, 0)) < 1e-14);
  assert.equal(r.nngp, undefined);
});
