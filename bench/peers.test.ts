import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { peersDir, python, pythonMissing, repoRoot, runPeer } from './peers.js';
import { parseNumpy } from './cases/linalg.js';
import { Matrix } from '../src/linalg/matrix.js';
import { Dense, Erf, Relu, serial } from '../src/nn/index.js';
import { kernelFn } from '../src/kernels/kernelFn.js';

/** The peer scripts the bench cases call, all in the repository's bench/peers. */
const SCRIPTS = [
  'analytic_ntk.py',
  'ntk_numpy.py',
  'linalg_numpy.py',
  'empirical_ntk_functorch.py',
  'train_mlp_torch.py',
  'mlp_torch.py',
];

function withoutPeersEnv<T>(f: () => T): T {
  const saved = process.env.NTK_PEERS;
  delete process.env.NTK_PEERS;
  try {
    return f();
  } finally {
    if (saved !== undefined) process.env.NTK_PEERS = saved;
  }
}

test('the peers are the repository’s own: bench/peers by default, every script the cases call is there', () => {
  const dir = withoutPeersEnv(peersDir);
  assert.equal(dir, join(repoRoot(), 'bench', 'peers'));
  for (const s of SCRIPTS) assert.ok(existsSync(join(dir, s)), `${s} missing from ${dir}`);
  assert.ok(existsSync(join(dir, 'README.md')));
});

test('ntk_numpy.py (an independent NumPy recursion) agrees with kernelFn to 1e-13 on ReLU and Erf nets', (t) => {
  const why = pythonMissing(['numpy']);
  if (why !== null) {
    t.skip(why);
    return;
  }
  const rows = [
    [0.3, -1.2, 2.0],
    [1.5, 0.4, -0.7],
    [-0.9, -0.1, 0.8],
    [0.0, 2.2, 0.5],
  ];
  const nets: [string, Parameters<typeof serial>][] = [
    [
      "[('dense', 1.4, 0.1), ('relu',), ('dense', 1.4, 0.1), ('relu',), ('dense', 1.4, 0.1)]",
      [
        Dense({ width: 8, W_std: 1.4, b_std: 0.1 }),
        Relu(),
        Dense({ width: 8, W_std: 1.4, b_std: 0.1 }),
        Relu(),
        Dense({ width: 1, W_std: 1.4, b_std: 0.1 }),
      ],
    ],
    [
      "[('dense', 0.9, 0.2), ('erf', 0.7, 1.3, 0.4), ('dense', 1.1, 0.3)]",
      [
        Dense({ width: 8, W_std: 0.9, b_std: 0.2 }),
        Erf({ a: 0.7, b: 1.3, c: 0.4 }),
        Dense({ width: 1, W_std: 1.1, b_std: 0.3 }),
      ],
    ],
  ];
  const x = Matrix.fromRows(rows);
  for (const [pyNet, layers] of nets) {
    const code =
      `import sys, json, numpy as np; sys.path.insert(0, ${JSON.stringify(withoutPeersEnv(peersDir))}); ` +
      `from ntk_numpy import kernel; ` +
      `X = np.array(${JSON.stringify(rows)}); S, T = kernel(X, X, ${pyNet}); ` +
      `print(json.dumps([S.tolist(), T.tolist()]))`;
    const r = spawnSync(python(), ['-c', code], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const [nngp, ntk] = JSON.parse(r.stdout) as number[][][];
    const ours = kernelFn(serial(...layers), x);
    for (const [name, theirs, mine] of [
      ['nngp', nngp, ours.nngp!],
      ['ntk', ntk, ours.ntk!],
    ] as const) {
      for (let i = 0; i < rows.length; i++)
        for (let j = 0; j < rows.length; j++) {
          const err = Math.abs(mine.get(i, j) - theirs[i][j]) / Math.max(1, Math.abs(theirs[i][j]));
          assert.ok(err <= 1e-13, `${pyNet} ${name}[${i},${j}]: ${mine.get(i, j)} vs ${theirs[i][j]}`);
        }
    }
  }
});

test('the NumPy timing peers print what the cases parse', (t) => {
  const why = pythonMissing(['numpy']);
  if (why !== null) {
    t.skip(why);
    return;
  }
  const analytic = withoutPeersEnv(() => runPeer('analytic_ntk.py', ['40', '2', '5']));
  assert.ok(analytic.ok, analytic.ok ? '' : analytic.reason);
  assert.match(analytic.stdout, /^numpy analytic NTK N=40 depth=2: [0-9.]+s {2}\([0-9.]+ M entries\/s\)$/m);
  const linalg = withoutPeersEnv(() => runPeer('linalg_numpy.py', ['64']));
  assert.ok(linalg.ok, linalg.ok ? '' : linalg.reason);
  const p = parseNumpy(linalg.stdout);
  for (const [k, v] of Object.entries(p)) assert.ok(v !== null && v >= 0, `${k} in ${linalg.stdout}`);
});
