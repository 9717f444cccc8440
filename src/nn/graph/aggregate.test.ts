import { test } from 'node:test';
import assert from 'node:assert/strict';
import { monteCarloKernel } from '../../empirical/monteCarlo.js';
import { kernelFn } from '../../kernels/kernelFn.js';
import { spatialKernelFn } from '../../kernels/spatialKernelFn.js';
import { normal, PRNGKey } from '../../random/index.js';
import { checkGradients, randTensor, relFrobenius } from '../attention/layerChecks.testutil.js';
import { Dense, GlobalAvgPool, Relu, serial } from '../index.js';
import type { Layer, Tensor } from '../types.js';
import { graphForward, graphNetwork, withAdjacency } from './adjacency.js';
import { Aggregate } from './aggregate.js';

/**
 * Aggregate (Du et al. 2019, GNTK §4): finite rules against central differences; the analytic NNGP/NTK against
 * Monte Carlo of finite graph networks; identity adjacency = no layer; mean adjacency = global average pooling.
 */

const N = 4;
const V = 5;
const C = 3;
const D = (w: number) => Dense({ width: w, W_std: 1.3, b_std: 0.2 });
const gnn = (w: number, readout: number): Layer =>
  serial(D(w), Relu(), Aggregate(), D(w), GlobalAvgPool(), D(readout));

/** A seeded weighted directed graph per example: self-loops 1, an edge i ← j of weight |z| where z > 0.3. */
function randomAdjacency(seed: number, n: number): Tensor {
  const z = normal(PRNGKey(seed), n * V * V);
  const data = new Float64Array(n * V * V);
  for (let g = 0; g < n; g++)
    for (let i = 0; i < V; i++)
      for (let j = 0; j < V; j++) {
        const e = (g * V + i) * V + j;
        data[e] = i === j ? 1 : z[e] > 0.3 ? Math.abs(z[e]) : 0;
      }
  return { shape: [n, V, V], data };
}

function constantAdjacency(n: number, value: (i: number, j: number) => number): Tensor {
  const data = new Float64Array(n * V * V);
  for (let g = 0; g < n; g++)
    for (let i = 0; i < V; i++) for (let j = 0; j < V; j++) data[(g * V + i) * V + j] = value(i, j);
  return { shape: [n, V, V], data };
}

const x = randTensor(11, [N, V, C]);
const A = randomAdjacency(12, N);

test('Aggregate: forward is A·x per example; VJP and JVP agree with central differences', () => {
  const y = graphForward(Aggregate(), {}, x, A).y as Tensor;
  // independent check of y[n, i, c] = Σ_j A[n, i, j]·x[n, j, c] at a few entries
  for (const [n, i, c] of [
    [0, 0, 0],
    [1, 3, 2],
    [3, 4, 1],
  ]) {
    let s = 0;
    for (let j = 0; j < V; j++) s += A.data[(n * V + i) * V + j] * x.data[(n * V + j) * C + c];
    assert.ok(Math.abs(y.data[(n * V + i) * C + c] - s) < 1e-14 * Math.max(1, Math.abs(s)));
  }
  withAdjacency(A, () => {
    checkGradients(serial(Aggregate(), D(2), Relu(), GlobalAvgPool()), x, 2);
    checkGradients(serial(D(3), Relu(), Aggregate(), D(2), GlobalAvgPool()), x, 4);
  });
});

test('Aggregate: analytic NNGP and NTK match Monte Carlo of width-256 graph networks (≥ 32 draws, ≤ 5 %)', () => {
  // Dense(256) → Relu → Aggregate → Dense → GlobalAvgPool: a wide readout for the NNGP (f·fᵀ/O averages over O
  // outputs; 128 draws, as 32 leave ≈ 3 % sampling error at some seeds), a one-unit readout for the traced NTK
  // (32 draws)
  const arch = (w: number, readout: number): Layer =>
    serial(D(w), Relu(), Aggregate(), D(readout), GlobalAvgPool());
  const exact = kernelFn(arch(1, 1), x, null, { pattern: { x1: A } });
  const graphs = [{ x, adjacency: A }];
  const key = PRNGKey(7);
  const nngp = monteCarloKernel(graphNetwork(arch(256, 256), graphs), x, null, {
    samples: 128,
    key,
    get: 'nngp',
  });
  const ntk = monteCarloKernel(graphNetwork(arch(256, 1), graphs), x, null, { samples: 32, key, get: 'ntk' });
  const e1 = relFrobenius(nngp.nngp!, exact.nngp);
  const e2 = relFrobenius(ntk.ntk!, exact.ntk);
  assert.ok(e1 <= 0.05, `NNGP: relative Frobenius error ${e1.toFixed(4)} > 0.05`);
  assert.ok(e2 <= 0.05, `NTK: relative Frobenius error ${e2.toFixed(4)} > 0.05`);
  if (process.env.NTK_VERBOSE)
    console.log(`Aggregate Monte Carlo: NNGP ${e1.toFixed(4)}, NTK ${e2.toFixed(4)}`);
});

test('Aggregate: the identity adjacency is no layer at all, bit for bit (finite and infinite width)', () => {
  const I = constantAdjacency(N, (i, j) => (i === j ? 1 : 0));
  const y = graphForward(Aggregate(), {}, x, I).y as Tensor;
  assert.deepEqual(y.data, x.data);
  const withAgg = kernelFn(gnn(1, 1), x, null, { pattern: { x1: I } });
  // the same network without Aggregate through the same record-level maps (not the fused CNTK recursion)
  const without = spatialKernelFn(serial(D(1), Relu(), D(1), GlobalAvgPool(), D(1)), x, x, true, {
    wantNtk: true,
    maxTile: 64,
    diagonalSpatial: false,
    path: 'reference',
  });
  assert.deepEqual(withAgg.nngp.data, without.nngp.data);
  assert.deepEqual(withAgg.ntk.data, without.ntk!.data);
  assert.deepEqual(withAgg.var1, without.var1);
});

test('Aggregate: the mean adjacency (1/V)·𝟙𝟙ᵀ gives the kernel of global average pooling', () => {
  const M = constantAdjacency(N, () => 1 / V);
  const agg = kernelFn(serial(D(1), Relu(), Aggregate(), D(1), GlobalAvgPool(), D(1)), x, null, {
    pattern: { x1: M },
  });
  const gap = kernelFn(serial(D(1), Relu(), GlobalAvgPool(), D(1), D(1)), x, null);
  assert.ok(relFrobenius(agg.nngp, gap.nngp) < 1e-13, `NNGP ${relFrobenius(agg.nngp, gap.nngp)}`);
  assert.ok(relFrobenius(agg.ntk, gap.ntk) < 1e-13, `NTK ${relFrobenius(agg.ntk, gap.ntk)}`);
});

test('Aggregate: kernelFn(x1, x2) with tiles equals the block of the one-piece symmetric kernel', () => {
  // a nonlinearity after aggregation: cross tiles are computed on symmetric records of x1[I] ∪ x2[J]
  const net = serial(D(1), Relu(), Aggregate(), D(1), Relu(), Aggregate(), GlobalAvgPool(), D(1));
  const x2 = randTensor(13, [3, V, C]);
  const A2 = randomAdjacency(14, 3);
  const all: Tensor = { shape: [N + 3, V, C], data: Float64Array.from([...x.data, ...x2.data]) };
  const Aall: Tensor = { shape: [N + 3, V, V], data: Float64Array.from([...A.data, ...A2.data]) };
  const full = kernelFn(net, all, null, { pattern: { x1: Aall } });
  const cross = kernelFn(net, x, x2, { pattern: { x1: A, x2: A2 }, tileSize: 2 });
  for (let i = 0; i < N; i++)
    for (let j = 0; j < 3; j++)
      for (const g of ['nngp', 'ntk'] as const) {
        const want = full[g].get(i, N + j);
        assert.ok(Math.abs(cross[g].get(i, j) - want) < 1e-12 * Math.abs(want), `${g} (${i}, ${j})`);
      }
  for (let j = 0; j < 3; j++)
    assert.ok(Math.abs(cross.var2[j] - full.var1[N + j]) < 1e-12 * full.var1[N + j]);
  const sym = kernelFn(net, all, null, { pattern: { x1: Aall }, tileSize: 3 });
  assert.ok(relFrobenius(sym.ntk, full.ntk) < 1e-14);
});

test('graphNetwork: gathered rows (minibatches) get the adjacencies of their own graphs', () => {
  const net = graphNetwork(gnn(3, 2), [{ x, adjacency: A }]);
  const params = net.init(PRNGKey(5), [V, C]);
  const order = [2, 0, 3];
  const per = V * C;
  const gathered: Tensor = { shape: [3, V, C], data: new Float64Array(3 * per) };
  order.forEach((r, k) => gathered.data.set(x.data.subarray(r * per, (r + 1) * per), k * per));
  const all = net.forward(params, x).y as Tensor;
  const some = net.forward(params, gathered).y as Tensor;
  order.forEach((r, k) =>
    assert.deepEqual(some.data.subarray(k * 2, k * 2 + 2), all.data.subarray(r * 2, r * 2 + 2)),
  );
});

test('Aggregate: a missing or misshaped adjacency is an error naming it', () => {
  assert.throws(() => kernelFn(gnn(1, 1), x, null), /Aggregate: the kernel has no adjacency/);
  assert.throws(
    () => kernelFn(gnn(1, 1), x, null, { pattern: { x1: randomAdjacency(1, N - 1) } }),
    /pattern\.x1: the adjacency must have shape \[N, V, V\] = \[4, 5, 5\].*got \[3, 5, 5\]/,
  );
  assert.throws(
    () => kernelFn(gnn(1, 1), x, randTensor(2, [2, V, C]), { pattern: { x1: A } }),
    /pattern\.x2/,
  );
  assert.throws(() => gnn(2, 1).forward(gnn(2, 1).init(PRNGKey(0), [V, C]), x), /no adjacency is bound/);
  const g = graphNetwork(gnn(2, 1), [{ x, adjacency: A }]);
  assert.throws(
    () => g.forward(g.init(PRNGKey(0), [V, C]), randTensor(3, [1, V, C])),
    /row 0 of the forward input \[1, 5, 3\] is none of the graphs/,
  );
  const twice = graphNetwork(gnn(2, 1), [
    { x, adjacency: A },
    { x, adjacency: randomAdjacency(15, N) },
  ]);
  const copy: Tensor = { shape: [1, V, C], data: x.data.slice(0, V * C) };
  assert.throws(() => twice.forward(twice.init(PRNGKey(0), [V, C]), copy), /two given graphs with different/);
  // all node pairs of 50 graphs of 30 nodes: refused before allocation under a 1 MiB limit
  const big = randTensor(4, [50, 30, 2]);
  const ones: Tensor = { shape: [50, 30, 30], data: new Float64Array(50 * 900).fill(1 / 30) };
  assert.throws(
    () => kernelFn(gnn(1, 1), big, null, { pattern: { x1: ones }, memoryLimitBytes: 2 ** 20 }),
    (e: Error) => e.name === 'NtkMemoryError' && /all 30² position pairs/.test(e.message),
  );
  assert.throws(
    () => graphForward(Aggregate(), {}, x, constantAdjacency(N, () => 1).data as unknown as Tensor),
    /graphForward: adjacency: the adjacency must be a Tensor/,
  );
});
