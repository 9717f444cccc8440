import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '../linalg/matrix.js';
import { PRNGKey, normal } from '../random/index.js';
import { gradientDescentMseEnsemble, maxLearningRate, predictGradientDescentMse } from './index.js';

// ---- independent reference arithmetic (plain loops; no eigendecomposition, no backend) ----

function randn(seed: number, r: number, c: number): Matrix {
  return new Matrix(r, c, normal(PRNGKey(seed), r * c));
}
function mul(A: Matrix, B: Matrix): Matrix {
  const C = new Matrix(A.rows, B.cols);
  for (let i = 0; i < A.rows; i++)
    for (let k = 0; k < A.cols; k++) {
      const a = A.data[i * A.cols + k];
      for (let j = 0; j < B.cols; j++) C.data[i * B.cols + j] += a * B.data[k * B.cols + j];
    }
  return C;
}
function lin(a: number, A: Matrix, b: number, B: Matrix): Matrix {
  const C = new Matrix(A.rows, A.cols);
  for (let i = 0; i < C.data.length; i++) C.data[i] = a * A.data[i] + b * B.data[i];
  return C;
}
const T = (A: Matrix): Matrix => A.transpose();
/** Gauss–Jordan with partial pivoting: A⁻¹·B. */
function solve(A: Matrix, B: Matrix): Matrix {
  const n = A.rows;
  const m = B.cols;
  const a = A.toRows();
  const b = B.toRows();
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    [b[c], b[p]] = [b[p], b[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let k = c; k < n; k++) a[r][k] -= f * a[c][k];
      for (let k = 0; k < m; k++) b[r][k] -= f * b[c][k];
    }
  }
  return Matrix.fromRows(b.map((row, r) => row.map((v) => v / a[r][r])));
}
/** e^{A} by scaling and squaring of the Taylor series. */
function expm(A: Matrix): Matrix {
  let norm = 0;
  for (const v of A.data) norm = Math.max(norm, Math.abs(v));
  const sq = Math.max(0, Math.ceil(Math.log2(norm * A.rows)) + 4);
  const As = lin(2 ** -sq, A, 0, A);
  let term = Matrix.identity(A.rows);
  let sum = Matrix.identity(A.rows);
  for (let k = 1; k < 30; k++) {
    term = lin(1 / k, mul(term, As), 0, As);
    sum = lin(1, sum, 1, term);
  }
  for (let i = 0; i < sq; i++) sum = mul(sum, sum);
  return sum;
}
function relErr(A: Matrix, B: Matrix): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < A.data.length; i++) {
    num = Math.max(num, Math.abs(A.data[i] - B.data[i]));
    den = Math.max(den, Math.abs(B.data[i]));
  }
  return num / den;
}
/** A well-conditioned PSD kernel on N + M points: X Xᵀ/d + 0.1 (a bias), train block first. */
function kernels(seed: number, n: number, m: number, d = 5) {
  const X = randn(seed, n + m, d);
  const G = mul(X, T(X));
  const K = lin(1 / d, G, 0, G);
  for (let i = 0; i < K.data.length; i++) K.data[i] += 0.1;
  for (let i = 0; i < n + m; i++) K.data[i * (n + m) + i] += 0.05;
  const block = (r0: number, r1: number, c0: number, c1: number) =>
    Matrix.fromRows(
      K.toRows()
        .slice(r0, r1)
        .map((row) => row.slice(c0, c1)),
    );
  return { K: block(0, n, 0, n), Ktd: block(n, n + m, 0, n), Ktt: block(n, n + m, n, n + m) };
}

const silent = (): void => {};

test('discrete GD prediction equals the brute-force recurrence f ← f − (η/N)·K·(f − y), train and test', () => {
  const n = 12;
  const { K, Ktd } = kernels(1, n, 4);
  const y = randn(2, n, 2);
  const f0 = randn(3, n, 2);
  const ft0 = randn(4, 4, 2);
  const lr = 0.7 * maxLearningRate(K);
  const p = predictGradientDescentMse({
    kTrain: K,
    kTestTrain: Ktd,
    yTrain: y,
    lr,
    fTrain0: f0,
    fTest0: ft0,
    onWarning: silent,
  });
  const steps = [0, 1, 2, 5, 17, 60];
  const out = p.predict(steps, 'gd');
  let f = f0.clone();
  let ft = ft0.clone();
  for (let s = 0, k = 0; s <= 60; s++) {
    if (s === steps[k]) {
      assert.ok(relErr(out.fTrain[k], f) < 1e-12, `train step ${s}: ${relErr(out.fTrain[k], f)}`);
      assert.ok(relErr(out.fTest![k], ft) < 1e-12, `test step ${s}: ${relErr(out.fTest![k], ft)}`);
      k++;
    }
    const r = lin(1, f, -1, y);
    f = lin(1, f, -lr / n, mul(K, r));
    ft = lin(1, ft, -lr / n, mul(Ktd, r));
  }
});

test('gradient flow equals y + e^{−η·s·K/N}(f₀ − y) (Taylor expm) and the test formula with K⁻¹', () => {
  const n = 10;
  const { K, Ktd } = kernels(5, n, 3);
  const y = randn(6, n, 1);
  const f0 = randn(7, n, 1);
  const ft0 = randn(8, 3, 1);
  const lr = 1.3;
  const p = predictGradientDescentMse({
    kTrain: K,
    kTestTrain: Ktd,
    yTrain: y,
    lr,
    fTrain0: f0,
    fTest0: ft0,
    onWarning: silent,
  });
  for (const s of [0, 0.5, 3, 40]) {
    const E = expm(lin(-(lr * s) / n, K, 0, K));
    const want = lin(1, y, 1, mul(E, lin(1, f0, -1, y)));
    const got = p.predict([s], 'flow');
    assert.ok(relErr(got.fTrain[0], want) < 1e-11, `train s=${s}`);
    // f_test = f_test,0 + K_*X·K⁻¹·(I − E)·(y − f₀)
    const I = Matrix.identity(n);
    const wantT = lin(1, ft0, 1, mul(Ktd, solve(K, mul(lin(1, I, -1, E), lin(1, y, -1, f0)))));
    assert.ok(relErr(got.fTest![0], wantT) < 1e-10, `test s=${s}: ${relErr(got.fTest![0], wantT)}`);
  }
});

test('gradient flow and discrete GD agree as η → 0 at fixed time t = η·s (error ∝ η)', () => {
  const n = 8;
  const { K, Ktd } = kernels(9, n, 2);
  const y = randn(10, n, 1);
  const t = 30; // continuous time η·s
  const errs: number[] = [];
  for (const lr of [1, 0.1, 0.01]) {
    const p = predictGradientDescentMse({ kTrain: K, kTestTrain: Ktd, yTrain: y, lr, onWarning: silent });
    const s = Math.round(t / lr);
    const gd = p.predict([s], 'gd');
    const fl = p.predict([s], 'flow');
    errs.push(Math.max(relErr(gd.fTrain[0], fl.fTrain[0]), relErr(gd.fTest![0], fl.fTest![0])));
  }
  assert.ok(errs[0] > 0.9e1 * errs[1] && errs[1] > 0.9e1 * errs[2], `first-order convergence: ${errs}`);
  assert.ok(errs[2] < 1e-3, `small at η = 0.01: ${errs[2]}`);
});

test('t = ∞ equals the kernel-regression solve, by Cholesky and by eigh, with and without diagonal regularization', () => {
  const n = 9;
  const { K, Ktd } = kernels(11, n, 5);
  const y = randn(12, n, 3);
  const f0 = randn(13, n, 3);
  const ft0 = randn(14, 5, 3);
  for (const diagReg of [0, 0.1]) {
    const p = predictGradientDescentMse({
      kTrain: K,
      kTestTrain: Ktd,
      yTrain: y,
      lr: 1,
      fTrain0: f0,
      fTest0: ft0,
      diagReg,
      onWarning: silent,
    });
    let tr = 0;
    for (let i = 0; i < n; i++) tr += K.get(i, i);
    const Kreg = lin(1, K, (diagReg * tr) / n, Matrix.identity(n));
    const alpha = solve(Kreg, lin(1, y, -1, f0));
    const wantTest = lin(1, ft0, 1, mul(Ktd, alpha));
    const wantTrain = lin(1, f0, 1, mul(K, alpha));
    for (const method of ['cholesky', 'eigh'] as const) {
      const got = p.atInfinity(method);
      assert.ok(relErr(got.fTest!, wantTest) < 1e-11, `test ${method} reg=${diagReg}`);
      assert.ok(relErr(got.fTrain, wantTrain) < 1e-11, `train ${method} reg=${diagReg}`);
    }
    // The flow at a long time tends to the same limit (only without regularization does the train set reach y).
    const far = p.predict([1e7], 'flow');
    assert.ok(relErr(far.fTest![0], wantTest) < 1e-8);
    assert.deepEqual(p.predict([Infinity], 'flow').fTest![0].data, p.atInfinity().fTest!.data);
  }
});

test('residual modes: m_s = Σ ρᵢ⟨vᵢ, m₀⟩vᵢ reconstructs f_s − y; eigenvalues descending', () => {
  const n = 7;
  const { K } = kernels(15, n, 0);
  const y = randn(16, n, 1);
  const lr = 0.5 * maxLearningRate(K);
  const p = predictGradientDescentMse({ kTrain: K, yTrain: y, lr, onWarning: silent });
  const modes = p.residualModes([0, 3, 9], 'gd');
  const f = p.predict([0, 3, 9], 'gd');
  for (let i = 1; i < n; i++) assert.ok(modes.eigenvalues[i - 1] >= modes.eigenvalues[i]);
  for (let k = 0; k < 3; k++) {
    const m = mul(modes.eigenvectors, modes.coefficients[k]);
    assert.ok(relErr(m, lin(1, f.fTrain[k], -1, y)) < 1e-12);
    // Each mode decays by exactly (1 − η·λᵢ/N)^s relative to step 0.
    const s = modes.steps[k];
    for (let i = 0; i < n; i++) {
      const want = (1 - (lr * modes.eigenvalues[i]) / n) ** s * modes.coefficients[0].get(i, 0);
      assert.ok(
        Math.abs(modes.coefficients[k].get(i, 0) - want) <=
          1e-12 * Math.abs(modes.coefficients[0].get(i, 0)) + 1e-300,
      );
    }
  }
});

test('maxLearningRate = 2N/λ_max (power iteration), and GD at 0.95× converges, at 1.05× diverges', () => {
  const n = 15;
  const { K } = kernels(17, n, 0);
  let v = new Matrix(n, 1, new Float64Array(n).fill(1));
  let lam = 0;
  for (let it = 0; it < 2000; it++) {
    const w = mul(K, v);
    lam = Math.hypot(...w.data);
    v = lin(1 / lam, w, 0, w);
  }
  const eta = maxLearningRate(K);
  assert.ok(Math.abs(eta - (2 * n) / lam) < 1e-12 * eta);
  assert.ok(Math.abs(maxLearningRate(K, { momentum: 0.9 }) - 1.9 * eta) < 1e-12 * eta);
  const y = randn(18, n, 1);
  const res = (lr: number) => {
    const f = predictGradientDescentMse({ kTrain: K, yTrain: y, lr, onWarning: silent }).predict([2000], 'gd')
      .fTrain[0];
    return Math.hypot(...lin(1, f, -1, y).data);
  };
  assert.ok(res(0.95 * eta) < 1e-6 * Math.hypot(...y.data));
  assert.ok(res(1.05 * eta) > 1e6 * Math.hypot(...y.data));
  const p = predictGradientDescentMse({ kTrain: K, yTrain: y, lr: 1.05 * eta, onWarning: silent });
  assert.throws(() => p.predict([Infinity], 'gd'), /diverges: lr = .* ≥ maxLearningRate/);
});

test('ill-conditioned kernel: one warning with the condition number and a diagonal regularization that helps', () => {
  const n = 6;
  const X = randn(19, n, 2); // rank 2 ⇒ singular
  const K = mul(X, T(X));
  const msgs: string[] = [];
  const p = predictGradientDescentMse({
    kTrain: K,
    yTrain: randn(20, n, 1),
    lr: 1,
    onWarning: (m) => msgs.push(m),
  });
  p.predict([1, 2], 'flow');
  p.predict([3], 'flow');
  assert.equal(msgs.length, 1);
  assert.match(msgs[0], /ill-conditioned, condition number κ = /);
  const eps = Number(/ε ≈ (\S+) absolute/.exec(msgs[0])![1]);
  const q = predictGradientDescentMse({
    kTrain: K,
    yTrain: randn(20, n, 1),
    lr: 1,
    diagReg: eps,
    diagRegAbsolute: true,
    onWarning: (m) => msgs.push(m),
  });
  q.predict([1], 'flow');
  assert.equal(msgs.length, 1, 'no warning once regularized as suggested');
  assert.deepEqual(p.warnings, msgs);
});

test('bad input: clear errors naming the argument', () => {
  const { K } = kernels(21, 4, 0);
  const y = randn(22, 4, 1);
  const fn = (o: Partial<Parameters<typeof predictGradientDescentMse>[0]>) => () =>
    predictGradientDescentMse({ kTrain: K, yTrain: y, lr: 1, ...o });
  assert.throws(fn({ lr: 0 }), /lr must be a finite number > 0, got 0/);
  assert.throws(fn({ lr: -1 }), /lr must be/);
  assert.throws(fn({ kTrain: new Matrix(4, 3) }), /kTrain must be square, got 4×3/);
  const A = K.clone();
  A.set(0, 1, A.get(0, 1) + 1);
  assert.throws(fn({ kTrain: A }), /kTrain must be symmetric/);
  assert.throws(fn({ yTrain: randn(1, 5, 1) }), /yTrain must have N = 4 rows/);
  const yb = y.clone();
  yb.data[2] = NaN;
  assert.throws(fn({ yTrain: yb }), /yTrain must be finite, got NaN at \[2, 0\]/);
  assert.throws(() => fn({})().predict([1.5], 'gd'), /steps\[0\] must be an integer ≥ 0/);
  assert.throws(() => fn({})().predict([-1], 'flow'), /steps\[0\] must be a number ≥ 0/);
  assert.throws(() => maxLearningRate(new Matrix(2, 3)), /kTrain must be square/);
});

test('ensemble (NNGP): the s → ∞ limit is the GP posterior; finite s matches the expm formula', () => {
  const n = 8;
  const m = 3;
  const { K, Ktd, Ktt } = kernels(23, n, m);
  const y = randn(24, n, 2);
  const ens = gradientDescentMseEnsemble({ nngpTrain: K, yTrain: y, lr: 0.5, onWarning: silent });
  const inf = ens.predict({ get: 'nngp', nngpTestTrain: Ktd, nngpTest: Ktt, computeCov: true });
  assert.ok(relErr(inf.mean[0], mul(Ktd, solve(K, y))) < 1e-11);
  const post = lin(1, Ktt, -1, mul(Ktd, solve(K, T(Ktd))));
  assert.ok(relErr(inf.cov![0], post) < 1e-10);
  const s = 7;
  const E2 = expm(lin((-0.5 * 2 * s) / n, K, 0, K));
  const E1 = expm(lin((-0.5 * s) / n, K, 0, K));
  const I = Matrix.identity(n);
  const fin = ens.predict({ get: 'nngp', steps: [s], nngpTestTrain: Ktd, nngpTest: Ktt, computeCov: true });
  assert.ok(relErr(fin.mean[0], mul(Ktd, solve(K, mul(lin(1, I, -1, E1), y)))) < 1e-10);
  assert.ok(relErr(fin.cov![0], lin(1, Ktt, -1, mul(Ktd, solve(K, mul(lin(1, I, -1, E2), T(Ktd)))))) < 1e-10);
  // Train set: mean (I − E)y, covariance E·K·E.
  const tr = ens.predict({ get: 'nngp', steps: [s], computeCov: true });
  assert.ok(relErr(tr.mean[0], mul(lin(1, I, -1, E1), y)) < 1e-10);
  assert.ok(relErr(tr.cov![0], mul(E1, mul(K, E1))) < 1e-10);
});

test('ensemble (NTK): mean and covariance equal the moments of f_test,0 − Θ_*X·S·f₀ over f₀ ~ GP(0, K)', () => {
  const n = 7;
  const m = 3;
  const nn = kernels(25, n, m);
  const th = kernels(26, n, m); // an unrelated PSD matrix stands in for Θ
  const y = randn(27, n, 1);
  const ens = gradientDescentMseEnsemble({
    nngpTrain: nn.K,
    ntkTrain: th.K,
    yTrain: y,
    lr: 2,
    onWarning: silent,
  });
  const I = Matrix.identity(n);
  for (const s of [4, Infinity]) {
    // S = Θ⁻¹(I − e^{−ηsΘ/N}); f_test,s = f_test,0 + Θ_*X·S·(y − f₀).
    const E = s === Infinity ? new Matrix(n, n) : expm(lin((-2 * s) / n, th.K, 0, th.K));
    const S = solve(th.K, lin(1, I, -1, E));
    const A = mul(th.Ktd, S); // M×N
    const wantMean = mul(A, y);
    // Cov = K_** − K_*X·Aᵀ − A·K_X* + A·K·Aᵀ.
    const wantCov = lin(
      1,
      lin(1, nn.Ktt, 1, mul(A, mul(nn.K, T(A)))),
      -1,
      lin(1, mul(nn.Ktd, T(A)), 1, mul(A, T(nn.Ktd))),
    );
    const got = ens.predict({
      get: 'ntk',
      steps: [s],
      ntkTestTrain: th.Ktd,
      nngpTestTrain: nn.Ktd,
      nngpTest: nn.Ktt,
      computeCov: true,
    });
    assert.ok(relErr(got.mean[0], wantMean) < 1e-10, `mean s=${s}`);
    assert.ok(relErr(got.cov![0], wantCov) < 1e-10, `cov s=${s}: ${relErr(got.cov![0], wantCov)}`);
  }
  assert.throws(() => ens.predict({ get: 'ntk', ntkTestTrain: th.Ktd, computeCov: true }), /nngpTestTrain/);
});
