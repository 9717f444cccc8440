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
