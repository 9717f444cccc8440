import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '../linalg/matrix.js';
import { eigvalsh } from '../linalg/eigh.js';
import { PRNGKey, normal, split } from '../random/index.js';
import {
  Dense,
  Erf,
  FanInSum,
  FanOut,
  Gelu,
  Identity,
  Relu,
  Elementwise,
  parallel,
  serial,
  flattenParams,
  forward,
  backward,
} from '../nn/index.js';
import type { Layer, Tensor } from '../nn/types.js';
import { kernelFn } from './kernelFn.js';
import { inputKernel } from './inputKernel.js';
import { kernelOnRecord } from './kernelOnRecord.js';

const X3 = Matrix.fromRows([
  [1, 2],
  [-0.5, 1.5],
  [3, -1],
]);
const D = (w: number, b: number | null, width = 16, parameterization: 'ntk' | 'standard' = 'ntk') =>
  Dense({ width, W_std: w, b_std: b, parameterization });

function close(a: Matrix, b: number[][], tol: number, what: string): void {
  for (let i = 0; i < b.length; i++)
    for (let j = 0; j < b[0].length; j++) {
      const err = Math.abs(a.get(i, j) - b[i][j]) / Math.max(1, Math.abs(b[i][j]));
      assert.ok(err <= tol, `${what}[${i},${j}]: ${a.get(i, j)} vs ${b[i][j]} (${err})`);
    }
}

test('matches the NumPy peer (bench/peers/ntk_numpy.py) to 1e-14', () => {
  // Values printed by ntk_numpy.kernel(X, X, net) with numpy float64 (repr).
  let r = kernelFn(serial(D(1.5, 0.1), Relu(), D(1.5, 0.1), Relu(), D(1.5, 0.1)), X3);
  close(
    r.nngp!,
    [
      [7.153046874999998, 4.021444863723688, 5.460410163565908],
      [4.021444863723688, 3.593476562499999, 2.578411758930537],
      [5.460410163565908, 2.578411758930537, 14.2721875],
    ],
    1e-14,
    'relu nngp',
  );
  close(
    r.ntk!,
    [
      [21.427890624999996, 9.051132584757308, 8.449797160279516],
      [9.051132584757308, 10.749179687499998, 2.215206634358611],
      [8.449797160279516, 2.215206634358611, 42.7853125],
    ],
    1e-14,
    'relu ntk',
  );
  r = kernelFn(serial(D(1.2, 0.3), Erf(), D(1.2, 0.3)), X3);
  close(
    r.nngp!,
    [
      [1.0775692848991314, 0.6767706430050592, 0.22041204331207406],
      [0.6767706430050592, 0.926157851212523, -0.36869099026037067],
      [0.22041204331207406, -0.36869099026037067, 1.199763827690884],
    ],
    1e-14,
    'erf nngp',
  );
  close(
    r.ntk!,
    [
      [2.781770498774383, 1.3594142996915906, 0.3517109910488325],
      [1.3594142996915906, 2.1105554890567886, -0.8699259798565306],
      [0.3517109910488325, -0.8699259798565306, 3.6335614946233967],
    ],
    1e-14,
    'erf ntk',
  );
  r = kernelFn(serial(D(0.9, 0.2), Erf({ a: 0.7, b: 1.3, c: 0.4 }), D(1.1, 0), Relu(), D(1.3, 0.5)), X3);
  close(
    r.nngp!,
    [
      [0.7531999952463766, 0.6310374787114039, 0.5341726201067813],
      [0.6310374787114039, 0.699238122343417, 0.40913697076538524],
      [0.5341726201067813, 0.40913697076538524, 0.7967722950451976],
    ],
    1e-14,
    'mixed nngp',
  );
  close(
    r.ntk!,
    [
      [1.8319697275633764, 1.0964058405608827, 0.6930910393216925],
      [1.0964058405608827, 1.5467810086481022, 0.3221975942704378],
      [0.6930910393216925, 0.3221975942704378, 2.1673186356563523],
    ],
    1e-14,
    'mixed ntk',
  );
});

function randomX(seed: number, n: number, d: number): Matrix {
  return new Matrix(n, d, normal(PRNGKey(seed), n * d));
}

test('fused tiled path = record path (via a trivial FanOut/FanInSum wrapper), symmetric and not, odd tile sizes', () => {
  const inner = serial(
    D(1.3, 0.2),
    Gelu(),
    D(0.8, null),
    Relu(),
    D(1.1, 0.1, 16, 'standard'),
    Erf({ a: 1, b: 0.5, c: 0.1 }),
    D(1, 0.3),
  );
  const wrapped = serial(FanOut(1), parallel(inner), FanInSum());
  const x1 = randomX(1, 37, 5);
  const x2 = randomX(2, 23, 5);
  for (const [a, b] of [
    [x1, null],
    [x1, x2],
  ] as const) {
    const f = kernelFn(inner, a, b, { tileSize: 7, threads: 1 });
    const g = kernelFn(wrapped, a, b, { tileSize: 10 });
    for (let i = 0; i < f.nngp!.data.length; i++) {
      assert.ok(
        Math.abs(f.nngp!.data[i] - g.nngp!.data[i]) <= 1e-14 * Math.max(1, Math.abs(g.nngp!.data[i])),
        `nngp ${i}`,
      );
      assert.ok(
        Math.abs(f.ntk!.data[i] - g.ntk!.data[i]) <= 1e-14 * Math.max(1, Math.abs(g.ntk!.data[i])),
        `ntk ${i}`,
      );
    }
    assert.deepEqual(Array.from(f.var1), Array.from(g.var1));
    assert.deepEqual(Array.from(f.var2), Array.from(g.var2));
  }
});

test('two threads give bit-identical results to one; get selects outputs', () => {
  const net = serial(D(1.4, 0.1), Relu(), D(1.4, 0.1), Relu(), D(1.4, 0.1));
  const x = randomX(3, 520, 10);
  const one = kernelFn(net, x, null, { threads: 1 });
  let calls = 0;
  const two = kernelFn(net, x, null, { threads: 2, onProgress: () => calls++ });
  assert.deepEqual(two.nngp!.data, one.nngp!.data);
  assert.deepEqual(two.ntk!.data, one.ntk!.data);
  assert.ok(calls > 0);
  const y = randomX(5, 480, 10);
  const a = kernelFn(net, x, y, { threads: 1, tileSize: 50 });
  const b = kernelFn(net, x, y, { threads: 2, tileSize: 50 });
  assert.deepEqual(b.nngp!.data, a.nngp!.data);
  assert.deepEqual(b.ntk!.data, a.ntk!.data);
  const onlyNngp = kernelFn(net, x.rowBlock(0, 20), null, { get: 'nngp' });
  assert.equal(onlyNngp.ntk, undefined);
  assert.ok(onlyNngp.nngp);
});

test('kernels are symmetric and PSD (λ_min ≥ −1e-10·λ_max); var1 = diag(nngp)', () => {
  const x = randomX(4, 60, 4);
  const nets: [string, Layer][] = [
    ['relu', serial(D(1.4, 0.1), Relu(), D(1.4, 0.1), Relu(), D(1.4, 0.1))],
    ['erf', serial(D(1.2, 0.3), Erf(), D(1.2, 0.3))],
    ['gelu', serial(D(1, 0.1), Gelu(), D(1, null))],
    ['tanh', serial(D(1.5, 0.1), Elementwise({ fn: 'tanh' }), D(1, null))],
    [
      'residual',
      serial(
        D(1, 0.1),
        FanOut(2),
        parallel(serial(Relu(), D(1.2, 0.1)), Identity()),
        FanInSum(),
        Relu(),
        D(1, 0),
      ),
    ],
  ];
  for (const [name, net] of nets) {
    const r = kernelFn(net, x);
    for (const K of [r.nngp!, r.ntk!]) {
      for (let i = 0; i < K.rows; i++)
        for (let j = 0; j < i; j++) assert.equal(K.get(i, j), K.get(j, i), `${name} symmetric`);
      const ev = eigvalsh(K);
      const max = Math.max(...ev);
      const min = Math.min(...ev);
      assert.ok(min >= -1e-10 * max, `${name}: λ_min ${min}, λ_max ${max}`);
    }
    for (let i = 0; i < x.rows; i++)
      assert.ok(Math.abs(r.var1[i] - r.nngp!.get(i, i)) <= 1e-13 * r.var1[i], `${name} var`);
  }
});

/** Empirical NTK Θ̂ = J·Jᵀ of a finite network with one output, by per-example backward passes. */
function empiricalNtk(net: Layer, key: Readonly<Uint32Array>, x: Matrix): Float64Array {
  const params = net.init(key, [x.cols]);
  const { cache, y } = forward(net, params, x);
  const N = x.rows;
  const J: Float64Array[] = [];
  for (let n = 0; n < N; n++) {
    const g: Tensor = { shape: y.shape, data: new Float64Array(N) };
    g.data[n] = 1;
    J.push(flattenParams(backward(net, params, cache, g).gparams));
  }
  const K = new Float64Array(N * N);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) K[i * N + j] = J[i].reduce((s, v, k) => s + v * J[j][k], 0);
  return K;
}

test('Dense NTK in both parameterizations agrees with the empirical NTK of wide finite networks (seeded, 4%)', () => {
  const x = Matrix.fromRows([
    [1, 0.5, -0.3],
    [0.2, -1, 0.8],
    [-0.7, 0.4, 0.9],
    [1.1, 1.2, -0.5],
  ]);
  for (const parameterization of ['ntk', 'standard'] as const) {
    for (const b of [0.4, null]) {
      const net = serial(D(1.3, b, 1024, parameterization), Relu(), D(0.9, b, 1, parameterization));
      const K = kernelFn(net, x).ntk!;
      const S = 12;
      const avg = new Float64Array(16);
      split(PRNGKey(11), S).forEach((k) => empiricalNtk(net, k, x).forEach((v, i) => (avg[i] += v / S)));
      let num = 0;
      let den = 0;
      for (let i = 0; i < 16; i++) {
        num += (avg[i] - K.data[i]) ** 2;
        den += K.data[i] ** 2;
      }
      const relErr = Math.sqrt(num / den);
      assert.ok(relErr < 0.04, `${parameterization} b=${b}: relative Frobenius error ${relErr}`);
    }
  }
});

test('bad input: mismatched dims, NaN, nonlinearity on the input', () => {
  const net = serial(D(1, 0.1), Relu(), D(1, 0));
  assert.throws(
    () => kernelFn(net, randomX(1, 3, 2), randomX(2, 3, 4)),
    /x1 and x2 feature shapes differ: \[2\] vs \[4\]/,
  );
  assert.throws(
    () => kernelFn(net, Matrix.fromRows([[1, NaN]])),
    /kernelFn: x1: entry 1 \(example 0\) is NaN/,
  );
  assert.throws(() => kernelFn(serial(Relu(), D(1, 0)), X3), /Relu: the input kernel is not Gaussian/);
  assert.throws(
    () => kernelFn(serial(FanOut(2), parallel(Relu(), Identity()), FanInSum()), X3),
    /Relu: the input kernel is not Gaussian/,
  );
  assert.throws(() => kernelFn(net, X3, null, { get: 'foo' as 'nngp' }), /get must be 'nngp', 'ntk'/);
});

test('inputKernel and kernelOnRecord: Σ⁰ = ⟨x, x′⟩/d, hand-made records', () => {
  const k = inputKernel(X3);
  assert.equal(k.nngp[1], (1 * -0.5 + 2 * 1.5) / 2);
  assert.equal(k.var1[2], (9 + 1) / 2);
  assert.equal(k.isGaussian, false);
  const out = kernelOnRecord(serial(D(1.5, 0.1), Relu(), D(1.5, 0.1)), k);
  const direct = kernelFn(serial(D(1.5, 0.1), Relu(), D(1.5, 0.1)), X3);
  assert.deepEqual(Array.from(out.nngp), Array.from(direct.nngp!.data));
});

test('inputKernel on spatial inputs [N, P, C]: diagonal and full position pairs = brute force', () => {
  const [N, P, C] = [3, 4, 2];
  const t = { shape: [N, P, C], data: normal(PRNGKey(7), N * P * C) };
  const at = (n: number, p: number, c: number): number => t.data[(n * P + p) * C + c];
  const ip = (i: number, a: number, j: number, b: number): number => {
    let s = 0;
    for (let c = 0; c < C; c++) s += at(i, a, c) * at(j, b, c);
    return s / C;
  };
  const diag = inputKernel(t);
  const full = inputKernel(t, null, { diagonalSpatial: false });
  assert.deepEqual(diag.spatial, [P]);
  assert.equal(full.nngp.length, N * N * P * P);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++)
      for (let a = 0; a < P; a++) {
        assert.ok(Math.abs(diag.nngp[(i * N + j) * P + a] - ip(i, a, j, a)) < 1e-15);
        for (let b = 0; b < P; b++)
          assert.ok(Math.abs(full.nngp[((i * N + j) * P + a) * P + b] - ip(i, a, j, b)) < 1e-15);
      }
  for (let i = 0; i < N; i++)
    for (let a = 0; a < P; a++) assert.ok(Math.abs(diag.var1[i * P + a] - ip(i, a, i, a)) < 1e-15);
  // Dense acts on the last axis position by position; a spatial output cannot be an N1×N2 matrix
  assert.throws(
    () => kernelFn(serial(D(1, 0.1), Relu(), D(1, 0)), t),
    /the network output has spatial shape \[4\]/,
  );
});
