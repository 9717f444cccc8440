import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNpy, writeMatrix } from '../../io/npyFile.js';
import { Matrix } from '../../linalg/matrix.js';
import { PRNGKey, normal } from '../../random/index.js';
import { parseTimes } from './predict.js';

test('parseTimes: lists, inclusive ranges, inf; sorted, unique; errors name the entry', () => {
  assert.deepEqual(parseTimes('0,10,5,inf,10'), [0, 5, 10, Infinity]);
  assert.deepEqual(parseTimes('0:20:5'), [0, 5, 10, 15, 20]);
  assert.deepEqual(parseTimes('0:1:0.25, 3'), [0, 0.25, 0.5, 0.75, 1, 3]);
  assert.throws(() => parseTimes('-1'), /--times must be a number ≥ 0, got '-1'/);
  assert.throws(() => parseTimes('5:1:1'), /STOP ≥ START/);
  assert.throws(() => parseTimes('1:2'), /START:STOP:STEP, got '1:2'/);
  assert.throws(() => parseTimes(''), /at least one time/);
});

test('ntk predict --dynamics flow with a test kernel, inf and --modes: the residual modes rebuild f − y', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntk-predict-cli-'));
  try {
    const n = 8;
    const X = new Matrix(n + 3, 2, normal(PRNGKey(1), (n + 3) * 2));
    const full = new Matrix(n + 3, n + 3);
    for (let i = 0; i < n + 3; i++)
      for (let j = 0; j < n + 3; j++)
        full.set(i, j, Math.exp(-((X.get(i, 0) - X.get(j, 0)) ** 2 + (X.get(i, 1) - X.get(j, 1)) ** 2)));
    const K = new Matrix(n, n);
    const Kt = new Matrix(3, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) K.set(i, j, full.get(i, j));
    for (let i = 0; i < 3; i++) for (let j = 0; j < n; j++) Kt.set(i, j, full.get(n + i, j));
    const y = new Matrix(n, 1, normal(PRNGKey(2), n));
    writeMatrix(join(dir, 'k.npy'), K);
    writeMatrix(join(dir, 'kt.npy'), Kt);
    writeMatrix(join(dir, 'y.npy'), y);
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
    const r = spawnSync(
      process.execPath,
      [
        join(root, 'bin', 'ntk.js'),
        'predict',
        '--kernel-train',
        join(dir, 'k.npy'),
        '--kernel-test',
        join(dir, 'kt.npy'),
        '--y',
        join(dir, 'y.npy'),
        '--lr',
        '2',
        '--times',
        '0,1.5,10,inf',
        '--dynamics',
        'flow',
        '--modes',
        '--out',
        join(dir, 'p.json'),
      ],
      { encoding: 'utf8', env: { ...process.env, NTK_QUIET: '1' } },
    );
    assert.equal(r.status, 0, r.stderr);
    const p = JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8')) as {
      steps: unknown[];
      trainLoss: number[];
      modes: { eigenvalues: number[] };
    };
    assert.deepEqual(p.steps, [0, 1.5, 10, 'inf']);
    assert.ok(p.trainLoss[3] < 1e-20, 'the train set is fitted at t = ∞');
    const f = readNpy(join(dir, 'p.fTrain.npy'));
    const V = readNpy(join(dir, 'p.eigenvectors.npy'));
    const C = readNpy(join(dir, 'p.modes.npy'));
    assert.deepEqual(f.shape, [4, n, 1]);
    assert.deepEqual(readNpy(join(dir, 'p.fTest.npy')).shape, [4, 3, 1]);
    for (let t = 0; t < 4; t++) {
      for (let i = 0; i < n; i++) {
        let m = 0;
        for (let k = 0; k < n; k++) m += (V.data[i * n + k] as number) * (C.data[t * n + k] as number);
        assert.ok(Math.abs(m - ((f.data[t * n + i] as number) - y.data[i])) < 1e-9, `t=${t} i=${i}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Run `ntk predict` with these arguments in a fresh folder holding k.npy (RBF kernel), kt.npy and y.npy. */
function runPredictCli(
  y: Matrix,
  args: (dir: string) => string[],
): { status: number | null; stderr: string; dir: string; K: Matrix; Kt: Matrix } {
  const dir = mkdtempSync(join(tmpdir(), 'ntk-predict-cli-'));
  const n = y.rows;
  const X = new Matrix(n + 2, 2, normal(PRNGKey(11), (n + 2) * 2));
  const rbf = (i: number, j: number): number =>
    Math.exp(-0.5 * ((X.get(i, 0) - X.get(j, 0)) ** 2 + (X.get(i, 1) - X.get(j, 1)) ** 2));
  const K = new Matrix(n, n);
  const Kt = new Matrix(2, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) K.set(i, j, rbf(i, j));
  for (let i = 0; i < 2; i++) for (let j = 0; j < n; j++) Kt.set(i, j, rbf(n + i, j));
  writeMatrix(join(dir, 'k.npy'), K);
  writeMatrix(join(dir, 'kt.npy'), Kt);
  writeMatrix(join(dir, 'y.npy'), y);
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
  const r = spawnSync(process.execPath, [join(root, 'bin', 'ntk.js'), 'predict', ...args(dir)], {
    encoding: 'utf8',
    env: { ...process.env, NTK_QUIET: '1' },
  });
  return { status: r.status, stderr: r.stderr, dir, K, Kt };
}

const files = (dir: string) => [
  '--kernel-train',
  join(dir, 'k.npy'),
  '--kernel-test',
  join(dir, 'kt.npy'),
  '--y',
  join(dir, 'y.npy'),
];

test('ntk predict --momentum: outputs equal heavy ball run step by step in function space; maxLearningRate is 2(1 + μ)N/λ_max', () => {
  const n = 6;
  const y = new Matrix(n, 1, normal(PRNGKey(12), n));
  const mu = 0.8;
  const lr = 3;
  const r = runPredictCli(y, (dir) => [
    ...files(dir),
    '--lr',
    String(lr),
    '--momentum',
    String(mu),
    '--times',
    '0,1,7,40',
    '--out',
    join(dir, 'p.json'),
  ]);
  try {
    assert.equal(r.status, 0, r.stderr);
    const p = JSON.parse(readFileSync(join(r.dir, 'p.json'), 'utf8')) as {
      momentum: number;
      maxLearningRate: number;
    };
    assert.equal(p.momentum, mu);
    // heavy ball on the linearized net in function space: z ← μ·z + (1/N)·K·(f − y), f ← f − η·z;
    // test outputs f_t ← f_t − η·z_t with z_t ← μ·z_t + (1/N)·K_*X·(f − y)
    const f = new Float64Array(n);
    const ft = new Float64Array(2);
    const z = new Float64Array(n);
    const zt = new Float64Array(2);
    const want: { train: number[]; test: number[] }[] = [];
    for (let s = 0; s <= 40; s++) {
      if ([0, 1, 7, 40].includes(s)) want.push({ train: [...f], test: [...ft] });
      const m = f.map((v, i) => v - y.data[i]);
      for (let i = 0; i < n; i++) {
        let g = 0;
        for (let j = 0; j < n; j++) g += r.K.get(i, j) * m[j];
        z[i] = mu * z[i] + g / n;
      }
      for (let i = 0; i < 2; i++) {
        let g = 0;
        for (let j = 0; j < n; j++) g += r.Kt.get(i, j) * m[j];
        zt[i] = mu * zt[i] + g / n;
      }
      for (let i = 0; i < n; i++) f[i] -= lr * z[i];
      for (let i = 0; i < 2; i++) ft[i] -= lr * zt[i];
    }
    const got = readNpy(join(r.dir, 'p.fTrain.npy'));
    const gotT = readNpy(join(r.dir, 'p.fTest.npy'));
    want.forEach((w, t) => {
      w.train.forEach((v, i) =>
        assert.ok(Math.abs((got.data[t * n + i] as number) - v) <= 1e-10, `train t=${t} i=${i}`),
      );
      w.test.forEach((v, i) =>
        assert.ok(Math.abs((gotT.data[t * 2 + i] as number) - v) <= 1e-10, `test t=${t} i=${i}`),
      );
    });
    // λ_max by power iteration (an independent route from the eigendecomposition)
    let v = new Float64Array(n).fill(1);
    let lmax = 0;
    for (let it = 0; it < 2000; it++) {
      const w = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) w[i] += r.K.get(i, j) * v[j];
      lmax = Math.hypot(...w);
      v = w.map((x) => x / lmax);
    }
    const eta = (2 * (1 + mu) * n) / lmax;
    assert.ok(Math.abs(p.maxLearningRate - eta) <= 1e-9 * eta, `${p.maxLearningRate} vs ${eta}`);
  } finally {
    rmSync(r.dir, { recursive: true, force: true });
  }
});

test('ntk predict --loss cross-entropy: outputs equal a fine fixed-step RK4 of df/ds = −η·K·∂L/∂f (train and test)', () => {
  const n = 5;
  const O = 3;
  const y = new Matrix(n, O);
  for (let i = 0; i < n; i++) y.set(i, i % O, 1);
  const lr = 2;
  const r = runPredictCli(y, (dir) => [
    ...files(dir),
    '--loss',
    'cross-entropy',
    '--dynamics',
    'flow',
    '--lr',
    String(lr),
    '--times',
    '0,3,10',
    '--out',
    join(dir, 'p.json'),
  ]);
  try {
    assert.equal(r.status, 0, r.stderr);
    const p = JSON.parse(readFileSync(join(r.dir, 'p.json'), 'utf8')) as {
      loss: string;
      trainLoss: number[];
    };
    assert.equal(p.loss, 'cross-entropy');
    assert.ok(p.trainLoss[2] < p.trainLoss[1] && p.trainLoss[1] < p.trainLoss[0], 'the loss decreases');
    // state [f (N·O), f_test (2·O)]; ∂L/∂f_n = (softmax(f_n) − y_n)/N for one-hot y
    const grad = (f: Float64Array): Float64Array => {
      const g = new Float64Array(n * O);
      for (let i = 0; i < n; i++) {
        const mx = Math.max(...f.subarray(i * O, (i + 1) * O));
        let zs = 0;
        for (let o = 0; o < O; o++) zs += Math.exp(f[i * O + o] - mx);
        for (let o = 0; o < O; o++) g[i * O + o] = (Math.exp(f[i * O + o] - mx) / zs - y.get(i, o)) / n;
      }
      return g;
    };
    const rhs = (s: Float64Array): Float64Array => {
      const g = grad(s.subarray(0, n * O));
      const d = new Float64Array(s.length);
      for (let i = 0; i < n + 2; i++)
        for (let o = 0; o < O; o++) {
          let a = 0;
          for (let j = 0; j < n; j++) a += (i < n ? r.K.get(i, j) : r.Kt.get(i - n, j)) * g[j * O + o];
          d[i * O + o] = -lr * a;
        }
      return d;
    };
    let s = new Float64Array((n + 2) * O);
    const h = 1e-3;
    const want: Float64Array[] = [s.slice()];
    for (let k = 1; k <= 10000; k++) {
      const k1 = rhs(s);
      const k2 = rhs(s.map((v, i) => v + (h / 2) * k1[i]));
      const k3 = rhs(s.map((v, i) => v + (h / 2) * k2[i]));
      const k4 = rhs(s.map((v, i) => v + h * k3[i]));
      s = s.map((v, i) => v + (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
      if (k === 3000 || k === 10000) want.push(s.slice());
    }
    const got = readNpy(join(r.dir, 'p.fTrain.npy'));
    const gotT = readNpy(join(r.dir, 'p.fTest.npy'));
    want.forEach((w, t) => {
      for (let e = 0; e < n * O; e++)
        assert.ok(Math.abs((got.data[t * n * O + e] as number) - w[e]) <= 1e-7, `train t=${t} e=${e}`);
      for (let e = 0; e < 2 * O; e++)
        assert.ok(
          Math.abs((gotT.data[t * 2 * O + e] as number) - w[n * O + e]) <= 1e-7,
          `test t=${t} e=${e}`,
        );
    });
  } finally {
    rmSync(r.dir, { recursive: true, force: true });
  }
});

test('ntk predict: --momentum and --loss errors name the flag and what was given', () => {
  const y = new Matrix(4, 2, normal(PRNGKey(13), 8));
  const cases: [string[], RegExp][] = [
    [['--momentum', '1', '--times', '0,1'], /--momentum must be a number in \[0, 1\).*got '1'/],
    [['--loss', 'hinge', '--times', '0,1'], /--loss/],
    [['--loss', 'cross-entropy', '--times', '0,1'], /--loss cross-entropy needs --dynamics flow/],
    [['--loss', 'cross-entropy', '--dynamics', 'flow', '--times', '0,inf'], /--times must be finite/],
  ];
  for (const [extra, re] of cases) {
    const r = runPredictCli(y, (dir) => [...files(dir), '--lr', '1', ...extra, '--out', join(dir, 'p.json')]);
    try {
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, re);
    } finally {
      rmSync(r.dir, { recursive: true, force: true });
    }
  }
});
