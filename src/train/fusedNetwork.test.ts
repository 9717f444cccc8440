import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dense } from '../nn/dense.js';
import { LeakyRelu, Relu } from '../nn/activations/abRelu.js';
import { Erf } from '../nn/activations/erf.js';
import { Gelu } from '../nn/activations/gelu.js';
import { Elementwise } from '../nn/activations/elementwise.js';
import { serial } from '../nn/combinators/serial.js';
import { initParams } from '../nn/network.js';
import { flattenParams, unflattenParams } from '../nn/params.js';
import type { Layer, Params, Tensor } from '../nn/types.js';
import type { Parameterization } from '../nn/types.js';
import { PRNGKey, normal } from '../random/index.js';
import { fusedNetwork } from './fusedNetwork.js';

/** The per-layer route (serial → Dense / activation forward and VJP), the reference for the fused step. */
function reference(
  net: Layer,
  params0: Params,
  theta: Float64Array,
  x: Tensor,
  c: Float64Array,
): { f: Float64Array; g: Float64Array } {
  const params = unflattenParams(params0, theta);
  const { y, cache } = net.forward(params, x);
  const out = y as Tensor;
  const g = flattenParams(net.backward(params, cache, { shape: out.shape, data: c.slice() }).gparams);
  return { f: out.data.slice(), g };
}

function relErr(a: Float64Array, b: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), Number.MIN_VALUE);
}

/**
 * The fused step against the per-layer route on N inputs in R^d at θ = θ₀ + shift·ξ (so the bias values matter),
 * with a cotangent whose every entry is nonzero: outputs and gradient within 1e-12, and a second VJP of the same
 * evaluation gives the same numbers.
 */
function checkAgainstReference(net: Layer, d: number, N: number, seed: number, shift: number): void {
  const params0 = initParams(net, PRNGKey(seed), [d]);
  const fused = fusedNetwork(net, params0);
  assert.ok(fused, 'a Dense/activation chain takes the fused step');
  const x: Tensor = { shape: [N, d], data: normal(PRNGKey(seed + 1), N * d) };
  const theta = flattenParams(params0);
  const xi = normal(PRNGKey(seed + 2), theta.length);
  for (let i = 0; i < theta.length; i++) theta[i] += shift * xi[i];
  const ev = fused.evaluate(theta, x);
  const O = ev.outputs;
  const c = normal(PRNGKey(seed + 3), N * O);
  const ref = reference(net, params0, theta, x, c);
  assert.equal(ref.f.length, N * O, "the fused step reports the network's output width");
  const g = ev.vjp(c);
  assert.ok(relErr(ev.f, ref.f) <= 1e-12, `outputs: relative error ${relErr(ev.f, ref.f)}`);
  assert.ok(relErr(g, ref.g) <= 1e-12, `gradient: relative error ${relErr(g, ref.g)}`);
  assert.ok(relErr(ev.vjp(c), g) === 0, 'a second VJP of the same evaluation gives the same numbers');
}

const activations: [string, () => Layer][] = [
  ['Relu', () => Relu()],
  ['Erf', () => Erf({ a: 1.3, b: 0.7, c: 0.1 })],
  ['Gelu', () => Gelu()],
  ['Elementwise(tanh)', () => Elementwise({ fn: 'tanh' })],
  [
    'Elementwise(user φ)',
    () => Elementwise({ fn: (v) => Math.sin(v) + 0.5 * v, dfn: (v) => Math.cos(v) + 0.5 }),
  ],
];

for (const [name, act] of activations) {
  for (const parameterization of ['ntk', 'standard'] as Parameterization[]) {
    for (const [b_std, O, hidden] of [
      [0.3, 2, 7],
      [null, 2, 7],
      // one output (readout by dgemv and an outer product) and a one-unit hidden layer
      [0.3, 1, 1],
      [null, 1, 1],
    ] as [number | null, number, number][]) {
      test(`fused step = per-layer VJP route: ${name}, ${parameterization}, ${b_std === null ? 'no bias' : 'bias'}, widths ${hidden}-5-${O}`, () => {
        const net = serial(
          Dense({ width: hidden, W_std: 1.4, b_std, parameterization }),
          act(),
          Dense({ width: 5, W_std: 1.2, b_std, parameterization }),
          act(),
          Dense({ width: O, W_std: 1.1, b_std, parameterization }),
        );
        checkAgainstReference(net, 3, 9, 11, 0.2);
      });
    }
  }
}

// Wide enough that the sweeps go in blocks of rows (2048 rows at width 256, the last one 404) and that each
// block's entry-wise passes are split between two threads where the activation is Relu.
for (const [name, act, O, b_std] of [
  ['Relu', () => Relu(), 1, 0.2],
  ['Relu', () => Relu(), 3, null],
  ['LeakyRelu', () => LeakyRelu({ alpha: 0.1 }), 2, 0.2],
  ['Erf', () => Erf({ a: 1, b: 1, c: 0 }), 1, 0.2],
] as [string, () => Layer, number, number | null][]) {
  test(`fused step = per-layer VJP route in row blocks: ${name}, widths 256-256-${O}, ${b_std === null ? 'no bias' : 'bias'}, N = 4500`, () => {
    const net = serial(
      Dense({ width: 256, W_std: 1.4, b_std }),
      act(),
      Dense({ width: 256, W_std: 1.4, b_std }),
      act(),
      Dense({ width: O, W_std: 1.1, b_std }),
    );
    checkAgainstReference(net, 3, 4500, 41, 0.1);
  });
}

test('fused step: evaluations outlived by later passes keep their θ (pool reuse), and a released one refuses vjp', () => {
  const net = serial(Dense({ width: 6, b_std: 0.1 }), Relu(), Dense({ width: 1, b_std: 0.1 }));
  const params0 = initParams(net, PRNGKey(21), [2]);
  const fused = fusedNetwork(net, params0)!;
  const x: Tensor = { shape: [5, 2], data: normal(PRNGKey(22), 10) };
  const c = normal(PRNGKey(23), 5);
  const thetas = [0, 1, 2].map((k) => {
    const t = flattenParams(params0);
    const s = normal(PRNGKey(30 + k), t.length);
    for (let i = 0; i < t.length; i++) t[i] += 0.3 * s[i];
    return t;
  });
  // three outstanding passes at one batch size: the first one's buffers are taken over by the third
  const evs = thetas.map((t) => fused.evaluate(t, x));
  for (let k = 2; k >= 0; k--) {
    const ref = reference(net, params0, thetas[k], x, c);
    assert.ok(relErr(evs[k].f, ref.f) <= 1e-12, `pass ${k}: outputs`);
    assert.ok(relErr(evs[k].vjp(c), ref.g) <= 1e-12, `pass ${k}: gradient`);
  }
  evs[0].release();
  assert.throws(() => evs[0].vjp(c), /released/);
  // the caller's θ may change after evaluate without changing the pass
  const t = thetas[1].slice();
  const ev = fused.evaluate(t, x);
  t.fill(0);
  assert.ok(relErr(ev.vjp(c), reference(net, params0, thetas[1], x, c).g) <= 1e-12);
});

test('fusedNetwork: null for networks that are not Dense/activation chains', () => {
  const twoActs = serial(Dense({ width: 4 }), Relu(), Relu(), Dense({ width: 1 }));
  assert.equal(fusedNetwork(twoActs, initParams(twoActs, PRNGKey(1), [2])), null);
  const actFirst = serial(Relu(), Dense({ width: 1 }));
  assert.equal(fusedNetwork(actFirst, initParams(actFirst, PRNGKey(1), [2])), null);
});
