import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '../linalg/matrix.js';
import { Dense } from '../nn/dense.js';
import { Relu } from '../nn/activations/abRelu.js';
import { Erf } from '../nn/activations/erf.js';
import { Identity } from '../nn/identity.js';
import { serial } from '../nn/combinators/serial.js';
import { parallel } from '../nn/combinators/parallel.js';
import { FanOut } from '../nn/combinators/fanOut.js';
import { FanInSum } from '../nn/combinators/fanIn.js';
import type { Layer, Parameterization } from '../nn/types.js';
import { PRNGKey, split, normal } from '../random/index.js';
import { empiricalNtk, planEmpiricalNtk, type EmpiricalImplementation } from './empiricalNtk.js';
import { ntkOperator } from './ntkOperator.js';
import { parseBytes } from '../memoryLimit.js';
import {
  naiveABt,
  refJacobian,
  refMlpFromParams,
  relFrobenius,
  testInputs,
  traceOutputs,
} from './testNets.testutil.js';
import { erf } from '../special/index.js';

const IMPLS: EmpiricalImplementation[] = ['jacobian', 'structured', 'ntvp'];

interface MlpSpec {
  widths: number[];
  W_std: number;
  b_std: number | null;
  parameterization: Parameterization;
  act: 'relu' | 'erf';
}

function mlp(s: MlpSpec): Layer {
  const layers: Layer[] = [];
  s.widths.forEach((w, i) => {
    layers.push(Dense({ width: w, W_std: s.W_std, b_std: s.b_std, parameterization: s.parameterization }));
    if (i < s.widths.length - 1) layers.push(s.act === 'relu' ? Relu() : Erf());
  });
  return serial(...layers);
}

const phis = {
  relu: { f: (u: number) => Math.max(u, 0), df: (u: number) => (u > 0 ? 1 : 0) },
  erf: { f: (u: number) => erf(u), df: (u: number) => (2 / Math.sqrt(Math.PI)) * Math.exp(-u * u) },
};

const specs: MlpSpec[] = [
  { widths: [7, 5, 1], W_std: 1.3, b_std: 0.4, parameterization: 'ntk', act: 'relu' },
  { widths: [7, 5, 1], W_std: 1.3, b_std: null, parameterization: 'ntk', act: 'erf' },
  { widths: [6, 4, 3], W_std: 1.1, b_std: 0.2, parameterization: 'standard', act: 'erf' },
  { widths: [6, 3], W_std: 0.9, b_std: null, parameterization: 'standard', act: 'relu' },
];

test('every implementation equals an independent loop-by-loop Jacobian reference J·Jᵀ (traced and full)', () => {
  for (const [si, s] of specs.entries()) {
    const net = mlp(s);
    const d = 4;
    const params = net.init(PRNGKey(10 + si), [d]);
    const x1 = testInputs(5, d);
    const x2 = testInputs(3, d, 0.5);
    const ref = refMlpFromParams(params, s, phis[s.act].f, phis[s.act].df);
    const O = s.widths[s.widths.length - 1];
    const J1 = refJacobian(ref, x1).J;
    const J2 = refJacobian(ref, x2).J;
    const full11 = naiveABt(J1, J1);
    const full12 = naiveABt(J1, J2);
    for (const impl of IMPLS) {
      const label = `spec ${si} ${impl}`;
      const kf = empiricalNtk(net, params, x1, null, { implementation: impl, trace: false });
      assert.ok(relFrobenius(kf, full11) <= 1e-12, `${label} full symmetric: ${relFrobenius(kf, full11)}`);
      const kt = empiricalNtk(net, params, x1, x2, { implementation: impl });
      assert.ok(
        relFrobenius(kt, traceOutputs(full12, O)) <= 1e-12,
        `${label} traced x1,x2: ${relFrobenius(kt, traceOutputs(full12, O))}`,
      );
      const kf12 = empiricalNtk(net, params, x1, x2, { implementation: impl, trace: false });
      assert.equal(kf12.rows, 5 * O);
      assert.equal(kf12.cols, 3 * O);
      assert.ok(relFrobenius(kf12, full12) <= 1e-12, `${label} full x1,x2`);
    }
  }
});

function residualNet(parameterization: Parameterization, b_std: number | null, O: number): Layer {
  const block = serial(
    Dense({ width: 6, W_std: 1.2, b_std, parameterization }),
    Relu(),
    Dense({ width: 6, W_std: 1.2, b_std, parameterization }),
  );
  return serial(
    Dense({ width: 6, W_std: 1.0, b_std, parameterization }),
    FanOut(2),
    parallel(block, Identity()),
    FanInSum(),
    Erf(),
    Dense({ width: O, W_std: 1.0, b_std, parameterization }),
  );
}

test('the three implementations agree ≤ 1e-10 on MLPs and residual blocks, with/without bias, both parameterizations, multi-output, tiled', () => {
  const d = 3;
  const nets: [string, Layer][] = [];
  for (const parameterization of ['ntk', 'standard'] as const) {
    for (const b_std of [0.3, null]) {
      nets.push([
        `mlp ${parameterization} b=${b_std}`,
        mlp({ widths: [9, 8, 8, 2], W_std: 1.4, b_std, parameterization, act: 'relu' }),
      ]);
      nets.push([`residual ${parameterization} b=${b_std} O=1`, residualNet(parameterization, b_std, 1)]);
      nets.push([`residual ${parameterization} b=${b_std} O=3`, residualNet(parameterization, b_std, 3)]);
    }
  }
  const x1 = testInputs(7, d);
  const x2 = testInputs(4, d, 1.1);
  for (const [ni, [name, net]] of nets.entries()) {
    const params = net.init(PRNGKey(100 + ni), [d]);
    for (const trace of [true, false]) {
      for (const [a, b] of [
        [x1, null],
        [x1, x2],
      ] as const) {
        const ref = empiricalNtk(net, params, a, b, { implementation: 'jacobian', trace });
        for (const impl of ['structured', 'ntvp', 'auto'] as const) {
          const k = empiricalNtk(net, params, a, b, { implementation: impl, trace, tileRows: 3 });
          const e = relFrobenius(k, ref);
          assert.ok(e <= 1e-10, `${name} trace=${trace} x2=${b !== null} ${impl}: ${e}`);
        }
        // Tiling (tile edges not aligned with N) does not change the result.
        const tiled = empiricalNtk(net, params, a, b, { implementation: 'jacobian', trace, tileRows: 2 });
        assert.ok(relFrobenius(tiled, ref) <= 1e-13, `${name} tiled jacobian`);
      }
    }
  }
});

test('the symmetric kernel is exactly symmetric and the traced kernel is the mean of the full kernel over outputs', () => {
  const net = residualNet('ntk', 0.2, 3);
  const params = net.init(PRNGKey(7), [3]);
  const x = testInputs(6, 3);
  for (const impl of IMPLS) {
    const K = empiricalNtk(net, params, x, null, { implementation: impl, tileRows: 4 });
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) assert.equal(K.get(i, j), K.get(j, i));
    const F = empiricalNtk(net, params, x, null, { implementation: impl, trace: false, tileRows: 4 });
    assert.ok(relFrobenius(traceOutputs(F, 3), K) <= 1e-13, impl);
  }
});

test('ntkOperator (structured and ntvp) applies the explicit kernel to a block of vectors', () => {
  const x = testInputs(9, 3);
  for (const [net, trace] of [
    [mlp({ widths: [8, 8, 1], W_std: 1.5, b_std: 0.1, parameterization: 'ntk', act: 'relu' }), true],
    [residualNet('standard', 0.3, 2), true],
    [residualNet('ntk', null, 2), false],
  ] as const) {
    const params = net.init(PRNGKey(3), [3]);
    const K = empiricalNtk(net, params, x, null, { implementation: 'jacobian', trace });
    const n = K.rows;
    const V = new Matrix(n, 3, normal(PRNGKey(5), n * 3));
    const want = new Matrix(n, 3);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < 3; k++)
        for (let j = 0; j < n; j++) want.data[i * 3 + k] += K.get(i, j) * V.data[j * 3 + k];
    const impls = trace ? (['ntvp', 'auto'] as const) : (['ntvp'] as const);
    for (const implementation of impls) {
      const op = ntkOperator(net, params, x, { trace, implementation, batch: 4 });
      assert.equal(op.n, n);
      const out = new Matrix(n, 3);
      op.apply(V, out);
      assert.ok(
        relFrobenius(out, want) <= 1e-12,
        `${implementation} trace=${trace}: ${relFrobenius(out, want)}`,
      );
      assert.equal(op.matvecs, 3);
    }
  }
  const dense = mlp({ widths: [8, 8, 1], W_std: 1.5, b_std: 0.1, parameterization: 'ntk', act: 'relu' });
  const p = dense.init(PRNGKey(3), [3]);
  const op = ntkOperator(dense, p, x, { implementation: 'structured' });
  const K = empiricalNtk(dense, p, x);
  const V = new Matrix(9, 2, normal(PRNGKey(8), 18));
  const out = new Matrix(9, 2);
  op.apply(V, out);
  const want = new Matrix(9, 2);
  for (let i = 0; i < 9; i++)
    for (let k = 0; k < 2; k++)
      for (let j = 0; j < 9; j++) want.data[i * 2 + k] += K.get(i, j) * V.data[j * 2 + k];
  assert.ok(relFrobenius(out, want) <= 1e-12);
  assert.throws(
    () => ntkOperator(dense, p, x, { memoryLimitBytes: 1000 }),
    /structured operator keeps .* above the limit .* at most \d+ examples fit/,
  );
  assert.throws(
    () => ntkOperator(dense, p, x, { implementation: 'ntvp', memoryLimitBytes: 1000 }),
    /forward caches .* above the/,
  );
  const res = residualNet('ntk', null, 2);
  assert.throws(
    () => ntkOperator(res, res.init(PRNGKey(1), [3]), x, { implementation: 'structured', trace: false }),
    /structured/,
  );
});

test('VJP and JVP of the linearization agree with central finite differences of the forward map', async () => {
  const { Linearization } = await import('./linearization.js');
  const { flattenParams, unflattenParams } = await import('../nn/params.js');
  const net = residualNet('ntk', 0.5, 2);
  const params = net.init(PRNGKey(21), [3]);
  const x = testInputs(4, 3);
  const X = { shape: [4, 3], data: x.data };
  const lin = new Linearization(net, params, X, 3);
  const theta = flattenParams(params);
  const P = theta.length;
  const [kt, kc] = split(PRNGKey(22), 2);
  const t = normal(kt, P);
  const c = normal(kc, 8);
  const f = (th: Float64Array) =>
    (net.forward(unflattenParams(params, th), X).y as { data: Float64Array }).data;
  const h = 1e-5;
  const tp = theta.map((v, i) => v + h * t[i]);
  const tm = theta.map((v, i) => v - h * t[i]);
  const fp = f(tp);
  const fm = f(tm);
  const fd = fp.map((v, i) => (v - fm[i]) / (2 * h));
  const jt = lin.jvp(t);
  // Central differences: error O(h²·f''') + O(ε/h) ≈ 1e-10 relative here; 1e-7 leaves room for the Relu kinks' absence (checked: no sign change within h).
  assert.ok(relFrobenius(jt, fd) <= 1e-7, `jvp vs FD: ${relFrobenius(jt, fd)}`);
  // VJP: ⟨c, J t⟩ = ⟨Jᵀ c, t⟩ with J t from finite differences.
  const jtc = lin.vjp(c);
  let lhs = 0;
  let rhs = 0;
  for (let i = 0; i < 8; i++) lhs += c[i] * fd[i];
  for (let i = 0; i < P; i++) rhs += jtc[i] * t[i];
  assert.ok(Math.abs(lhs - rhs) <= 1e-7 * Math.abs(rhs), `vjp adjoint: ${lhs} vs ${rhs}`);
  // And per coordinate: (Jᵀc)_i = ∂⟨c, f⟩/∂θ_i by central differences on a few coordinates.
  for (const i of [0, 5, Math.floor(P / 2), P - 1]) {
    const e = new Float64Array(P);
    e[i] = h;
    const gp = f(theta.map((v, k) => v + e[k]));
    const gm = f(theta.map((v, k) => v - e[k]));
    let d = 0;
    for (let k = 0; k < 8; k++) d += (c[k] * (gp[k] - gm[k])) / (2 * h);
    assert.ok(
      Math.abs(d - jtc[i]) <= 1e-7 * Math.max(1, Math.abs(d)),
      `vjp coordinate ${i}: ${jtc[i]} vs FD ${d}`,
    );
  }
});

test('memory: estimate, automatic tile size and a clear refusal above the limit', () => {
  const net = mlp({ widths: [64, 64, 1], W_std: 1.4, b_std: 0.1, parameterization: 'ntk', act: 'relu' });
  const params = net.init(PRNGKey(1), [5]);
  const x = testInputs(200, 5);
  const big = planEmpiricalNtk(net, params, x, null, { implementation: 'jacobian' });
  assert.equal(big.tileRows, 200);
  const small = planEmpiricalNtk(net, params, x, null, {
    implementation: 'jacobian',
    memoryLimitBytes: 2.5e6,
  });
  assert.ok(
    small.tileRows < 200 && small.memory.total <= 2.5e6,
    `tile ${small.tileRows}, ${small.memory.total}`,
  );
  // Output alone (200·200·8 = 320 kB) over the limit: refused, naming what would fit.
  assert.throws(
    () => empiricalNtk(net, params, x, null, { memoryLimitBytes: 2e5 }),
    /limit.*(slices of at most \d+ rows|Even one row).*ntkOperator/s,
  );
  assert.throws(
    () =>
      empiricalNtk(net, params, x, null, {
        implementation: 'jacobian',
        tileRows: 200,
        memoryLimitBytes: 2.5e6,
      }),
    /tileRows = \d+ fits/,
  );
  // The result does not depend on the tile size chosen under a tight limit.
  const a = empiricalNtk(net, params, x.rowBlock(0, 40), null, { implementation: 'jacobian' });
  const b = empiricalNtk(net, params, x.rowBlock(0, 40), null, {
    implementation: 'jacobian',
    memoryLimitBytes: 1e6,
  });
  assert.ok(
    planEmpiricalNtk(net, params, x.rowBlock(0, 40), null, {
      implementation: 'jacobian',
      memoryLimitBytes: 1e6,
    }).tileRows < 40,
  );
  assert.ok(relFrobenius(b, a) <= 1e-13);
  assert.equal(parseBytes('x', '6G'), 6 * 2 ** 30);
  assert.equal(parseBytes('x', '512M'), 512 * 2 ** 20);
  assert.equal(parseBytes('x', '1000'), 1000);
  assert.throws(() => parseBytes('NTK_MEMORY_LIMIT', 'lots'), /NTK_MEMORY_LIMIT: expected a byte count/);
});

test('the N = 20000 MLP (width 512, depth 3) kernel plan fits in 6 GiB with the structured path', () => {
  const net = mlp({
    widths: [512, 512, 512, 1],
    W_std: 1.4,
    b_std: 0.1,
    parameterization: 'ntk',
    act: 'relu',
  });
  const params = net.init(PRNGKey(1), [10]);
  const x = testInputs(20000, 10);
  const plan = planEmpiricalNtk(net, params, x, null, { memoryLimitBytes: 6 * 2 ** 30 });
  assert.equal(plan.implementation, 'structured');
  assert.ok(plan.memory.total <= 6 * 2 ** 30, `${plan.memory.total}`);
  assert.ok(plan.memory.output === 20000 * 20000 * 8);
});

test('bad input: clear errors', () => {
  const net = mlp({ widths: [4, 1], W_std: 1, b_std: 0.1, parameterization: 'ntk', act: 'relu' });
  const params = net.init(PRNGKey(1), [3]);
  const x = testInputs(3, 3);
  const bad = x.clone();
  bad.data[4] = NaN;
  assert.throws(() => empiricalNtk(net, params, bad), /x1: non-finite value NaN at example 1, feature 1/);
  assert.throws(
    () => empiricalNtk(net, params, x, testInputs(2, 4)),
    /x1 and x2 must have the same feature shape/,
  );
  assert.throws(
    () => empiricalNtk(net, params, x, null, { implementation: 'fast' as never }),
    /implementation must be/,
  );
  assert.throws(
    () => empiricalNtk(net, params, x, null, { tileRows: 0 }),
    /tileRows must be a positive integer/,
  );
  assert.throws(
    () => empiricalNtk(net, [params] as never, x),
    /params: expected a list of 3 child parameter trees/,
  );
});

test('top-k eigenpairs of the empirical NTK through ntkOperator + lanczos equal eigh of the explicit kernel', async () => {
  const { lanczos } = await import('../linalg/lanczos.js');
  const { getBackend } = await import('../linalg/select.js');
  const net = mlp({ widths: [32, 32, 1], W_std: 1.4, b_std: 0.1, parameterization: 'ntk', act: 'relu' });
  const params = net.init(PRNGKey(12), [4]);
  const x = new Matrix(120, 4, normal(PRNGKey(13), 480));
  const K = empiricalNtk(net, params, x);
  const ref = getBackend().syev(K, false).values.slice().reverse();
  for (const implementation of ['structured', 'ntvp'] as const) {
    const op = ntkOperator(net, params, x, { implementation });
    const r = lanczos(op, { k: 5, tol: 1e-10, key: PRNGKey(14) });
    assert.ok(r.converged, implementation);
    for (let j = 0; j < 5; j++)
      assert.ok(
        Math.abs(r.values[j] - ref[j]) <= 1e-9 * ref[0],
        `${implementation} λ_${j}: ${r.values[j]} vs ${ref[j]}`,
      );
    // True residuals against the explicit kernel.
    for (let j = 0; j < 5; j++) {
      let s = 0;
      for (let i = 0; i < 120; i++) {
        let kv = 0;
        for (let m = 0; m < 120; m++) kv += K.get(i, m) * r.vectors.get(m, j);
        s += (kv - r.values[j] * r.vectors.get(i, j)) ** 2;
      }
      assert.ok(Math.sqrt(s) <= 1e-8 * ref[0], `${implementation} residual ${j}: ${Math.sqrt(s)}`);
    }
  }
});
