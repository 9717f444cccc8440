import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRNGKey } from '../random/keys.js';
import { normal } from '../random/normal.js';
import { Erf } from '../nn/activations/erf.js';
import { Relu } from '../nn/activations/abRelu.js';
import { FanInSum } from '../nn/combinators/fanIn.js';
import { FanOut } from '../nn/combinators/fanOut.js';
import { parallel } from '../nn/combinators/parallel.js';
import { serial } from '../nn/combinators/serial.js';
import { AvgPool } from '../nn/conv/avgPool.js';
import { Conv } from '../nn/conv/conv.js';
import { GlobalAvgPool } from '../nn/conv/globalAvgPool.js';
import { Flatten } from '../nn/conv/flatten.js';
import { Dense } from '../nn/dense.js';
import { Identity } from '../nn/identity.js';
import type { Layer, Tensor } from '../nn/types.js';
import { kernelFn } from './kernelFn.js';

/**
 * Identical inputs give bit-identical kernel entries (docs/conventions.md §4): when rows i and j of x are equal,
 * K[i, j] = K[i, i] exactly, on every path; and K(x1, x2)[i, j] = K(x1, x1)[i, i] when x2's row j is x1's row i.
 * (Before, the off-diagonal Σ⁰ came from the GEMM and the diagonal from a separate sum, so ρ = Σ/√(q·q) fell
 * just short of 1 and arccos, steep at 1, turned the last-bit difference into a relative 1e-9.)
 */
const D = (w: number) => Dense({ width: w, W_std: 1.5, b_std: 0.2 });

/** n rows of d seeded normals of varied magnitude, with row dup[k][1] a copy of row dup[k][0]. */
function withDuplicates(seed: number, shape: number[], dup: [number, number][]): Tensor {
  const n = shape[0];
  const per = shape.slice(1).reduce((a, b) => a * b, 1);
  const data = normal(PRNGKey(seed), n * per);
  for (let i = 0; i < n; i++) for (let c = 0; c < per; c++) data[i * per + c] *= 1 + 0.37 * i;
  for (const [a, b] of dup) data.copyWithin(b * per, a * per, (a + 1) * per);
  return { shape, data };
}

const DUPS: [number, number][] = [
  [0, 3],
  [2, 7],
  [2, 9],
  [5, 6],
];

const cases: [string, () => Layer, number[], number][] = [
  [
    'fused Relu chain',
    () => serial(D(8), Relu(), D(8), Relu(), D(8), Relu(), D(8), Relu(), D(1)),
    [10, 37],
    64,
  ],
  ['fused Relu chain, tiles of 4', () => serial(D(8), Relu(), D(8), Relu(), D(1)), [10, 37], 4],
  ['fused Relu/Erf', () => serial(D(8), Relu(), D(8), Erf(), D(8), Relu(), D(1)), [10, 37], 3],
  [
    'general (residual)',
    () => serial(D(8), FanOut(2), parallel(serial(Relu(), D(8)), Identity()), FanInSum(), Relu(), D(1)),
    [10, 37],
    4,
  ],
  [
    'spatial (conv + flatten)',
    () => serial(Conv({ channels: 4, filter: [2, 2], padding: 'SAME', W_std: 1.5 }), Relu(), Flatten(), D(1)),
    [10, 3, 3, 7],
    4,
  ],
  [
    'spatial (conv + pooling, all position pairs)',
    () =>
      serial(
        Conv({ channels: 4, filter: [2, 2], padding: 'SAME', W_std: 1.5 }),
        Relu(),
        AvgPool({ window: [2, 2], strides: [1, 1] }),
        Conv({ channels: 4, filter: [2, 2] }),
        Relu(),
        GlobalAvgPool(),
        D(1),
      ),
    [10, 3, 3, 5],
    4,
  ],
];

for (const [name, make, shape, tileSize] of cases) {
  test(`identical inputs give bit-identical entries: ${name}`, () => {
    const net = make();
    const x = withDuplicates(11, shape, DUPS);
    const n = shape[0];
    const per = x.data.length / n;
    const r = kernelFn(net, x, null, { tileSize, threads: 1 });
    for (const K of [r.nngp!, r.ntk!]) {
      for (const [a, b] of DUPS) {
        const groupA = DUPS.filter(([p]) => p === a).map(([, q]) => q);
        for (const i of [a, ...groupA]) {
          for (const j of [a, ...groupA]) {
            assert.ok(
              Object.is(K.get(i, j), K.get(a, a)),
              `K[${i},${j}] = ${K.get(i, j)} vs K[${a},${a}] = ${K.get(a, a)}`,
            );
          }
        }
        // the copy's row equals the original's row too, except after pooling: there entry (j, i) of the record
        // sums the window pairs of entry (i, j) transposed, in another order, and the last bit can differ
        if (!name.includes('pooling'))
          assert.ok(Object.is(K.get(b, 1), K.get(a, 1)), `K[${b},1] vs K[${a},1]`);
      }
    }
    // x2 holds copies of rows of x1: the cross entries equal the symmetric diagonal
    const rows = [3, 1, 7, 6];
    const x2: Tensor = { shape: [rows.length, ...shape.slice(1)], data: new Float64Array(rows.length * per) };
    rows.forEach((i, k) => x2.data.set(x.data.subarray(i * per, (i + 1) * per), k * per));
    const c = kernelFn(net, x, x2, { tileSize, threads: 1 });
    for (const [K, S] of [
      [c.nngp!, r.nngp!],
      [c.ntk!, r.ntk!],
    ]) {
      rows.forEach((i, k) =>
        assert.ok(
          Object.is(K.get(i, k), S.get(i, i)),
          `K12[${i},${k}] = ${K.get(i, k)} vs K11[${i},${i}] = ${S.get(i, i)}`,
        ),
      );
    }
  });
}
