import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '../linalg/matrix.js';
import { PRNGKey, normal } from '../random/index.js';
import { Abs, ABRelu, activationLayer, Dense, Erf, LeakyRelu, Relu, serial } from '../nn/index.js';
import type { EntrywiseLayer } from '../nn/entrywise.js';
import type { Layer } from '../nn/types.js';
import { kernelFn } from './kernelFn.js';

/**
 * The fused interpreter computes Relu / ABRelu / Erf duals inline (src/kernels/fused.ts). Checked against
 * the same chain whose activations only expose their `dual` function (no closed form), which the
 * interpreter calls per entry: both must agree to the last bit, symmetric and not, at odd tile sizes.
 */
function viaDualCall(layer: EntrywiseLayer): EntrywiseLayer {
  const e = layer.entrywise.perEntry;
  if (e === undefined || !('dual' in e)) throw new Error('test: expected an activation with a dual');
  return activationLayer({ config: layer.config, fn: (x) => x, dfn: () => 1, dual: e.dual });
}

function chain(acts: (() => EntrywiseLayer)[], wrap: boolean): Layer {
  const layers: Layer[] = [];
  acts.forEach((mk, l) => {
    layers.push(Dense({ width: 8, W_std: 1.2 + 0.1 * l, b_std: l % 2 === 0 ? 0.1 : null }));
    layers.push(wrap ? viaDualCall(mk()) : mk());
  });
  layers.push(Dense({ width: 1, W_std: 0.9, b_std: 0.2, parameterization: 'standard' }));
  return serial(...layers);
}

const ACTS: (() => EntrywiseLayer)[] = [
  () => Relu(),
  () => LeakyRelu({ alpha: 0.1 }),
  () => Abs(),
  () => ABRelu({ a: -0.3, b: 1.7 }),
  () => Erf(),
  () => Erf({ a: 1.3, b: 0.4, c: -0.2 }),
  () => Relu(),
];

test('fused inline duals (Relu, ABRelu, LeakyRelu, Abs, Erf) = per-entry dual calls, bit for bit', () => {
  const x1 = new Matrix(29, 4, normal(PRNGKey(3), 29 * 4));
  const x2 = new Matrix(17, 4, normal(PRNGKey(4), 17 * 4));
  // duplicate rows in x1: Σ = q exactly off the diagonal as well
  for (let c = 0; c < 4; c++) x1.data[5 * 4 + c] = x1.data[2 * 4 + c];
  const inline = chain(ACTS, false);
  const called = chain(ACTS, true);
  for (const [a, b] of [
    [x1, null],
    [x1, x2],
  ] as const) {
    for (const tileSize of [5, 64]) {
      const f = kernelFn(inline, a, b, { tileSize, threads: 1 });
      const g = kernelFn(called, a, b, { tileSize, threads: 1 });
      for (let i = 0; i < f.nngp!.data.length; i++) {
        assert.ok(
          Object.is(f.nngp!.data[i], g.nngp!.data[i]),
          `nngp[${i}]: ${f.nngp!.data[i]} vs ${g.nngp!.data[i]}`,
        );
        assert.ok(
          Object.is(f.ntk!.data[i], g.ntk!.data[i]),
          `ntk[${i}]: ${f.ntk!.data[i]} vs ${g.ntk!.data[i]}`,
        );
        assert.ok(Number.isFinite(f.ntk!.data[i]), `ntk[${i}] finite`);
      }
    }
  }
});
