import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRNGKey, normal } from '../random/index.js';
import { AvgPool, Conv, Dense, Erf, Flatten, GlobalAvgPool, Relu, serial } from '../nn/index.js';
import type { Tensor } from '../nn/types.js';
import { kernelFn } from './kernelFn.js';
import { inputKernel } from './inputKernel.js';
import { planSpatial } from './spatialTiles.js';

/** The convolutional NTK (Arora et al. 2019) through kernelFn: exact identities, closed forms, layouts, tiling, errors. */

const images = (seed: number, N: number, H: number, W: number, C: number): Tensor => ({
  shape: [N, H, W, C],
  data: normal(PRNGKey(seed), N * H * W * C),
});
const maxRel = (a: Float64Array, b: Float64Array): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++)
    m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1e-300, Math.abs(b[i])));
  return m;
};

test("a 1×1 Conv then Flatten is the Dense NTK of the flattened input ('ntk' parameterization, Flatten divides by P)", () => {
  const x = images(1, 5, 3, 4, 2);
  const flat: Tensor = { shape: [5, 24], data: x.data };
  const conv = serial(
    Conv({ channels: 7, filter: [1, 1], W_std: 1.4, b_std: 0.1 }),
    Flatten(),
    Dense({ width: 3, W_std: 1.3, b_std: 0.2 }),
    Relu(),
    Dense({ width: 1, W_std: 1.5, b_std: 0.05 }),
  );
  const dense = serial(
    Dense({ width: 7, W_std: 1.4, b_std: 0.1 }),
    Dense({ width: 3, W_std: 1.3, b_std: 0.2 }),
    Relu(),
    Dense({ width: 1, W_std: 1.5, b_std: 0.05 }),
  );
  const a = kernelFn(conv, x);
  const b = kernelFn(dense, flat);
  assert.ok(maxRel(a.nngp!.data, b.nngp!.data) < 1e-12, `nngp ${maxRel(a.nngp!.data, b.nngp!.data)}`);
  assert.ok(maxRel(a.ntk!.data, b.ntk!.data) < 1e-12, `ntk ${maxRel(a.ntk!.data, b.ntk!.data)}`);
  assert.ok(maxRel(a.var1, b.var1) < 1e-12);
  // and the bare 1×1 Conv + Flatten, on the all-pairs layout too
  const c2 = serial(Conv({ channels: 2, filter: [1, 1], W_std: 0.7, b_std: 0.3 }), Flatten());
  const d2 = Dense({ width: 2, W_std: 0.7, b_std: 0.3 });
  for (const diagonalSpatial of [true, false]) {
    const r = kernelFn(c2, x, images(2, 3, 3, 4, 2), { diagonalSpatial });
    const s = kernelFn(d2, flat, { shape: [3, 24], data: images(2, 3, 3, 4, 2).data });
    assert.ok(maxRel(r.ntk!.data, s.ntk!.data) < 1e-12 && maxRel(r.nngp!.data, s.nngp!.data) < 1e-12);
  }
});

/** One Conv layer in closed form: Σ(p, p') = W²/(C|f|)·Σ_{a,c} x̃(p+a, c)·x̃'(p'+a, c) + b², x̃ padded per `pad`; Θ = Σ. */
function oneConvClosedForm(
  x: Tensor,
  i: number,
  j: number,
  fh: number,
  fw: number,
  pad: 'SAME' | 'CIRCULAR',
  w: number,
  b: number,
): Float64Array {
  const [, H, W, C] = x.shape;
  const P = H * W;
  const at = (n: number, r: number, q: number, c: number): number => {
    if (pad === 'CIRCULAR') return x.data[((n * H + ((r + H) % H)) * W + ((q + W) % W)) * C + c];
    return r < 0 || r >= H || q < 0 || q >= W ? 0 : x.data[((n * H + r) * W + q) * C + c];
  };
  const out = new Float64Array(P * P);
  const ph = Math.floor((fh - 1) / 2);
  const pw = Math.floor((fw - 1) / 2);
  for (let p = 0; p < P; p++)
    for (let q = 0; q < P; q++) {
      let s = 0;
      for (let a = 0; a < fh; a++)
        for (let d = 0; d < fw; d++)
          for (let c = 0; c < C; c++)
            s +=
              at(i, Math.floor(p / W) + a - ph, (p % W) + d - pw, c) *
              at(j, Math.floor(q / W) + a - ph, (q % W) + d - pw, c);
      out[p * P + q] = (w * w * s) / (C * fh * fw) + b * b;
    }
  return out;
}

for (const pad of ['SAME', 'CIRCULAR'] as const) {
  test(`one Conv (${pad}) then GlobalAvgPool / AvgPool equals the closed form over position pairs`, () => {
    const x = images(3, 3, 4, 5, 2);
    const conv = Conv({ channels: 4, filter: [3, 2], padding: pad, W_std: 1.3, b_std: 0.4 });
    const gap = kernelFn(serial(conv, GlobalAvgPool()), x);
    const pool = kernelFn(
      serial(conv, AvgPool({ window: [2, 2], strides: [2, 1], padding: 'VALID' }), Flatten()),
      x,
    );
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const S = oneConvClosedForm(x, i, j, 3, 2, pad, 1.3, 0.4);
        const mean = S.reduce((a, v) => a + v, 0) / S.length;
        assert.ok(Math.abs(gap.nngp!.get(i, j) - mean) < 1e-13 * Math.abs(mean) + 1e-15, `GAP (${i},${j})`);
        assert.ok(Math.abs(gap.ntk!.get(i, j) - mean) < 1e-13 * Math.abs(mean) + 1e-15);
        // AvgPool 2×2 stride (2, 1) VALID on 4×5 → 2×4 outputs, then Flatten averages equal output positions
        let s = 0;
        for (let oh = 0; oh < 2; oh++)
          for (let ow = 0; ow < 4; ow++) {
            let t = 0;
            for (const [a, d] of [
              [0, 0],
              [0, 1],
              [1, 0],
              [1, 1],
            ])
              for (const [e, f] of [
                [0, 0],
                [0, 1],
                [1, 0],
                [1, 1],
              ])
                t += S[((2 * oh + a) * 5 + ow + d) * 20 + (2 * oh + e) * 5 + ow + f];
            s += t / 16;
          }
        assert.ok(Math.abs(pool.nngp!.get(i, j) - s / 8) < 1e-13 * Math.abs(s / 8));
      }
  });
}

test('CNTK-V: the diagonal-spatial shortcut equals the all-pairs computation (Conv / Relu / Erf / Flatten)', () => {
  const x = images(4, 4, 5, 5, 2);
  const net = serial(
    Conv({ channels: 8, filter: [3, 3], W_std: 1.5, b_std: 0.1 }),
    Relu(),
    Conv({ channels: 8, filter: [2, 2], padding: 'VALID', W_std: 1.4, b_std: 0.2 }),
    Erf(),
    Conv({ channels: 8, filter: [3, 1], padding: 'CIRCULAR', W_std: 1.3 }),
    Flatten(),
    Dense({ width: 1 }),
  );
  const a = kernelFn(net, x);
  const b = kernelFn(net, x, null, { diagonalSpatial: false });
  assert.ok(maxRel(a.ntk!.data, b.ntk!.data) < 1e-12 && maxRel(a.nngp!.data, b.nngp!.data) < 1e-12);
});

test('cross kernels equal the blocks of the symmetric kernel (incl. a nonlinearity after pooling)', () => {
  const xa = images(5, 3, 4, 4, 1);
  const xb = images(6, 2, 4, 4, 1);
  const all: Tensor = { shape: [5, 4, 4, 1], data: new Float64Array([...xa.data, ...xb.data]) };
  const nets = [
    serial(
      Conv({ channels: 4, filter: [3, 3], W_std: 1.5, b_std: 0.1 }),
      Relu(),
      Conv({ channels: 4, filter: [3, 3], W_std: 1.5 }),
      Relu(),
      GlobalAvgPool(),
      Dense({ width: 1, W_std: 1.2 }),
    ),
    serial(
      Conv({ channels: 4, filter: [3, 3], W_std: 1.5, b_std: 0.1 }),
      Relu(),
      AvgPool({ window: [2, 2] }),
      Conv({ channels: 4, filter: [2, 2], W_std: 1.5 }),
      Erf(),
      GlobalAvgPool(),
      Dense({ width: 3 }),
      Relu(),
      Dense({ width: 1 }),
    ),
  ];
  for (const net of nets) {
    const full = kernelFn(net, all, null, { tileSize: 2 });
    const cross = kernelFn(net, xa, xb, { tileSize: 2 });
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 2; j++) {
        assert.ok(
          Math.abs(cross.ntk!.get(i, j) - full.ntk!.get(i, 3 + j)) < 1e-12 * full.ntk!.get(i, i),
          `ntk (${i},${j})`,
        );
        assert.ok(Math.abs(cross.nngp!.get(i, j) - full.nngp!.get(i, 3 + j)) < 1e-12 * full.nngp!.get(i, i));
      }
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(cross.var1[i] - full.var1[i]) < 1e-12 * full.var1[i]);
    for (let j = 0; j < 2; j++)
      assert.ok(Math.abs(cross.var2[j] - full.var1[3 + j]) < 1e-12 * full.var1[3 + j]);
    for (let i = 0; i < 5; i++) assert.equal(full.var1[i], full.nngp!.get(i, i));
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 5; j++) assert.equal(full.ntk!.get(i, j), full.ntk!.get(j, i));
  }
});

test('two threads give the same CNTK-GAP as one, and tiles respect the memory budget', () => {
  const x = images(7, 34, 8, 8, 1);
  const net = serial(Conv({ channels: 1, filter: [3, 3], W_std: 1.4, b_std: 0.1 }), Relu(), GlobalAvgPool());
  const one = kernelFn(net, x, null, { threads: 1 });
  const two = kernelFn(net, x, null, { threads: 2 });
  assert.deepEqual(two.ntk!.data, one.ntk!.data);
  assert.deepEqual(two.var1, one.var1);
  const plan = planSpatial(net, [16, 16], 100, 100, true, true, undefined, 64, 32 * 2 ** 20);
  assert.equal(plan.diagonalSpatial, false);
  assert.ok(plan.tile * plan.tile * 65536 * 8 * 6 <= 32 * 2 ** 20 && plan.tile >= 1, `tile ${plan.tile}`);
});

test('bad input: rank, VALID filter too large, pooling a non-spatial kernel, forced diagonal layout, nonlinearity after Flatten', () => {
  const x = images(8, 2, 4, 4, 1);
  const conv = Conv({ channels: 2, filter: [3, 3] });
  assert.throws(
    () => kernelFn(conv, { shape: [2, 16], data: x.data }),
    /Conv: needs a spatial kernel.*non-spatial/,
  );
  assert.throws(
    () => kernelFn(serial(conv, Flatten()), { shape: [2, 2, 2, 2, 2], data: x.data.slice(0, 32) }),
    /3-D window|2-D window|spatial axes/,
  );
  assert.throws(
    () => kernelFn(serial(Conv({ channels: 2, filter: [5, 5], padding: 'VALID' }), Flatten()), x),
    /window 5 is larger than the input size 4 .*VALID/,
  );
  assert.throws(
    () => kernelFn(serial(Dense({ width: 3 }), GlobalAvgPool()), { shape: [2, 16], data: x.data }),
    /GlobalAvgPool: needs a spatial kernel/,
  );
  assert.throws(
    () => kernelFn(serial(conv, Relu(), GlobalAvgPool()), x, null, { diagonalSpatial: true }),
    /GlobalAvgPool: needs the covariance of all position pairs/,
  );
  assert.throws(
    () =>
      kernelFn(serial(conv, Relu(), AvgPool({ window: [2, 2] }), Flatten()), x, null, {
        diagonalSpatial: true,
      }),
    /AvgPool: needs the covariance of all position pairs/,
  );
  assert.throws(() => kernelFn(serial(conv, Flatten(), Relu()), x), /not Gaussian/);
  assert.throws(() => kernelFn(serial(conv, Relu()), x), /output has spatial shape \[4, 4\]/);
  assert.throws(
    () => GlobalAvgPool().kernel(inputKernel({ shape: [2, 3], data: new Float64Array(6) })),
    /needs a spatial kernel/,
  );
});

test("one Conv layer then GlobalAvgPool: the empirical NTK of any finite net equals the analytic one ('ntk' and 'standard')", async () => {
  const { empiricalNtk } = await import('../empirical/empiricalNtk.js');
  const x = images(9, 3, 4, 5, 2);
  for (const parameterization of ['ntk', 'standard'] as const) {
    for (const padding of ['SAME', 'VALID', 'CIRCULAR'] as const) {
      const net = serial(
        Conv({ channels: 6, filter: [3, 2], padding, W_std: 1.3, b_std: 0.4, parameterization }),
        GlobalAvgPool(),
      );
      const exact = kernelFn(net, x, null, { get: 'ntk' }).ntk!;
      const emp = empiricalNtk(net, net.init(PRNGKey(1), [4, 5, 2]), x); // linear in θ: the same for every θ
      assert.ok(
        maxRel(emp.data, exact.data) < 1e-12,
        `${parameterization} ${padding}: ${maxRel(emp.data, exact.data)}`,
      );
    }
  }
});

test('a single position: GlobalAvgPool = Flatten on 1×1 images', () => {
  const x = images(10, 4, 1, 1, 3);
  const body = () => [
    Conv({ channels: 2, filter: [1, 1], W_std: 1.2, b_std: 0.3 }),
    Relu(),
    Conv({ channels: 2, filter: [1, 1] }),
  ];
  const a = kernelFn(serial(...body(), GlobalAvgPool()), x);
  const b = kernelFn(serial(...body(), Flatten()), x);
  assert.ok(maxRel(a.ntk!.data, b.ntk!.data) < 1e-14);
});
