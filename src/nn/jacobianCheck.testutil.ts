import assert from 'node:assert/strict';
import { PRNGKey, normal, split } from '../random/index.js';
import type { Layer, Tensor } from './types.js';

/**
 * Checks a parameterless layer's derivative rules at a random point x: the JVP against central differences of
 * the forward map, (f(x + h·t) − f(x − h·t))/(2h) (error O(h²)), and the VJP as the JVP's adjoint,
 * ⟨g, J·t⟩ = ⟨Jᵀ·g, t⟩, to rounding.
 */
export function checkParameterlessDerivatives(
  layer: Layer,
  inShape: readonly number[],
  N: number,
  seed: number,
  tol = 1e-7,
): void {
  const [k1, k2, k3] = split(PRNGKey(seed), 3);
  const size = N * inShape.reduce((a, b) => a * b, 1);
  const x: Tensor = { shape: [N, ...inShape], data: normal(k1, size) };
  const t: Tensor = { shape: x.shape, data: normal(k2, size) };
  const { y, cache } = layer.forward({}, x);
  const yt = y as Tensor;
  const ty = layer.jvp({}, cache, t, null) as Tensor;
  const h = 1e-5;
  const at = (sgn: number): Float64Array =>
    (layer.forward({}, { shape: x.shape, data: x.data.map((v, i) => v + sgn * h * t.data[i]) }).y as Tensor)
      .data;
  const yp = at(1);
  const ym = at(-1);
  for (let i = 0; i < ty.data.length; i++) {
    const fd = (yp[i] - ym[i]) / (2 * h);
    assert.ok(
      Math.abs(fd - ty.data[i]) <= tol * Math.max(1, Math.abs(fd)),
      `${layer.type}: JVP entry ${i}: ${ty.data[i]} vs central difference ${fd}`,
    );
  }
  const g: Tensor = { shape: yt.shape, data: normal(k3, yt.data.length) };
  const gx = (layer.backward({}, cache, g).gx as Tensor).data;
  let lhs = 0;
  let rhs = 0;
  for (let i = 0; i < g.data.length; i++) lhs += g.data[i] * ty.data[i];
  for (let i = 0; i < gx.length; i++) rhs += gx[i] * t.data[i];
  assert.ok(
    Math.abs(lhs - rhs) <= 1e-11 * Math.max(1, Math.abs(lhs)),
    `${layer.type}: ⟨g, J t⟩ = ${lhs} vs ⟨Jᵀ g, t⟩ = ${rhs}`,
  );
}
