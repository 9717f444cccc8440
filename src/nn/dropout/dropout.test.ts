import { test } from 'node:test';
import assert from 'node:assert/strict';
import { monteCarloKernel } from '../../empirical/monteCarlo.js';
import { kernelFn } from '../../kernels/kernelFn.js';
import { Matrix } from '../../linalg/matrix.js';
import { PRNGKey, normal } from '../../random/index.js';
import { Relu } from '../activations/abRelu.js';
import { serial } from '../combinators/serial.js';
import { Dense } from '../dense.js';
import type { Kernel, Tensor } from '../types.js';
import { Dropout } from './dropout.js';

const relFro = (a: Float64Array, b: Float64Array): number => {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
};

/**
 * Train-mode Dropout's infinite-width kernel against Monte Carlo over masks and weights of
 * Dense(256) → Relu → Dropout(0.7) → Dense(128): 64 draws, each with its own mask seed and weight key;
 * relative Frobenius error ≤ 5 % for the NNGP and the NTK.
 */
test('Dropout (train): NNGP/NTK = Monte Carlo over masks and weights within 5 %; the diagonal is scaled by 1/rate', () => {
  const x = new Matrix(5, 6, normal(PRNGKey(21), 30));
  const S = 64;
  const net = (seed: number) =>
    serial(
      Dense({ width: 256, W_std: 1.4, b_std: 0.1 }),
      Relu(),
      Dropout({ rate: 0.7, seed }),
      Dense({ width: 128 }),
    );
  const exact = kernelFn(net(0), x);
  const nngp = new Float64Array(25);
  const ntk = new Float64Array(25);
  for (let s = 0; s < S; s++) {
    const mc = monteCarloKernel(net(s), x, null, { samples: 1, key: PRNGKey(1000 + s) });
    for (let i = 0; i < 25; i++) {
      nngp[i] += mc.nngp!.data[i] / S;
      ntk[i] += mc.ntk!.data[i] / S;
    }
  }
  const eN = relFro(nngp, exact.nngp.data);
  const eT = relFro(ntk, exact.ntk.data);
  assert.ok(eN <= 0.05, `NNGP relative Frobenius error ${eN}`);
  assert.ok(eT <= 0.05, `NTK relative Frobenius error ${eT}`);
  // against the same network without dropout: only the diagonal of the post-dropout NNGP changes (by 1/rate)
  const plain = kernelFn(serial(Dense({ width: 256, W_std: 1.4, b_std: 0.1 }), Relu()), x).nngp;
  const rec: Kernel = kernelRecordOf(plain.data, 5);
  const after = Dropout({ rate: 0.7 }).kernel(rec) as Kernel;
  for (let i = 0; i < 5; i++)
    for (let j = 0; j < 5; j++) {
      const f = i === j ? 1 / 0.7 : 1;
      assert.ok(
        Math.abs(after.nngp[i * 5 + j] - f * plain.data[i * 5 + j]) <=
          1e-15 * Math.abs(plain.data[i * 5 + j]) * 2,
      );
    }
});

function kernelRecordOf(k: Float64Array, n: number): Kernel {
  const v = Float64Array.from({ length: n }, (_, i) => k[i * n + i]);
  return {
    nngp: k,
    ntk: null,
    var1: v,
    var2: v,
    n1: n,
    n2: n,
    symmetric: true,
    spatial: [],
    diagonalSpatial: true,
    channels: 256,
    isGaussian: false,
  };
}

test('Dropout: test mode is the identity; train-mode VJP/JVP are the mask; bad rate refused', () => {
  const x: Tensor = { shape: [3, 5], data: normal(PRNGKey(5), 15) };
  const t = Dropout({ rate: 0.5, mode: 'test' });
  assert.deepEqual((t.forward({}, x).y as Tensor).data, x.data);
  const d = Dropout({ rate: 0.5, seed: 3 });
  const { y, cache } = d.forward({}, x);
  const g: Tensor = { shape: [3, 5], data: normal(PRNGKey(6), 15) };
  const gx = (d.backward({}, cache, g).gx as Tensor).data;
  const tx = (d.jvp({}, cache, g, {}) as Tensor).data;
  for (let i = 0; i < 15; i++) {
    const m = (y as Tensor).data[i] / x.data[i]; // 0 or 2
    assert.ok(m === 0 || Math.abs(m - 2) < 1e-15);
    assert.equal(gx[i], g.data[i] * (m === 0 ? 0 : 2));
    assert.equal(tx[i], gx[i]);
  }
  assert.throws(() => Dropout({ rate: 0 }), /Dropout: rate/);
});
