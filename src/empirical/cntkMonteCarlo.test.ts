import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRNGKey, normal } from '../random/index.js';
import { Conv, Dense, Erf, Flatten, GlobalAvgPool, Relu, serial } from '../nn/index.js';
import type { Layer, Tensor } from '../nn/types.js';
import type { Padding } from '../nn/conv/geometry.js';
import { kernelFn } from '../kernels/kernelFn.js';
import { monteCarloKernel } from './monteCarlo.js';

/**
 * The analytic CNTK (Arora et al. 2019, §3) against the Monte Carlo average of the empirical NTK of finite CNNs
 * (src/empirical via Conv.perExampleGrads) at width 256 with 32 seeded initializations. Tolerance: every entry
 * within 5% of the kernel's scale √(Θ_ii·Θ_jj) (the diagonal within 5% relative). Expected error: the per-sample
 * NTK fluctuates by O(1/√width) and the bias is O(1/width), so about 1/√(256·32) ≈ 1% times a depth-dependent
 * constant; measured worst errors are listed beside each case (seed 7).
 */
const cnn = (
  channels: number,
  depth: number,
  filter: number[],
  padding: Padding,
  act: () => Layer,
  pool: () => Layer,
): Layer => {
  const layers: Layer[] = [];
  for (let d = 0; d < depth; d++)
    layers.push(Conv({ channels, filter, padding, W_std: 1.5, b_std: 0.1 }), act());
  return serial(...layers, pool(), Dense({ width: 1, W_std: 1.5, b_std: 0.1 }));
};

const cases: {
  name: string;
  shape: number[];
  depth: number;
  filter: number[];
  padding: Padding;
  act: () => Layer;
  pool: () => Layer;
}[] = [
  {
    name: 'SAME, Relu, GlobalAvgPool, depth 2, 4×4×1',
    shape: [3, 4, 4, 1],
    depth: 2,
    filter: [3, 3],
    padding: 'SAME',
    act: Relu,
    pool: GlobalAvgPool,
  },
  {
    name: 'VALID, Erf, Flatten, depth 3, 5×5×2',
    shape: [3, 5, 5, 2],
    depth: 3,
    filter: [2, 2],
    padding: 'VALID',
    act: Erf,
    pool: Flatten,
  },
  {
    name: 'VALID, Relu, GlobalAvgPool, depth 2, 5×5×1',
    shape: [3, 5, 5, 1],
    depth: 2,
    filter: [2, 2],
    padding: 'VALID',
    act: Relu,
    pool: GlobalAvgPool,
  },
  {
    name: 'SAME 1-D, Erf, GlobalAvgPool, depth 4, L = 6',
    shape: [3, 6, 1],
    depth: 4,
    filter: [3],
    padding: 'SAME',
    act: Erf,
    pool: GlobalAvgPool,
  },
  {
    name: 'SAME, Relu, Flatten, depth 2, 4×4×2',
    shape: [3, 4, 4, 2],
    depth: 2,
    filter: [3, 3],
    padding: 'SAME',
    act: Relu,
    pool: Flatten,
  },
];

for (const c of cases) {
  test(`CNTK vs Monte Carlo of width-256 CNNs (32 samples): ${c.name}`, (t) => {
    const N = c.shape[0];
    const x: Tensor = {
      shape: c.shape,
      data: normal(
        PRNGKey(1),
        c.shape.reduce((a, b) => a * b, 1),
      ),
    };
    const exact = kernelFn(cnn(1, c.depth, c.filter, c.padding, c.act, c.pool), x, null, { get: 'ntk' }).ntk!;
    const mc = monteCarloKernel(cnn(256, c.depth, c.filter, c.padding, c.act, c.pool), x, null, {
      samples: 32,
      key: PRNGKey(7),
      get: 'ntk',
    }).ntk!;
    let worst = 0;
    for (let i = 0; i < N; i++)
      for (let j = 0; j < N; j++) {
        const err = Math.abs(mc.get(i, j) - exact.get(i, j)) / Math.sqrt(exact.get(i, i) * exact.get(j, j));
        worst = Math.max(worst, err);
      }
    t.diagnostic(`worst error relative to √(Θ_ii·Θ_jj): ${worst.toFixed(4)}`);
    assert.ok(
      worst <= 0.05,
      `worst error ${worst.toFixed(4)} > 5%: exact ${[...exact.data].map((v) => v.toFixed(4))} vs MC ${[...mc.data].map((v) => v.toFixed(4))}`,
    );
  });
}

test('empirical NTK of a CNN: Jacobian rows from Conv.perExampleGrads equal NTK-vector products (JVP/VJP)', async () => {
  const { empiricalNtk } = await import('../empirical/empiricalNtk.js');
  const net = serial(
    Conv({ channels: 5, filter: [3, 3], padding: 'CIRCULAR', W_std: 1.3, b_std: 0.2 }),
    Relu(),
    Conv({ channels: 4, filter: [2, 2], padding: 'VALID', W_std: 1.2 }),
    Erf(),
    GlobalAvgPool(),
    Dense({ width: 3, b_std: 0.1 }),
  );
  const x: Tensor = { shape: [4, 4, 5, 2], data: normal(PRNGKey(3), 160) };
  const params = net.init(PRNGKey(4), [4, 5, 2]);
  for (const trace of [true, false]) {
    const a = empiricalNtk(net, params, x, null, { implementation: 'jacobian', trace });
    const b = empiricalNtk(net, params, x, null, { implementation: 'ntvp', trace });
    for (let i = 0; i < a.data.length; i++)
      assert.ok(
        Math.abs(a.data[i] - b.data[i]) <= 1e-11 * Math.max(1, Math.abs(a.data[i])),
        `trace=${trace} entry ${i}`,
      );
  }
});
