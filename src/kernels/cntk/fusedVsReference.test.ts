import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRNGKey, normal } from '../../random/index.js';
import { Conv, Dense, Erf, Flatten, GlobalAvgPool, LeakyRelu, Relu, serial } from '../../nn/index.js';
import type { Layer, Tensor } from '../../nn/types.js';
import { spatialKernelFn } from '../spatialKernelFn.js';

/**
 * The fused displacement-wise CNTK recursion against the record-level kernel maps (path 'reference', an
 * independent implementation over all position pairs): ≤ 1e-13 relative on every entry and variance, over GAP and
 * Flatten readouts, ReLU and Erf (and a generic dual), depths 1–4, SAME and VALID, 1-D and 2-D, x1 ≠ x2 and x1 = x2.
 */

const images = (seed: number, shape: number[]): Tensor => ({
  shape,
  data: normal(
    PRNGKey(seed),
    shape.reduce((a, b) => a * b, 1),
  ),
});

function maxRel(a: Float64Array, b: Float64Array): number {
  let scale = 0;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / scale);
  return m;
}

type Act = 'relu' | 'erf' | 'leaky';
const act = (a: Act): Layer => (a === 'relu' ? Relu() : a === 'erf' ? Erf() : LeakyRelu({ alpha: 0.2 }));

function cnn(
  depth: number,
  a: Act,
  padding: 'SAME' | 'VALID',
  readout: 'gap' | 'flatten',
  oneD: boolean,
): Layer {
  const layers: Layer[] = [];
  const f = oneD ? [3] : [3, 3];
  for (let d = 0; d < depth; d++)
    layers.push(
      Conv({
        channels: 3,
        filter: d === 1 ? (oneD ? [2] : [2, 3]) : f,
        padding: d === 2 ? 'SAME' : padding,
        W_std: 1.3 + 0.1 * d,
        b_std: d % 2 === 0 ? 0.2 : null,
        parameterization: d === 3 ? 'standard' : 'ntk',
      }),
      act(a),
    );
  return serial(
    ...layers,
    readout === 'gap' ? GlobalAvgPool() : Flatten(),
    Dense({ width: 1, W_std: 1.1, b_std: 0.1 }),
  );
}

function compare(net: Layer, x1: Tensor, x2: Tensor | null, label: string): void {
  const sym = x2 === null;
  const o = { wantNtk: true, maxTile: 4, threads: 1 };
  const fused = spatialKernelFn(net, x1, x2 ?? x1, sym, o);
  const ref = spatialKernelFn(net, x1, x2 ?? x1, sym, { ...o, path: 'reference' });
  assert.equal(fused.path, 'fused', `${label}: the fused path was taken`);
  assert.equal(ref.path, 'reference');
  for (const [name, a, b] of [
    ['nngp', fused.nngp.data, ref.nngp.data],
    ['ntk', fused.ntk!.data, ref.ntk!.data],
    ['var1', fused.var1, ref.var1],
    ['var2', fused.var2, ref.var2],
  ] as const) {
    const e = maxRel(a, b);
    assert.ok(
      e <= 1e-13,
      `${label}: ${name} differs by ${e.toExponential(2)} (relative to its largest entry)`,
    );
  }
}

for (const readout of ['gap', 'flatten'] as const)
  for (const a of ['relu', 'erf'] as const)
    for (const padding of ['SAME', 'VALID'] as const)
      for (const oneD of [false, true])
        test(`fused CNTK = record-level maps: ${readout}, ${a}, ${padding}, ${oneD ? '1-D' : '2-D'}, depths 1–4`, () => {
          const shape = (n: number): number[] => (oneD ? [n, 9, 2] : [n, 6, 7, 2]);
          const x1 = images(1, shape(4));
          const x2 = images(2, shape(3));
          for (let depth = 1; depth <= 4; depth++) {
            const net = cnn(depth, a, padding, readout, oneD);
            compare(net, x1, null, `depth ${depth}, x2 = x1`);
            compare(net, x1, x2, `depth ${depth}, x2 ≠ x1`);
          }
        });

test('fused CNTK = record-level maps: Dense on positions, a generic dual, and a nonlinearity after pooling', () => {
  const x1 = images(3, [3, 5, 5, 2]);
  const x2 = images(4, [2, 5, 5, 2]);
  const net = serial(
    Dense({ width: 4, W_std: 1.2, b_std: 0.3 }),
    LeakyRelu({ alpha: 0.2 }),
    Conv({ channels: 2, filter: [3, 3], padding: 'SAME', W_std: 1.5, b_std: 0.1 }),
    Relu(),
    Dense({ width: 3, W_std: 1.1, parameterization: 'standard' }),
    Erf(),
    GlobalAvgPool(),
    Dense({ width: 5, W_std: 1.4, b_std: 0.2 }),
    Relu(),
    Dense({ width: 1 }),
  );
  compare(net, x1, null, 'x2 = x1');
  compare(net, x1, x2, 'x2 ≠ x1');
});

test('fused CNTK: 2 threads = 1 thread bit for bit (tiles of image pairs on a worker thread)', () => {
  const x1 = images(5, [24, 8, 8, 1]);
  const x2 = images(6, [12, 8, 8, 1]);
  const net = cnn(2, 'relu', 'SAME', 'gap', false);
  for (const x of [null, x2]) {
    const o = { wantNtk: true, maxTile: 4 };
    const one = spatialKernelFn(net, x1, x ?? x1, x === null, { ...o, threads: 1 });
    const two = spatialKernelFn(net, x1, x ?? x1, x === null, { ...o, threads: 2 });
    assert.equal(two.threads, 2);
    assert.deepEqual(two.nngp.data, one.nngp.data);
    assert.deepEqual(two.ntk!.data, one.ntk!.data);
    assert.deepEqual(two.var1, one.var1);
    assert.deepEqual(two.var2, one.var2);
  }
});

test('strided or dilated Convs and CIRCULAR padding take the record-level path', () => {
  const x = images(7, [2, 6, 6, 1]);
  for (const conv of [
    Conv({ channels: 1, filter: [3, 3], strides: [2, 1] }),
    Conv({ channels: 1, filter: [3, 3], dilation: [1, 2] }),
    Conv({ channels: 1, filter: [3, 3], padding: 'CIRCULAR' }),
  ]) {
    const r = spatialKernelFn(serial(conv, Relu(), GlobalAvgPool()), x, x, true, {
      wantNtk: true,
      maxTile: 4,
    });
    assert.equal(r.path, 'reference');
  }
  const ones = Conv({ channels: 1, filter: [3, 3], strides: [1, 1], dilation: [1, 1] });
  const r = spatialKernelFn(serial(ones, Relu(), GlobalAvgPool()), x, x, true, { wantNtk: true, maxTile: 4 });
  assert.equal(r.path, 'fused');
});

test('fused CNTK: a self pair, whose region of −d reuses the sums of d, equals the pair of two copies bit for bit', () => {
  const x = images(8, [3, 7, 6, 2]);
  const per = 7 * 6 * 2;
  x.data.copyWithin(2 * per, 0, per);
  const net = cnn(3, 'relu', 'SAME', 'gap', false);
  const k = spatialKernelFn(net, x, x, true, { wantNtk: true, maxTile: 4, threads: 1 });
  assert.equal(k.path, 'fused');
  for (const m of [k.nngp.data, k.ntk!.data]) {
    assert.equal(m[2], m[0], 'K[0, 2] = K[0, 0]');
    assert.equal(m[2 * 3 + 2], m[0], 'K[2, 2] = K[0, 0]');
  }
});
