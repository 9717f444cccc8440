import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRNGKey, normal, split } from '../../random/index.js';
import type { Layer, Params, Tensor } from '../types.js';
import { AvgPool } from './avgPool.js';
import { Conv } from './conv.js';
import { Flatten } from './flatten.js';
import { GlobalAvgPool } from './globalAvgPool.js';
import type { Padding } from './geometry.js';

/** Finite convolutional layers against independent brute-force loops and finite differences. */

const rand = (seed: number, shape: number[]): Tensor => ({
  shape,
  data: normal(
    PRNGKey(seed),
    shape.reduce((a, b) => a * b, 1),
  ),
});
const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, i) => s + v * b[i], 0);

/** Direct 2-D convolution by definition: y(n, i, j, o) = cw·Σ_{a, b, c} xpad(n, i + a − ph, j + b − pw, c)·W(a, b, c, o) + cb·b(o). */
function bruteConv(x: Tensor, W: Tensor, bias: Tensor | null, pad: Padding, cw: number, cb: number): Tensor {
  const [N, H, Wd, C] = x.shape;
  const [fh, fw, , O] = W.shape;
  const outH = pad === 'VALID' ? H - fh + 1 : H;
  const outW = pad === 'VALID' ? Wd - fw + 1 : Wd;
  const ph = pad === 'VALID' ? 0 : Math.floor((fh - 1) / 2);
  const pw = pad === 'VALID' ? 0 : Math.floor((fw - 1) / 2);
  const y = new Float64Array(N * outH * outW * O);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < outH; i++)
      for (let j = 0; j < outW; j++)
        for (let o = 0; o < O; o++) {
          let s = bias ? cb * bias.data[o] : 0;
          for (let a = 0; a < fh; a++)
            for (let b = 0; b < fw; b++) {
              let r = i + a - ph;
              let q = j + b - pw;
              if (pad === 'CIRCULAR') {
                r = (r + H) % H;
                q = (q + Wd) % Wd;
              } else if (r < 0 || r >= H || q < 0 || q >= Wd) continue;
              for (let c = 0; c < C; c++)
                s += cw * x.data[((n * H + r) * Wd + q) * C + c] * W.data[((a * fw + b) * C + c) * O + o];
            }
          y[((n * outH + i) * outW + j) * O + o] = s;
        }
  return { shape: [N, outH, outW, O], data: y };
}

for (const pad of ['SAME', 'VALID', 'CIRCULAR'] as const) {
  test(`Conv ${pad}: forward equals the direct convolution (2-D, 'ntk' and 'standard')`, () => {
    const x = rand(1, [2, 5, 4, 3]);
    for (const parameterization of ['ntk', 'standard'] as const) {
      const conv = Conv({
        channels: 4,
        filter: [3, 2],
        padding: pad,
        W_std: 1.3,
        b_std: 0.2,
        parameterization,
      });
      const p = conv.init(PRNGKey(2), [5, 4, 3]) as { W: Tensor; b: Tensor };
      const y = conv.forward(p, x).y as Tensor;
      const cw = parameterization === 'ntk' ? 1.3 / Math.sqrt(3 * 6) : 1;
      const cb = parameterization === 'ntk' ? 0.2 : 1;
      const ref = bruteConv(x, p.W, p.b, pad, cw, cb);
      assert.deepEqual(y.shape, ref.shape);
      for (let i = 0; i < ref.data.length; i++)
        assert.ok(Math.abs(y.data[i] - ref.data[i]) < 1e-12, `${parameterization} entry ${i}`);
    }
  });
}

test('Conv 1-D equals the 2-D convolution with a height-1 axis', () => {
  const x = rand(3, [2, 7, 2]);
  const c1 = Conv({ channels: 3, filter: [3], padding: 'SAME', b_std: 0.5 });
  const p = c1.init(PRNGKey(4), [7, 2]) as { W: Tensor; b: Tensor };
  const y = c1.forward(p, x).y as Tensor;
  const ref = bruteConv(
    { shape: [2, 1, 7, 2], data: x.data },
    { shape: [1, 3, 2, 3], data: p.W.data },
    p.b,
    'SAME',
    1 / Math.sqrt(6),
    0.5,
  );
  assert.deepEqual(y.shape, [2, 7, 3]);
  for (let i = 0; i < ref.data.length; i++) assert.ok(Math.abs(y.data[i] - ref.data[i]) < 1e-12);
});

/** ⟨gy, J·t⟩ = ⟨Jᵀ·gy, t⟩ (backward vs JVP), JVP vs central differences, perExampleGrads vs per-example backward. */
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

test('Conv: backward, JVP and perExampleGrads agree (SAME / VALID / CIRCULAR, 1-D and 2-D, both parameterizations)', () => {
  checkDerivatives(
    Conv({ channels: 3, filter: [3, 3], padding: 'SAME', W_std: 1.2, b_std: 0.3 }),
    [4, 5, 2],
    3,
    1,
  );
  checkDerivatives(
    Conv({ channels: 2, filter: [2, 3], padding: 'VALID', b_std: 0.1, parameterization: 'standard' }),
    [4, 5, 2],
    2,
    2,
  );
  checkDerivatives(Conv({ channels: 2, filter: [3, 2], padding: 'CIRCULAR' }), [3, 4, 3], 2, 3);
  checkDerivatives(Conv({ channels: 3, filter: [3], padding: 'SAME', b_std: 1 }), [6, 2], 3, 4);
});

test('pooling and Flatten: backward, JVP agree; outputs match direct averages', () => {
  checkDerivatives(AvgPool({ window: [2, 2] }), [4, 4, 2], 2, 5);
  checkDerivatives(AvgPool({ window: [3, 3], strides: [1, 1], padding: 'SAME' }), [4, 5, 2], 2, 6);
  checkDerivatives(AvgPool({ window: [2], padding: 'CIRCULAR', strides: [1] }), [5, 2], 2, 7);
  checkDerivatives(GlobalAvgPool(), [3, 4, 2], 2, 8);
  checkDerivatives(Flatten(), [3, 4, 2], 2, 9);
  const x = rand(9, [1, 4, 4, 1]);
  const y = AvgPool({ window: [2, 2] }).forward({}, x).y as Tensor;
  assert.deepEqual(y.shape, [1, 2, 2, 1]);
  const v = (i: number, j: number) => x.data[i * 4 + j];
  assert.ok(Math.abs(y.data[3] - (v(2, 2) + v(2, 3) + v(3, 2) + v(3, 3)) / 4) < 1e-15);
  const g = GlobalAvgPool().forward({}, x).y as Tensor;
  assert.ok(Math.abs(g.data[0] - x.data.reduce((a, b) => a + b, 0) / 16) < 1e-14);
});

test('output shapes and bad input', () => {
  assert.deepEqual(Conv({ channels: 5, filter: [3, 3], padding: 'VALID' }).outShape([8, 7, 2]), [6, 5, 5]);
  assert.deepEqual(Conv({ channels: 5, filter: [3] }).outShape([8, 2]), [8, 5]);
  assert.deepEqual(AvgPool({ window: [2, 2] }).outShape([5, 4, 3]), [2, 2, 3]);
  assert.deepEqual(AvgPool({ window: [2, 2], padding: 'SAME' }).outShape([5, 4, 3]), [3, 2, 3]);
  assert.deepEqual(Flatten().outShape([5, 4, 3]), [60]);
  assert.deepEqual(GlobalAvgPool().outShape([5, 4, 3]), [3]);
  assert.throws(
    () => Conv({ channels: 2, filter: [5, 5], padding: 'VALID' }).outShape([4, 4, 1]),
    /window 5 is larger than the input size 4.*VALID/,
  );
  assert.throws(
    () => Conv({ channels: 2, filter: [3, 3] }).outShape([16, 1]),
    /2-D convolution expects input feature shape \[H, W, C\].*got \[16, 1\]/,
  );
  assert.throws(() => Conv({ channels: 0, filter: [3, 3] }), /channels must be a positive integer/);
  assert.throws(() => Conv({ channels: 2, filter: [3, 3, 3] }), /filter must be \[n\] \(1-D\) or \[h, w\]/);
  assert.throws(
    () => Conv({ channels: 2, filter: [3, 3], padding: 'FULL' as Padding }),
    /padding must be 'SAME', 'VALID' or 'CIRCULAR'/,
  );
  const conv = Conv({ channels: 2, filter: [3, 3] });
  const p = conv.init(PRNGKey(0), [4, 4, 3]);
  assert.throws(
    () => conv.forward(p, rand(1, [2, 4, 4, 2])),
    /params\.W must have shape \[3, 3, 2, 2\], got \[3, 3, 3, 2\]/,
  );
});
