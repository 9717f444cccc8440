import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '../linalg/matrix.js';
import { PRNGKey, normal } from '../random/index.js';
import { activationLayer, Dense, Relu, serial } from '../nn/index.js';
import type { EntrywiseLayer } from '../nn/entrywise.js';
import type { Layer } from '../nn/types.js';
import { kernelFn } from './kernelFn.js';

/**
 * A chain of 'ntk' Dense and Relu layers takes the four-entries-at-once loop of the fused interpreter
 * (src/kernels/fused.ts, `reluChainRow4`). Checked bit for bit against the same chain whose Relu only exposes
 * its `dual` function (src/nn/activations/abRelu.ts), which the one-entry interpreter calls per entry:
 * symmetric and not, tile sizes that leave 0–3 tail columns, a zero input row (n = 0) and duplicate rows (ρ = 1).
 */
function reluViaDualCall(): EntrywiseLayer {
  const layer = Relu() as EntrywiseLayer;
  const e = layer.entrywise.perEntry;
  if (e === undefined || !('dual' in e)) throw new Error('test: expected Relu to have a dual');
  return activationLayer({
    config: layer.config,
    fn: (x) => Math.max(x, 0),
    dfn: (x) => (x > 0 ? 1 : 0),
    dual: e.dual,
  });
}

function net(viaDual: boolean): Layer {
  const layers: Layer[] = [];
  for (let l = 0; l < 4; l++) {
    layers.push(Dense({ width: 8, W_std: 1.3 + 0.05 * l, b_std: l === 1 ? null : 0.1 * (l + 1) }));
    layers.push(viaDual ? reluViaDualCall() : (Relu() as EntrywiseLayer));
  }
  layers.push(Dense({ width: 1, W_std: 1.1, b_std: 0.05 }));
  return serial(...layers);
}

test('Dense/Relu chain: 4-wide fused loop = per-entry dual calls, bit for bit', () => {
  const d = 3;
  const x1 = new Matrix(31, d, normal(PRNGKey(11), 31 * d));
  const x2 = new Matrix(23, d, normal(PRNGKey(12), 23 * d));
  for (let c = 0; c < d; c++) {
    x1.data[7 * d + c] = x1.data[3 * d + c]; // duplicate rows: ρ = 1 off the diagonal
    x1.data[12 * d + c] = -x1.data[3 * d + c]; // opposite rows: ρ = −1
    x1.data[20 * d + c] = 0; // zero row: Σ⁰ = 0 (the first bias makes it positive)
  }
  const fast = net(false);
  const slow = net(true);
  for (const [a, b] of [
    [x1, null],
    [x1, x2],
  ] as const) {
    for (const tileSize of [1, 5, 6, 7, 64]) {
      for (const get of [['nngp', 'ntk'], 'nngp'] as const) {
        const f = kernelFn(fast, a, b, { tileSize, threads: 1, get });
        const g = kernelFn(slow, a, b, { tileSize, threads: 1, get });
        for (let i = 0; i < f.nngp!.data.length; i++) {
          assert.ok(
            Object.is(f.nngp!.data[i], g.nngp!.data[i]),
            `nngp[${i}] (tile ${tileSize}): ${f.nngp!.data[i]} vs ${g.nngp!.data[i]}`,
          );
          assert.ok(Number.isFinite(f.nngp!.data[i]), `nngp[${i}] finite`);
          if (get !== 'nngp') {
            assert.ok(
              Object.is(f.ntk!.data[i], g.ntk!.data[i]),
              `ntk[${i}] (tile ${tileSize}): ${f.ntk!.data[i]} vs ${g.ntk!.data[i]}`,
            );
          }
        }
      }
    }
  }
});

test('Dense/Relu chain without any bias: a zero input row gives n = 0 and finite kernels on both paths', () => {
  const d = 2;
  const x = new Matrix(9, d, normal(PRNGKey(13), 9 * d));
  x.data[4 * d] = 0;
  x.data[4 * d + 1] = 0;
  const mk = (viaDual: boolean): Layer =>
    serial(
      Dense({ width: 4, W_std: 1.5, b_std: null }),
      viaDual ? reluViaDualCall() : Relu(),
      Dense({ width: 4, W_std: 1.5, b_std: null }),
      viaDual ? reluViaDualCall() : Relu(),
      Dense({ width: 1, W_std: 1.5, b_std: null }),
    );
  const f = kernelFn(mk(false), x, null, { tileSize: 8, threads: 1 });
  const g = kernelFn(mk(true), x, null, { tileSize: 8, threads: 1 });
  for (let i = 0; i < f.nngp!.data.length; i++) {
    assert.ok(Object.is(f.nngp!.data[i], g.nngp!.data[i]), `nngp[${i}]`);
    assert.ok(Object.is(f.ntk!.data[i], g.ntk!.data[i]), `ntk[${i}]`);
    assert.ok(Number.isFinite(f.ntk!.data[i]), `ntk[${i}] finite`);
  }
  // Σ and Θ vanish on the zero row's row and column (no bias anywhere)
  for (let j = 0; j < 9; j++) assert.equal(f.nngp!.get(4, j), 0);
});
