import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '../linalg/matrix.js';
import { getBackend } from '../linalg/select.js';
import { Dense } from '../nn/dense.js';
import { Erf } from '../nn/activations/erf.js';
import { serial } from '../nn/combinators/serial.js';
import { flattenParams, unflattenParams } from '../nn/params.js';
import type { Params } from '../nn/types.js';
import { PRNGKey, normal } from '../random/index.js';
import { erf } from '../special/index.js';
import { empiricalNtk } from './empiricalNtk.js';
import {
  jtjMatrix,
  jtjOperator,
  mseHessian,
  mseHessianOperator,
  mseHessianVectorProduct,
  mseLossAndGradient,
  parameterJacobian,
} from './paramSpace.js';
import { lanczos } from '../linalg/lanczos.js';
import { naiveABt, refJacobian, refMlpFromParams, relFrobenius, testInputs } from './testNets.testutil.js';

const spec = { W_std: 1.5, b_std: 0.2, parameterization: 'ntk' as const };
const erfPhi = (u: number) => erf(u);
const erfDphi = (u: number) => (2 / Math.sqrt(Math.PI)) * Math.exp(-u * u);

function eigenvaluesDesc(A: Matrix): Float64Array {
  return getBackend().syev(A, false).values.slice().reverse();
}

test('parameterJacobian equals the independent reference; JᵀJ explicit and as an operator', () => {
  const net = serial(Dense({ width: 5, ...spec }), Erf(), Dense({ width: 2, ...spec }));
  const params = net.init(PRNGKey(4), [3]);
  const x = testInputs(4, 3);
  const J = parameterJacobian(net, params, x);
  const ref = refJacobian(refMlpFromParams(params, spec, erfPhi, erfDphi), x).J;
  assert.ok(relFrobenius(J, ref) <= 1e-14, `${relFrobenius(J, ref)}`);
  const G = jtjMatrix(net, params, x);
  const Jt = J.transpose();
  assert.ok(relFrobenius(G, naiveABt(Jt, Jt)) <= 1e-13);
  const op = jtjOperator(net, params, x);
  const P = J.cols;
  const V = new Matrix(P, 2, normal(PRNGKey(9), 2 * P));
  const out = new Matrix(P, 2);
  op.apply(V, out);
  const want = new Matrix(P, 2);
  getBackend().gemm(false, false, 1, G, V, 0, want);
  assert.ok(relFrobenius(out, want) <= 1e-12);
});

test('JJᵀ (the full empirical NTK) and JᵀJ share their nonzero eigenvalues to 1e-10', () => {
  const net = serial(Dense({ width: 4, ...spec }), Erf(), Dense({ width: 2, ...spec }));
  const params = net.init(PRNGKey(5), [3]);
  const x = testInputs(6, 3); // N·O = 12 < P = 3·4 + 4 + 4·2 + 2 = 26
  const K = empiricalNtk(net, params, x, null, { trace: false });
  const G = jtjMatrix(net, params, x);
  const a = eigenvaluesDesc(K);
  const b = eigenvaluesDesc(G);
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs(a[i] - b[i]) <= 1e-10 * a[0], `λ_${i}: ${a[i]} vs ${b[i]}`);
  for (let i = a.length; i < b.length; i++)
    assert.ok(Math.abs(b[i]) <= 1e-10 * a[0], `JᵀJ eigenvalue ${i} = ${b[i]} should be 0`);
});

test('MSE gradient and Hessian-vector products: exact on a linear model, error estimate honest', () => {
  // f linear in θ ⇒ L quadratic ⇒ ∇²L = JᵀJ/N exactly, and the central difference is exact up to rounding.
  const lin = serial(Dense({ width: 2, ...spec }));
  const params = lin.init(PRNGKey(6), [3]);
  const x = testInputs(5, 3);
  const y = normal(PRNGKey(7), 10);
  const GN = jtjMatrix(lin, params, x);
  const { hessian, errorEstimate } = mseHessian(lin, params, x, y);
  const want = new Matrix(
    GN.rows,
    GN.cols,
    GN.data.map((v) => v / 5),
  );
  assert.ok(relFrobenius(hessian, want) <= 1e-9, `${relFrobenius(hessian, want)}`);
  assert.ok(errorEstimate <= 1e-9 * Math.max(...want.data.map(Math.abs)));
  // Gradient vs central differences of the loss (smooth net).
  const net = serial(Dense({ width: 5, ...spec }), Erf(), Dense({ width: 1, ...spec }));
  const p2 = net.init(PRNGKey(8), [3]);
  const y1 = normal(PRNGKey(9), 5);
  const { gradient } = mseLossAndGradient(net, p2, x, y1);
  const theta = flattenParams(p2);
  const h = 1e-5;
  for (const i of [0, 7, theta.length - 1]) {
    const at = (s: number) => {
      const t = theta.slice();
      t[i] += s;
      return mseLossAndGradient(net, unflattenParams(p2, t), x, y1).loss;
    };
    const fd = (at(h) - at(-h)) / (2 * h);
    assert.ok(
      Math.abs(fd - gradient[i]) <= 1e-8 * Math.max(1, Math.abs(fd)),
      `∂L/∂θ_${i}: ${gradient[i]} vs ${fd}`,
    );
  }
  // HVP vs a finite difference of directional derivatives along v (independent of the gradient code path's ordering).
  const v = normal(PRNGKey(10), theta.length);
  const { hv, errorEstimate: e2 } = mseHessianVectorProduct(net, p2, x, y1, v);
  const loss = (s: number) =>
    mseLossAndGradient(
      net,
      unflattenParams(
        p2,
        theta.map((t, k) => t + s * v[k]),
      ),
      x,
      y1,
    ).loss;
  const hs = 1e-3;
  const vHv = (loss(hs) - 2 * loss(0) + loss(-hs)) / (hs * hs); // vᵀ∇²L v, error O(hs²) ≈ 1e-6 relative
  let vhv = 0;
  for (let k = 0; k < v.length; k++) vhv += v[k] * hv[k];
  assert.ok(Math.abs(vhv - vHv) <= 1e-5 * Math.abs(vHv), `vᵀHv: ${vhv} vs ${vHv}`);
  assert.ok(e2 <= 1e-7 * Math.max(...hv.map(Math.abs)), `error estimate ${e2}`);
});

test('at a trained minimum the MSE Hessian ≈ JᵀJ/N (Gauss–Newton), and not at init (seed 003)', (t) => {
  // A small over-parameterized smooth net (P = 2·6 + 6 + 6 + 1 = 25 ≫ N = 4), trained by plain GD.
  const net = serial(Dense({ width: 6, ...spec }), Erf(), Dense({ width: 1, ...spec }));
  let params: Params = net.init(PRNGKey(11), [2]);
  const x = testInputs(4, 2);
  const y = new Float64Array([0.3, -0.5, 0.8, 0.1]);
  const N = 4;
  const gap = (p: Params) => {
    const H = mseHessian(net, p, x, y).hessian;
    const GN = jtjMatrix(net, p, x);
    return relFrobenius(
      H,
      new Matrix(
        GN.rows,
        GN.cols,
        GN.data.map((v) => v / N),
      ),
    );
  };
  const gapInit = gap(params);
  // Step 1/λ_max of the Gauss–Newton matrix (a safe GD step for MSE near the NTK regime).
  const lmax = eigenvaluesDesc(jtjMatrix(net, params, x))[0] / N;
  const eta = 1 / lmax;
  let loss = Infinity;
  for (let step = 0; step < 20000 && loss > 1e-20; step++) {
    const r = mseLossAndGradient(net, params, x, y);
    loss = r.loss;
    const th = flattenParams(params);
    for (let i = 0; i < th.length; i++) th[i] -= eta * r.gradient[i];
    params = unflattenParams(params, th);
  }
  assert.ok(loss <= 1e-20, `training reached loss ${loss}`);
  const gapMin = gap(params);
  // ∇²L − JᵀJ/N = (1/N)·Σ r_n ∇²f(x_n) with |r| ≤ √(2N·L) ≈ 3e-10: the relative gap is ≲ 1e-9 (measured 6e-11), and the
  // finite-difference Hessian adds ≲ 1e-9. At init the residual term is O(1).
  t.diagnostic(
    `loss ${loss.toExponential(2)}; ‖H − JᵀJ/N‖/‖JᵀJ/N‖ = ${gapMin.toExponential(2)} at the minimum, ${gapInit.toExponential(2)} at init`,
  );
  assert.ok(gapMin <= 1e-8, `gap at the minimum ${gapMin}`);
  assert.ok(gapInit >= 1e-2, `gap at init ${gapInit}`);
  // Spectra: the N nonzero eigenvalues of JᵀJ/N = those of the NTK / N = the top-N Hessian eigenvalues.
  const K = empiricalNtk(net, params, x);
  const kv = eigenvaluesDesc(K).map((v) => v / N);
  const hv = eigenvaluesDesc(mseHessian(net, params, x, y).hessian);
  for (let i = 0; i < N; i++)
    assert.ok(Math.abs(hv[i] - kv[i]) <= 1e-6 * kv[0], `λ_${i}: Hessian ${hv[i]} vs NTK/N ${kv[i]}`);
  for (let i = N; i < hv.length; i++)
    assert.ok(Math.abs(hv[i]) <= 1e-6 * kv[0], `Hessian λ_${i} = ${hv[i]} should be ≈ 0`);
  // The same top eigenvalues through the implicit Hessian operator and Lanczos.
  const op = mseHessianOperator(net, params, x, y);
  const top = lanczos(op, { k: N, tol: 1e-9, key: PRNGKey(12) });
  for (let i = 0; i < N; i++)
    assert.ok(
      Math.abs(top.values[i] - kv[i]) <= 1e-6 * kv[0],
      `Lanczos Hessian λ_${i}: ${top.values[i]} vs ${kv[i]}`,
    );
  assert.ok(op.maxErrorEstimate <= 1e-6 * kv[0]);
});
