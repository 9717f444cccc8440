import assert from 'node:assert/strict';
import { monteCarloKernel } from '../../empirical/monteCarlo.js';
import { kernelFn } from '../../kernels/kernelFn.js';
import type { Matrix } from '../../linalg/matrix.js';
import { PRNGKey, normal, split } from '../../random/index.js';
import { backward, forward } from '../network.js';
import { flattenParams, unflattenParams } from '../params.js';
import type { Layer, Tensor } from '../types.js';

/** Checks shared by the tests of the attention, graph and product layers. */

export function randTensor(seed: number, shape: number[]): Tensor {
  return {
    shape,
    data: normal(
      PRNGKey(seed),
      shape.reduce((a, b) => a * b, 1),
    ),
  };
}

const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, i) => s + v * b[i], 0);

/**
 * VJP and JVP against central finite differences of the forward map: for a random cotangent g and random
 * directions (tx, tθ), ⟨g, J_x·tx + J_θ·tθ⟩ (central differences of ⟨g, f⟩, step h = 1e-5, error O(h²))
 * must equal ⟨gx, tx⟩ + ⟨gθ, tθ⟩ (VJP) and ⟨g, jvp(tx, tθ)⟩ (JVP) to `tol` relative.
 */
export function checkGradients(net: Layer, x: Tensor, seed: number, tol = 1e-6): void {
  const [kp, kg, kt, ktp] = split(PRNGKey(seed), 4);
  const inShape = x.shape.slice(1);
  const params = net.init(kp, inShape);
  const outShape = net.outShape(inShape) as number[];
  const g: Tensor = {
    shape: [x.shape[0], ...outShape],
    data: normal(kg, x.shape[0] * outShape.reduce((a, b) => a * b, 1)),
  };
  const tx: Tensor = { shape: x.shape, data: normal(kt, x.data.length) };
  const theta = flattenParams(params);
  const ttheta = normal(ktp, theta.length);
  const f = (xd: Float64Array, th: Float64Array): number =>
    dot(g.data, forward(net, unflattenParams(params, th), { shape: x.shape, data: xd }).y.data);
  const h = 1e-5;
  const fd =
    (f(
      x.data.map((v, i) => v + h * tx.data[i]),
      theta.map((v, i) => v + h * ttheta[i]),
    ) -
      f(
        x.data.map((v, i) => v - h * tx.data[i]),
        theta.map((v, i) => v - h * ttheta[i]),
      )) /
    (2 * h);
  const { cache } = forward(net, params, x);
  const { gx, gparams } = backward(net, params, cache, g);
  const vjp = dot(gx.data, tx.data) + dot(flattenParams(gparams), ttheta);
  const jvp = dot(g.data, (net.jvp(params, cache, tx, unflattenParams(params, ttheta)) as Tensor).data);
  const scale = Math.max(1, Math.abs(fd));
  assert.ok(Math.abs(vjp - fd) < tol * scale, `VJP ${vjp} vs central differences ${fd}`);
  assert.ok(Math.abs(jvp - fd) < tol * scale, `JVP ${jvp} vs central differences ${fd}`);
}

/** ‖A − B‖_F / ‖B‖_F. */
export function relFrobenius(a: Matrix, b: Matrix): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.data.length; i++) {
    num += (a.data[i] - b.data[i]) ** 2;
    den += b.data[i] ** 2;
  }
  return Math.sqrt(num / den);
}

/**
 * The analytic NNGP and NTK of `narrow` (kernelFn; widths do not matter) against the Monte Carlo average over
 * `samples` seeded initializations of `wide` (the same architecture at width ≥ 256, its readout as wide too, so the
 * one-draw NNGP f·fᵀ/O averages over O outputs; `wideNtk`, when given, the same network with a one-unit readout
 * for the NTK, whose traced per-draw estimate needs no wide readout): relative Frobenius error of
 * each ≤ `tol`. Returns the two errors for the test's diagnostics.
 */
export function checkMonteCarlo(
  narrow: Layer,
  wide: Layer,
  x: Tensor,
  opts: { samples?: number; seed?: number; tol?: number; wideNtk?: Layer } = {},
): { nngp: number; ntk: number } {
  const exact = kernelFn(narrow, x, null);
  const S = opts.samples ?? 32;
  const key = PRNGKey(opts.seed ?? 7);
  let nngp: Matrix;
  let ntk: Matrix;
  if (opts.wideNtk === undefined) {
    const mc = monteCarloKernel(wide, x, null, { samples: S, key });
    nngp = mc.nngp!;
    ntk = mc.ntk!;
  } else {
    nngp = monteCarloKernel(wide, x, null, { samples: S, key, get: 'nngp' }).nngp!;
    ntk = monteCarloKernel(opts.wideNtk, x, null, { samples: S, key, get: 'ntk' }).ntk!;
  }
  const err = { nngp: relFrobenius(nngp, exact.nngp), ntk: relFrobenius(ntk, exact.ntk) };
  const tol = opts.tol ?? 0.05;
  assert.ok(err.nngp <= tol, `NNGP: relative Frobenius error ${err.nngp.toFixed(4)} > ${tol}`);
  assert.ok(err.ntk <= tol, `NTK: relative Frobenius error ${err.ntk.toFixed(4)} > ${tol}`);
  return err;
}
