import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRNGKey, normal } from '../../random/index.js';
import type { Layer, Tensor } from '../types.js';
import { AvgPool } from './avgPool.js';
import { Conv } from './conv.js';
import { Flatten } from './flatten.js';
import { GlobalAvgPool } from './globalAvgPool.js';
import type { Padding } from './geometry.js';
import { checkDerivatives } from './convChecks.testutil.js';

/** Finite convolutional layers against independent brute-force loops and finite differences. */

const rand = (seed: number, shape: number[]): Tensor => ({
  shape,
  data: normal(
    PRNGKey(seed),
    shape.reduce((a, b) => a * b, 1),
  ),
});

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

/**
 * XLA's padding rule with strides and dilation, per axis, computed by hand: for SAME, out = ⌈n/s⌉ and total padding
 * t = max((out − 1)·s + (f − 1)·d + 1 − n, 0), ⌊t/2⌋ before and the rest after; VALID: ⌊(n − (f − 1)·d − 1)/s⌋ + 1.
 */
const AXIS_CASES: {
  n: number;
  f: number;
  s: number;
  d: number;
  pad: Padding;
  out: number;
  before: number;
  after: number;
}[] = [
  { n: 6, f: 3, s: 2, d: 1, pad: 'SAME', out: 3, before: 0, after: 1 }, // t = 2·2 + 3 − 6 = 1
  { n: 7, f: 3, s: 2, d: 1, pad: 'SAME', out: 4, before: 1, after: 1 }, // t = 3·2 + 3 − 7 = 2
  { n: 8, f: 2, s: 3, d: 1, pad: 'SAME', out: 3, before: 0, after: 0 }, // t = 2·3 + 2 − 8 = 0
  { n: 5, f: 4, s: 2, d: 1, pad: 'SAME', out: 3, before: 1, after: 2 }, // t = 2·2 + 4 − 5 = 3
  { n: 6, f: 3, s: 1, d: 2, pad: 'SAME', out: 6, before: 2, after: 2 }, // f_d = 5, t = 5 + 5 − 6 = 4
  { n: 8, f: 3, s: 2, d: 2, pad: 'SAME', out: 4, before: 1, after: 2 }, // f_d = 5, t = 3·2 + 5 − 8 = 3
  { n: 6, f: 3, s: 2, d: 1, pad: 'VALID', out: 2, before: 0, after: 0 }, // ⌊3/2⌋ + 1
  { n: 7, f: 3, s: 2, d: 1, pad: 'VALID', out: 3, before: 0, after: 0 }, // ⌊4/2⌋ + 1
  { n: 8, f: 3, s: 1, d: 3, pad: 'VALID', out: 2, before: 0, after: 0 }, // f_d = 7: ⌊1/1⌋ + 1
  { n: 5, f: 4, s: 3, d: 1, pad: 'VALID', out: 1, before: 0, after: 0 }, // ⌊1/3⌋ + 1
  { n: 7, f: 3, s: 2, d: 1, pad: 'CIRCULAR', out: 4, before: 1, after: 1 },
  { n: 5, f: 4, s: 2, d: 1, pad: 'CIRCULAR', out: 3, before: 1, after: 2 },
  { n: 8, f: 3, s: 3, d: 2, pad: 'CIRCULAR', out: 3, before: 1, after: 2 }, // f_d = 5, t = 2·3 + 5 − 8 = 3
];

/** 1-D convolution by its definition on the explicitly padded input (zeros, or wrap-around for CIRCULAR). */
function bruteConv1d(
  x: Tensor,
  W: Tensor,
  c: { s: number; d: number; pad: Padding; out: number; before: number; after: number },
  cw: number,
): Float64Array {
  const [N, n, C] = x.shape;
  const [f, , O] = W.shape;
  const L = c.before + n + c.after;
  const y = new Float64Array(N * c.out * O);
  for (let b = 0; b < N; b++) {
    const xp = new Float64Array(L * C);
    for (let j = 0; j < L; j++) {
      let i = j - c.before;
      if (c.pad === 'CIRCULAR') i = (i + 2 * n) % n;
      else if (i < 0 || i >= n) continue;
      for (let ch = 0; ch < C; ch++) xp[j * C + ch] = x.data[(b * n + i) * C + ch];
    }
    for (let o = 0; o < c.out; o++)
      for (let k = 0; k < O; k++) {
        let v = 0;
        for (let a = 0; a < f; a++)
          for (let ch = 0; ch < C; ch++) v += xp[(o * c.s + a * c.d) * C + ch] * W.data[(a * C + ch) * O + k];
        y[(b * c.out + o) * O + k] = cw * v;
      }
  }
  return y;
}

test('Conv with strides and dilation: output shapes and padding split follow XLA (hand-computed table, extra pad at the end)', () => {
  for (const c of AXIS_CASES) {
    const conv = Conv({ channels: 2, filter: [c.f], strides: [c.s], dilation: [c.d], padding: c.pad });
    const label = `n=${c.n} f=${c.f} s=${c.s} d=${c.d} ${c.pad}`;
    assert.deepEqual(conv.outShape([c.n, 3]), [c.out, 2], label);
    const x = rand(c.n + c.f, [2, c.n, 3]);
    const p = conv.init(PRNGKey(c.n), [c.n, 3]) as { W: Tensor };
    const y = conv.forward(p, x).y as Tensor;
    const ref = bruteConv1d(x, p.W, c, 1 / Math.sqrt(3 * c.f));
    assert.equal(y.data.length, ref.length, label);
    for (let i = 0; i < ref.length; i++)
      assert.ok(Math.abs(y.data[i] - ref[i]) < 1e-12, `${label}: entry ${i}`);
  }
  assert.deepEqual(
    Conv({ channels: 4, filter: [3, 2], strides: [2, 3], dilation: [1, 2], padding: 'SAME' }).outShape([
      5, 6, 1,
    ]),
    [3, 2, 4],
  );
  assert.throws(
    () => Conv({ channels: 2, filter: [3], dilation: [3], padding: 'VALID' }).outShape([6, 1]),
    /window 7 \(filter 3 at dilation 3\) is larger than the input size 6/,
  );
  assert.throws(
    () => Conv({ channels: 2, filter: [3, 3], strides: [2] }),
    /strides must have one entry per spatial axis/,
  );
  assert.throws(
    () => Conv({ channels: 2, filter: [3], dilation: [0] }),
    /dilation must be \[n\] \(1-D\) or \[h, w\] .*positive integers, got \[0\]/,
  );
});

test('Conv 2-D with strides and dilation: forward equals the direct convolution on the padded image', () => {
  // h: n = 5, f = 3, s = 2, d = 1 → 3 outputs, padding (1, 1); w: n = 6, f = 2, s = 3, d = 2 → 2 outputs, (0, 0)
  const x = rand(21, [2, 5, 6, 2]);
  const conv = Conv({
    channels: 3,
    filter: [3, 2],
    strides: [2, 3],
    dilation: [1, 2],
    padding: 'SAME',
    b_std: 0.4,
  });
  const p = conv.init(PRNGKey(22), [5, 6, 2]) as { W: Tensor; b: Tensor };
  const y = conv.forward(p, x).y as Tensor;
  const cw = 1 / Math.sqrt(2 * 6);
  assert.deepEqual(y.shape, [2, 3, 2, 3]);
  for (let n = 0; n < 2; n++)
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 2; j++)
        for (let o = 0; o < 3; o++) {
          let v = 0.4 * p.b.data[o];
          for (let a = 0; a < 3; a++)
            for (let b = 0; b < 2; b++) {
              const r = i * 2 + a - 1;
              const q = j * 3 + b * 2;
              if (r < 0 || r >= 5) continue;
              for (let c = 0; c < 2; c++)
                v += cw * x.data[((n * 5 + r) * 6 + q) * 2 + c] * p.W.data[((a * 2 + b) * 2 + c) * 3 + o];
            }
          const got = y.data[((n * 3 + i) * 2 + j) * 3 + o];
          assert.ok(Math.abs(got - v) < 1e-12, `(${n}, ${i}, ${j}, ${o}): ${got} vs ${v}`);
        }
});

test('Conv with strides and dilation: backward, JVP (vs central differences) and perExampleGrads agree', () => {
  checkDerivatives(
    Conv({ channels: 3, filter: [3, 3], strides: [2, 2], padding: 'SAME', W_std: 1.2, b_std: 0.3 }),
    [5, 6, 2],
    3,
    31,
  );
  checkDerivatives(
    Conv({
      channels: 2,
      filter: [2, 3],
      strides: [1, 2],
      dilation: [2, 1],
      padding: 'VALID',
      b_std: 0.1,
      parameterization: 'standard',
    }),
    [5, 6, 2],
    2,
    32,
  );
  checkDerivatives(
    Conv({ channels: 2, filter: [3, 2], strides: [2, 3], dilation: [2, 2], padding: 'CIRCULAR' }),
    [5, 7, 3],
    2,
    33,
  );
  checkDerivatives(
    Conv({ channels: 3, filter: [3], strides: [3], dilation: [2], padding: 'SAME', b_std: 1 }),
    [8, 2],
    3,
    34,
  );
});

test('Conv with strides and dilation all 1 is the stride-1 Conv bit for bit (layer config, forward and kernel)', async () => {
  const { kernelFn } = await import('../../kernels/kernelFn.js');
  const { Relu, serial } = await import('../index.js');
  const x = rand(41, [3, 5, 5, 2]);
  for (const padding of ['SAME', 'VALID', 'CIRCULAR'] as const) {
    const plain = Conv({ channels: 4, filter: [3, 2], padding, W_std: 1.3, b_std: 0.2 });
    const ones = Conv({
      channels: 4,
      filter: [3, 2],
      strides: [1, 1],
      dilation: [1, 1],
      padding,
      W_std: 1.3,
      b_std: 0.2,
    });
    assert.deepEqual(ones.config, plain.config);
    const p = plain.init(PRNGKey(42), [5, 5, 2]);
    assert.deepEqual((ones.forward(p, x).y as Tensor).data, (plain.forward(p, x).y as Tensor).data);
    for (const pool of [Flatten, GlobalAvgPool]) {
      const net = (c: typeof plain) => serial(c, Relu(), pool());
      const a = kernelFn(net(plain), x, null, { threads: 1 });
      const b = kernelFn(net(ones), x, null, { threads: 1 });
      assert.deepEqual(b.nngp.data, a.nngp.data, `${padding} ${pool.name} NNGP`);
      assert.deepEqual(b.ntk.data, a.ntk.data, `${padding} ${pool.name} NTK`);
    }
  }
});

test('Conv with strides and dilation: analytic NNGP/NTK vs Monte Carlo (width 256, 32 samples), both spatial layouts', async (t) => {
  const { Dense, Erf, Relu, serial } = await import('../index.js');
  const { monteCarloErrors, randomBatch } = await import('./convChecks.testutil.js');
  const cases: {
    name: string;
    shape: number[];
    layouts: boolean[];
    net: (w: number, out: number) => Layer;
  }[] = [
    {
      name: 'strides [2, 2] SAME → Relu → strides [2, 1] VALID → GlobalAvgPool, 6×6×1',
      shape: [3, 6, 6, 1],
      layouts: [],
      net: (w, out) =>
        serial(
          Conv({ channels: w, filter: [3, 3], strides: [2, 2], padding: 'SAME', W_std: 1.5, b_std: 0.1 }),
          Relu(),
          Conv({ channels: w, filter: [2, 2], strides: [2, 1], padding: 'VALID', W_std: 1.4, b_std: 0.1 }),
          GlobalAvgPool(),
          Dense({ width: out, W_std: 1.5, b_std: 0.1 }),
        ),
    },
    {
      name: 'strides [2, 2] CIRCULAR → Erf → strides [2, 2] SAME → Flatten, 6×6×2',
      shape: [3, 6, 6, 2],
      layouts: [false],
      net: (w, out) =>
        serial(
          Conv({ channels: w, filter: [3, 3], strides: [2, 2], padding: 'CIRCULAR', W_std: 1.5, b_std: 0.2 }),
          Erf(),
          Conv({ channels: w, filter: [2, 2], strides: [2, 2], padding: 'SAME', W_std: 1.3 }),
          Flatten(),
          Dense({ width: out, W_std: 1.2 }),
        ),
    },
    {
      name: 'dilation [2] SAME → Relu → dilation [3] strides [2] VALID → Flatten, L = 8',
      shape: [3, 8, 2],
      layouts: [false],
      net: (w, out) =>
        serial(
          Conv({ channels: w, filter: [3], dilation: [2], padding: 'SAME', W_std: 1.5, b_std: 0.1 }),
          Relu(),
          Conv({ channels: w, filter: [2], dilation: [3], strides: [2], padding: 'VALID', W_std: 1.4 }),
          Flatten(),
          Dense({ width: out, W_std: 1.5, b_std: 0.1 }),
        ),
    },
    {
      name: 'dilation [2, 2] CIRCULAR → Relu → dilation [1, 2] SAME → GlobalAvgPool, 6×6×1',
      shape: [3, 6, 6, 1],
      layouts: [],
      net: (w, out) =>
        serial(
          Conv({
            channels: w,
            filter: [2, 2],
            dilation: [2, 2],
            padding: 'CIRCULAR',
            W_std: 1.5,
            b_std: 0.1,
          }),
          Relu(),
          Conv({ channels: w, filter: [2, 2], dilation: [1, 2], padding: 'SAME', W_std: 1.4 }),
          GlobalAvgPool(),
          Dense({ width: out, W_std: 1.5 }),
        ),
    },
  ];
  for (const c of cases) {
    const e = await monteCarloErrors(c.net, randomBatch(11, c.shape), { layouts: c.layouts });
    t.diagnostic(
      `${c.name}: rel. Frobenius NNGP ${e.nngp.toFixed(4)}, NTK ${e.ntk.toFixed(4)}, layouts ${e.layoutGap.toExponential(1)}`,
    );
    assert.ok(e.layoutGap < 1e-12, `${c.name}: layouts differ by ${e.layoutGap}`);
    assert.ok(e.nngp <= 0.05 && e.ntk <= 0.05, `${c.name}: rel. Frobenius NNGP ${e.nngp}, NTK ${e.ntk}`);
  }
});

test('kernel maps of Conv (strides, dilation), ConvTranspose and ConvLocal equal E_W of their own forward maps (to 1e-12)', async () => {
  const { kernelFn } = await import('../../kernels/kernelFn.js');
  const { serial } = await import('../index.js');
  const { ConvTranspose } = await import('./convTranspose.js');
  const { ConvLocal } = await import('./convLocal.js');
  const { nngpFromForward, randomBatch } = await import('./convChecks.testutil.js');
  const W_std = 1.3;
  const cases: { name: string; shape: number[]; local: boolean; layer: () => Layer }[] = [];
  for (const padding of ['SAME', 'VALID', 'CIRCULAR'] as const) {
    cases.push(
      {
        name: `Conv 2-D strides [2, 3] dilation [2, 1] ${padding}`,
        shape: [3, 6, 7, 2],
        local: false,
        layer: () => Conv({ channels: 1, filter: [2, 3], strides: [2, 3], dilation: [2, 1], padding, W_std }),
      },
      {
        name: `Conv 1-D strides [2] dilation [3] ${padding}`,
        shape: [3, 9, 2],
        local: false,
        layer: () => Conv({ channels: 1, filter: [2], strides: [2], dilation: [3], padding, W_std }),
      },
      {
        name: `ConvTranspose 2-D strides [2, 3] ${padding}`,
        shape: [3, 3, 2, 2],
        local: false,
        layer: () => ConvTranspose({ channels: 1, filter: [3, 4], strides: [2, 3], padding, W_std }),
      },
      {
        name: `ConvLocal 2-D strides [2, 1] ${padding}`,
        shape: [3, 5, 4, 2],
        local: true,
        layer: () => ConvLocal({ channels: 1, filter: [3, 2], strides: [2, 1], padding, W_std }),
      },
    );
  }
  for (const c of cases) {
    const x = randomBatch(c.shape.length * 7 + c.shape[1], c.shape);
    const ref = nngpFromForward(c.layer(), x, c.local);
    const flat = kernelFn(serial(c.layer(), Flatten()), x, null, { get: 'nngp', threads: 1 }).nngp.data;
    const gap = kernelFn(serial(c.layer(), GlobalAvgPool()), x, null, { get: 'nngp', threads: 1 }).nngp.data;
    for (let i = 0; i < flat.length; i++) {
      assert.ok(
        Math.abs(flat[i] - ref.flat[i]) <= 1e-12 * Math.abs(ref.flat[0]),
        `${c.name} Flatten ${i}: ${flat[i]} vs ${ref.flat[i]}`,
      );
      assert.ok(
        Math.abs(gap[i] - ref.gap[i]) <= 1e-12 * Math.abs(ref.flat[0]),
        `${c.name} GlobalAvgPool ${i}: ${gap[i]} vs ${ref.gap[i]}`,
      );
    }
  }
});
