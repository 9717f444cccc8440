import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '../linalg/matrix.js';
import { Dense } from '../nn/dense.js';
import { Relu } from '../nn/activations/abRelu.js';
import { serial } from '../nn/combinators/serial.js';
import { initParams } from '../nn/network.js';
import { empiricalNtk } from '../empirical/empiricalNtk.js';
import type { Layer, Params, Tensor } from '../nn/types.js';
import { PRNGKey, normal } from '../random/index.js';
import { maxLearningRate, predictGradientDescentMse } from '../predict/index.js';
import {
  alphaScaledModel,
  batchIndices,
  crossEntropy,
  linearizedModel,
  makeBatcher,
  makeOptimizer,
  makeSchedule,
  mse,
  networkModel,
  train,
  trainAsync,
} from './index.js';

function data(seed: number, n: number, d: number, o = 1): { x: Tensor; y: Matrix } {
  return {
    x: { shape: [n, d], data: normal(PRNGKey(seed), n * d) },
    y: new Matrix(n, o, normal(PRNGKey(seed + 1000), n * o)),
  };
}
function mlp(width: number, depth: number, out = 1): Layer {
  const layers: Layer[] = [];
  for (let i = 0; i < depth; i++) layers.push(Dense({ width, W_std: Math.SQRT2, b_std: 0.1 }), Relu());
  layers.push(Dense({ width: out, W_std: 1, b_std: 0.1 }));
  return serial(...layers);
}
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

test('acceptance: the linearized network under full-batch GD follows (I − ηK/N)^s with K = its empirical NTK at init, ≤ 1e-9 relative', () => {
  const { x, y } = data(1, 20, 3);
  const xt = data(2, 6, 3).x;
  const net = mlp(32, 2);
  const params = initParams(net, PRNGKey(3), [3]);
  const model = linearizedModel(net, params);
  const K = empiricalNtk(net, params, x);
  const Kt = empiricalNtk(net, params, xt, x);
  const lr = 0.5 * maxLearningRate(K);
  const f0 = model.evaluate(model.theta0, x).f;
  const ft0 = model.evaluate(model.theta0, xt).f;
  const run = train({
    model,
    xTrain: x,
    yTrain: y,
    xTest: xt,
    yTest: new Matrix(6, 1),
    optimizer: 'gd',
    lr,
    steps: 200,
    recordEvery: 10,
  });
  const p = predictGradientDescentMse({
    kTrain: K,
    kTestTrain: Kt,
    yTrain: y,
    lr,
    fTrain0: new Matrix(20, 1, f0),
    fTest0: new Matrix(6, 1, ft0),
    onWarning: () => {},
  });
  const pred = p.predict(run.steps, 'gd');
  assert.equal(run.steps.length, 21);
  for (let k = 0; k < run.steps.length; k++) {
    const e = relErr(run.fTrain![k].data, pred.fTrain[k].data);
    const et = relErr(run.fTest![k].data, pred.fTest![k].data);
    assert.ok(e <= 1e-9 && et <= 1e-9, `step ${run.steps[k]}: train ${e}, test ${et}`);
  }
  assert.ok(run.loss[run.loss.length - 1] < 0.05 * run.loss[0], 'the loss decreased');
});

test('acceptance: linearized GD at 0.95 × maxLearningRate converges, at 1.05 × diverges (reported, not thrown)', () => {
  const { x, y } = data(4, 12, 2);
  const net = mlp(16, 1);
  const params = initParams(net, PRNGKey(5), [2]);
  const K = empiricalNtk(net, params, x);
  const eta = maxLearningRate(K);
  const lo = train({
    model: linearizedModel(net, params),
    xTrain: x,
    yTrain: y,
    optimizer: 'gd',
    lr: 0.95 * eta,
    steps: 3000,
    recordEvery: 100,
  });
  assert.equal(lo.diverged, null);
  // Every mode contracts by |1 − ηλᵢ/N| < 1, so the loss Σᵢ(1 − ηλᵢ/N)^{2s}·cᵢ² decreases monotonically.
  for (let k = 1; k < lo.loss.length; k++)
    assert.ok(lo.loss[k] <= lo.loss[k - 1] * (1 + 1e-12), `monotone at ${lo.steps[k]}`);
  assert.ok(lo.loss[lo.loss.length - 1] < 0.05 * lo.loss[0], `converges: ${lo.loss[lo.loss.length - 1]}`);
  const hi = train({
    model: linearizedModel(net, params),
    xTrain: x,
    yTrain: y,
    optimizer: 'gd',
    lr: 1.05 * eta,
    steps: 3000,
    recordEvery: 100,
  });
  assert.ok(hi.diverged !== null, 'diverges');
  assert.ok(hi.diverged.loss > 1e10 * hi.loss[0] || !Number.isFinite(hi.diverged.loss));
  assert.equal(hi.steps[hi.steps.length - 1], hi.diverged.step);
  assert.ok(hi.stepsDone < 3000);
});

test('momentum: linearized heavy-ball GD converges at 0.95 × maxLearningRate(K, {momentum}) = 2(1+μ)N/λ_max and diverges at 1.05 ×', () => {
  const { x, y } = data(20, 10, 2);
  const net = mlp(12, 1);
  const params = initParams(net, PRNGKey(21), [2]);
  const K = empiricalNtk(net, params, x);
  const eta = maxLearningRate(K, { momentum: 0.5 });
  const run = (f: number) =>
    train({
      model: linearizedModel(net, params),
      xTrain: x,
      yTrain: y,
      optimizer: { name: 'momentum', momentum: 0.5 },
      lr: f * eta,
      steps: 3000,
      recordEvery: 3000,
    });
  const lo = run(0.95);
  assert.equal(lo.diverged, null);
  assert.ok(lo.loss[1] < lo.loss[0]);
  assert.ok(run(1.05).diverged !== null);
});

test('divergence with NTK snapshots due: reported at the step, no snapshot of the diverged state, no throw', () => {
  const { x, y } = data(22, 8, 2);
  const net = mlp(8, 1);
  const params = initParams(net, PRNGKey(23), [2]);
  const run = train({
    model: networkModel(net, params),
    xTrain: x,
    yTrain: y,
    optimizer: 'gd',
    lr: 1e8,
    steps: 100,
    ntkEvery: 1,
  });
  assert.ok(run.diverged !== null && run.diverged.step < 100);
  assert.equal(run.steps[run.steps.length - 1], run.diverged.step);
  assert.ok(run.ntk.every((k) => k.step < run.diverged!.step));
});

test('network gradient: the update of one GD step equals −η·∇L by central finite differences', () => {
  const { x, y } = data(6, 7, 3, 2);
  const net = mlp(5, 2, 2);
  const params = initParams(net, PRNGKey(7), [3]);
  const model = networkModel(net, params);
  const lr = 0.1;
  const run = train({ model, xTrain: x, yTrain: y, optimizer: 'gd', lr, steps: 1 });
  const L = (th: Float64Array): number => mse.evaluate(model.evaluate(th, x).f, y.data, 2);
  const th = model.theta0.slice();
  for (const i of [0, 3, 17, th.length - 1]) {
    const h = 1e-5;
    const a = th.slice();
    const b = th.slice();
    a[i] += h;
    b[i] -= h;
    const g = (L(a) - L(b)) / (2 * h);
    const step = (model.theta0[i] - run.theta[i]) / lr;
    assert.ok(Math.abs(step - g) < 1e-7 * Math.max(1, Math.abs(g)), `param ${i}: ${step} vs FD ${g}`);
  }
});

test('cross-entropy: value against the definition and gradient by finite differences', () => {
  const f = Float64Array.of(0.3, -1.2, 2.0, 1.0, 1.0, 1.0);
  const y = Float64Array.of(0, 0, 1, 0.2, 0.5, 0.3);
  const g = new Float64Array(6);
  const L = crossEntropy.evaluate(f, y, 3, g);
  const lse1 = Math.log(Math.exp(0.3) + Math.exp(-1.2) + Math.exp(2));
  const want = (-(2 - lse1) - (0.2 + 0.5 + 0.3) * (1 - Math.log(3 * Math.E))) / 2;
  assert.ok(Math.abs(L - want) < 1e-14);
  for (let i = 0; i < 6; i++) {
    const a = f.slice();
    const b = f.slice();
    a[i] += 1e-6;
    b[i] -= 1e-6;
    const fd = (crossEntropy.evaluate(a, y, 3) - crossEntropy.evaluate(b, y, 3)) / 2e-6;
    assert.ok(Math.abs(fd - g[i]) < 1e-8);
  }
  // Large logits do not overflow.
  assert.ok(Number.isFinite(crossEntropy.evaluate(Float64Array.of(1000, -1000), Float64Array.of(0, 1), 2)));
});

test('optimizers match hand-written reference updates on a fixed gradient sequence', () => {
  const gs = [Float64Array.of(1, -2), Float64Array.of(0.5, 0.5), Float64Array.of(-1, 3)];
  const lr = 0.1;
  // momentum μ = 0.9: v₁ = g₁, v₂ = 0.9·g₁ + g₂, v₃ = 0.81·g₁ + 0.9·g₂ + g₃.
  const m = makeOptimizer({ name: 'momentum', momentum: 0.9 }, 2);
  const th = new Float64Array(2);
  for (const g of gs) m.update(th, g, lr);
  for (let i = 0; i < 2; i++) {
    const v1 = gs[0][i];
    const v2 = 0.9 * v1 + gs[1][i];
    const v3 = 0.9 * v2 + gs[2][i];
    assert.ok(Math.abs(th[i] + lr * (v1 + v2 + v3)) < 1e-15);
  }
  // Adam: first step moves each coordinate by lr·sign(g) (m̂ = g, v̂ = g²), up to ε.
  const a = makeOptimizer('adam', 2);
  const ta = new Float64Array(2);
  a.update(ta, gs[0], lr);
  assert.ok(Math.abs(ta[0] + lr) < 1e-8 && Math.abs(ta[1] - lr) < 1e-8);
  a.update(ta, gs[1], lr);
  const m2 = 0.9 * 0.1 * gs[0][0] + 0.1 * gs[1][0];
  const v2 = 0.999 * 0.001 * gs[0][0] ** 2 + 0.001 * gs[1][0] ** 2;
  const want = -lr / (1 + 1e-8) - (lr * (m2 / (1 - 0.81))) / (Math.sqrt(v2 / (1 - 0.999 ** 2)) + 1e-8);
  assert.ok(Math.abs(ta[0] - want) < 1e-14);
  assert.throws(
    () => makeOptimizer({ name: 'momentum', momentum: 1 }, 2),
    /momentum must be in \[0, 1\), got 1/,
  );
  assert.throws(
    () => makeOptimizer('rmsprop' as 'gd', 2),
    /optimizer must be 'gd', 'sgd', 'momentum' or 'adam', got 'rmsprop'/,
  );
});

test('schedules: constant, step, cosine closed forms; bad specs rejected', () => {
  assert.equal(makeSchedule(0.3)(99), 0.3);
  const st = makeSchedule({ kind: 'step', lr: 1, every: 10, factor: 0.5 });
  assert.deepEqual([st(0), st(9), st(10), st(25)], [1, 1, 0.5, 0.25]);
  const c = makeSchedule({ kind: 'cosine', lr: 2, total: 100, final: 0 });
  assert.ok(
    Math.abs(c(0) - 2) < 1e-15 &&
      Math.abs(c(50) - 1) < 1e-15 &&
      Math.abs(c(100)) < 1e-15 &&
      Math.abs(c(200)) < 1e-15,
  );
  assert.throws(() => makeSchedule(0), /lr must be a finite number > 0, got 0/);
  assert.throws(() => makeSchedule(-1), /lr must be/);
  assert.throws(() => makeSchedule((s) => (s > 2 ? NaN : 1))(3), /returned NaN at step 3/);
});

test('SGD is seeded and deterministic; every example is visited once per epoch', () => {
  const { x, y } = data(8, 10, 2);
  const net = mlp(8, 1);
  const params = initParams(net, PRNGKey(9), [2]);
  const run = (seed: number) =>
    train({
      model: networkModel(net, params),
      xTrain: x,
      yTrain: y,
      optimizer: 'sgd',
      lr: 0.05,
      steps: 9,
      batchSize: 3,
      key: PRNGKey(seed),
    });
  const a = run(1);
  const b = run(1);
  const c = run(2);
  assert.deepEqual(a.theta, b.theta);
  assert.notDeepEqual(a.theta, c.theta);
  const batcher = makeBatcher(PRNGKey(1), 10, 3);
  for (let epoch = 0; epoch < 3; epoch++) {
    const seen: number[] = [];
    for (let b = 0; b < 4; b++) {
      const idx = batcher(epoch * 4 + b);
      assert.deepEqual(Array.from(idx), Array.from(batchIndices(PRNGKey(1), 10, 3, epoch * 4 + b)));
      seen.push(...idx);
    }
    assert.deepEqual(
      seen.sort((p, q) => p - q),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
  }
  assert.throws(
    () =>
      train({
        model: networkModel(net, params),
        xTrain: x,
        yTrain: y,
        optimizer: 'sgd',
        lr: 0.1,
        steps: 1,
        batchSize: 3,
      }),
    /need a key/,
  );
});

test('α-scaled model: centred at init, gradient of L_α = (1/α²)L(α·f̂) by finite differences, lazy as α grows', () => {
  const { x, y } = data(10, 8, 2);
  const net = mlp(12, 1);
  const params = initParams(net, PRNGKey(11), [2]);
  const alpha = 3;
  const model = alphaScaledModel(networkModel(net, params), alpha);
  const e0 = model.evaluate(model.theta0, x);
  assert.ok(
    e0.f.every((v) => v === 0),
    'f̂(θ₀) = 0',
  );
  const th = model.theta0.map((v, i) => v + 0.01 * Math.sin(i));
  const La = (t: Float64Array) => mse.evaluate(model.evaluate(t, x).f, y.data, 1) / alpha ** 2;
  const e = model.evaluate(th, x);
  const c = new Float64Array(8);
  mse.evaluate(e.f, y.data, 1, c);
  const g = e.vjp(c);
  for (const i of [0, 5, 20]) {
    const a = th.slice();
    const b = th.slice();
    a[i] += 1e-5;
    b[i] -= 1e-5;
    assert.ok(Math.abs((La(a) - La(b)) / 2e-5 - g[i]) < 1e-8, `param ${i}`);
  }
  // Lazy training: the relative parameter movement shrinks like 1/α at equal loss decrease.
  const dist = (al: number) => {
    const r = train({
      model: alphaScaledModel(networkModel(net, params), al),
      xTrain: x,
      yTrain: y,
      optimizer: 'gd',
      lr: 0.5,
      steps: 50,
      recordEvery: 50,
    });
    return r.paramDistance[r.paramDistance.length - 1];
  };
  const d10 = dist(10);
  const d100 = dist(100);
  assert.ok(d100 < 0.15 * d10, `‖θ−θ₀‖ shrinks with α: ${d10} → ${d100}`);
});

test('NTK snapshots: G₀ equals empiricalNtk at init, eigenpairs descending and satisfy G·v = λ·v', () => {
  const { x, y } = data(12, 9, 2);
  const net = mlp(10, 1);
  const params: Params = initParams(net, PRNGKey(13), [2]);
  const run = train({
    model: networkModel(net, params),
    xTrain: x,
    yTrain: y,
    optimizer: 'gd',
    lr: 0.5,
    steps: 4,
    ntkEvery: 2,
    ntkEigen: 3,
  });
  assert.deepEqual(
    run.ntk.map((s) => s.step),
    [0, 2, 4],
  );
  assert.deepEqual(run.ntk[0].kernel!.data, empiricalNtk(net, params, x).data);
  const s = run.ntk[2];
  assert.equal(s.eigenvalues.length, 3);
  for (let i = 0; i < 3; i++) {
    if (i > 0) assert.ok(s.eigenvalues[i - 1] >= s.eigenvalues[i]);
    for (let r = 0; r < 9; r++) {
      let gv = 0;
      for (let c = 0; c < 9; c++) gv += s.kernel!.get(r, c) * s.eigenvectors!.get(c, i);
      assert.ok(Math.abs(gv - s.eigenvalues[i] * s.eigenvectors!.get(r, i)) < 1e-10 * s.eigenvalues[0]);
    }
  }
  assert.notDeepEqual(run.ntk[2].kernel!.data, run.ntk[0].kernel!.data, 'the finite network’s NTK moves');
  // Top-k by Lanczos on the implicit operator (no kernel formed) gives the same eigenvalues.
  const imp = train({
    model: networkModel(net, params),
    xTrain: x,
    yTrain: y,
    optimizer: 'gd',
    lr: 0.5,
    steps: 4,
    ntkSteps: [4],
    ntkEigen: 2,
    ntkKernel: false,
  });
  assert.equal(imp.ntk[0].kernel, null);
  for (let i = 0; i < 2; i++)
    assert.ok(Math.abs(imp.ntk[0].eigenvalues[i] - s.eigenvalues[i]) < 1e-9 * s.eigenvalues[0]);
});

test('interrupt: an aborted signal stops after the current update and returns what was recorded', () => {
  const { x, y } = data(14, 6, 2);
  const net = mlp(6, 1);
  const params = initParams(net, PRNGKey(15), [2]);
  const ac = new AbortController();
  const run = train({
    model: networkModel(net, params),
    xTrain: x,
    yTrain: y,
    optimizer: 'adam',
    lr: 0.01,
    steps: 100,
    recordEvery: 2,
    signal: ac.signal,
    onStep: (s) => {
      if (s === 5) ac.abort();
    },
  });
  assert.equal(run.interrupted, true);
  assert.equal(run.stepsDone, 5);
  assert.deepEqual(run.steps, [0, 2, 4, 5]);
});

test('trainAsync yields to the event loop, so a timer (or a SIGINT handler) can abort a long run', async () => {
  const { x, y } = data(18, 6, 2);
  const net = mlp(6, 1);
  const params = initParams(net, PRNGKey(19), [2]);
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 20);
  const run = await trainAsync(
    {
      model: networkModel(net, params),
      xTrain: x,
      yTrain: y,
      optimizer: 'gd',
      lr: 0.01,
      steps: 1e9,
      recordEvery: 1e6,
      signal: ac.signal,
    },
    5,
  );
  assert.equal(run.interrupted, true);
  assert.ok(run.stepsDone > 0 && run.stepsDone < 1e9);
  // Same trajectory as the synchronous loop.
  const sync = train({
    model: networkModel(net, params),
    xTrain: x,
    yTrain: y,
    optimizer: 'gd',
    lr: 0.01,
    steps: run.stepsDone,
    recordEvery: 1e6,
  });
  assert.deepEqual(sync.theta, run.theta);
});

test('bad input: mismatched N, non-finite targets, lr ≤ 0', () => {
  const { x, y } = data(16, 5, 2);
  const net = mlp(4, 1);
  const model = networkModel(net, initParams(net, PRNGKey(17), [2]));
  assert.throws(
    () => train({ model, xTrain: x, yTrain: new Matrix(4, 1), optimizer: 'gd', lr: 0.1, steps: 1 }),
    /same number of examples N, got 5 and 4/,
  );
  const yb = y.clone();
  yb.data[3] = Infinity;
  assert.throws(
    () => train({ model, xTrain: x, yTrain: yb, optimizer: 'gd', lr: 0.1, steps: 1 }),
    /yTrain must be finite, got Infinity at \[3, 0\]/,
  );
  assert.throws(
    () => train({ model, xTrain: x, yTrain: y, optimizer: 'gd', lr: 0, steps: 1 }),
    /lr must be a finite number > 0, got 0/,
  );
  assert.throws(
    () => train({ model, xTrain: x, yTrain: y, optimizer: 'gd', lr: 0.1, steps: 1, batchSize: 9 }),
    /batchSize must be an integer in \[1, N = 5\], got 9/,
  );
});
