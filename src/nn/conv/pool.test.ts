import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRNGKey, normal } from '../../random/index.js';
import { checkParameterlessDerivatives } from '../jacobianCheck.testutil.js';
import { Relu } from '../activations/abRelu.js';
import { serial } from '../combinators/serial.js';
import { inputKernel } from '../../kernels/inputKernel.js';
import type { Kernel, Layer, Tensor } from '../types.js';
import { kernelFn } from '../../kernels/kernelFn.js';
import { AvgPool } from './avgPool.js';
import { Conv } from './conv.js';
import { Flatten } from './flatten.js';
import { GlobalAvgPool } from './globalAvgPool.js';
import { GlobalSumPool } from './globalSumPool.js';
import { SumPool } from './sumPool.js';

/** AvgPool normalize_edges, SumPool, GlobalSumPool: forward by brute force, derivatives, and exact kernel ratios. */

const rand = (seed: number, shape: number[]): Tensor => ({
  shape,
  data: normal(
    PRNGKey(seed),
    shape.reduce((a, b) => a * b, 1),
  ),
});

/** Brute-force SAME pooling on [1, H, W, 1] with stride 1 and an odd window: sum and count of in-range entries. */
function bruteSame(x: Tensor, f: number): { sum: number[]; count: number[] } {
  const [, H, W] = x.shape;
  const r = (f - 1) / 2;
  const sum: number[] = [];
  const count: number[] = [];
  for (let i = 0; i < H; i++)
    for (let j = 0; j < W; j++) {
      let s = 0;
      let n = 0;
      for (let a = -r; a <= r; a++)
        for (let b = -r; b <= r; b++)
          if (i + a >= 0 && i + a < H && j + b >= 0 && j + b < W) {
            s += x.data[(i + a) * W + j + b];
            n++;
          }
      sum.push(s);
      count.push(n);
    }
  return { sum, count };
}

test('AvgPool normalize_edges divides by the non-padded entries; SumPool sums; GlobalSumPool = P·GlobalAvgPool', () => {
  const x = rand(1, [1, 4, 5, 1]);
  const { sum, count } = bruteSame(x, 3);
  const opts = { window: [3, 3], strides: [1, 1], padding: 'SAME' as const };
  const edges = (AvgPool({ ...opts, normalize_edges: true }).forward({}, x).y as Tensor).data;
  const plain = (AvgPool(opts).forward({}, x).y as Tensor).data;
  const summed = (SumPool(opts).forward({}, x).y as Tensor).data;
  for (let o = 0; o < 20; o++) {
    assert.ok(Math.abs(edges[o] - sum[o] / count[o]) < 1e-15, `edges ${o}`);
    assert.ok(Math.abs(plain[o] - sum[o] / 9) < 1e-15, `size ${o}`);
    assert.ok(Math.abs(summed[o] - sum[o]) < 1e-14, `sum ${o}`);
  }
  // normalize_edges only matters under SAME padding: VALID and CIRCULAR windows have no padded entries
  for (const padding of ['VALID', 'CIRCULAR'] as const) {
    const a = (
      AvgPool({ window: [3, 3], strides: [1, 1], padding, normalize_edges: true }).forward({}, x).y as Tensor
    ).data;
    const b = (AvgPool({ window: [3, 3], strides: [1, 1], padding }).forward({}, x).y as Tensor).data;
    assert.deepEqual([...a], [...b]);
  }
  const g = (GlobalSumPool().forward({}, x).y as Tensor).data[0];
  assert.ok(Math.abs(g - 20 * (GlobalAvgPool().forward({}, x).y as Tensor).data[0]) < 1e-13);
  assert.deepEqual(SumPool({ window: [2, 2] }).outShape([5, 4, 3]), [2, 2, 3]);
  assert.deepEqual(GlobalSumPool().outShape([5, 4, 3]), [3]);
  assert.deepEqual(AvgPool({ window: [2], normalize_edges: true }).config, {
    type: 'AvgPool',
    window: [2],
    strides: [2],
    padding: 'VALID',
    normalize_edges: true,
  });
});

test('pooling derivatives: JVP vs central differences and VJP as its adjoint', () => {
  checkParameterlessDerivatives(
    AvgPool({ window: [3, 3], strides: [2, 1], padding: 'SAME', normalize_edges: true }),
    [5, 4, 2],
    2,
    1,
  );
  checkParameterlessDerivatives(
    SumPool({ window: [2, 3], strides: [1, 2], padding: 'SAME' }),
    [4, 5, 2],
    2,
    2,
  );
  checkParameterlessDerivatives(SumPool({ window: [3], padding: 'CIRCULAR', strides: [2] }), [7, 2], 2, 3);
  checkParameterlessDerivatives(GlobalSumPool(), [3, 4, 2], 2, 4);
});

const rel = (a: Float64Array, b: Float64Array): number => {
  let d = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    n += b[i] ** 2;
  }
  return Math.sqrt(d / n);
};

test('SumPool kernel = |window|² × AvgPool kernel and GlobalSumPool = P² × GlobalAvgPool (outputs scale by |window| and P)', () => {
  const x = rand(5, [3, 5, 5, 2]);
  const body = (): Layer[] => [
    Conv({ channels: 1, filter: [3, 3], padding: 'SAME', W_std: 1.4, b_std: 0.2 }),
    Relu(),
  ];
  for (const padding of ['SAME', 'VALID', 'CIRCULAR'] as const) {
    const opts = { window: [3, 2], strides: [2, 1], padding };
    const s = kernelFn(serial(...body(), SumPool(opts), Flatten()), x);
    const a = kernelFn(serial(...body(), AvgPool(opts), Flatten()), x);
    assert.ok(
      rel(
        s.nngp!.data,
        a.nngp!.data.map((v) => 36 * v),
      ) < 1e-13,
      `${padding} nngp`,
    );
    assert.ok(
      rel(
        s.ntk!.data,
        a.ntk!.data.map((v) => 36 * v),
      ) < 1e-13,
      `${padding} ntk`,
    );
  }
  const s = kernelFn(serial(...body(), GlobalSumPool()), x);
  const a = kernelFn(serial(...body(), GlobalAvgPool()), x);
  assert.ok(
    rel(
      s.nngp!.data,
      a.nngp!.data.map((v) => 625 * v),
    ) < 1e-13,
  );
  assert.ok(
    rel(
      s.ntk!.data,
      a.ntk!.data.map((v) => 625 * v),
    ) < 1e-13,
  );
  // normalize_edges, second route: the plain average's record times (|window|/n(o))·(|window|/n(o')) entry by entry
  const k0 = inputKernel(x, null, { ntk: true, diagonalSpatial: false });
  const k1 = serial(...body()).kernel(k0) as Kernel;
  const same = { window: [3, 3], strides: [1, 1], padding: 'SAME' as const };
  const e = AvgPool({ ...same, normalize_edges: true }).kernel(k1) as Kernel;
  const p = AvgPool(same).kernel(k1) as Kernel;
  const n = bruteSame(rand(0, [1, 5, 5, 1]), 3).count;
  for (let pair = 0; pair < 9; pair++)
    for (let o = 0; o < 25; o++)
      for (let q = 0; q < 25; q++) {
        const at = pair * 625 + o * 25 + q;
        const f = (9 / n[o]) * (9 / n[q]);
        assert.ok(Math.abs(e.nngp[at] - f * p.nngp[at]) <= 1e-14 * Math.abs(f * p.nngp[at]) + 1e-300);
        assert.ok(Math.abs(e.ntk![at] - f * p.ntk![at]) <= 1e-14 * Math.abs(f * p.ntk![at]) + 1e-300);
      }
  assert.ok(n[0] === 4 && n[1] === 6 && n[6] === 9); // corners, edges, interior
});
