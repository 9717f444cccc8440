import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRNGKey } from '../../random/index.js';
import { Dense, Erf, Flatten, GlobalAvgPool, Relu, serial } from '../index.js';
import type { Layer, Tensor } from '../types.js';
import { Conv } from './conv.js';
import { ConvTranspose } from './convTranspose.js';
import type { Padding } from './geometry.js';
import { checkDerivatives, monteCarloErrors, randomBatch } from './convChecks.testutil.js';

/**
 * Transposed convolution against XLA's definition (`lax.conv_transpose`, transpose_kernel = False): dilate the
 * input by s, pad by (p_a, p_b) of `_conv_transpose_padding`, convolve with stride 1 ('VALID'); CIRCULAR folds
 * the VALID output onto n·s positions after a crop c (neural-tangents). The table is computed by hand:
 *   SAME:  p_len = f + s − 2, p_a = f − 1 if s > f − 1 else ⌈p_len/2⌉, out = n·s;
 *   VALID: p_len = f + s − 2 + max(f − s, 0), p_a = f − 1, out = n·s + max(f − s, 0).
 */
const CASES: {
  n: number;
  f: number;
  s: number;
  pad: Padding;
  out: number;
  pa: number;
  pb: number;
  c?: number;
}[] = [
  { n: 4, f: 3, s: 2, pad: 'SAME', out: 8, pa: 2, pb: 1 }, // p_len 3, ⌈3/2⌉ = 2
  { n: 3, f: 2, s: 3, pad: 'SAME', out: 9, pa: 1, pb: 2 }, // s > f − 1: p_a = 1
  { n: 5, f: 3, s: 1, pad: 'SAME', out: 5, pa: 1, pb: 1 },
  { n: 4, f: 3, s: 2, pad: 'VALID', out: 9, pa: 2, pb: 2 }, // p_len 4
  { n: 3, f: 2, s: 3, pad: 'VALID', out: 9, pa: 1, pb: 2 }, // p_len 3
  { n: 4, f: 4, s: 2, pad: 'VALID', out: 10, pa: 3, pb: 3 }, // p_len 6
  { n: 4, f: 3, s: 2, pad: 'CIRCULAR', out: 8, pa: 2, pb: 2, c: 0 }, // VALID length 9, c = ⌊1/2⌋
  { n: 4, f: 4, s: 2, pad: 'CIRCULAR', out: 8, pa: 3, pb: 3, c: 1 }, // VALID length 10, c = ⌊2/2⌋
  { n: 5, f: 3, s: 1, pad: 'CIRCULAR', out: 5, pa: 2, pb: 2, c: 1 }, // VALID length 7, c = 1
];

function bruteTranspose1d(x: Tensor, W: Tensor, c: (typeof CASES)[number], cw: number): Float64Array {
  const [N, n, C] = x.shape;
  const [f, , O] = W.shape;
  const L = (n - 1) * c.s + 1 + c.pa + c.pb; // dilated and padded length
  const valid = L - f + 1;
  const y = new Float64Array(N * c.out * O);
  for (let b = 0; b < N; b++) {
    const xp = new Float64Array(L * C);
    for (let i = 0; i < n; i++)
      for (let ch = 0; ch < C; ch++) xp[(c.pa + i * c.s) * C + ch] = x.data[(b * n + i) * C + ch];
    for (let v = 0; v < valid; v++) {
      const o = c.pad === 'CIRCULAR' ? (v - c.c! + 2 * c.out) % c.out : v;
      for (let k = 0; k < O; k++) {
        let t = 0;
        for (let a = 0; a < f; a++)
          for (let ch = 0; ch < C; ch++) t += xp[(v + a) * C + ch] * W.data[(a * C + ch) * O + k];
        y[(b * c.out + o) * O + k] += cw * t;
      }
    }
  }
  return y;
}

test('ConvTranspose: output shapes and forward follow lax.conv_transpose (hand-computed padding table)', () => {
  for (const c of CASES) {
    const label = `n=${c.n} f=${c.f} s=${c.s} ${c.pad}`;
    if (c.pad !== 'CIRCULAR')
      assert.equal((c.n - 1) * c.s + 1 + c.pa + c.pb - c.f + 1, c.out, `table ${label}`);
    const layer = ConvTranspose({ channels: 2, filter: [c.f], strides: [c.s], padding: c.pad });
    assert.deepEqual(layer.outShape([c.n, 3]), [c.out, 2], label);
    const x = randomBatch(c.n * 10 + c.f, [2, c.n, 3]);
    const p = layer.init(PRNGKey(c.s), [c.n, 3]) as { W: Tensor };
    const y = layer.forward(p, x).y as Tensor;
    const ref = bruteTranspose1d(x, p.W, c, 1 / Math.sqrt(3 * c.f));
    assert.equal(y.data.length, ref.length, label);
    for (let i = 0; i < ref.length; i++)
      assert.ok(Math.abs(y.data[i] - ref[i]) < 1e-12, `${label}: entry ${i}`);
  }
  assert.deepEqual(
    ConvTranspose({ channels: 3, filter: [3, 2], strides: [2, 3] }).outShape([3, 4, 1]),
    [6, 12, 3],
  );
  assert.deepEqual(
    ConvTranspose({ channels: 3, filter: [3, 2], strides: [2, 1], padding: 'VALID' }).outShape([3, 4, 1]),
    [7, 5, 3],
  );
  assert.throws(
    () => ConvTranspose({ channels: 2, filter: [3], dilation: [2] } as never),
    /ConvTranspose: dilation is not supported/,
  );
  assert.throws(
    () => ConvTranspose({ channels: 2, filter: [3], strides: [0] }),
    /ConvTranspose: strides must be/,
  );
});

test('ConvTranspose with stride 1 and a flipped filter is Conv (SAME, odd filter)', () => {
  // stride 1, f = 3: p_a = 1 = Conv's SAME padding before, so y(o) = Σ_a x(o + a − 1)·W(a) for both
  const x = randomBatch(5, [2, 6, 2]);
  const t = ConvTranspose({ channels: 3, filter: [3], b_std: 0.5 });
  const c = Conv({ channels: 3, filter: [3], b_std: 0.5 });
  const p = t.init(PRNGKey(6), [6, 2]);
  const a = (t.forward(p, x).y as Tensor).data;
  const b = (c.forward(p, x).y as Tensor).data;
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-13);
});

test('ConvTranspose: backward, JVP (vs central differences) and perExampleGrads agree', () => {
  checkDerivatives(
    ConvTranspose({ channels: 3, filter: [3, 3], strides: [2, 2], W_std: 1.2, b_std: 0.3 }),
    [3, 2, 2],
    3,
    1,
  );
  checkDerivatives(
    ConvTranspose({
      channels: 2,
      filter: [2, 3],
      strides: [3, 2],
      padding: 'VALID',
      b_std: 0.1,
      parameterization: 'standard',
    }),
    [2, 3, 2],
    2,
    2,
  );
  checkDerivatives(
    ConvTranspose({ channels: 2, filter: [4], strides: [2], padding: 'CIRCULAR' }),
    [4, 3],
    2,
    3,
  );
});

test('ConvTranspose: analytic NNGP/NTK vs Monte Carlo (width 256, 32 samples), both spatial layouts', async (t) => {
  const cases: {
    name: string;
    shape: number[];
    net: (w: number, out: number) => Layer;
    layouts: boolean[];
  }[] = [
    {
      name: '2-D SAME strides [2, 2] → Relu → Conv VALID → Flatten, 3×3×1',
      shape: [3, 3, 3, 1],
      layouts: [false], // Flatten: kernelFn keeps equal positions; all pairs must agree
      net: (w, out) =>
        serial(
          ConvTranspose({ channels: w, filter: [3, 3], strides: [2, 2], W_std: 1.5, b_std: 0.1 }),
          Relu(),
          Conv({ channels: w, filter: [2, 2], padding: 'VALID', W_std: 1.5 }),
          Flatten(),
          Dense({ width: out, W_std: 1.5, b_std: 0.1 }),
        ),
    },
    {
      name: '1-D CIRCULAR stride 2 → Erf → ConvTranspose VALID stride 3 → GlobalAvgPool, L = 4',
      shape: [3, 4, 2],
      layouts: [], // pooling needs all pairs
      net: (w, out) =>
        serial(
          ConvTranspose({
            channels: w,
            filter: [4],
            strides: [2],
            padding: 'CIRCULAR',
            W_std: 1.5,
            b_std: 0.2,
          }),
          Erf(),
          ConvTranspose({ channels: w, filter: [2], strides: [3], padding: 'VALID', W_std: 1.3 }),
          GlobalAvgPool(),
          Dense({ width: out, W_std: 1.2 }),
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
