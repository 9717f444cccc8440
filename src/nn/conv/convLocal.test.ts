import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRNGKey } from '../../random/index.js';
import { Dense, Erf, Flatten, GlobalAvgPool, Relu, serial } from '../index.js';
import type { Layer, Tensor } from '../types.js';
import { Conv } from './conv.js';
import { ConvLocal } from './convLocal.js';
import { checkDerivatives, monteCarloErrors, randomBatch } from './convChecks.testutil.js';

/** The locally connected layer against its definition, finite differences and Monte Carlo of finite networks. */

test('ConvLocal: forward is the direct unshared convolution (own filter and bias at each output position)', () => {
  // 2-D, 5×4 input, filter [3, 2], strides [2, 1], SAME: h: 3 outputs, padding (1, 1); w: 4 outputs, padding (0, 1)
  const x = randomBatch(1, [2, 5, 4, 2]);
  const layer = ConvLocal({
    channels: 3,
    filter: [3, 2],
    strides: [2, 1],
    padding: 'SAME',
    W_std: 1.1,
    b_std: 0.3,
  });
  const p = layer.init(PRNGKey(2), [5, 4, 2]) as { W: Tensor; b: Tensor };
  assert.deepEqual(p.W.shape, [3, 4, 3, 2, 2, 3]);
  assert.deepEqual(p.b.shape, [3, 4, 3]);
  const y = layer.forward(p, x).y as Tensor;
  assert.deepEqual(y.shape, [2, 3, 4, 3]);
  const cw = 1.1 / Math.sqrt(2 * 6);
  for (let n = 0; n < 2; n++)
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 4; j++)
        for (let o = 0; o < 3; o++) {
          const pos = i * 4 + j;
          let v = 0.3 * p.b.data[pos * 3 + o];
          for (let a = 0; a < 3; a++)
            for (let b = 0; b < 2; b++) {
              const r = i * 2 + a - 1;
              const q = j + b;
              if (r < 0 || r >= 5 || q >= 4) continue;
              for (let c = 0; c < 2; c++)
                v +=
                  cw *
                  x.data[((n * 5 + r) * 4 + q) * 2 + c] *
                  p.W.data[(((pos * 3 + a) * 2 + b) * 2 + c) * 3 + o];
            }
          const got = y.data[((n * 3 + i) * 4 + j) * 3 + o];
          assert.ok(Math.abs(got - v) < 1e-12, `(${n}, ${i}, ${j}, ${o}): ${got} vs ${v}`);
        }
});

test('ConvLocal with the same filter at every position is Conv', () => {
  const x = randomBatch(3, [2, 6, 2]);
  const conv = Conv({ channels: 2, filter: [3], strides: [2], padding: 'VALID', b_std: 0.2 });
  const local = ConvLocal({ channels: 2, filter: [3], strides: [2], padding: 'VALID', b_std: 0.2 });
  const p = conv.init(PRNGKey(4), [6, 2]) as { W: Tensor; b: Tensor };
  const P = 2; // outputs ⌊(6 − 3)/2⌋ + 1
  const W = new Float64Array(P * p.W.data.length);
  const b = new Float64Array(P * p.b.data.length);
  for (let q = 0; q < P; q++) {
    W.set(p.W.data, q * p.W.data.length);
    b.set(p.b.data, q * p.b.data.length);
  }
  const yl = local.forward({ W: { shape: [P, 3, 2, 2], data: W }, b: { shape: [P, 2], data: b } }, x)
    .y as Tensor;
  const yc = conv.forward(p, x).y as Tensor;
  for (let i = 0; i < yc.data.length; i++) assert.ok(Math.abs(yl.data[i] - yc.data[i]) < 1e-13);
  assert.throws(
    () => local.forward(p, x),
    /ConvLocal: params\.W must have shape \[2, 3, 2, 2\], got \[3, 2, 2\]/,
  );
});

test('ConvLocal: backward, JVP (vs central differences) and perExampleGrads agree', () => {
  checkDerivatives(
    ConvLocal({ channels: 3, filter: [3, 3], strides: [2, 2], W_std: 1.2, b_std: 0.3 }),
    [5, 4, 2],
    3,
    1,
  );
  checkDerivatives(
    ConvLocal({ channels: 2, filter: [2, 3], padding: 'VALID', b_std: 0.1, parameterization: 'standard' }),
    [4, 5, 2],
    2,
    2,
  );
  checkDerivatives(ConvLocal({ channels: 2, filter: [3], strides: [2], padding: 'CIRCULAR' }), [5, 3], 2, 3);
});

test('ConvLocal: analytic NNGP/NTK vs Monte Carlo (width 256, 32 samples), both spatial layouts', async (t) => {
  const cases: {
    name: string;
    shape: number[];
    net: (w: number, out: number) => Layer;
    layouts: boolean[];
  }[] = [
    {
      name: '2-D VALID → Relu → ConvLocal strides [2, 2] → Flatten, 6×6×1',
      shape: [3, 6, 6, 1],
      layouts: [false], // Flatten: kernelFn keeps equal positions; all pairs must agree
      net: (w, out) =>
        serial(
          ConvLocal({ channels: w, filter: [3, 3], padding: 'VALID', W_std: 1.5, b_std: 0.1 }),
          Relu(),
          ConvLocal({
            channels: w,
            filter: [2, 2],
            strides: [2, 2],
            padding: 'VALID',
            W_std: 1.4,
            b_std: 0.1,
          }),
          Flatten(),
          Dense({ width: out, W_std: 1.5, b_std: 0.1 }),
        ),
    },
    {
      name: '1-D SAME → Erf → Conv → GlobalAvgPool (off-diagonal position pairs are zero), L = 8',
      shape: [3, 8, 2],
      layouts: [], // pooling needs all pairs
      net: (w, out) =>
        serial(
          ConvLocal({ channels: w, filter: [3], padding: 'SAME', W_std: 1.5, b_std: 0.2 }),
          Erf(),
          Conv({ channels: w, filter: [3], strides: [2], padding: 'SAME', W_std: 1.3 }),
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
