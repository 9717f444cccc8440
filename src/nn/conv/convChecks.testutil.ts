import assert from 'node:assert/strict';
import { PRNGKey, normal, split } from '../../random/index.js';
import type { Layer, Params, Tensor } from '../types.js';

/** Checks shared by the convolutional layers' tests (test helper, not part of the package). */

const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, i) => s + v * b[i], 0);

export /** ⟨gy, J·t⟩ = ⟨Jᵀ·gy, t⟩ (backward vs JVP), JVP vs central differences, perExampleGrads vs per-example backward. */
function checkDerivatives(layer: Layer, inShape: number[], N: number, seed: number): void {
  const [k1, k2, k3, k4] = split(PRNGKey(seed), 4);
  const params = layer.init(k1, inShape) as { [k: string]: Tensor };
  const x: Tensor = { shape: [N, ...inShape], data: normal(k2, N * inShape.reduce((a, b) => a * b, 1)) };
  const { y, cache } = layer.forward(params, x);
  const yt = y as Tensor;
  const gy: Tensor = { shape: yt.shape, data: normal(k3, yt.data.length) };
  const tx: Tensor = { shape: x.shape, data: normal(k4, x.data.length) };
  const tp: { [k: string]: Tensor } = {};
  let s = 10;
  for (const [name, t] of Object.entries(params))
    tp[name] = { shape: t.shape, data: normal(PRNGKey(s++), t.data.length) };
  const hasParams = Object.keys(params).length > 0;
  const ty = layer.jvp(params, cache, tx, hasParams ? tp : null) as Tensor;
  const { gx, gparams } = layer.backward(params, cache, gy);
  let rhs = dot((gx as Tensor).data, tx.data);
  for (const name of Object.keys(params))
    rhs += dot((gparams as { [k: string]: Tensor })[name].data, tp[name].data);
  const lhs = dot(gy.data, ty.data);
  assert.ok(
    Math.abs(lhs - rhs) <= 1e-10 * Math.max(1, Math.abs(lhs)),
    `${layer.type}: ⟨gy, J t⟩ = ${lhs} vs ⟨Jᵀ gy, t⟩ = ${rhs}`,
  );
  // JVP vs central differences of the forward map (linear layers: exact up to rounding)
  const h = 1e-4;
  const shift = (sgn: number): Float64Array => {
    const xs: Tensor = { shape: x.shape, data: x.data.map((v, i) => v + sgn * h * tx.data[i]) };
    const ps: Params = hasParams
      ? Object.fromEntries(
          Object.entries(params).map(([k, t]) => [
            k,
            { shape: t.shape, data: t.data.map((v, i) => v + sgn * h * tp[k].data[i]) },
          ]),
        )
      : params;
    return (layer.forward(ps, xs).y as Tensor).data;
  };
  const yp = shift(1);
  const ym = shift(-1);
  for (let i = 0; i < ty.data.length; i++) {
    const fd = (yp[i] - ym[i]) / (2 * h);
    assert.ok(
      Math.abs(fd - ty.data[i]) < 1e-6 * Math.max(1, Math.abs(fd)),
      `${layer.type}: JVP entry ${i}: ${ty.data[i]} vs ${fd}`,
    );
  }
  if (layer.perExampleGrads) {
    const P = Object.values(params).reduce((a, t) => a + t.data.length, 0);
    const out = new Float64Array(N * P);
    layer.perExampleGrads(params, x, gy, out);
    const per = x.data.length / N;
    const perY = gy.data.length / N;
    for (let n = 0; n < N; n++) {
      const xn: Tensor = { shape: [1, ...inShape], data: x.data.slice(n * per, (n + 1) * per) };
      const r = layer.forward(params, xn);
      const g = layer.backward(params, r.cache, {
        shape: [1, ...yt.shape.slice(1)],
        data: gy.data.slice(n * perY, (n + 1) * perY),
      }).gparams as { [k: string]: Tensor };
      const flat = Object.keys(params).flatMap((k) => [...g[k].data]);
      for (let i = 0; i < P; i++)
        assert.ok(
          Math.abs(out[n * P + i] - flat[i]) < 1e-12 * Math.max(1, Math.abs(flat[i])),
          `perExampleGrads n=${n} i=${i}`,
        );
    }
  }
}

/**
 * Analytic NNGP and NTK (kernelFn) of `net(1, 1)` against the Monte Carlo average over `samples` seeded
 * initializations of the finite network `net(width, out)` (monteCarloKernel; `out` the readout width: `width` for
 * the NNGP, whose estimate averages the outputs, 1 for the NTK): the relative Frobenius errors
 * ‖K_MC − K‖_F / ‖K‖_F of both kernels, and the same for kernelFn with the other spatial layout when
 * `bothLayouts` (they must agree to rounding: each layer's map is exact on both).
 */
export async function monteCarloErrors(
  net: (width: number, out: number) => Layer,
  x: Tensor,
  opts: { width?: number; samples?: number; seed?: number; layouts?: readonly boolean[] } = {},
): Promise<{ nngp: number; ntk: number; layoutGap: number }> {
  const { kernelFn } = await import('../../kernels/kernelFn.js');
  const { monteCarloKernel } = await import('../../empirical/monteCarlo.js');
  const { relativeFrobeniusError } = await import('../../linalg/elementwise.js');
  const exact = kernelFn(net(1, 1), x, null, { threads: 1 });
  let layoutGap = 0;
  for (const diagonalSpatial of opts.layouts ?? []) {
    const other = kernelFn(net(1, 1), x, null, { threads: 1, diagonalSpatial });
    layoutGap = Math.max(
      layoutGap,
      relativeFrobeniusError(other.nngp, exact.nngp),
      relativeFrobeniusError(other.ntk, exact.ntk),
    );
  }
  const width = opts.width ?? 256;
  const mc = (out: number, get: 'nngp' | 'ntk') =>
    monteCarloKernel(net(width, out), x, null, {
      samples: opts.samples ?? 32,
      key: PRNGKey(opts.seed ?? 7),
      get,
    });
  return {
    nngp: relativeFrobeniusError(mc(width, 'nngp').nngp!, exact.nngp),
    ntk: relativeFrobeniusError(mc(1, 'ntk').ntk!, exact.ntk),
    layoutGap,
  };
}

/** A seeded standard-normal batch of the given shape. */
export function randomBatch(seed: number, shape: number[]): Tensor {
  return {
    shape,
    data: normal(
      PRNGKey(seed),
      shape.reduce((a, b) => a * b, 1),
    ),
  };
}

/**
 * The NNGP after one bias-free convolution layer with one output channel, from its finite forward map alone:
 * Σ'(x, x')(o, o') = E_W[y(x)(o)·y(x')(o')] = Σ_j y_j(x)(o)·y_j(x')(o') over the one-hot filters W = e_j (W ~ N(0, I)),
 * with δ(o, o') for unshared filters (`local`: a filter per position, all set to e_j). Reduced as Flatten does,
 * (1/Q)·Σ_o Σ'(o, o), and as GlobalAvgPool does, (1/Q²)·Σ_{o, o'} Σ'(o, o'); N × N row-major each.
 */
export function nngpFromForward(
  layer: Layer,
  x: Tensor,
  local: boolean,
): { flat: Float64Array; gap: Float64Array } {
  const N = x.shape[0];
  const inShape = x.shape.slice(1);
  const W0 = (layer.init(PRNGKey(0), inShape) as { W: Tensor }).W;
  const Q = (layer.outShape(inShape) as number[]).slice(0, -1).reduce((a, b) => a * b, 1);
  const block = local ? W0.data.length / Q : W0.data.length;
  const flat = new Float64Array(N * N);
  const gap = new Float64Array(N * N);
  for (let j = 0; j < block; j++) {
    const W = new Float64Array(W0.data.length);
    for (let o = 0; o < W.length; o += block) W[o + j] = 1;
    const y = (layer.forward({ W: { shape: W0.shape, data: W } }, x).y as Tensor).data;
    for (let n = 0; n < N; n++)
      for (let m = 0; m < N; m++) {
        let f = 0;
        let sn = 0;
        let sm = 0;
        for (let o = 0; o < Q; o++) {
          f += y[n * Q + o] * y[m * Q + o];
          sn += y[n * Q + o];
          sm += y[m * Q + o];
        }
        flat[n * N + m] += f / Q;
        gap[n * N + m] += (local ? f : sn * sm) / (Q * Q);
      }
  }
  return { flat, gap };
}
