import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDigits } from '../../data/digits.js';
import { digitsSplit } from '../../data/digitsSplit.js';
import { kernelFn } from '../../kernels/kernelFn.js';
import { Conv, Dense, Flatten, GlobalAvgPool, Relu, serial } from '../../nn/index.js';
import type { Layer } from '../../nn/types.js';
import { PRNGKey } from '../../random/index.js';
import { cntkByDepth } from './digitsKernels.js';

test('digitsSplit: fixed, disjoint, standardized on the training pixels, targets onehot − 0.1', () => {
  const d = loadDigits();
  const a = digitsSplit(d, 50, 30, PRNGKey(0));
  const b = digitsSplit(d, 50, 30, PRNGKey(0));
  assert.deepEqual(a.xTest.data, b.xTest.data);
  let m = 0;
  let s = 0;
  for (const v of a.xTrain.data) m += v / a.xTrain.data.length;
  for (const v of a.xTrain.data) s += (v - m) ** 2 / a.xTrain.data.length;
  assert.ok(Math.abs(m) < 1e-12 && Math.abs(s - 1) < 1e-12);
  for (let i = 0; i < 30; i++) {
    assert.equal(a.yTest.get(i, a.labelsTest[i]), 0.9);
    let row = 0;
    for (let c = 0; c < 10; c++) row += a.yTest.get(i, c);
    assert.ok(Math.abs(row) < 1e-12);
  }
  assert.throws(() => digitsSplit(d, 1500, 400, PRNGKey(0)), /nTrain \+ nTest ≤ 1797/);
});

test('cntkByDepth equals kernelFn of the explicit CNTK-V and CNTK-GAP networks at every depth', () => {
  const s = digitsSplit(loadDigits(), 5, 3, PRNGKey(1));
  const depth = 3;
  const sym = cntkByDepth(s.xTrain, null, depth, 2);
  const cross = cntkByDepth(s.xTest, s.xTrain, depth, 2);
  for (let d = 1; d <= depth; d++) {
    const body: Layer[] = [];
    for (let l = 0; l < d; l++)
      body.push(Conv({ channels: 1, filter: [3, 3], padding: 'SAME', W_std: Math.SQRT2 }), Relu());
    for (const [pool, got, gotX] of [
      [Flatten(), sym.v, cross.v],
      [GlobalAvgPool(), sym.gap, cross.gap],
    ] as const) {
      const net = serial(...body, pool, Dense({ width: 1, W_std: 1 }));
      const a = kernelFn(net, s.xTrain, null, { get: 'ntk' }).ntk!;
      const b = kernelFn(net, s.xTest, s.xTrain, { get: 'ntk' }).ntk!;
      for (let i = 0; i < a.data.length; i++)
        assert.ok(
          Math.abs(a.data[i] - got[d - 1].data[i]) <= 1e-12 * Math.abs(a.data[i]),
          `${pool.type} depth ${d} train`,
        );
      for (let i = 0; i < b.data.length; i++)
        assert.ok(
          Math.abs(b.data[i] - gotX[d - 1].data[i]) <= 1e-12 * Math.abs(b.data[i]),
          `${pool.type} depth ${d} test`,
        );
    }
  }
});
