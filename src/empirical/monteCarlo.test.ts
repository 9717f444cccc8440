import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '../linalg/matrix.js';
import { Dense } from '../nn/dense.js';
import { Relu } from '../nn/activations/abRelu.js';
import { Erf } from '../nn/activations/erf.js';
import { Gelu } from '../nn/activations/gelu.js';
import { Elementwise } from '../nn/activations/elementwise.js';
import { Identity } from '../nn/identity.js';
import { serial } from '../nn/combinators/serial.js';
import { parallel } from '../nn/combinators/parallel.js';
import { FanOut } from '../nn/combinators/fanOut.js';
import { FanInSum } from '../nn/combinators/fanIn.js';
import type { Layer, Parameterization } from '../nn/types.js';
import { PRNGKey } from '../random/index.js';
import { kernelFn } from '../kernels/kernelFn.js';
import { monteCarloKernel } from './monteCarlo.js';

/**
 * Analytic vs Monte Carlo (Novak et al. 2019, §3): the average over S = 64 seeded initializations of
 * width-1024 networks of the empirical NNGP and NTK is within 5% (relative Frobenius) of kernelFn.
 *
 * The infinite-width kernels do not depend on the readout width, so the NNGP is estimated on the
 * network with a 128-unit readout (256 in the slow grid) — the output covariance averaged over the
 * outputs, whose MC standard error per entry is ≈ √((Σ(x,x)Σ(x',x') + Σ(x,x')²)/(S·128)): 1.5–4% of the
 * kernel in Frobenius norm here, against ≈ 20% for a scalar output — and the NTK on the scalar-output
 * network (the NTK itself concentrates at large width: error O(1/√(width·S)), 0.4–1.3% here).
 * Cost is dominated by drawing the 1024×1024 hidden weights (S·10⁶ normals per hidden layer), so the
 * default run covers every activation, both bias options and both parameterizations at depth 1
 * (each pair of options appears with every activation), plus depth 2 and the residual block;
 * NTK_SLOW=1 runs the full grid, depth 1–4 × activation × bias × parameterization, and the residual
 * block in both parameterizations.
 */
const WIDTH = 1024;
const SAMPLES = 64;
const slow = process.env.NTK_SLOW === '1';
/** 256 in the slow grid: 64 more configurations, so a wider margin below 5% (error ∝ 1/√readout). */
const NNGP_READOUT = slow ? 256 : 128;

type Act = 'Relu' | 'Erf' | 'Gelu' | 'tanh';
const act = (a: Act): Layer =>
  a === 'Relu' ? Relu() : a === 'Erf' ? Erf() : a === 'Gelu' ? Gelu() : Elementwise({ fn: 'tanh' });

function mlp(
  depth: number,
  a: Act,
  b_std: number | null,
  parameterization: Parameterization,
  out: number,
): Layer {
  const layers: Layer[] = [];
  for (let h = 0; h < depth; h++)
    layers.push(Dense({ width: WIDTH, W_std: 1.5, b_std, parameterization }), act(a));
  layers.push(Dense({ width: out, W_std: 1.5, b_std, parameterization }));
  return serial(...layers);
}

function residual(parameterization: Parameterization, out: number): Layer {
  const b_std = 0.2;
  return serial(
    Dense({ width: WIDTH, W_std: 1.2, b_std, parameterization }),
    FanOut(2),
    parallel(serial(Relu(), Dense({ width: WIDTH, W_std: 1.2, b_std, parameterization })), Identity()),
    FanInSum(),
    Erf(),
    Dense({ width: out, W_std: 1.0, b_std, parameterization }),
  );
}

// N = 6 inputs in d = 3 of different norms.
const x = Matrix.fromRows([
  [1.0, 0.2, -0.5],
  [-0.3, 0.9, 0.4],
  [0.6, -0.7, 1.1],
  [1.4, 0.3, 0.2],
  [-0.8, -0.6, -0.1],
  [0.1, 1.2, -0.9],
]);

function rel(a: Matrix, b: Matrix): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.data.length; i++) {
    num += (a.data[i] - b.data[i]) ** 2;
    den += b.data[i] ** 2;
  }
  return Math.sqrt(num / den);
}

function check(label: string, make: (out: number) => Layer, seed: number, log: (msg: string) => void): void {
  const analytic = kernelFn(make(1), x, null, { get: ['nngp', 'ntk'] });
  const key = PRNGKey(seed);
  const mcNngp = monteCarloKernel(make(NNGP_READOUT), x, null, { samples: SAMPLES, key, get: 'nngp' }).nngp!;
  const mcNtk = monteCarloKernel(make(1), x, null, { samples: SAMPLES, key, get: 'ntk' }).ntk!;
  const eNngp = rel(mcNngp, analytic.nngp!);
  const eNtk = rel(mcNtk, analytic.ntk!);
  log(`${label}: NNGP ${(100 * eNngp).toFixed(2)}%, NTK ${(100 * eNtk).toFixed(2)}%`);
  assert.ok(eNngp <= 0.05, `${label}: NNGP relative Frobenius error ${eNngp.toFixed(4)} > 5%`);
  assert.ok(eNtk <= 0.05, `${label}: NTK relative Frobenius error ${eNtk.toFixed(4)} > 5%`);
}

test('Monte Carlo NNGP/NTK → kernelFn (width 1024, 64 samples, ≤ 5%): depth 1, every activation with and without bias, both parameterizations', (t) => {
  const grid: [Act, number | null, Parameterization][] = [
    ['Relu', 0.3, 'ntk'],
    ['Relu', null, 'standard'],
    ['Erf', 0.3, 'standard'],
    ['Erf', null, 'ntk'],
    ['Gelu', 0.3, 'ntk'],
    ['Gelu', null, 'standard'],
    ['tanh', 0.3, 'standard'],
    ['tanh', null, 'ntk'],
  ];
  grid.forEach(([a, b_std, p], i) =>
    check(
      `depth 1 ${a} b_std=${b_std} ${p}`,
      (out) => mlp(1, a, b_std, p, out),
      i,
      (m) => t.diagnostic(m),
    ),
  );
});

test('Monte Carlo → kernelFn: deeper networks and a residual FanOut/FanInSum block', (t) => {
  check(
    'depth 2 Relu ntk',
    (out) => mlp(2, 'Relu', 0.1, 'ntk', out),
    100,
    (m) => t.diagnostic(m),
  );
  check(
    'residual ntk',
    (out) => residual('ntk', out),
    101,
    (m) => t.diagnostic(m),
  );
});

test(
  'Monte Carlo → kernelFn: depth 1–4 × activations × bias × parameterization (NTK_SLOW=1)',
  { skip: !slow && 'slow paper-scale grid: set NTK_SLOW=1' },
  (t) => {
    let seed = 200;
    for (let depth = 1; depth <= 4; depth++) {
      for (const a of ['Relu', 'Erf', 'Gelu', 'tanh'] as const) {
        for (const b_std of [0.3, null]) {
          for (const p of ['ntk', 'standard'] as const)
            check(
              `depth ${depth} ${a} b_std=${b_std} ${p}`,
              (out) => mlp(depth, a, b_std, p, out),
              seed++,
              (m) => t.diagnostic(m),
            );
        }
      }
    }
    check(
      'residual standard',
      (out) => residual('standard', out),
      seed++,
      (m) => t.diagnostic(m),
    );
  },
);

test('Monte Carlo is deterministic per key and its NTK average equals the mean of per-seed empirical NTKs', async () => {
  const { empiricalNtk } = await import('../empirical/empiricalNtk.js');
  const { split } = await import('../random/index.js');
  const net = mlp(1, 'Relu', 0.2, 'ntk', 2);
  const key = PRNGKey(5);
  const a = monteCarloKernel(net, x, x.rowBlock(0, 4), { samples: 3, key });
  const b = monteCarloKernel(net, x, x.rowBlock(0, 4), { samples: 3, key });
  assert.deepEqual(a.ntk!.data, b.ntk!.data);
  assert.deepEqual(a.nngp!.data, b.nngp!.data);
  const keys = split(key, 3);
  const want = new Matrix(6, 4);
  const wantN = new Matrix(6, 4);
  for (const k of keys) {
    const p = net.init(k, [3]);
    const K = empiricalNtk(net, p, x, x.rowBlock(0, 4), { implementation: 'jacobian' });
    const f1 = net.forward(p, { shape: [6, 3], data: x.data }).y as { data: Float64Array };
    for (let i = 0; i < 24; i++) want.data[i] += K.data[i] / 3;
    for (let i = 0; i < 6; i++)
      for (let j = 0; j < 4; j++)
        wantN.data[i * 4 + j] +=
          (f1.data[i * 2] * f1.data[j * 2] + f1.data[i * 2 + 1] * f1.data[j * 2 + 1]) / 6;
  }
  assert.ok(rel(a.ntk!, want) <= 1e-13);
  assert.ok(rel(a.nngp!, wantN) <= 1e-13);
  assert.throws(
    () => monteCarloKernel(net, x, null, { samples: 0, key }),
    /samples must be a positive integer/,
  );
  assert.throws(
    () => monteCarloKernel(net, x, null, { samples: 1, key, get: 'cov' as never }),
    /get must be 'nngp' or 'ntk'/,
  );
});
