import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRNGKey, normal } from '../../random/index.js';
import { checkParameterlessDerivatives } from '../jacobianCheck.testutil.js';
import { Dense } from '../dense.js';
import { Relu } from '../activations/abRelu.js';
import { serial } from '../combinators/serial.js';
import type { Kernel, Tensor } from '../types.js';
import { kernelFn } from '../../kernels/kernelFn.js';
import { LayerNorm } from './layerNorm.js';

/** LayerNorm: the forward map by definition, its exact Jacobian against central differences, its kernel map. */

test('LayerNorm forward: each group has mean 0 and mean square v/(v + eps), per position or over the whole example', () => {
  const x: Tensor = { shape: [2, 3, 2, 4], data: normal(PRNGKey(1), 48).map((v, i) => 3 * v + (i % 5)) };
  for (const axis of ['features', 'all'] as const) {
    const y = (LayerNorm({ axis, eps: 0 }).forward({}, x).y as Tensor).data;
    const L = axis === 'features' ? 4 : 24;
    for (let g = 0; g < 48 / L; g++) {
      let m = 0;
      let q = 0;
      for (let i = 0; i < L; i++) {
        m += y[g * L + i] / L;
        q += y[g * L + i] ** 2 / L;
      }
      assert.ok(
        Math.abs(m) < 1e-14 && Math.abs(q - 1) < 1e-13,
        `${axis} group ${g}: mean ${m}, mean square ${q}`,
      );
    }
  }
  // eps enters as √(v + eps): a constant group maps to 0, not NaN
  const c = LayerNorm().forward({}, { shape: [1, 3], data: Float64Array.from([2, 2, 2]) }).y as Tensor;
  assert.deepEqual([...c.data], [0, 0, 0]);
});

test('LayerNorm JVP vs central differences and VJP as its adjoint (dense, image features, image all, 1-D)', () => {
  checkParameterlessDerivatives(LayerNorm(), [6], 3, 2);
  checkParameterlessDerivatives(LayerNorm({ axis: 'all' }), [6], 2, 3);
  checkParameterlessDerivatives(LayerNorm({ axis: 'features' }), [3, 2, 4], 2, 4);
  checkParameterlessDerivatives(LayerNorm({ axis: 'all', eps: 0.3 }), [3, 2, 4], 2, 5);
  checkParameterlessDerivatives(LayerNorm({ eps: 1e-3 }), [5, 3], 2, 6);
});

test('LayerNorm kernel: Σ/√((eps + q)(eps + q′)) after an affine layer, in closed form for one Dense layer', () => {
  const x = { shape: [3, 4], data: normal(PRNGKey(7), 12) };
  const W = 1.3;
  const b = 0.2;
  const eps = 0.05;
  const r = kernelFn(serial(Dense({ width: 8, W_std: W, b_std: b }), LayerNorm({ eps })), x, null);
  const sig = (i: number, j: number): number => {
    let s = 0;
    for (let k = 0; k < 4; k++) s += x.data[i * 4 + k] * x.data[j * 4 + k];
    return (W * W * s) / 4 + b * b;
  };
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      const want = sig(i, j) / Math.sqrt((eps + sig(i, i)) * (eps + sig(j, j)));
      assert.ok(Math.abs(r.nngp!.get(i, j) - want) < 1e-14, `nngp (${i}, ${j})`);
      assert.ok(Math.abs(r.ntk!.get(i, j) - want) < 1e-14, `ntk (${i}, ${j})`); // one Dense layer: Θ = Σ
    }
});

test('LayerNorm kernel refuses a non-Gaussian record (network input, after Relu); bad options name the argument', () => {
  const x = { shape: [2, 3], data: normal(PRNGKey(8), 6) };
  assert.throws(
    () => kernelFn(LayerNorm(), x),
    /LayerNorm: its infinite-width kernel needs zero-mean Gaussian/,
  );
  assert.throws(
    () => kernelFn(serial(Dense({ width: 4 }), Relu(), LayerNorm()), x),
    /right after an affine layer/,
  );
  assert.throws(
    () => LayerNorm({ axis: 'channels' as never }),
    /axis must be 'features' or 'all', got "channels"/,
  );
  assert.throws(() => LayerNorm({ eps: -1 }), /eps must be a finite number ≥ 0, got -1/);
});

test('LayerNorm on dense inputs: the fused interpreter (kernelFn) equals the record-level map bit for bit', async () => {
  const { inputKernel } = await import('../../kernels/inputKernel.js');
  const { compileFused } = await import('../../kernels/fused.js');
  const x = { shape: [5, 3], data: normal(PRNGKey(10), 15) };
  const net = serial(
    Dense({ width: 4, W_std: 1.2, b_std: 0.4 }),
    LayerNorm({ eps: 0.01 }),
    Relu(),
    Dense({ width: 1 }),
  );
  assert.ok(compileFused(net, 3) !== null); // kernelFn runs it on the fused path
  const fused = kernelFn(net, x, null, { threads: 1 });
  const rec = net.kernel(inputKernel(x, null, { ntk: true, diagonalSpatial: true })) as Kernel;
  assert.deepEqual([...fused.nngp!.data], [...rec.nngp]);
  assert.deepEqual([...fused.ntk!.data], [...rec.ntk!]);
});
