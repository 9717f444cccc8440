/**
 * The whole-pair wasm kernel (src/linalg/convReluChain.ts) against the per-region driver it replaces
 * (./pairRecursion.ts with the chain switched off, on the wasm and on the TypeScript stencil): the same numbers
 * (Object.is) for Σ, Θ and every block's taps, on chains of 3×3 SAME 'ntk' Conv → Relu blocks of depths 1–5, with
 * and without biases, GAP and Flatten, 1 and 3 channels, square and oblong images, distinct pairs and self pairs
 * (pinned at d = 0, mirrored without taps).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRNGKey, normal } from '../../random/index.js';
import { Conv, Flatten, GlobalAvgPool, Relu, serial } from '../../nn/index.js';
import type { Layer, Tensor } from '../../nn/types.js';
import { simdAvailable } from '../../linalg/wasm/kernels.js';
import { imageVariances, varianceLayout } from './imageVariances.js';
import { pairKernel, pairScratch } from './pairRecursion.js';
import { compileCntk } from './program.js';

function chainNet(depth: number, bias: boolean, readout: 'gap' | 'flatten'): Layer {
  const layers: Layer[] = [];
  for (let d = 0; d < depth; d++)
    layers.push(
      Conv({ channels: 4, filter: [3, 3], padding: 'SAME', W_std: 1.2 + 0.1 * d, b_std: bias ? 0.3 : null }),
      Relu(),
    );
  return serial(...layers, readout === 'gap' ? GlobalAvgPool() : Flatten());
}

const same = (a: Float64Array, b: Float64Array): boolean => a.every((x, i) => Object.is(x, b[i]));

test(
  'convReluChain: the whole-pair kernel = the per-region driver bit for bit',
  { skip: !simdAvailable() },
  () => {
    let checked = 0;
    for (const [H, W, C] of [
      [8, 8, 1],
      [5, 7, 3],
      [1, 4, 2],
    ])
      for (const depth of [1, 2, 5])
        for (const bias of [false, true])
          for (const readout of ['gap', 'flatten'] as const) {
            const p = compileCntk(chainNet(depth, bias, readout), [H, W], C);
            assert.ok(typeof p !== 'string', String(p));
            const layout = varianceLayout(p);
            const n = 3;
            const x: Tensor = {
              shape: [n, H, W, C],
              data: normal(PRNGKey(depth + 10 * H + C), n * H * W * C),
            };
            const v = new Float64Array(n * layout.stride);
            imageVariances(p, layout, x, 0, n, v);
            const chain = pairScratch(p, layout, 'wasm');
            assert.ok(chain.chain !== null, 'a chain program gets the whole-pair kernel');
            const regions = pairScratch(p, layout, 'wasm');
            regions.chain = null;
            const ts = pairScratch(p, layout, 'ts');
            assert.equal(ts.chain, null);
            const per = H * W * C;
            for (const [i, j] of [
              [0, 1],
              [2, 0],
              [1, 1],
            ])
              for (const withTaps of [false, true]) {
                const results = [chain, regions, ts].map((sc) => {
                  const out = new Float64Array(2);
                  const taps = withTaps ? new Float64Array(4 * depth) : null;
                  pairKernel(
                    p,
                    layout,
                    x.data,
                    i * per,
                    x.data,
                    j * per,
                    v,
                    i * layout.stride,
                    v,
                    j * layout.stride,
                    i === j,
                    true,
                    sc,
                    out,
                    taps,
                  );
                  return { out, taps };
                });
                const [a, b, c] = results;
                const what = `${H}×${W}×${C}, depth ${depth}, bias ${bias}, ${readout}, pair (${i}, ${j}), taps ${withTaps}`;
                assert.ok(a.out.every(Number.isFinite) && a.out[1] !== 0, what);
                assert.ok(
                  same(a.out, b.out) && same(a.out, c.out),
                  `${what}: ${a.out} vs ${b.out} vs ${c.out}`,
                );
                if (withTaps) assert.ok(same(a.taps!, b.taps!) && same(a.taps!, c.taps!), `${what}: taps`);
                checked++;
              }
          }
    assert.equal(checked, 3 * 3 * 2 * 2 * 3 * 2);
  },
);
